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
 *
 * A worker that crashes mid-job (not a cancel or terminate()) is restarted by the shared policy
 * (src/services/worker-client.ts) and the same job runs again from its start — jobs are seeded, so
 * the result is the one an uninterrupted run gives; a progress message (stage 'restart') says so.
 */
import { proxy, type Remote } from 'comlink';
import type { ProgressCallback } from '../contracts/progress';
import { AppError } from '../core/errors';
import type { AlignApi, AlignJob, AlignJobResult, GpuInfo, SinkhornJob, SinkhornJobResult } from '../gpu/align-api';
import { WorkerClient } from './worker-client';

export interface AlignServiceOptions {
  /** Creates the worker (default: the bundled module worker). */
  createWorker?: () => Worker;
  /** Restarts after a worker crash mid-job; default DEFAULT_RESTARTS. */
  restarts?: number;
}

export class AlignService {
  private readonly client: WorkerClient<AlignApi>;
  private readonly restarts: number | undefined;

  constructor(options: AlignServiceOptions = {}) {
    this.restarts = options.restarts;
    this.client = new WorkerClient<AlignApi>({
      create: () => options.createWorker?.() ?? new Worker(new URL('../../workers/align.worker.ts', import.meta.url), { type: 'module', name: 'align' }),
      crashError: (detail) =>
        new AppError('GpuError', `The alignment worker stopped unexpectedly${detail}. Run it again; if it repeats, choose the CPU backend.`),
      failureError: (message) => new AppError('NumericError', `The alignment failed: ${message}.`),
    });
  }

  /** Runs an alignment method in the worker. Rejects with AbortError on cancel. */
  align(job: AlignJob, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<AlignJobResult> {
    return this.call((api) => api.align(job, proxy(onProgress ?? (() => {}))), signal, onProgress);
  }

  /** One Sinkhorn solve in the worker (loop 'device' keeps the whole loop on the GPU). */
  sinkhorn(job: SinkhornJob, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<SinkhornJobResult> {
    return this.call((api) => api.sinkhorn(job, proxy(onProgress ?? (() => {}))), signal, onProgress);
  }

  /** WebGPU availability, adapter and limits as the worker sees them. */
  gpuInfo(): Promise<GpuInfo> {
    return this.call((api) => api.gpuInfo());
  }

  /** Cooperative cancel of the running job (no-op when none runs). */
  cancel(): void {
    void this.client.current?.api.cancel().catch(() => {});
  }

  /** Stops the worker at once (a running job rejects with AbortError); the next call starts a new one. */
  terminate(): void {
    this.client.terminate(new AppError('AbortError', 'Alignment stopped.'));
  }

  private async call<T>(run: (api: Remote<AlignApi>) => Promise<T>, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<T> {
    if (signal?.aborted) throw new AppError('AbortError', 'Alignment cancelled.');
    const onAbort = (): void => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const t0 = performance.now();
    try {
      return await this.client.callRestarting(run, {
        signal,
        ...(this.restarts !== undefined ? { retries: this.restarts } : {}),
        onCrash: ({ attempt, retries, restarting }) => {
          if (restarting) onProgress?.({ stage: 'restart', done: 0, text: `The alignment worker stopped unexpectedly; it was restarted and the job runs again from its start (attempt ${attempt + 1} of ${retries + 1}).`, elapsedMs: performance.now() - t0 });
        },
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
