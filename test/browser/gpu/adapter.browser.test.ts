/**
 * The WebGPU adapter trainer (src/gpu/adapter-gpu.ts, shaders/adapter-*.wgsl) against its CPU twin
 * (src/core/embed/adapter.ts): same seeded batches, per-step losses and final weights within float32
 * tolerance; a device lost mid-run gives exactly the CPU result, flagged.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AdapterTrainInput } from '../../../src/contracts/adapter';
import { cpuStepper } from '../../../src/core/embed/adapter';
import { trainAdapterWith } from '../../../src/core/embed/adapter-train';
import { cosineTopK } from '../../../src/core/embed/topk';
import { Rng } from '../../../src/core/rng';
import { trainAdapterGpuWith } from '../../../src/gpu/adapter-gpu';
import { acquireGpu, type GpuContext } from '../../../src/gpu/device';

let ctx: GpuContext;
const report: string[] = [];
beforeAll(async () => {
  ctx = await acquireGpu();
});
afterAll(() => console.log(`[gpu adapter] ${ctx.adapter.vendor}/${ctx.adapter.architecture}\n${report.join('\n')}`));

function unitRows(rng: Rng, n: number, dim: number): Float32Array {
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (v[i * dim + j] = rng.normal()) ** 2;
    for (let j = 0; j < dim; j++) v[i * dim + j] = v[i * dim + j]! / Math.sqrt(s);
  }
  return v;
}

/** Queries whose positives are a mix of their nearest personas and a few far ones (there is something to learn). */
function problem(seed: number, n: number, q: number, dim: number, options: AdapterTrainInput['options']): AdapterTrainInput {
  const rng = new Rng(seed);
  const personas = unitRows(rng, n, dim);
  const queries = unitRows(rng, q, dim);
  const positives = Array.from({ length: q }, (_, i) => {
    const near = [...cosineTopK(personas, dim, queries.subarray(i * dim, (i + 1) * dim), 8).indices].filter((_, r) => r % 2 === 1);
    return [...new Set([...near, rng.int(n), rng.int(n)])];
  });
  return { personas, n, queries, q, dim, baseModelId: 'test', positives, options };
}

async function both(input: AdapterTrainInput) {
  const cpuLoss: number[] = [];
  const gpuLoss: number[] = [];
  const last: { cpu?: { a: Float32Array; b: Float32Array }; gpu?: { a: Float32Array; b: Float32Array } } = {};
  const cpu = await trainAdapterWith(input, (init, o) => cpuStepper(init, o), undefined, undefined, { onStep: (_, l) => cpuLoss.push(l), onEpoch: (_, w) => (last.cpu = w) });
  const gpu = await trainAdapterGpuWith(input, { fallback: false, hooks: { onStep: (_, l) => gpuLoss.push(l), onEpoch: (_, w) => (last.gpu = w) } });
  return { cpu, gpu, cpuLoss, gpuLoss, cpuW: last.cpu!, gpuW: last.gpu! };
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('WebGPU adapter trainer vs the CPU twin', () => {
  test.each([
    { name: 'd=40 r=6 batch 16, 3 mined, filter 0.3', seed: 1, n: 150, q: 50, dim: 40, options: { rank: 6, batchSize: 16, minedNegatives: 3, negativeFilter: 0.3, maxEpochs: 3, patience: 5, temperature: 0.1, learningRate: 5e-3 } },
    { name: 'd=96 r=16 batch 33 (a partial last batch), 4 mined, WG-strided rows', seed: 2, n: 200, q: 60, dim: 96, options: { rank: 16, batchSize: 33, minedNegatives: 4, maxEpochs: 2, patience: 5 } },
  ])('$name: per-step loss and final weights', async ({ seed, n, q, dim, options }) => {
    const input = problem(seed, n, q, dim, options);
    const { cpu, gpu, cpuLoss, gpuLoss, cpuW, gpuW } = await both(input);
    expect(gpu.report.backend).toBe('webgpu');
    expect(gpu.report.fallback).toBeUndefined();
    expect(gpuLoss.length).toBe(cpuLoss.length);
    expect(cpuLoss.length).toBeGreaterThan(5);
    let lossErr = 0;
    cpuLoss.forEach((l, i) => (lossErr = Math.max(lossErr, Math.abs(gpuLoss[i]! - l) / Math.max(1, Math.abs(l)))));
    // The weights after the last step (the returned adapter is the best epoch's, possibly the identity).
    const wScale = Math.max(...cpuW.b.map(Math.abs), ...cpuW.a.map(Math.abs));
    const errA = maxAbs(gpuW.a, cpuW.a);
    const errB = maxAbs(gpuW.b, cpuW.b);
    report.push(`${dim}d r${options.rank}: ${cpuLoss.length} steps, max rel loss error ${lossErr.toExponential(2)}, max |ΔA| ${errA.toExponential(2)}, max |ΔB| ${errB.toExponential(2)} (weights up to ${wScale.toFixed(3)}), filtered ${cpu.report.filteredNegatives}`);
    expect(lossErr).toBeLessThanOrEqual(1e-5);
    expect(errA).toBeLessThanOrEqual(1e-5);
    expect(errB).toBeLessThanOrEqual(1e-5);
    expect(gpu.report.filteredNegatives).toBe(cpu.report.filteredNegatives);
    expect(gpu.report.bestEpoch).toBe(cpu.report.bestEpoch);
    expect(maxAbs(gpu.adapter.b, cpu.adapter.b)).toBeLessThanOrEqual(1e-5);
    gpu.report.history.forEach((h, i) => expect(h.loss).toBeCloseTo(cpu.report.history[i]!.loss, 5));
    // The trained adapter is not the identity: the parity is over real updates.
    expect(Math.max(...cpuW.b.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  test('the device lost mid-training: the run repeats on the CPU and gives exactly the CPU result', async () => {
    const input = problem(3, 100, 30, 24, { rank: 4, batchSize: 8, maxEpochs: 2 });
    const cpu = await trainAdapterWith(input, (init, o) => cpuStepper(init, o));
    const lostCtx = await acquireGpu();
    let fallbacks = 0;
    const gpu = await trainAdapterGpuWith(input, {
      context: async () => lostCtx,
      onFallback: () => fallbacks++,
      hooks: { onStep: (step) => { if (step === 2 && !lostCtx.isLost) lostCtx.device.destroy(); } },
    });
    expect(fallbacks).toBe(1);
    expect(gpu.report.backend).toBe('cpu');
    expect(gpu.report.fallback).toMatch(/WebGPU|lost|destroyed/i);
    expect(gpu.adapter.a).toEqual(cpu.adapter.a);
    expect(gpu.adapter.b).toEqual(cpu.adapter.b);
    expect(gpu.report.history).toEqual(cpu.report.history);
    ctx = await acquireGpu();
    expect(ctx.isLost).toBe(false);
  });
});
