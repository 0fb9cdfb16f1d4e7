/**
 * `npm run bench -- topk [--quick] [--n N] [--k K] [--reps R]`
 *
 * Brute-force cosine top-k retrieval over n × 384 seeded random unit vectors (default n = 160,000:
 * 246 MB of float32, more than the default 128 MiB storage binding, so the matrix is chunked when the
 * adapter's limit is smaller): latency of one query on WebGPU (src/gpu/topk-gpu.ts, matrix resident,
 * query upload + dispatches + readback) in Debian's Chromium, and on the CPU (the float64 oracle,
 * src/core/embed/topk.ts) in Node. Target: < 200 ms per query on WebGPU; the measured ratio to it is
 * printed. A software adapter (SwiftShader) is labelled: its numbers say the path runs and agrees,
 * not how fast a GPU is. `--quick` uses 16,000 rows.
 */
import { loadavg } from 'node:os';
import { cosineTopK } from '../src/core/embed/topk';
import { Rng } from '../src/core/rng';
import { flagValue, withBenchPage } from './browser-harness';
import type { TopKTiming } from './pages/topk-bench';
import { unitRow } from './unit-row';

const TARGET_MS = 200;

export default async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const n = Number(flagValue(args, 'n') ?? (quick ? 16_000 : 160_000));
  const k = Number(flagValue(args, 'k') ?? 50);
  const reps = Number(flagValue(args, 'reps') ?? (quick ? 5 : 3));
  const dim = 384;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  console.log(`Top-k retrieval, ${n.toLocaleString('en')} × ${dim} random unit vectors (${((n * dim * 4) / 1e6).toFixed(0)} MB), k = ${k}; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);

  // CPU in Node: the float64 oracle, single thread.
  const rng = new Rng(1);
  const m = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) unitRow(m, i * dim, dim, rng);
  const queries = new Float32Array(4 * dim);
  for (let j = 0; j < 4; j++) unitRow(queries, j * dim, dim, rng);
  cosineTopK(m, dim, queries.subarray(0, dim), k);
  const cpuMs: number[] = [];
  for (let j = 1; j < 4; j++) {
    const t = performance.now();
    cosineTopK(m, dim, queries.subarray(j * dim, (j + 1) * dim), k);
    cpuMs.push(performance.now() - t);
  }
  const cpu = median(cpuMs);
  console.log(`CPU (Node, float64 oracle, 1 thread): ${cpu.toFixed(1)} ms per query (median of ${cpuMs.length}); ratio to the ${TARGET_MS} ms target: ${(cpu / TARGET_MS).toFixed(2)}`);

  await withBenchPage('topk.html', 'topkBench', async (page) => {
    const t: TopKTiming = await page.evaluate((req) => window.topkBench.run(req), { n, dim, k, reps, batch: 8, seed: 2, cpu: true });
    const a = t.adapter;
    const label = a.software ? ' — SOFTWARE adapter (SwiftShader/WARP): correctness only, not GPU speed' : '';
    console.log(`WebGPU adapter: ${a.vendor} / ${a.architecture} ${a.description}${label}`);
    console.log(`  storage binding limit ${(t.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB → ${t.chunks} chunk(s); upload ${t.uploadMs.toFixed(0)} ms (once)`);
    const gpu = median(t.singleMs);
    console.log(`  one query: ${gpu.toFixed(1)} ms (median of ${t.singleMs.length}: ${t.singleMs.map((v) => v.toFixed(0)).join(', ')}); ratio to the ${TARGET_MS} ms target: ${(gpu / TARGET_MS).toFixed(2)} → ${gpu < TARGET_MS ? 'meets' : 'misses'} it${a.software ? ' (software adapter)' : ''}`);
    console.log(`  8 queries in one search: ${t.batchMsPerQuery.toFixed(1)} ms per query`);
    if (t.cpuMs !== undefined) console.log(`  CPU oracle in the same page: ${t.cpuMs.toFixed(1)} ms per query; WebGPU/CPU speed ratio ${(t.cpuMs / gpu).toFixed(2)}×`);
    console.log(`  parity vs the float64 oracle: max |Δscore| ${t.maxScoreErr.toExponential(1)}, ${t.indexMismatches} index mismatches in 2 queries × ${k}`);
  });
}
