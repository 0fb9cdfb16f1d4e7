/**
 * Main-thread client of the align worker (workers/align.worker.ts). Owns its lifecycle: starts it
 * on first use, proxies progress (one message per ε step), cancels, and starts a fresh worker after
 * one died or was terminated. The Align stage UI builds on this.
 *
 * Usage:
 *   const aligner = new AlignService();
 *   const { result, backend } = await aligner.align({ pool, reference, options: { size: 300 } }, show, signal);
 *   // backend.used: 'webgpu' | 'cpu' | 'webgpu+cpu' (part fell back); backend.fallbacks says why.
 *
 * Errors arrive as AppError with the worker's stable name (AbortError, InputError, NumericError,
 * GpuError), rebuilt here because comlink delivers a plain Error.
 */
import { proxy, wrap, type Remote } from 'comlink';
import type { ProgressCallback } from '../contracts/progress';
import { AppError, isAppError } from '../core/errors';
import type { AlignApi, AlignJob, AlignJobResult, GpuInfo, SinkhornJob, SinkhornJobResult } from '../gpu/align-api';

export interface AlignServiceOptions {
  /** Creates the worker (default: the bundled module worker). */
  createWorker?: () => Worker;
}

interface Running {
  worker: Worker;
  api: Remote<AlignApi>;
  /** Rejects when the worker crashes or is terminated. */
  died: Promise<never>;
  kill: (reason: AppError) => void;
}

export class AlignService {
  private current: Running | undefined;

  constructor(private readonly options: AlignServiceOptions = {}) {}

  /** Runs an alignment method in the worker. Rejects with AbortError on cancel. */
  align(job: AlignJob, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<AlignJobResult> {
    return this.call((api) => api.align(job, proxy(onProgress ?? (() => {}))), signal);
  }

  /** One Sinkhorn solve in the worker (loop 'device' keeps the whole loop on the GPU). */
  sinkhorn(job: SinkhornJob, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<SinkhornJobResult> {
    return this.call((api) => api.sinkhorn(job, proxy(onProgress ?? (() => {}))), signal);
  }

  /** WebGPU availability, adapter and limits as the worker sees them. */
  gpuInfo(): Promise<GpuInfo> {
    return this.call((api) => api.gpuInfo());
  }

  /** Cooperative cancel of the running job (no-op when none runs). */
  cancel(): void {
    void this.current?.api.cancel().catch(() => {});
  }

  /** Stops the worker at once (a running job rejects with AbortError); the next call starts a new one. */
  terminate(): void {
    this.current?.kill(new AppError('AbortError', 'Alignment stopped.'));
  }

  private async call<T>(run: (api: Remote<AlignApi>) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new AppError('AbortError', 'Alignment cancelled.');
    const w = this.worker();
    const onAbort = (): void => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([run(w.api), w.died]);
    } catch (e) {
      throw asAppError(e);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private worker(): Running {
    if (this.current) return this.current;
    const worker = this.options.createWorker?.() ?? new Worker(new URL('../../workers/align.worker.ts', import.meta.url), { type: 'module', name: 'align' });
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
      kill(new AppError('GpuError', `The alignment worker stopped unexpectedly${detail}. Run it again; if it repeats, choose the CPU backend.`));
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
    const running: Running = { worker, api: wrap<AlignApi>(worker), died, kill };
    this.current = running;
    return running;
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
  return new AppError('NumericError', `The alignment failed: ${message}.`);
}
