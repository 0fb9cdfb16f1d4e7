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
import { proxy, wrap, type Remote } from 'comlink';
import type { ChatRequest, ChatResponse, ChoiceRequest, ChoiceResponse, LlmModelInfo, LlmService } from '../contracts/llm';
import type { ProgressCallback } from '../contracts/progress';
import { AppError, isAppError } from '../core/errors';
import type { ModelRecord } from '@mlc-ai/web-llm';
import type { CachedModel } from '../llm/webllm/cache';
import type { EngineStats, WebLlmApi, WebLlmConfig } from '../llm/webllm/engine';
import type { FolderFile } from '../llm/webllm/folder';

export interface WebLlmServiceOptions {
  createWorker?: () => Worker;
  /** Extra model records and cache backend, sent to every worker this service starts. */
  config?: WebLlmConfig;
  /** How long a cancelled download may take to stop before the worker is terminated (ms). */
  abortGraceMs?: number;
}

interface Running {
  worker: Worker;
  api: Remote<WebLlmApi>;
  ready: Promise<void>;
  died: Promise<never>;
  kill: (reason: AppError) => void;
}

export class WebLlmService implements LlmService {
  private current: Running | undefined;
  private loadInFlight: Promise<unknown> | undefined;

  constructor(private readonly options: WebLlmServiceOptions = {}) {}

  /** Loads (downloading when not cached) a model. Rejects with AbortError after abort() or when `signal` fires. */
  async load(modelId: string, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<LlmModelInfo> {
    if (signal?.aborted) throw new AppError('AbortError', 'Loading cancelled.');
    const onAbort = (): void => void this.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const run = this.call((api) => api.load(modelId, proxy(onProgress ?? (() => {}))));
    this.loadInFlight = run;
    try {
      return await run;
    } finally {
      if (this.loadInFlight === run) this.loadInFlight = undefined;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async info(): Promise<LlmModelInfo | undefined> {
    // A stopped worker has no model: do not start one just to say so.
    return this.current ? this.call((api) => api.info()) : undefined;
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
    return this.current ? this.call((api) => api.stats()) : undefined;
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
  async importFolder(files: FolderFile[], modelId: string, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<{ bytes: number }> {
    if (signal?.aborted) throw new AppError('AbortError', 'Import cancelled.');
    const onAbort = (): void => void this.current?.api.cancelImport().catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.call((api) => api.importFolder(files, modelId, proxy(onProgress ?? (() => {}))));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Cancels the download or generation in flight; a download that does not stop in time loses its worker. */
  async abort(): Promise<void> {
    const running = this.current;
    if (!running) return;
    const load = this.loadInFlight;
    await Promise.race([running.api.abort().catch(() => {}), delay(1000)]);
    if (load) {
      const settled = await Promise.race([load.then(() => true, () => true), delay(this.options.abortGraceMs ?? 5000).then(() => false)]);
      if (!settled) running.kill(new AppError('AbortError', 'Loading cancelled.'));
    }
  }

  async unload(): Promise<void> {
    if (this.current) await this.call((api) => api.unload());
  }

  /** Stops the worker now (frees GPU memory); the next call starts a new one. */
  terminate(): void {
    this.current?.kill(new AppError('AbortError', 'The model was unloaded.'));
  }

  private async call<T>(run: (api: Remote<WebLlmApi>) => Promise<T>): Promise<T> {
    const w = this.worker();
    try {
      await Promise.race([w.ready, w.died]);
      return await Promise.race([run(w.api), w.died]);
    } catch (e) {
      const err = asAppError(e);
      // A lost GPU device leaves web-llm unusable: the next call gets a fresh worker.
      if (err.name === 'GpuError') w.kill(err);
      throw err;
    }
  }

  private worker(): Running {
    if (this.current) return this.current;
    const worker =
      this.options.createWorker?.() ?? new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'llm' });
    let kill!: (reason: AppError) => void;
    const died = new Promise<never>((_, reject) => {
      kill = (reason) => {
        if (this.current?.worker === worker) this.current = undefined;
        worker.terminate();
        reject(reason);
      };
    });
    died.catch(() => {});
    const onError = (ev: ErrorEvent | MessageEvent): void => {
      const detail = ev instanceof ErrorEvent && ev.message ? ` (${ev.message})` : '';
      kill(new AppError('GpuError', `The model worker stopped unexpectedly${detail}. Load the model again; if it repeats, pick a smaller model.`));
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
    const api = wrap<WebLlmApi>(worker);
    const ready = api.configure(this.options.config ?? {});
    ready.catch(() => {});
    const running: Running = { worker, api, ready, died, kill };
    this.current = running;
    return running;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function asAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (isAppError(e)) {
    const out = new AppError(e.name as AppError['name'], e.message);
    if (e.stack) out.stack = e.stack;
    return out;
  }
  return new AppError('ModelError', `The model failed: ${e instanceof Error ? e.message : String(e)}.`);
}
