import { describe, expect, it } from 'vitest';
import { sinkhorn, defaultEpsilon } from '../../../src/core/align/sinkhorn';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { greedyMatch, scanPlan } from '../../../src/core/align/plan';
import { logOf, meanSquaredDistance } from '../../../src/core/align/stats';
import type { PairKernelFactory } from '../../../src/core/align/kernel';
import { makeCloud } from '../../../src/core/cloud';
import { costMatrix, denseSinkhornLog, permutations, randomCloud } from './helpers';

const cpu = cpuKernelFactory();

/** Dense plan from potentials, for checks. */
function densePlan(a: Float64Array, b: Float64Array, C: number[][], f: Float64Array, g: Float64Array, eps: number): number[][] {
  return C.map((row, i) => row.map((c, j) => a[i]! * b[j]! * Math.exp((f[i]! + g[j]! - c) / eps)));
}

describe('sinkhorn (balanced)', () => {
  const x = randomCloud(30, 5, 1, 0, 'random');
  const y = randomCloud(20, 5, 2, 0.5, 'random');
  const C = costMatrix(x, y);

  it('plan marginals equal a and b to tol, with weighted a and b', async () => {
    const r = await sinkhorn(undefined, x, y, { tol: 1e-8 }, cpu);
    expect(r.converged).toBe(true);
    const P = densePlan(x.weights, y.weights, C, r.f, r.g, r.epsilon);
    const rows = P.map((row) => row.reduce((s, v) => s + v, 0));
    const cols = y.weights.map((_, j) => P.reduce((s, row) => s + row[j]!, 0));
    rows.forEach((v, i) => expect(Math.abs(v - x.weights[i]!)).toBeLessThan(1e-8));
    Array.from(cols).forEach((v, j) => expect(Math.abs(v - y.weights[j]!)).toBeLessThan(1e-12));
    expect(r.rowMarginalError).toBeLessThan(1e-8);
    expect(r.marginalError).toBeLessThan(1e-8);
    // The reported cost is ⟨P, C⟩ of that plan.
    const cost = P.reduce((s, row, i) => s + row.reduce((t, p, j) => t + p * C[i]![j]!, 0), 0);
    expect(r.cost).toBeCloseTo(cost, 10);
  });

  it('dual cost = primal ⟨P,C⟩ + ε KL(P‖a⊗b) at convergence (the check POT does)', async () => {
    const r = await sinkhorn(undefined, x, y, { tol: 1e-10 }, cpu);
    const P = densePlan(x.weights, y.weights, C, r.f, r.g, r.epsilon);
    let kl = 0;
    P.forEach((row, i) => row.forEach((p, j) => (kl += p > 0 ? p * Math.log(p / (x.weights[i]! * y.weights[j]!)) - p + x.weights[i]! * y.weights[j]! : 0)));
    expect(r.kl).toBeCloseTo(kl, 8);
    expect(r.dualCost).toBeCloseTo(r.cost + r.epsilon * kl, 8);
  });

  it('agrees with a dense POT-style sinkhorn_log plan at the same ε', async () => {
    const eps = 0.5;
    const r = await sinkhorn(undefined, x, y, { epsilon: eps, tol: 1e-12, epsScaling: false, maxIter: 20000 }, cpu);
    const P = densePlan(x.weights, y.weights, C, r.f, r.g, eps);
    const Q = denseSinkhornLog(x.weights, y.weights, C, eps, 2000);
    let diff = 0;
    P.forEach((row, i) => row.forEach((p, j) => (diff += Math.abs(p - Q[i]![j]!))));
    expect(diff).toBeLessThan(1e-8);
  });

  it('is symmetric: swapping the clouds transposes the plan and swaps the potentials', async () => {
    const r1 = await sinkhorn(undefined, x, y, { tol: 1e-11 }, cpu);
    const r2 = await sinkhorn(undefined, y, x, { tol: 1e-11, epsilon: r1.epsilon }, cpu);
    expect(r2.cost).toBeCloseTo(r1.cost, 8);
    const P1 = densePlan(x.weights, y.weights, C, r1.f, r1.g, r1.epsilon);
    const P2 = densePlan(y.weights, x.weights, costMatrix(y, x), r2.f, r2.g, r2.epsilon);
    for (let i = 0; i < x.n; i++) for (let j = 0; j < y.n; j++) expect(Math.abs(P1[i]![j]! - P2[j]![i]!)).toBeLessThan(1e-9);
  });

  it('uses uniform weights when none are given, and the default ε is 0.01 E‖x−y‖²', async () => {
    const a = makeCloud(Float32Array.from([0, 0, 1, 0, 0, 1]), 2);
    const b = makeCloud(Float32Array.from([0.5, 0.2, 1, 1, 0.2, 0.5]), 2);
    const r = await sinkhorn(undefined, a, b, { tol: 1e-10 }, cpu);
    expect(r.converged).toBe(true);
    expect(r.epsilon).toBeCloseTo(0.01 * meanSquaredDistance(a, b), 14);
    expect(defaultEpsilon(a, b)).toBe(r.epsilon);
    const scan = scanPlan(a.points, b.points, 2, addScaled(logOf(a.weights), r.f, 1 / r.epsilon), addScaled(logOf(b.weights), r.g, 1 / r.epsilon), 1 / r.epsilon);
    scan.rowSums.forEach((v) => expect(v).toBeCloseTo(1 / 3, 9));
    scan.colSums.forEach((v) => expect(v).toBeCloseTo(1 / 3, 9));
  });

  it('at small ε, plan-mass matching equals the exact assignment (brute force over 6! permutations)', async () => {
    for (const seed of [3, 4, 5]) {
      const a = randomCloud(6, 2, seed);
      const b = randomCloud(6, 2, seed + 100, 0.3);
      const Cab = costMatrix(a, b);
      const costs = permutations(6).map((p) => ({ p, c: p.reduce((s, j, i) => s + Cab[i]![j]!, 0) / 6 })).sort((u, v) => u.c - v.c);
      const gap = costs[1]!.c - costs[0]!.c;
      const eps = gap / 60;
      const r = await sinkhorn(undefined, a, b, { epsilon: eps, tol: 1e-9, maxIter: 100000 }, cpu);
      expect(r.converged).toBe(true);
      expect(r.cost).toBeCloseTo(costs[0]!.c, 2);
      const u = addScaled(logOf(a.weights), r.f, 1 / eps);
      const v = addScaled(logOf(b.weights), r.g, 1 / eps);
      const match = greedyMatch(a.points, b.points, 2, u, v, 1 / eps, new Int32Array(6).fill(1), 1);
      const assign = new Array<number>(6);
      match.rows.forEach((i, k) => (assign[i] = match.cols[k]!));
      expect(assign).toEqual(costs[0]!.p);
    }
  });

  it('ε-scaling reaches the same plan in fewer iterations', async () => {
    const a = randomCloud(40, 5, 7);
    const b = randomCloud(30, 5, 8, 1);
    const eps = 0.004 * meanSquaredDistance(a, b);
    const plain = await sinkhorn(undefined, a, b, { epsilon: eps, tol: 1e-6, epsScaling: false, maxIter: 100000 }, cpu);
    const scaled = await sinkhorn(undefined, a, b, { epsilon: eps, tol: 1e-6, epsScaling: true, maxIter: 100000 }, cpu);
    expect(plain.converged && scaled.converged).toBe(true);
    expect(scaled.iterations).toBeLessThan(plain.iterations);
    console.log(`ε-scaling: ${scaled.iterations} iterations vs ${plain.iterations} without`);
    expect(scaled.cost).toBeCloseTo(plain.cost, 4);
    expect(scaled.epsilonSchedule.length).toBeGreaterThan(1);
    expect(scaled.epsilonSchedule.at(-1)).toBe(eps);
  });

  it('a warm start from the solution converges at once, from a nearby ε faster than cold', async () => {
    const opts = { tol: 1e-7, epsScaling: false };
    const cold = await sinkhorn(undefined, x, y, { ...opts, epsilon: 0.3 }, cpu);
    const again = await sinkhorn(undefined, x, y, { ...opts, epsilon: 0.3, warmStart: { f: cold.f, g: cold.g } }, cpu);
    expect(again.iterations).toBeLessThanOrEqual(2);
    const coldNear = await sinkhorn(undefined, x, y, { ...opts, epsilon: 0.25 }, cpu);
    const warmNear = await sinkhorn(undefined, x, y, { ...opts, epsilon: 0.25, warmStart: { f: cold.f, g: cold.g } }, cpu);
    expect(warmNear.iterations).toBeLessThan(coldNear.iterations);
    expect(warmNear.cost).toBeCloseTo(coldNear.cost, 5);
  });

  it('reports non-convergence honestly when maxIter is too small', async () => {
    const r = await sinkhorn(undefined, x, y, { tol: 1e-12, maxIter: 3, epsScaling: false }, cpu);
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
    expect(r.errorHistory.length).toBe(3);
    expect(r.marginalError).toBeGreaterThan(1e-12);
  });

  it('checks the AbortSignal between iterations and reports progress per ε step', async () => {
    const ctl = new AbortController();
    const steps: number[] = [];
    await expect(
      sinkhorn(ctl.signal, x, y, { tol: 1e-12 }, cpu, (p) => {
        steps.push(p.done);
        ctl.abort();
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(steps).toEqual([1]);
  });

  it('runs through any PairKernelFactory (a wrapping factory sees every half-step)', async () => {
    let calls = 0;
    const spy: PairKernelFactory = {
      backend: 'spy',
      async create(px, py, d) {
        const k = await cpu.create(px, py, d);
        return { ...k, rowLse: (al, s) => (calls++, k.rowLse(al, s)), colLse: (al, s) => (calls++, k.colLse(al, s)) };
      },
    };
    const r = await sinkhorn(undefined, x, y, { tol: 1e-6 }, spy);
    // Each ε step ends on a check made from the f half-step's LSE, before its g half-step.
    expect(calls).toBe(2 * r.iterations - r.epsilonSchedule.length);
  });

  it('throws NumericError on NaN potentials', async () => {
    const f = new Float64Array(x.n).fill(NaN);
    await expect(sinkhorn(undefined, x, y, { warmStart: { f, g: new Float64Array(y.n) }, epsScaling: false }, cpu)).rejects.toMatchObject({ name: 'NumericError' });
  });
});

describe('sinkhorn (relaxed variants)', () => {
  const x = randomCloud(25, 3, 11);
  const y = randomCloud(15, 3, 12, 1.5);
  const C = costMatrix(x, y);

  it('semi-relaxed: f ≡ 0, columns exact, each column a softmax of a_i exp(−C_ij/ε)', async () => {
    const r = await sinkhorn(undefined, x, y, { marginals: 'semi-relaxed', epsScaling: false, epsilon: 0.4 }, cpu);
    expect(r.converged).toBe(true);
    expect(r.iterations).toBe(2);
    expect(Array.from(r.f).every((v) => v === 0)).toBe(true);
    expect(r.colMarginalError).toBeLessThan(1e-12);
    const j = 3;
    const col = C.map((row, i) => x.weights[i]! * Math.exp(-row[j]! / 0.4));
    const z = col.reduce((s, v) => s + v, 0);
    const P = densePlan(x.weights, y.weights, C, r.f, r.g, 0.4);
    P.forEach((row, i) => expect(row[j]).toBeCloseTo((y.weights[j]! * col[i]!) / z, 12));
  });

  it('unbalanced: reference marginal exact, pool marginal between semi-relaxed and balanced as ρ grows', async () => {
    const base = { epsilon: 0.3, tol: 1e-9, epsScaling: false, maxIter: 50000 };
    const rowErr = async (o: object) => (await sinkhorn(undefined, x, y, { ...base, ...o }, cpu)).rowMarginalError;
    const semi = await rowErr({ marginals: 'semi-relaxed' });
    const small = await rowErr({ marginals: 'unbalanced', rho: 0.5 });
    const large = await rowErr({ marginals: 'unbalanced', rho: 500 });
    const bal = await rowErr({ marginals: 'balanced' });
    expect(semi).toBeGreaterThan(small);
    expect(small).toBeGreaterThan(large);
    expect(large).toBeGreaterThan(bal);
    const r = await sinkhorn(undefined, x, y, { ...base, marginals: 'unbalanced', rho: 2 }, cpu);
    expect(r.converged).toBe(true);
    expect(r.colMarginalError).toBeLessThan(1e-8);
    // Fixed point of the scaled f update: f = −ρ/(ρ+ε) · ε · LSE_j(...)
    const P = densePlan(x.weights, y.weights, C, r.f, r.g, 0.3);
    const row0 = P[0]!.reduce((s, v) => s + v, 0);
    expect(row0).toBeCloseTo(x.weights[0]! * Math.exp(-r.f[0]! / 2), 7); // P1 = a e^{−f/ρ} at the optimum
    expect(r.dualCost).toBeCloseTo(r.cost + 0.3 * r.kl + 2 * klMass(P.map((row) => row.reduce((s, v) => s + v, 0)), x.weights), 6);
  });
});

function klMass(p: number[], q: Float64Array): number {
  return p.reduce((s, v, i) => s + v * Math.log(v / q[i]!) - v + q[i]!, 0);
}

function addScaled(base: Float64Array, v: Float64Array, s: number): Float64Array {
  return base.map((b, i) => b + v[i]! * s);
}
