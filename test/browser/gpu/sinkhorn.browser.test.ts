/**
 * The on-device Sinkhorn pieces against their float64 references (src/core/align/potential.ts,
 * src/core/align/marginal.ts), and
 * whole solves: CPU Sinkhorn with the WebGPU PairKernel, and the loop on the GPU (sinkhornGpu),
 * against CPU Sinkhorn with the CPU kernel.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { marginalL1Error } from '../../../src/core/align/marginal';
import { potentialFromLse, potentialToAlpha } from '../../../src/core/align/potential';
import { sinkhorn, type SinkhornOptions, type SinkhornResult } from '../../../src/core/align/sinkhorn';
import { gaussianCloud } from '../../../src/core/align/synthetic';
import { makeCloud } from '../../../src/core/cloud';
import { Rng } from '../../../src/core/rng';
import { createPairKernelFactory } from '../../../src/gpu/backend';
import { acquireGpu, type GpuContext } from '../../../src/gpu/device';
import { loopKernelsForTests, sinkhornGpu } from '../../../src/gpu/sinkhorn-gpu';
import { maxRelErr } from './cases';

let ctx: GpuContext;
const report: string[] = [];
beforeAll(async () => {
  ctx = await acquireGpu();
});
afterAll(() => console.log(`[gpu sinkhorn] ${ctx.adapter.vendor}/${ctx.adapter.architecture}\n${report.join('\n')}`));

describe('loop kernels vs float64 references', () => {
  const rng = new Rng(31);
  const n = 5000; // > one workgroup, several reduce strides
  const logw = new Float64Array(n);
  const pot = new Float64Array(n);
  const lse = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    logw[i] = i % 11 === 0 ? -Infinity : Math.log((0.5 + rng.next()) / n);
    pot[i] = 3 * rng.normal();
  }
  const weights = Float64Array.from(logw, Math.exp);
  test('marginal error, far from converged: relative 1e-4', async () => {
    for (let i = 0; i < n; i++) lse[i] = -pot[i]! * 10 + 0.3 * rng.normal();
    const ref = marginalL1Error(pot, lse, logw, weights, 0.1);
    const got = await loopKernelsForTests.marginal(ctx, pot, lse, logw, 10);
    report.push(`marginal (far): ref ${ref.toPrecision(8)} gpu ${got.toPrecision(8)} rel ${(Math.abs(got - ref) / ref).toExponential(2)}`);
    expect(Math.abs(got - ref) / ref).toBeLessThanOrEqual(1e-4);
  });
  test('marginal error, near converged (|Δ| ~ 1e-5, Δ + Δ²/2 branch): absolute 2e-6 (the f32 floor)', async () => {
    for (let i = 0; i < n; i++) lse[i] = -pot[i]! * 10 + 1e-5 * rng.normal();
    const ref = marginalL1Error(pot, lse, logw, weights, 0.1);
    const got = await loopKernelsForTests.marginal(ctx, pot, lse, logw, 10);
    report.push(`marginal (near): ref ${ref.toExponential(4)} gpu ${got.toExponential(4)} abs ${Math.abs(got - ref).toExponential(2)}`);
    expect(Math.abs(got - ref)).toBeLessThanOrEqual(2e-6);
  });
  test('a row whose LSE has no mass adds its weight', async () => {
    const p = new Float64Array([0, 0]);
    const l = new Float64Array([-Infinity, 0]);
    const w = new Float64Array([Math.log(0.25), Math.log(0.75)]);
    expect(await loopKernelsForTests.marginal(ctx, p, l, w, 1)).toBeCloseTo(0.25, 6);
  });
  test('potential steps: alpha = f/ε + log a (−∞ kept), f = −λε·lse', async () => {
    const alpha = await loopKernelsForTests.potential(ctx, 'alphaRows', pot, logw, 0.1, 1);
    expect(maxRelErr(alpha, potentialToAlpha(pot, logw, 0.1))).toBeLessThanOrEqual(1e-6);
    const f = await loopKernelsForTests.potential(ctx, 'updateF', lse, logw, 0.1, 0.7);
    expect(maxRelErr(f, potentialFromLse(lse, 0.07))).toBeLessThanOrEqual(1e-6);
  });
});

function clouds(seed: number, n: number, m: number, d: number): [ReturnType<typeof makeCloud>, ReturnType<typeof makeCloud>] {
  const a0 = gaussianCloud(n, d, seed, 0.4, 1);
  const rng = new Rng(seed + 1);
  const wa = Array.from({ length: n }, () => 0.2 + rng.next());
  return [makeCloud(a0.points, d, wa), gaussianCloud(m, d, seed + 2, 0, 1)];
}

function potentialsErr(x: SinkhornResult, ref: SinkhornResult): { f: number; g: number } {
  // Absolute error relative to the potentials' scale (they are in cost units).
  const scale = Math.max(1, ...Array.from(ref.f, Math.abs), ...Array.from(ref.g, Math.abs));
  let ef = 0;
  let eg = 0;
  ref.f.forEach((v, i) => (ef = Math.max(ef, Math.abs(v - x.f[i]!) / scale)));
  ref.g.forEach((v, i) => (eg = Math.max(eg, Math.abs(v - x.g[i]!) / scale)));
  return { f: ef, g: eg };
}

describe('Sinkhorn: GPU equals CPU', () => {
  const [a, b] = clouds(41, 300, 700, 5);
  // One ε, a tol nobody reaches: exactly 60 iterations on both sides. (With ε-scaling a tol below the
  // GPU's f32 floor, ≈1e-7·max|lse|, would move the CPU to the next ε earlier than the GPU.)
  const fixed: SinkhornOptions = { tol: 1e-12, maxIter: 60, epsScaling: false };
  let cpuFixed: SinkhornResult;
  beforeAll(async () => {
    cpuFixed = await sinkhorn(undefined, a, b, fixed, cpuKernelFactory());
  });

  test('CPU Sinkhorn with the WebGPU PairKernel: potentials to 1e-4 after 60 iterations', async () => {
    const factory = await createPairKernelFactory({ prefer: 'gpu' });
    const r = await sinkhorn(undefined, a, b, fixed, factory);
    expect(factory.backendUsed).toBe('webgpu');
    const e = potentialsErr(r, cpuFixed);
    report.push(`PairKernel sinkhorn 60 it: f ${e.f.toExponential(2)} g ${e.g.toExponential(2)}; row marg ${r.rowMarginalError.toExponential(2)} vs ${cpuFixed.rowMarginalError.toExponential(2)}`);
    expect(e.f).toBeLessThanOrEqual(1e-4);
    expect(e.g).toBeLessThanOrEqual(1e-4);
    expect(r.iterations).toBe(cpuFixed.iterations);
  });

  test('loop on the GPU: potentials to 1e-4 after 60 iterations, same history', async () => {
    const r = await sinkhornGpu(undefined, a, b, fixed);
    expect(r.backendUsed).toBe('webgpu');
    const e = potentialsErr(r, cpuFixed);
    report.push(`sinkhornGpu 60 it: f ${e.f.toExponential(2)} g ${e.g.toExponential(2)}; cost ${r.cost} vs ${cpuFixed.cost}; readbacks ${r.readbacks}`);
    expect(e.f).toBeLessThanOrEqual(1e-4);
    expect(e.g).toBeLessThanOrEqual(1e-4);
    expect(r.iterations).toBe(cpuFixed.iterations);
    expect(r.errorHistory.length).toBe(cpuFixed.errorHistory.length);
    expect(Math.abs(r.cost - cpuFixed.cost) / cpuFixed.cost).toBeLessThanOrEqual(1e-4);
  });

  test.each(['balanced', 'semi-relaxed', 'unbalanced'] as const)('%s, converged to tol 1e-4: marginals and potentials match', async (marginals) => {
    const opts: SinkhornOptions = { marginals, tol: 1e-4 };
    const [a, b] = clouds(42, 150, 250, 5); // smaller: unbalanced takes ~1200 iterations
    const ref = await sinkhorn(undefined, a, b, opts, cpuKernelFactory());
    const r = await sinkhornGpu(undefined, a, b, opts);
    const e = potentialsErr(r, ref);
    report.push(`${marginals}: it ${r.iterations} vs ${ref.iterations}, err ${r.marginalError.toExponential(2)} vs ${ref.marginalError.toExponential(2)}, row ${r.rowMarginalError.toExponential(2)}/${ref.rowMarginalError.toExponential(2)}, col ${r.colMarginalError.toExponential(2)}/${ref.colMarginalError.toExponential(2)}, f ${e.f.toExponential(2)}, g ${e.g.toExponential(2)}, mass ${r.mass.toFixed(6)}/${ref.mass.toFixed(6)}`);
    expect(r.epsilonSchedule).toEqual(ref.epsilonSchedule);
    expect(r.rho).toBe(ref.rho);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.iterations - ref.iterations)).toBeLessThanOrEqual(1);
    expect(e.f).toBeLessThanOrEqual(1e-4);
    expect(e.g).toBeLessThanOrEqual(1e-4);
    // Plan marginals from the float64 pass: the enforced one below tol, both close to the CPU's.
    if (marginals === 'balanced') expect(r.rowMarginalError).toBeLessThan(1e-4);
    expect(r.colMarginalError).toBeLessThan(marginals === 'balanced' ? 1e-5 : 1e-4);
    expect(Math.abs(r.mass - ref.mass)).toBeLessThanOrEqual(1e-5);
  });

  test('checkEvery = 5 reads back one scalar per 5 iterations', async () => {
    const r = await sinkhornGpu(undefined, a, b, { tol: 1e-4, checkEvery: 5 });
    const ref = await sinkhorn(undefined, a, b, { tol: 1e-4, checkEvery: 5 }, cpuKernelFactory());
    report.push(`checkEvery 5: it ${r.iterations} (cpu ${ref.iterations}), readbacks ${r.readbacks}`);
    expect(r.readbacks).toBeLessThanOrEqual(Math.ceil(r.iterations / 5) + r.epsilonSchedule.length);
    expect(r.iterations).toBe(ref.iterations);
  });

  test('d = 50', async () => {
    const [a50, b50] = clouds(43, 100, 150, 50);
    const opts: SinkhornOptions = { tol: 1e-4 };
    const ref = await sinkhorn(undefined, a50, b50, opts, cpuKernelFactory());
    const r = await sinkhornGpu(undefined, a50, b50, opts);
    const e = potentialsErr(r, ref);
    report.push(`d50: it ${r.iterations}/${ref.iterations} f ${e.f.toExponential(2)} g ${e.g.toExponential(2)}`);
    expect(e.f).toBeLessThanOrEqual(1e-4);
    expect(e.g).toBeLessThanOrEqual(1e-4);
  });

  test('device lost during the loop: the CPU result, flagged', async () => {
    const ref = await sinkhorn(undefined, a, b, { tol: 1e-4 }, cpuKernelFactory());
    let destroyed = false;
    const r = await sinkhornGpu(undefined, a, b, { tol: 1e-4 }, {}, (p) => {
      if (!destroyed && p.text.includes('WebGPU')) {
        destroyed = true;
        void acquireGpu().then((c) => c.device.destroy());
      }
    });
    expect(destroyed).toBe(true);
    expect(r.backendUsed).toBe('cpu');
    expect(r.fallback?.error.name).toBe('GpuError');
    expect(Array.from(r.f)).toEqual(Array.from(ref.f));
    ctx = await acquireGpu(); // a fresh device for whatever runs next
    expect(ctx.isLost).toBe(false);
  });

  test('abort between iterations', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(sinkhornGpu(ac.signal, a, b, {})).rejects.toMatchObject({ name: 'AbortError' });
  });
});
