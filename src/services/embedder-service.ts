/**
 * Main-thread client of the embedding worker (workers/embed.worker.ts): the EmbedderService the
 * app uses, for "lexical (no model)" and transformers.js models alike, plus the model cache.
 * Owns the worker through WorkerClient: starts it on first use, forwards progress, cancels a
 * download (cooperatively, then by stopping the worker if transformers.js does not let go in
 * time: it has no abort for downloads), and starts a fresh worker after a crash.
 *
 *   const embedder = new EmbedderWorkerService();
 *   await embedder.load('lexical');  await embedder.fit(texts);  const e = await embedder.embed(texts);
 *   await embedder.load('Xenova/multilingual-e5-small', (p) => show(p));   // p.unit 'bytes'
 *   const q = await embedder.embed(['adults in East Asia'], { role: 'query' });
 *
 * Errors arrive as AppError by their stable name (ModelError, GpuError, AbortError, InputError, NumericError).
 */
import { proxy, type Remote } from 'comlink';
import type { EmbedderInfo, EmbedderService, Embeddings, EmbedOptions } from '../contracts/embedder';
import type { ProgressCallback } from '../contracts/progress';
import { AppError } from '../core/errors';
import type { CachedEmbedModel } from '../embed-models/cache';
import type { EmbedWorkerApi, EmbedWorkerConfig } from '../embed-models/engine';
import type { FolderFile } from '../embed-models/folder';
import type { EmbedDtype } from '../embed-models/registry';
import { ModelWorkerLoads } from './model-worker-loads';
import { WorkerClient } from './worker-client';

export interface EmbedderServiceOptions {
  createWorker?: () => Worker;
  /** Sent to every worker this service starts. */
  config?: EmbedWorkerConfig;
  /** How long a cancelled download may take to stop before the worker is terminated (ms). */
  abortGraceMs?: number;
}

export class EmbedderWorkerService implements EmbedderService {
  private readonly client: WorkerClient<EmbedWorkerApi>;
  private readonly loads: ModelWorkerLoads<EmbedWorkerApi>;

  constructor(options: EmbedderServiceOptions = {}) {
    this.client = new WorkerClient<EmbedWorkerApi>({
      create: () => options.createWorker?.() ?? new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module', name: 'embed' }),
      setup: (api) => api.configure(options.config ?? {}),
      crashError: (detail) =>
        new AppError('GpuError', `The embedding worker stopped unexpectedly${detail}. Load the embedder again; if it repeats, use WASM or "lexical (no model)".`),
      failureError: (message) => new AppError('ModelError', `The embedder failed: ${message}.`),
    });
    this.loads = new ModelWorkerLoads(this.client, options.abortGraceMs ?? 3000);
  }

  /** Loads "lexical" or a model ("ID" or "ID@fp32|fp16|q8"); AbortError after abort() or when `signal` fires. */
  load(modelId: string, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<EmbedderInfo> {
    return this.loads.load(() => this.client.call((api) => api.load(modelId, proxy(onProgress ?? (() => {})))), signal);
  }

  async info(): Promise<EmbedderInfo | undefined> {
    return this.client.current ? this.client.call((api) => api.info()) : undefined;
  }

  fit(texts: string[], onProgress?: ProgressCallback): Promise<EmbedderInfo> {
    return this.client.call((api) => api.fit(texts, proxy(onProgress ?? (() => {}))));
  }

  embed(texts: string[], options?: EmbedOptions, onProgress?: ProgressCallback): Promise<Embeddings> {
    return this.client.call((api) => api.embed(texts, options, proxy(onProgress ?? (() => {}))));
  }

  /** Cancels the load, fit or embed in flight; a download that does not stop in time loses its worker. */
  abort(): Promise<void> {
    return this.loads.abort();
  }

  async unload(): Promise<void> {
    if (this.client.current) await this.client.call((api) => api.unload());
  }

  /** Models stored in this browser, with exact sizes. */
  listCached(): Promise<CachedEmbedModel[]> {
    return this.client.call((api) => api.listCached());
  }

  deleteCached(modelId: string): Promise<void> {
    return this.client.call((api) => api.deleteCached(modelId));
  }

  /** Checks and stores a picked model folder; AbortError (nothing kept) when `signal` fires. */
  importFolder(files: FolderFile[], modelId: string, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<{ bytes: number; dtypes: EmbedDtype[] }> {
    return this.loads.importFolder(() => this.client.call((api) => api.importFolder(files, modelId, proxy(onProgress ?? (() => {})))), signal);
  }

  /** Stops the worker now (frees GPU memory); the next call starts a new one. */
  terminate(): void {
    this.client.terminate(new AppError('AbortError', 'The embedder was unloaded.'));
  }
}
