/**
 * Main-thread client of the LLM worker (workers/llm.worker.ts): the web-llm implementation of
 * LlmService. Owns the worker's lifecycle: starts it on first use, forwards progress, cancels a
 * download (cooperatively, then by stopping the worker if web-llm does not let go in time), and
 * starts a fresh worker after the GPU device was lost or the worker died.
 *
 *   const llm = new WebLlmService();
 *   await llm.load('Qwen2.5-3B-Instruct-q4f16_1-MLC', (p) => show(p));   // p.unit 'bytes' while downloading
 *   const { text } = await llm.chat({ messages, jsonSchema: { name: 'persona', schema } });
 *
 * Errors arrive as AppError by their stable name (ModelError, GpuError, AbortError, InputError).
 */
import { proxy, type Remote } from 'comlink';
import type { ChatRequest, ChatResponse, ChoiceRequest, ChoiceResponse, LlmModelInfo, LlmService } from '../contracts/llm';
import type { ProgressCallback } from '../contracts/progress';
import { AppError } from '../core/errors';
import type { ModelRecord } from '@mlc-ai/web-llm';
import type { CachedModel } from '../llm/webllm/cache';
import type { EngineStats, WebLlmApi, WebLlmConfig } from '../llm/webllm/engine';
import type { FolderFile } from '../llm/webllm/folder';
import { ModelWorkerLoads } from './model-worker-loads';
import { WorkerClient } from './worker-client';

export interface WebLlmServiceOptions {
  createWorker?: () => Worker;
  /** Extra model records and cache backend, sent to every worker this service starts. */
  config?: WebLlmConfig;
  /** How long a cancelled download may take to stop before the worker is terminated (ms). */
  abortGraceMs?: number;
}

export class WebLlmService implements LlmService {
  /** The worker; every new one is first configured with `options.config`. */
  private readonly client: WorkerClient<WebLlmApi>;
  private readonly loads: ModelWorkerLoads<WebLlmApi>;

  constructor(options: WebLlmServiceOptions = {}) {
    this.client = new WorkerClient<WebLlmApi>({
      create: () => options.createWorker?.() ?? new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'llm' }),
      setup: (api) => api.configure(options.config ?? {}),
      crashError: (detail) =>
        new AppError('GpuError', `The model worker stopped unexpectedly${detail}. Load the model again; if it repeats, pick a smaller model.`),
      failureError: (message) => new AppError('ModelError', `The model failed: ${message}.`),
    });
    this.loads = new ModelWorkerLoads(this.client, options.abortGraceMs ?? 5000);
  }

  /** Loads (downloading when not cached) a model. Rejects with AbortError after abort() or when `signal` fires. */
  load(modelId: string, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<LlmModelInfo> {
    return this.loads.load(() => this.call((api) => api.load(modelId, proxy(onProgress ?? (() => {})))), signal);
  }

  async info(): Promise<LlmModelInfo | undefined> {
    // A stopped worker has no model: do not start one just to say so.
    return this.client.current ? this.call((api) => api.info()) : undefined;
  }

  chat(req: ChatRequest): Promise<ChatResponse> {
    return this.call((api) => api.chat(req));
  }

  choiceLogprobs(req: ChoiceRequest): Promise<ChoiceResponse> {
    return this.call((api) => api.choiceLogprobs(req));
  }

  countTokens(text: string): Promise<number> {
    return this.call((api) => api.countTokens(text));
  }

  /** Decode/prefill tokens per second of the last generation. */
  async stats(): Promise<EngineStats | undefined> {
    return this.client.current ? this.call((api) => api.stats()) : undefined;
  }

  /** Every model this web-llm build can load (asks the worker, so the page never loads web-llm). */
  records(): Promise<ModelRecord[]> {
    return this.call((api) => api.records());
  }

  /** Models stored in this browser, with exact sizes. */
  listCached(): Promise<CachedModel[]> {
    return this.call((api) => api.listCached());
  }

  deleteCached(modelId: string): Promise<void> {
    return this.call((api) => api.deleteCached(modelId));
  }

  /** Checks and writes a picked model folder into web-llm's cache; AbortError (nothing kept) when `signal` fires. */
  importFolder(files: FolderFile[], modelId: string, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<{ bytes: number }> {
    return this.loads.importFolder(() => this.call((api) => api.importFolder(files, modelId, proxy(onProgress ?? (() => {})))), signal);
  }

  /** Cancels the download or generation in flight; a download that does not stop in time loses its worker. */
  abort(): Promise<void> {
    return this.loads.abort();
  }

  async unload(): Promise<void> {
    if (this.client.current) await this.call((api) => api.unload());
  }

  /** Stops the worker now (frees GPU memory); the next call starts a new one. */
  terminate(): void {
    this.client.terminate(new AppError('AbortError', 'The model was unloaded.'));
  }

  private async call<T>(run: (api: Remote<WebLlmApi>) => Promise<T>): Promise<T> {
    const w = this.client.start();
    try {
      return await this.client.call(run, w);
    } catch (e) {
      // A lost GPU device leaves web-llm unusable: the next call gets a fresh worker.
      if (e instanceof AppError && e.name === 'GpuError') w.kill(e);
      throw e;
    }
  }
}
