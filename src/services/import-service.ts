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
 */
import { proxy, wrap, type Remote } from 'comlink';
import type { CorpusFormat, CorpusSource } from '../contracts/corpus';
import type { CorpusInfo, ImportRequest, SourcePreview } from '../contracts/corpus-store';
import type { ProgressCallback } from '../contracts/progress';
import { AppError, isAppError } from '../core/errors';
import type { ImportApi } from '../storage/import-job';

export interface ImportServiceOptions {
  /** Database the worker writes (default: the app's); tests and benches use their own. */
  dbName?: string;
  /** Creates the worker (default: the bundled module worker). */
  createWorker?: () => Worker;
}

interface Running {
  worker: Worker;
  api: Remote<ImportApi>;
  /**
   * Settles once the worker uses the right database. Every call awaits this same promise, so calls
   * reach the worker in the order they were made.
   */
  ready: Promise<void>;
  /** Rejects when the worker reports an error it could not handle or is terminated. */
  died: Promise<never>;
  kill: (reason: AppError) => void;
}

export class ImportService {
  private current: Running | undefined;
  private readonly options: ImportServiceOptions;

  constructor(options: ImportServiceOptions = {}) {
    this.options = options;
  }

  /**
   * Imports `req.sources` (File objects from an <input type=file> or a drop) into a new corpus;
   * resolves with it once stored completely. On cancel (`cancel()` or `signal`) rejects with
   * AbortError and on any failure with its AppError; either way nothing was stored.
   */
  async importCorpus(req: ImportRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<CorpusInfo> {
    checkSources(req.sources);
    if (signal?.aborted) throw new AppError('AbortError', 'Import cancelled; nothing was imported.');
    const w = await this.worker();
    if (signal?.aborted) throw new AppError('AbortError', 'Import cancelled; nothing was imported.');
    const onAbort = (): void => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Plain copy: Files clone to the worker; the progress callback goes as a comlink proxy.
      const plain: ImportRequest = { name: req.name, sources: req.sources, format: req.format, mapping: req.mapping };
      return await Promise.race([w.api.importCorpus(plain, proxy(onProgress ?? (() => {}))), w.died]);
    } catch (e) {
      throw asAppError(e);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Cooperative cancel of the running import (no-op when none runs). */
  cancel(): void {
    void this.current?.api.cancel().catch(() => {});
  }

  /** First rows and a suggested column mapping of a generic CSV/TSV/JSONL file. */
  async preview(source: CorpusSource, format?: CorpusFormat): Promise<SourcePreview> {
    checkSources([source]);
    const w = await this.worker();
    try {
      return await Promise.race([w.api.preview(source, format), w.died]);
    } catch (e) {
      throw asAppError(e);
    }
  }

  /**
   * Stops the worker at once. A running import rejects with AbortError; its partial rows stay
   * invisible ('importing') until cleanupInterrupted() runs at the next start. Prefer cancel().
   */
  terminate(): void {
    this.current?.kill(new AppError('AbortError', 'Import stopped; nothing was imported.'));
  }

  private async worker(): Promise<Running> {
    if (this.current) {
      const current = this.current;
      await current.ready;
      return current;
    }
    const worker = this.options.createWorker?.() ?? new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module', name: 'import' });
    let kill!: (reason: AppError) => void;
    const died = new Promise<never>((_, reject) => {
      kill = (reason) => {
        if (this.current?.worker === worker) this.current = undefined;
        worker.terminate();
        reject(reason);
      };
    });
    died.catch(() => {}); // observed through Promise.race by whoever is waiting
    const onError = (ev: ErrorEvent | MessageEvent): void => {
      const detail = ev instanceof ErrorEvent && ev.message ? ` (${ev.message})` : '';
      kill(
        new AppError(
          'StorageError',
          `The import worker stopped unexpectedly${detail}. Nothing was imported; try again, and reload the page if it repeats.`,
        ),
      );
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
    const api = wrap<ImportApi>(worker);
    const dbName = this.options.dbName;
    const ready = dbName === undefined ? Promise.resolve() : Promise.race([api.useDatabase(dbName), died]);
    ready.catch(() => {}); // reported to each caller below
    const running: Running = { worker, api, ready, died, kill };
    this.current = running;
    await ready;
    return running;
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

/** Rebuilds the worker's error as an AppError by its stable name (comlink keeps name and message). */
function asAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (isAppError(e)) {
    const out = new AppError(e.name as AppError['name'], e.message);
    if (e.stack) out.stack = e.stack;
    return out;
  }
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('StorageError', `The import failed: ${message}. Try again; reload the page if it repeats.`);
}
