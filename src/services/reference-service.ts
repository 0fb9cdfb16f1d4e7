/**
 * Main-thread client of the reference worker (workers/reference.worker.ts). Owns its lifecycle:
 * starts it on first use, proxies progress callbacks, cancels, and starts a fresh one after it died
 * or was terminated. Also fetches the built-in reference JSON (the page knows the app's base URL;
 * the worker does not need to).
 *
 * Usage:
 *   const refs = new ReferenceService();
 *   const info = await refs.importFfm({ file, filters: { countries: ['JP', 'KR'] } }, (p) => show(p), signal);
 *
 * Errors arrive as AppError with the worker's stable name (AbortError, QuotaError, InputError,
 * FormatError, StorageError), rebuilt here because comlink delivers a plain Error. Every failure
 * and every cancel leaves the store as it was.
 *
 * A worker that crashes mid-import (not a cancel or terminate()) is restarted by the shared policy
 * (src/services/worker-client.ts) and the import runs again from its start with the same file;
 * nothing to roll back (a reference is written in one transaction at the end). A progress message
 * (stage 'restart') tells the user.
 */
import { proxy, type Remote } from 'comlink';
import type { ProgressCallback } from '../contracts/progress';
import type { BuiltinSampleRequest, CsvImportRequest, FfmImportRequest, ReferenceInfo } from '../contracts/reference-store';
import { BUILTIN_REFERENCE_PATH, validateBuiltinReference, type BuiltinReference } from '../core/reference/builtin';
import { AppError } from '../core/errors';
import type { ReferenceImportApi } from '../storage/reference-import';
import { WorkerClient } from './worker-client';

export interface ReferenceServiceOptions {
  /** Database the worker writes (default: the app's); tests use their own. */
  dbName?: string;
  /** Creates the worker (default: the bundled module worker). */
  createWorker?: () => Worker;
  /** URL of builtin-reference.json (default: under the app's base URL). */
  builtinUrl?: string;
  /** Restarts after a worker crash mid-import; default DEFAULT_RESTARTS. */
  restarts?: number;
}

