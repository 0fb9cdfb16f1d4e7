/**
 * The compute API of the adapter worker (workers/adapter.worker.ts): adapter training and brute-force
 * top-k retrieval, on WebGPU or the CPU. The same object works in-thread and behind comlink; the page
 * reaches it through src/services/adapter-service.ts. One training at a time; cancel() is cooperative
 * (checked between steps). Results are plain data (typed arrays, numbers, strings).
 *
 * Backend 'auto' (default) follows the align worker's rule (src/gpu/backend.ts): WebGPU on a hardware
 * adapter, the CPU on a software one (SwiftShader, WARP: correct but slower than the CPU) and says why;
 * 'gpu' uses WebGPU whenever it works; 'cpu' never touches it. A GpuError falls back to the CPU.
 */
import type { AdapterReport, AdapterTrainInput, LowRankAdapter } from '../contracts/adapter';
import type { ProgressCallback } from '../contracts/progress';
import { trainAdapterCpu } from '../core/embed/adapter';
import type { TopK } from '../core/embed/topk';
import { singleJob } from '../core/single-job';
import { trainAdapterGpuWith } from './adapter-gpu';
import { softwareAdapter, type BackendPreference } from './backend';
import { acquireGpu, errorText, type GpuContext } from './device';
import { cpuTopK, topKWithFallback } from './topk-gpu';

export interface AdapterTrainJob {
  input: AdapterTrainInput;
  backend?: BackendPreference;
}

export interface AdapterTrainResult {
  adapter: LowRankAdapter;
  /** report.backend says what ran; report.fallback why the CPU ran when WebGPU was possible. */
  report: AdapterReport;
}

export interface TopKJob {
  /** n × dim rows (unit-L2 or zero unless `normalized` is false). */
  matrix: Float32Array;
  dim: number;
  /** q × dim queries. */
  queries: Float32Array;
  k: number;
  normalized?: boolean;
  backend?: BackendPreference;
}

export interface TopKResult {
  /** One per query: indices best first and their cosine scores. */
  results: TopK[];
  backend: 'webgpu' | 'cpu';
  /** Why the CPU ran (software adapter under 'auto', no WebGPU, device lost). */
  fallback?: string;
  ms: number;
}

export interface AdapterApi {
  train(job: AdapterTrainJob, onProgress?: ProgressCallback): Promise<AdapterTrainResult>;
  topK(job: TopKJob): Promise<TopKResult>;
  /** Cooperative cancel of the running training or search (no-op when none runs): it rejects with AbortError. */
  cancel(): void;
}

/** Which backend a preference resolves to here, and why not WebGPU when not. */
export async function resolveBackend(prefer: BackendPreference = 'auto', context: () => Promise<GpuContext> = acquireGpu): Promise<{ use: 'webgpu' | 'cpu'; why?: string }> {
  if (prefer === 'cpu') return { use: 'cpu' };
  let ctx: GpuContext;
  try {
    ctx = await context();
  } catch (e) {
    return { use: 'cpu', why: errorText(e) };
  }
  if (ctx.adapter.software && prefer === 'auto') return { use: 'cpu', why: softwareAdapter(ctx).message };
  return { use: 'webgpu' };
}

export function createAdapterApi(): AdapterApi {
  const jobs = singleJob();
  const exclusive = <T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    jobs.run(`The adapter worker is busy; cancel the running job before starting ${what}.`, run);
  return {
    train(job, onProgress) {
      return exclusive('another training', async (signal) => {
        // Through comlink the callback is a proxy whose calls travel on their own port: awaiting the
        // last one means the final epoch's progress reaches the page before the result does.
        let last: unknown;
        const report: ProgressCallback = (p) => {
          last = onProgress?.(p);
        };
        const { use, why } = await resolveBackend(job.backend);
        let out: AdapterTrainResult;
        if (use === 'cpu') {
          const r = await trainAdapterCpu(job.input, signal, report);
          out = why ? { adapter: r.adapter, report: { ...r.report, fallback: why } } : r;
        } else {
          out = await trainAdapterGpuWith(job.input, {}, signal, report);
        }
        await last;
        return out;
      });
    },
    topK(job) {
      return exclusive('a search', async (signal) => {
        const t0 = performance.now();
        const { use, why } = await resolveBackend(job.backend);
        if (use === 'cpu') {
          const results = cpuTopK(job.matrix, job.dim, job.queries, job.k, job.normalized ?? true, signal);
          return { results, backend: 'cpu' as const, ...(why ? { fallback: why } : {}), ms: performance.now() - t0 };
        }
        const r = await topKWithFallback(job.matrix, job.dim, job.queries, job.k, { normalized: job.normalized, signal });
        return { ...r, ms: performance.now() - t0 };
      });
    },
    cancel() {
      jobs.cancel();
    },
  };
}
