import type { ColumnMapping, CorpusFormat, CorpusSource, SkippedItem } from './corpus';
import type { ProgressCallback } from './progress';

/**
 * What the UI sees of stored corpora. Implemented by src/storage/corpus-store.ts (reads, delete)
 * and the import worker (workers/import.worker.ts, reached through src/services/import-service.ts).
 */

export interface CorpusInfo {
  id: string;
  name: string;
  createdAt: number;
  /**
   * Only 'ready' corpora are listed. 'importing' (being written) and 'deleting' (being removed in
   * chunks) are invisible; a crash can leave either behind and start-up (cleanupInterrupted) removes it.
   */
  status: 'importing' | 'ready' | 'deleting';
  files: { name: string; size: number }[];
  formats: CorpusFormat[];
  authors: number;
  posts: number;
  words: number;
  dateMin: string | null;
  dateMax: string | null;
  /** Metadata keys present on authors (e.g. gender, age, industry, sign), for filters and columns. */
  metaKeys: string[];
  skippedCount: number;
  /** The first skipped items (capped), each with file, line and reason. */
  skipped: SkippedItem[];
}

export interface AuthorSummary {
  corpusId: string;
  key: string;
  meta: Record<string, string>;
  posts: number;
  words: number;
  dateMin: string | null;
  dateMax: string | null;
}

export interface StoredPost {
  corpusId: string;
  author: string;
  /** Order within the author's posts as imported. */
  seq: number;
  date: string | null;
  text: string;
  file: string;
  line: number;
}

/** Which authors are eligible for persona mining. Empty filter = all. */
export interface AuthorFilter {
  minPosts?: number;
  minWords?: number;
  /** ISO dates; an author qualifies when their posts overlap [dateFrom, dateTo]. */
  dateFrom?: string;
  dateTo?: string;
  /** Metadata key → accepted values (any of). */
  meta?: Record<string, string[]>;
}

export type AuthorSortKey = 'key' | 'posts' | 'words' | 'dateMin' | 'dateMax' | `meta:${string}`;

export interface ImportRequest {
  /** Display name for the new corpus. */
  name: string;
  sources: CorpusSource[];
  format?: CorpusFormat;
  mapping?: ColumnMapping;
}

/** The first rows of a generic file, for the column-mapping dialog. */
export interface SourcePreview {
  format: CorpusFormat;
  columns: string[];
  rows: Record<string, string>[];
  /** Best guess at a mapping from column names, for the dialog's defaults. */
  suggested?: ColumnMapping;
}

/** The import worker's API (comlink). */
export interface ImportWorkerApi {
  /** Streams sources into a new corpus; all-or-nothing. Rejects with AbortError on cancel. */
  importCorpus(req: ImportRequest, onProgress: ProgressCallback): Promise<CorpusInfo>;
  /** Cooperative cancel of the running import; the store ends exactly as before it started. */
  cancel(): void;
  preview(source: CorpusSource, format?: CorpusFormat): Promise<SourcePreview>;
}
