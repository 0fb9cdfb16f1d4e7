/**
 * The compute API of the align worker (workers/align.worker.ts): runs the alignment methods of
 * src/core/align/methods.ts, or one Sinkhorn solve, on the WebGPU pair kernel with the CPU as
 * fallback. The same object works in-thread (tests call it directly) and behind comlink; the page
 * reaches it through src/services/align-service.ts.
 *
 * One job at a time; cancel() is cooperative (the methods check the signal between iterations).
 * Results are plain data (typed arrays, numbers, strings): they structured-clone across the worker
 * boundary.
 */
import type { ProgressCallback } from '../contracts/progress';
import { makeCloud, type WeightedCloud } from '../core/cloud';
import { align, type AlignMethodName, type AlignOptions, type AlignResult } from '../core/align/methods';
import type { PairKernelFactory } from '../core/align/kernel';
import { sinkhorn, type SinkhornOptions, type SinkhornResult } from '../core/align/sinkhorn';
import { singleJob } from '../core/single-job';
import { createPairKernelFactory, yieldingKernelFactory, type BackendPreference, type FallbackEvent } from './backend';
import { browserCpuKernelFactory, type BrowserCpuPoolOptions, type CpuKernels } from './cpu-pool';
import { acquireGpu, errorText, type GpuAdapterSummary, type GpuLimits } from './device';
import { sinkhornGpu } from './sinkhorn-gpu';

/** A cloud as it crosses the worker boundary. */
export interface CloudData {
  points: Float32Array;
  d: number;
  /** Default uniform. */
  weights?: Float64Array;
}


export interface AlignJob {
  pool: CloudData;
  reference: CloudData;
  options: AlignOptions & { method?: AlignMethodName };
  /** Default 'auto': WebGPU on a hardware adapter, else the CPU; falls back to the CPU when WebGPU fails. */
  backend?: BackendPreference;
}

export interface SinkhornJob {
  a: CloudData;
  b: CloudData;
  options: SinkhornOptions;
  backend?: BackendPreference;
  /**
   * 'kernel' (default): the CPU Sinkhorn loop with the GPU log-sum-exp (potentials read back each
   * half-step); 'device': the whole loop on the GPU (sinkhornGpu, one scalar read back per check)
   * when the backend resolves to WebGPU.
   */
  loop?: 'kernel' | 'device';
}

/** What ran: the backend, each fallback with its reason, and the adapter. */
export interface BackendReport {
  requested: BackendPreference;
  used: string;
  fallbacks: Array<{ during: FallbackEvent['during']; name: string; message: string }>;
  adapter: GpuAdapterSummary | undefined;
  /** When the CPU ran: its threads (the worker pool and the calling thread; 1 when single-threaded). */
  cpuThreads?: number;
}

export interface AlignJobResult {
  result: AlignResult;
  backend: BackendReport;
}

export interface SinkhornJobResult {
  result: SinkhornResult;
  backend: BackendReport;
}

export interface GpuInfo {
  available: boolean;
  adapter: GpuAdapterSummary | undefined;
  limits: GpuLimits | undefined;
  /** Why not, when unavailable. */
  reason: string | undefined;
}

export interface AlignApi {
  align(job: AlignJob, onProgress?: ProgressCallback): Promise<AlignJobResult>;
  sinkhorn(job: SinkhornJob, onProgress?: ProgressCallback): Promise<SinkhornJobResult>;
  /** Cooperative cancel of the running job (no-op when none runs): it rejects with AbortError. */
  cancel(): void;
  /** Whether WebGPU works in this context, with the adapter and its limits. */
  gpuInfo(): Promise<GpuInfo>;
}

export interface AlignApiOptions {
  /** The CPU worker pool (src/gpu/cpu-pool.ts); default hardwareConcurrency − 1 workers plus this thread, or single-threaded on one core. */
  cpuPool?: BrowserCpuPoolOptions;
}

/** The API object, and dispose() for whoever runs it in-thread (it stops the CPU pool's workers). */
export interface LocalAlignApi extends AlignApi {
  dispose(): Promise<void>;
}

export function createAlignApi(options: AlignApiOptions = {}): LocalAlignApi {
  const jobs = singleJob();
  // Started lazily (its workers only on the first CPU kernel), kept across jobs.
  let cpuBase: CpuKernels | undefined;
  /** The CPU kernels, pausing every 30 ms so that cancel() reaches the worker mid-solve. */
  const cpuKernels = (): PairKernelFactory => yieldingKernelFactory((cpuBase ??= browserCpuKernelFactory(options.cpuPool)));
  const report = (requested: BackendPreference, used: string, events: FallbackEvent[], adapter: GpuAdapterSummary | undefined): BackendReport => ({
    requested,
    used,
    fallbacks: events.map((e) => ({ during: e.during, name: e.error.name, message: e.error.message })),
    adapter,
    cpuThreads: used.includes('cpu') ? cpuBase?.threads : undefined,
  });

  const exclusive = <T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    jobs.run(`An alignment is already running; cancel it before starting ${what}.`, run);

  return {
    align(job, onProgress) {
      return exclusive('another alignment', async (signal) => {
        const requested = job.backend ?? 'auto';
        const events: FallbackEvent[] = [];
        const kernels = await createPairKernelFactory({ prefer: requested, cpu: cpuKernels(), onFallback: (e) => events.push(e) });
        const pool = toCloud(job.pool, 'pool');
        const reference = toCloud(job.reference, 'reference');
        const result = await align(signal, pool, reference, job.options, kernels, onProgress);
        return { result, backend: report(requested, kernels.backendUsed, events, kernels.adapter) };
      });
    },

    sinkhorn(job, onProgress) {
      return exclusive('a Sinkhorn solve', async (signal) => {
        const requested = job.backend ?? 'auto';
        const a = toCloud(job.a, 'pool');
        const b = toCloud(job.b, 'reference');
        const events: FallbackEvent[] = [];
        if (job.loop === 'device' && (requested === 'gpu' || (requested === 'auto' && (await hardwareGpu())))) {
          const r = await sinkhornGpu(signal, a, b, job.options, { cpu: cpuKernels(), onFallback: (e) => events.push(e) }, onProgress);
          const { backendUsed, fallback: _f, readbacks: _r, ...result } = r;
          let adapter: GpuAdapterSummary | undefined;
          try {
            adapter = backendUsed === 'webgpu' ? (await acquireGpu()).adapter : undefined;
          } catch {
            adapter = undefined;
          }
          return { result, backend: report(requested, backendUsed, events, adapter) };
        }
        const kernels = await createPairKernelFactory({ prefer: requested, cpu: cpuKernels(), onFallback: (e) => events.push(e) });
        const result = await sinkhorn(signal, a, b, job.options, kernels, onProgress);
        return { result, backend: report(requested, kernels.backendUsed, events, kernels.adapter) };
      });
    },

    cancel() {
      jobs.cancel();
    },

    async dispose() {
      jobs.cancel();
      const c = cpuBase;
      cpuBase = undefined;
      await c?.dispose();
    },

    async gpuInfo() {
      try {
        const ctx = await acquireGpu();
        return { available: true, adapter: ctx.adapter, limits: { ...ctx.limits }, reason: undefined };
      } catch (e) {
        return { available: false, adapter: undefined, limits: undefined, reason: errorText(e) };
      }
    },
  };
}

async function hardwareGpu(): Promise<boolean> {
  try {
    return !(await acquireGpu()).adapter.software;
  } catch {
    return false;
  }
}

function toCloud(c: CloudData, what: string): WeightedCloud {
  return makeCloud(c.points, c.d, c.weights, what);
}
