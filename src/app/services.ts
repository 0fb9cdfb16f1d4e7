import { createContext } from '@lit/context';
import type {
  AuthorFilter,
  AuthorSortKey,
  AuthorSummary,
  CorpusInfo,
  ImportRequest,
  SourcePreview,
  StoredPost,
} from '../contracts/corpus-store';
import type { PersonaStatus } from '../core/stages/types';
import type { CorpusFormat, CorpusSource } from '../contracts/corpus';
import type { ProgressCallback } from '../contracts/progress';
import type { Capabilities } from '../components/capability-panel/probe';
import type { ReferenceServices } from '../components/reference-manager/context';

/**
 * The services the UI talks to, as interfaces: components receive them through @lit/context and
 * never import storage or workers themselves, so the shell decides what to build (and when: the
 * real implementations are loaded lazily by ./default-services.ts).
 */

/** Reads and deletes stored corpora (src/storage/corpus-store.ts). */
export interface CorpusStoreApi {
  listCorpora(): Promise<CorpusInfo[]>;
  getCorpus(id: string): Promise<CorpusInfo | undefined>;
  listAuthors(
    corpusId: string,
    opts?: { sort?: AuthorSortKey; desc?: boolean; filter?: AuthorFilter },
  ): Promise<AuthorSummary[]>;
  countMatching(corpusId: string, filter?: AuthorFilter): Promise<number>;
  getPosts(corpusId: string, authorKey: string): Promise<StoredPost[]>;
  deleteCorpus(id: string): Promise<void>;
  /** Removes corpora an interrupted import left behind; returns their ids. */
  cleanupInterrupted(): Promise<string[]>;
  /** Persona counts of a corpus by status, for the stage list (absent in stores without personas). */
  countPersonas?(corpusId: string): Promise<Record<PersonaStatus, number>>;
}

/** Runs imports in a worker (src/services/import-service.ts). */
export interface ImportServiceApi {
  /** Rejects with an AppError named AbortError after cancel(); nothing is stored then. */
  importCorpus(req: ImportRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<CorpusInfo>;
  cancel(): void;
  preview(source: CorpusSource, format?: CorpusFormat): Promise<SourcePreview>;
}

export interface StorageEstimateInfo {
  usage?: number;
  quota?: number;
}

/** Browser storage quota and persistence (src/storage/quota.ts). */
export interface QuotaApi {
  estimate(): Promise<StorageEstimateInfo>;
  /** Null where the browser cannot tell. */
  persisted(): Promise<boolean | null>;
  /** Asks the browser to keep our data under storage pressure; resolves to the outcome (null: unsupported). */
  persist(): Promise<boolean | null>;
}

export const storeContext = createContext<CorpusStoreApi | undefined>(Symbol('corpus-store'));
export const importServiceContext = createContext<ImportServiceApi | undefined>(Symbol('import-service'));
export const quotaContext = createContext<QuotaApi | undefined>(Symbol('quota'));

export interface AppServices {
  store: CorpusStoreApi;
  importer: ImportServiceApi;
  quota: QuotaApi;
  /** Human reference data sets (src/components/reference-manager/context.ts); absent when unavailable. */
  references?: ReferenceServices;
}

/** What the shell probed of this device (WebGPU adapter, workers, IndexedDB); undefined until known. */
export const capabilitiesContext = createContext<Capabilities | undefined>(Symbol('capabilities'));
