/**
 * Main-thread client of the persona import worker (workers/persona-import.worker.ts), on the
 * shared WorkerClient: starts it on first use, proxies progress, cancels, and starts a fresh one
 * after it died or was terminated.
 *
 *   const imports = new PersonaImportService();
 *   const preview = await imports.preview(file);                 // fields, rows, suggested mapping
 *   const set = await imports.importPersonaSet({ name, file, mapping: preview.suggested.mapping }, show, signal);
 *
 * Errors arrive as AppError with the worker's stable name (AbortError, QuotaError, InputError,
 * FormatError, StorageError).
 */
import { proxy } from 'comlink';
import type { PersonaSetInfo } from '../contracts/persona-set';
import type { ProgressCallback } from '../contracts/progress';
import { AppError } from '../core/errors';
import type { PersonaFileFormat, PersonaFilePreview } from '../core/persona-import/types';
import type { PersonaImportApi, PersonaImportRequest } from '../storage/persona-set-import';
import { WorkerClient } from './worker-client';

export interface PersonaImportServiceOptions {
  /** Database the worker writes (default: the app's); tests use their own. */
  dbName?: string;
  createWorker?: () => Worker;
}

export class PersonaImportService {
  private readonly client: WorkerClient<PersonaImportApi>;

  constructor(options: PersonaImportServiceOptions = {}) {
    const dbName = options.dbName;
    this.client = new WorkerClient<PersonaImportApi>({
      create: () =>
        options.createWorker?.() ??
        new Worker(new URL('../../workers/persona-import.worker.ts', import.meta.url), { type: 'module', name: 'persona-import' }),
      setup: dbName === undefined ? undefined : (api) => api.useDatabase(dbName),
      crashError: (detail) =>
        new AppError('StorageError', `The persona import worker stopped unexpectedly${detail}. Nothing was imported; try again, and reload the page if it repeats.`),
      failureError: (message) => new AppError('StorageError', `The persona import failed: ${message}. Try again; reload the page if it repeats.`),
    });
  }

  /**
   * Imports `req.file` into a new persona set; resolves once it is stored completely. On cancel
   * (`cancel()` or `signal`) rejects with AbortError and on any failure with its AppError; either
   * way nothing was stored.
   */
  async importPersonaSet(req: PersonaImportRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<PersonaSetInfo> {
    checkFile(req.file);
    const aborted = (): AppError => new AppError('AbortError', 'Import cancelled; nothing was imported.');
    if (signal?.aborted) throw aborted();
    const w = await this.client.started();
    if (signal?.aborted) throw aborted();
    const onAbort = (): void => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Plain copy: the File clones to the worker; the mapping is plain JSON.
      const plain: PersonaImportRequest = { name: req.name, file: req.file, mapping: JSON.parse(JSON.stringify(req.mapping)) as PersonaImportRequest['mapping'], ...(req.format ? { format: req.format } : {}) };
      return await this.client.call((api) => api.importPersonaSet(plain, proxy(onProgress ?? (() => {}))), w);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** First rows, fields and the suggested preset and mapping of a persona file. */
  async preview(file: Blob & { name: string }, format?: PersonaFileFormat): Promise<PersonaFilePreview> {
    checkFile(file);
    const w = await this.client.started();
    return this.client.call((api) => api.preview(file, format), w);
  }

  /** Cooperative cancel of the running import (no-op when none runs). */
  cancel(): void {
    void this.client.current?.api.cancel().catch(() => {});
  }

  /**
   * Stops the worker at once. A running import rejects with AbortError; its partial rows stay
   * invisible ('importing') until cleanupInterruptedSets() runs. Prefer cancel().
   */
  terminate(): void {
    this.client.terminate(new AppError('AbortError', 'Import stopped; nothing was imported.'));
  }
}

function checkFile(file: unknown): void {
  if (!(file instanceof Blob)) throw new AppError('InputError', 'Not a file from this page: choose the persona file or drop it onto the page.');
}
