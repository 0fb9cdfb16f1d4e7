/**
 * In-page half of bench/topk.bench.ts: builds n × dim seeded random unit vectors, uploads them once
 * (GpuTopKIndex) and times searches on WebGPU, with the float64 CPU oracle (in this page) for
 * parity and comparison. Driven from Node through `window.topkBench`.
 */
import { cosineTopK } from '../../src/core/embed/topk';
import { Rng } from '../../src/core/rng';
import { acquireGpu, type GpuAdapterSummary, type GpuLimits } from '../../src/gpu/device';
import { GpuTopKIndex } from '../../src/gpu/topk-gpu';

export interface TopKRequest {
  n: number;
  dim: number;
  k: number;
  /** Timed single-query searches (after one warm-up). */
  reps: number;
  /** Queries of the batched search. */
  batch: number;
  seed: number;
  /** Time the CPU oracle in the page too (one query). */
  cpu: boolean;
}

export interface TopKTiming {
  adapter: GpuAdapterSummary;
  limits: GpuLimits;
  chunks: number;
  uploadMs: number;
  /** Wall time of each single-query search (upload query, dispatches, readback). */
  singleMs: number[];
  /** One search of `batch` queries, ms per query. */
  batchMsPerQuery: number;
  cpuMs: number | undefined;
  /** max |Δscore| against the float64 oracle over the checked queries, and index mismatches. */
  maxScoreErr: number;
  indexMismatches: number;
}

function unitRows(rng: Rng, n: number, dim: number): Float32Array {
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (v[i * dim + j] = rng.normal()) ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) v[i * dim + j] = (v[i * dim + j] as number) * inv;
  }
  return v;
}

async function run(req: TopKRequest): Promise<TopKTiming> {
  const ctx = await acquireGpu();
  const rng = new Rng(req.seed);
  const matrix = unitRows(rng, req.n, req.dim);
  const queries = unitRows(rng, Math.max(req.batch, req.reps + 1), req.dim);
  const t0 = performance.now();
  const index = await GpuTopKIndex.create(ctx, matrix, req.dim);
  await ctx.device.queue.onSubmittedWorkDone();
  const uploadMs = performance.now() - t0;
  try {
    const q = (j: number): Float32Array => queries.subarray(j * req.dim, (j + 1) * req.dim);
    const warm = await index.search(q(0), req.k);
    const singleMs: number[] = [];
    const got = [warm[0]!];
    for (let r = 1; r <= req.reps; r++) {
      const t = performance.now();
      const res = await index.search(q(r), req.k);
      singleMs.push(performance.now() - t);
      got.push(res[0]!);
    }
    const tb = performance.now();
    await index.search(queries.subarray(0, req.batch * req.dim), req.k);
    const batchMsPerQuery = (performance.now() - tb) / req.batch;
    let cpuMs: number | undefined;
    let maxScoreErr = 0;
    let indexMismatches = 0;
    const check = Math.min(2, got.length);
    for (let j = 0; j < check; j++) {
      const t = performance.now();
      const want = cosineTopK(matrix, req.dim, q(j), req.k);
      if (j === 0 && req.cpu) cpuMs = performance.now() - t;
      for (let r = 0; r < want.indices.length; r++) {
        maxScoreErr = Math.max(maxScoreErr, Math.abs(got[j]!.scores[r]! - want.scores[r]!));
        if (got[j]!.indices[r] !== want.indices[r]) indexMismatches++;
      }
    }
    return { adapter: ctx.adapter, limits: { ...ctx.limits }, chunks: index.chunkCount, uploadMs, singleMs, batchMsPerQuery, cpuMs, maxScoreErr, indexMismatches };
  } finally {
    index.dispose();
  }
}

declare global {
  interface Window {
    topkBench: { run: (req: TopKRequest) => Promise<TopKTiming> };
  }
}

window.topkBench = { run };
document.getElementById('status')!.textContent = 'Top-k bench ready.';
