/**
 * The seam between the Align stage and whatever runs the method registry: in the app the compute
 * worker (src/services/align-service.ts, WebGPU with CPU fallback), in Node tests the same core
 * `align()` in this thread. One interface, two implementations: the stage never knows which it has.
 */
import { align, type AlignMethodName, type AlignOptions, type AlignResult } from '../core/align/methods';
import type { PairKernelFactory } from '../core/align/kernel';
import type { WeightedCloud } from '../core/cloud';
import type { ProgressCallback } from '../contracts/progress';

export interface AlignRunRequest {
  pool: WeightedCloud;
  reference: WeightedCloud;
  options: AlignOptions & { method: AlignMethodName };
  /** 'gpu' (default): WebGPU when it works; 'cpu' never touches the GPU. */
  prefer?: 'gpu' | 'cpu';
}

/** The adapter that ran the pair kernels, as the manifest and the UI show it. */
export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
}

export interface BackendReport {
  /** 'webgpu', 'cpu', 'webgpu+cpu' (part fell back) or 'none' (the method used no pair kernel). */
  used: string;
  adapter: AdapterReport | undefined;
  /** One line per fallback to the CPU: what failed and why. Empty when none. */
  fallbackReasons: string[];
}

export interface AlignRunOutput {
  result: AlignResult;
  backend: BackendReport;
}

export interface AlignRunner {
  /** Rejects with AppError('AbortError') once `signal` fires; any other failure keeps its AppError name. */
  run(req: AlignRunRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<AlignRunOutput>;
}

/**
 * Runs the registry in this thread on `kernels` (the CPU kernel in Node tests). Reports 'none' when
 * the method never asked for a pair kernel (`nearest` matches on the CPU directly), so a report
 * never claims a backend that did no work.
 */
export function inThreadAlignRunner(kernels: PairKernelFactory): AlignRunner {
  return {
    async run(req, onProgress, signal) {
      let used = false;
      const counting: PairKernelFactory = {
        backend: kernels.backend,
        create: (x, y, d) => {
          used = true;
          return kernels.create(x, y, d);
        },
      };
      const result = await align(signal, req.pool, req.reference, req.options, counting, onProgress);
      return { result, backend: { used: used ? kernels.backend : 'none', adapter: undefined, fallbackReasons: [] } };
    },
  };
}
