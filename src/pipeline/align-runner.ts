/**
 * The seam between the Align stage and whatever runs the method registry: in the app the compute
 * worker (src/services/align-service.ts: WebGPU with CPU fallback), in Node tests the same core
 * `align()` in this thread. One interface, two implementations: the stage never knows which it has.
 */
import { align, type AlignMethodName, type AlignOptions } from '../core/align/methods';
import type { PairKernelFactory } from '../core/align/kernel';
import type { WeightedCloud } from '../core/cloud';
import type { ProgressCallback } from '../contracts/progress';
import type { AlignJob, AlignJobResult, BackendReport } from '../gpu/align-api';

export type { BackendReport };

/** Whatever the align worker accepts as a backend preference (its type, so the two never drift). */
export type BackendChoice = NonNullable<AlignJob['backend']>;

export interface AlignRunRequest {
  pool: WeightedCloud;
  reference: WeightedCloud;
  options: AlignOptions & { method: AlignMethodName };
  /** The compute worker's backend preference; undefined = the service's default. */
  prefer?: BackendChoice;
}

/** `backend.used` is 'webgpu', 'cpu', 'webgpu+cpu' (part fell back) or 'none' (no pair kernel ran). */
export type AlignRunOutput = AlignJobResult;

export interface AlignRunner {
  /** Rejects with AppError('AbortError') once `signal` fires; any other failure keeps its AppError name. */
  run(req: AlignRunRequest, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<AlignRunOutput>;
}

/** What the stage needs of src/services/align-service.ts (structural, so tests can fake it). */
export interface AlignServiceLike {
  align(job: AlignJob, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<AlignJobResult>;
}

/** The runner over the compute worker's service. */
export function serviceAlignRunner(service: AlignServiceLike): AlignRunner {
  return {
    run(req, onProgress, signal) {
      const job: AlignJob = {
        pool: { points: req.pool.points, d: req.pool.d, weights: req.pool.weights },
        reference: { points: req.reference.points, d: req.reference.d, weights: req.reference.weights },
        options: req.options,
        ...(req.prefer !== undefined ? { backend: req.prefer } : {}),
      };
      return service.align(job, onProgress, signal);
    },
  };
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
      return { result, backend: { requested: req.prefer ?? kernelsPreference(kernels), used: used ? kernels.backend : 'none', fallbacks: [], adapter: undefined } };
    },
  };
}

function kernelsPreference(k: PairKernelFactory): BackendChoice {
  return k.backend === 'cpu' ? 'cpu' : 'gpu';
}
