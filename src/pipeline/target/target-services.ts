/**
 * The Target stage's services over the adapter worker (src/services/adapter-service.ts): its
 * trainer (WebGPU on a hardware adapter, the CPU twin otherwise, off the main thread) as the
 * core's TrainAdapter, and its brute-force top-k as the core's TopKFn. `topKBackend` reports what
 * the last search ran on ('webgpu' or 'cpu', with the reason when the CPU ran).
 */
import type { AdapterTrainInput, TrainAdapter } from '../../contracts/adapter';
import { applyAdapter } from '../../core/embed/adapter';
import type { TopK } from '../../core/embed/topk';
import type { TargetServices } from '../../core/target/build';
import type { ProgressCallback } from '../../contracts/progress';

/** What the stage needs of AdapterService (structural, so tests can pass the real one or a fake). */
export interface AdapterServiceLike {
  train(input: AdapterTrainInput, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<{ adapter: TargetServicesAdapter['adapter']; report: TargetServicesAdapter['report'] }>;
  topK(matrix: Float32Array, dim: number, queries: Float32Array, k: number): Promise<{ results: TopK[]; backend: 'webgpu' | 'cpu'; fallback?: string }>;
}

type TargetServicesAdapter = Awaited<ReturnType<TrainAdapter>>;

export interface AdapterParts {
  adapter: NonNullable<TargetServices['adapter']>;
  topK: NonNullable<TargetServices['topK']>;
  /** The backend of the last top-k search ('cpu' before any). */
  readonly topKBackend: string;
}

export function adapterServiceParts(service: AdapterServiceLike): AdapterParts {
  let backend = 'cpu';
  return {
    adapter: { train: (input, signal, onProgress) => service.train(input, onProgress, signal), apply: applyAdapter },
    async topK(matrix, dim, query, k) {
      const r = await service.topK(matrix, dim, query, k);
      backend = r.fallback ? `${r.backend} (${r.fallback})` : r.backend;
      return r.results[0]!;
    },
    get topKBackend() {
      return backend;
    },
  };
}
