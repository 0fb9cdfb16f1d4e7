/**
 * Main-thread client of the adapter worker (workers/adapter.worker.ts): trains the contrastive
 * adapter and ranks persona vectors by cosine off the main thread. Owns the worker's lifecycle
 * through WorkerClient (starts on first use, rebuilds AppErrors by name, replaces a dead worker).
 *
 * Usage:
 *   const svc = new AdapterService();
 *   const { adapter, report } = await svc.train(input, show, signal);   // report.backend, report.fallback
 *   const y = applyAdapter(personaVectors, n, adapter);                  // src/core/embed/adapter.ts
 *   const { results } = await svc.topK(y, dim, applyAdapter(queryVectors, 1, adapter), 500);
 *
 * Backend 'auto' (default): WebGPU on a hardware adapter, the CPU on a software one (and the
 * result says why); 'gpu' forces WebGPU where it works; 'cpu' never uses it.
 */
import { proxy, type Remote } from 'comlink';
import type { AdapterTrainInput } from '../contracts/adapter';
import type { ProgressCallback } from '../contracts/progress';
import { AppError } from '../core/errors';
import type { AdapterApi, AdapterTrainResult, TopKResult } from '../gpu/adapter-api';
import type { BackendPreference } from '../gpu/backend';
import { WorkerClient } from './worker-client';

export type { AdapterTrainResult, TopKResult } from '../gpu/adapter-api';

export interface AdapterServiceOptions {
  /** Creates the worker (default: the bundled module worker). */
  createWorker?: () => Worker;
}

export class AdapterService {
  private readonly client: WorkerClient<AdapterApi>;

  constructor(options: AdapterServiceOptions = {}) {
    this.client = new WorkerClient<AdapterApi>({
      create: () => options.createWorker?.() ?? new Worker(new URL('../../workers/adapter.worker.ts', import.meta.url), { type: 'module', name: 'adapter' }),
      crashError: (detail) => new AppError('GpuError', `The adapter worker stopped unexpectedly${detail}. Run it again; if it repeats, choose the CPU backend.`),
      failureError: (message) => new AppError('NumericError', `The adapter worker failed: ${message}.`),
    });
  }

  /** Trains the adapter in the worker; progress per epoch. Rejects with AbortError on cancel. */
  train(input: AdapterTrainInput, onProgress?: ProgressCallback, signal?: AbortSignal, options: { backend?: BackendPreference } = {}): Promise<AdapterTrainResult> {
    return this.call((api) => api.train({ input, backend: options.backend }, proxy(onProgress ?? (() => {}))), signal);
  }

  /** The k rows of `matrix` (n × dim) with the highest cosine to each query (q × dim). */
  topK(matrix: Float32Array, dim: number, queries: Float32Array, k: number, options: { backend?: BackendPreference; normalized?: boolean; signal?: AbortSignal } = {}): Promise<TopKResult> {
    return this.call((api) => api.topK({ matrix, dim, queries, k, backend: options.backend, normalized: options.normalized }), options.signal);
  }

  /** Cooperative cancel of the running job (no-op when none runs). */
  cancel(): void {
    void this.client.current?.api.cancel().catch(() => {});
  }

  /** Stops the worker at once (a running job rejects with AbortError); the next call starts a new one. */
  terminate(): void {
    this.client.terminate(new AppError('AbortError', 'Adapter work stopped.'));
  }

  private async call<T>(run: (api: Remote<AdapterApi>) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new AppError('AbortError', 'Cancelled.');
    const w = this.client.start();
    const onAbort = (): void => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.client.call(run, w);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