/** What the UI needs from the reference importer (the element receives it through context). */
export interface ReferenceImporterApi {
  importFfm(req: FfmImportRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<ReferenceInfo>;
  importCsv(req: CsvImportRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<ReferenceInfo>;
  createBuiltinSample(req: BuiltinSampleRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<ReferenceInfo>;
  /** The built-in reference (entries, citations, "how to use real data" text), validated. */
  builtinReference(): Promise<BuiltinReference>;
  cancel(): void;
}

export class ReferenceService implements ReferenceImporterApi {
  /** The worker; its setup (`useDatabase`) is awaited by every call. */
  private readonly client: WorkerClient<ReferenceImportApi>;
  private builtin: Promise<BuiltinReference> | undefined;

  constructor(private readonly options: ReferenceServiceOptions = {}) {
    const dbName = options.dbName;
    this.client = new WorkerClient<ReferenceImportApi>({
      create: () =>
        options.createWorker?.() ??
        new Worker(new URL('../../workers/reference.worker.ts', import.meta.url), { type: 'module', name: 'reference' }),
      setup: dbName === undefined ? undefined : (api) => api.useDatabase(dbName),
      crashError: (detail) =>
        new AppError('StorageError', `The reference worker stopped unexpectedly${detail}. Nothing was stored; try again, and reload the page if it repeats.`),
      failureError: (message) => new AppError('StorageError', `The reference import failed: ${message}. Try again; reload the page if it repeats.`),
    });
  }

  importFfm(req: FfmImportRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<ReferenceInfo> {
    checkFile(req.file);
    // Plain copy: the File clones to the worker (its bytes stay on disk), the callback goes as a proxy.
    const plain: FfmImportRequest = { file: req.file };
    if (req.name !== undefined) plain.name = req.name;
    if (req.filters !== undefined) plain.filters = JSON.parse(JSON.stringify(req.filters)) as FfmImportRequest['filters'];
    if (req.hash !== undefined) plain.hash = req.hash;
    return this.call(signal, (api, cb) => api.importFfm(plain, cb), onProgress);
  }

  importCsv(req: CsvImportRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<ReferenceInfo> {
    checkFile(req.file);
    const plain: CsvImportRequest = { file: req.file };
    if (req.name !== undefined) plain.name = req.name;
    if (req.missing !== undefined) plain.missing = req.missing;
    return this.call(signal, (api, cb) => api.importCsv(plain, cb), onProgress);
  }

  async createBuiltinSample(req: BuiltinSampleRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<ReferenceInfo> {
    const json = await this.builtinReference();
    const plain: BuiltinSampleRequest = { builtinId: req.builtinId, n: req.n, seed: req.seed };
    if (req.name !== undefined) plain.name = req.name;
    return this.call(signal, (api, cb) => api.createBuiltinSample(plain, json, cb), onProgress);
  }

  builtinReference(): Promise<BuiltinReference> {
    this.builtin ??= (async () => {
      const url = this.options.builtinUrl ?? `${import.meta.env.BASE_URL}${BUILTIN_REFERENCE_PATH}`;
      let res: Response;
      try {
        res = await fetch(url);
      } catch (e) {
        throw new AppError('FormatError', `Could not load the built-in reference (${url}): ${e instanceof Error ? e.message : String(e)}. Reload the page.`);
      }
      if (!res.ok) throw new AppError('FormatError', `Could not load the built-in reference (${url}): HTTP ${res.status}. Reload the page.`);
      return validateBuiltinReference(await res.json(), url);
    })();
    this.builtin.catch(() => {
      this.builtin = undefined;
    });
    return this.builtin;
  }

  /** Cooperative cancel of the running job (no-op when none runs); the store stays unchanged. */
  cancel(): void {
    void this.client.current?.api.cancel().catch(() => {});
  }

  /** Stops the worker at once; a running job rejects with AbortError (its single write never happened). */
  terminate(): void {
    this.client.terminate(new AppError('AbortError', 'Import stopped; nothing was stored.'));
  }

  private async call(
    signal: AbortSignal | undefined,
    run: (api: Remote<ReferenceImportApi>, cb: ProgressCallback) => Promise<ReferenceInfo>,
    onProgress?: ProgressCallback,
  ): Promise<ReferenceInfo> {
    if (signal?.aborted) throw new AppError('AbortError', 'Import cancelled; nothing was stored.');
    await this.client.started();
    const onAbort = (): void => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const t0 = performance.now();
    try {
      return await this.client.callRestarting((api) => run(api, proxy(onProgress ?? (() => {}))), {
        signal,
        ...(this.options.restarts !== undefined ? { retries: this.options.restarts } : {}),
        onCrash: ({ attempt, retries, restarting }) => {
          if (restarting) onProgress?.({ stage: 'restart', done: 0, text: `The reference worker stopped unexpectedly; the import starts again (attempt ${attempt + 1} of ${retries + 1}). Nothing was stored by the stopped one.`, elapsedMs: performance.now() - t0 });
        },
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function checkFile(file: File): void {
  if (!(file instanceof Blob)) throw new AppError('InputError', 'Not a file from this page: choose the file or drop it onto the page.');
}

/**
 * The real pair the reference views need: reads through ReferenceStore and writes through the
 * worker. Both point at `dbName` when given (tests use a fresh database).
 */
export async function createReferenceServices(options: { dbName?: string } = {}): Promise<{ store: import('../storage/reference-store').ReferenceStore; importer: ReferenceService }> {
  // Loaded lazily so idb stays out of the first chunk, as default-services does for corpora.
  const { ReferenceStore } = await import('../storage/reference-store');
  return {
    store: new ReferenceStore(options.dbName),
    importer: new ReferenceService(options.dbName === undefined ? {} : { dbName: options.dbName }),
  };
}
