/**
 * Main-thread client of the import worker (workers/import.worker.ts). Owns its lifecycle: starts it
 * on first use, proxies progress callbacks, cancels, and starts a fresh one after it died or was
 * terminated. The page only receives throttled progress messages; parsing and writes stay in the
 * worker.
 *
 * Usage:
 *   const imports = new ImportService();
 *   const info = await imports.importCorpus({ name: 'Blogs', sources: [...input.files] }, (p) => show(p), signal);
 *
 * Errors arrive as AppError with the worker's stable name (AbortError, QuotaError, InputError,
 * FormatError, StorageError), rebuilt here because comlink delivers a plain Error.
 *
 * A worker that crashes mid-import (not a cancel or terminate()) is handled by the shared restart
 * policy (src/services/worker-client.ts): the partial corpus it left is rolled back, the user is
 * told through a progress message (stage 'restart'), and the import runs again from its start on a
 * fresh worker with the same files, at most `restarts` times.
 */
import { proxy } from 'comlink';
import type { CorpusFormat, CorpusSource } from '../contracts/corpus';
import type { CorpusInfo, ImportRequest, SourcePreview } from '../contracts/corpus-store';
import type { ProgressCallback } from '../contracts/progress';
import { AppError } from '../core/errors';
import type { ImportApi } from '../storage/import-job';
import { WorkerClient, type RestartPolicy } from './worker-client';

export interface ImportServiceOptions {
  /** Database the worker writes (default: the app's); tests and benches use their own. */
  dbName?: string;
  /** Creates the worker (default: the bundled module worker). */
  createWorker?: () => Worker;
  /** Restarts after a worker crash mid-import; default DEFAULT_RESTARTS. */
  restarts?: number;
}

export class ImportService {
  /**
   * The worker; its setup (`useDatabase`) is awaited by every call, so calls reach the worker in
   * the order they were made.
   */
  private readonly client: WorkerClient<ImportApi>;
  private readonly dbName: string | undefined;
  private readonly restarts: number | undefined;

  constructor(options: ImportServiceOptions = {}) {
    const dbName = options.dbName;
    this.dbName = dbName;
    this.restarts = options.restarts;
    this.client = new WorkerClient<ImportApi>({
      create: () =>
        options.createWorker?.() ?? new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module', name: 'import' }),
      setup: dbName === undefined ? undefined : (api) => api.useDatabase(dbName),
      crashError: (detail) =>
        new AppError(
          'StorageError',
          `The import worker stopped unexpectedly${detail}. Nothing was imported; try again, and reload the page if it repeats.`,
        ),
      failureError: (message) => new AppError('StorageError', `The import failed: ${message}. Try again; reload the page if it repeats.`),
    });
  }

  /**
   * Imports `req.sources` (File objects from an <input type=file> or a drop) into a new corpus;
   * resolves with it once stored completely. On cancel (`cancel()` or `signal`) rejects with
   * AbortError and on any failure with its AppError; either way nothing was stored. A second
   * import while one runs is refused by the worker (InputError).
   */
  async importCorpus(req: ImportRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<CorpusInfo> {
    checkSources(req.sources);
    if (signal?.aborted) throw new AppError('AbortError', 'Import cancelled; nothing was imported.');
    await this.client.started();
    if (signal?.aborted) throw new AppError('AbortError', 'Import cancelled; nothing was imported.');
    const onAbort = (): void => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Plain copy: Files clone to the worker; the progress callback goes as a comlink proxy.
      const plain: ImportRequest = { name: req.name, sources: req.sources, format: req.format, mapping: req.mapping };
      const t0 = performance.now();
      const policy: RestartPolicy = {
        signal,
        onCrash: async ({ attempt, retries, restarting }) => {
          // The dead worker's corpus lock is gone, so its partial corpus can go now, not at the next start.
          const removed = await this.rollBackInterrupted();
          if (!restarting) return;
          if (signal?.aborted) throw new AppError('AbortError', 'Import cancelled; nothing was imported.');
          onProgress?.({
            stage: 'restart',
            done: 0,
            text: `The import worker stopped unexpectedly; ${removed > 0 ? 'the partial corpus was removed and ' : ''}the import starts again (attempt ${attempt + 1} of ${retries + 1}).`,
            elapsedMs: performance.now() - t0,
          });
        },
      };
      if (this.restarts !== undefined) policy.retries = this.restarts;
      return await this.client.callRestarting((api) => api.importCorpus(plain, proxy(onProgress ?? (() => {}))), policy);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Removes corpora a dead worker left 'importing' (cleanupInterrupted: those whose writer's Web
   * Lock is gone, so never another tab's running import). Returns how many were removed.
   */
  private async rollBackInterrupted(): Promise<number> {
    // Loaded lazily: idb stays out of the first chunk until a crash needs it.
    const [{ openAppDb }, { cleanupInterrupted }] = await Promise.all([import('../storage/db'), import('../storage/corpus-store')]);
    const db = await openAppDb(this.dbName);
    try {
      return (await cleanupInterrupted(db)).length;
    } finally {
      db.close();
    }
  }

  /** Cooperative cancel of the running import (no-op when none runs). */
  cancel(): void {
    void this.client.current?.api.cancel().catch(() => {});
  }

  /** First rows and a suggested column mapping of a generic CSV/TSV/JSONL file. */
  async preview(source: CorpusSource, format?: CorpusFormat): Promise<SourcePreview> {
    checkSources([source]);
    const w = await this.client.started();
    return this.client.call((api) => api.preview(source, format), w);
  }

  /**
   * Stops the worker at once. A running import rejects with AbortError; its partial rows stay
   * invisible ('importing') until cleanupInterrupted() runs at the next start. Prefer cancel().
   */
  terminate(): void {
    this.client.terminate(new AppError('AbortError', 'Import stopped; nothing was imported.'));
  }
}

function checkSources(sources: readonly CorpusSource[]): void {
  for (const s of sources) {
    // Only Blobs (Files) can be cloned to the worker; an object with a stream() method cannot.
    if (!(s instanceof Blob)) {
      throw new AppError('InputError', `"${s.name}" is not a file from this page: choose the file or drop it onto the page.`);
    }
  }
}
