/**
 * `npm run bench -- adapter [--quick] [--steps S]`
 *
 * Contrastive adapter training speed: optimiser steps per second (one step = forward of the batch's
 * queries and candidate personas, InfoNCE, backward, Adam) at d = 384, rank 16, batch 64 with 4 mined
 * negatives per query (up to 384 rows per step), 2,000 personas and 400 queries. CPU twin in Node;
 * WebGPU and the CPU twin in Debian's Chromium (same page), with the per-step loss parity. Timing
 * runs from the first to the last step callback (planning and hard-negative mining excluded).
 * A software adapter (SwiftShader) is labelled: correctness only, not GPU speed.
 */
import { loadavg } from 'node:os';
import { cpuStepper } from '../src/core/embed/adapter';
import { trainAdapterWith } from '../src/core/embed/adapter-train';
import { flagValue, withBenchPage } from './browser-harness';
import type { AdapterBenchResult } from './pages/adapter-bench';
import { benchProblem, stepRate, type AdapterBenchRequest } from './pages/adapter-problem';

export default async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const req: AdapterBenchRequest = {
    n: 2000,
    q: 400,
    dim: quick ? 128 : 384,
    rank: 16,
    batchSize: 64,
    minedNegatives: 4,
    steps: Number(flagValue(args, 'steps') ?? (quick ? 10 : 20)),
    seed: 1,
  };
  console.log(`Adapter training: d=${req.dim}, rank ${req.rank}, batch ${req.batchSize} + ${req.minedNegatives} mined negatives/query, ${req.n} personas, ${req.q} queries, ${req.steps} steps; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  const input = benchProblem(req);
  const stamps: number[] = [];
  await trainAdapterWith(input, (init, o) => cpuStepper(init, o), undefined, undefined, { maxSteps: req.steps, onStep: () => stamps.push(performance.now()) });
  console.log(`CPU twin (Node, float64 sums over float32 storage, 1 thread): ${stepRate(stamps).toFixed(2)} steps/s`);

  await withBenchPage('adapter.html', 'adapterBench', async (page) => {
    const r: AdapterBenchResult = await page.evaluate((q) => window.adapterBench.run(q), req);
    const a = r.adapter;
    console.log(`WebGPU adapter: ${a.vendor} / ${a.architecture} ${a.description}${a.software ? ' — SOFTWARE adapter (SwiftShader/WARP): correctness only, not GPU speed' : ''}`);
    console.log(`  WebGPU (${r.backend}): ${r.gpuStepsPerSec.toFixed(2)} steps/s; CPU twin in the same page: ${r.cpuStepsPerSec.toFixed(2)} steps/s; WebGPU/CPU ${(r.gpuStepsPerSec / r.cpuStepsPerSec).toFixed(2)}×`);
    console.log(`  per-step loss parity: max relative error ${r.lossMaxRelErr.toExponential(1)}`);
  });
}
