import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { importanceWeights, scottBandwidth, trimWeights } from '../../../src/core/align/weights';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { kishEss, weightSummary } from '../../../src/core/align/stats';
import { makeCloud } from '../../../src/core/cloud';
import { randomCloud } from './helpers';

const cpu = cpuKernelFactory();

describe('importance weights', () => {
  it('recover the density ratio of two 1-D Gaussians (N(0.5,1) over N(0,1))', async () => {
    const pool = randomCloud(3000, 1, 1);
    const ref = randomCloud(3000, 1, 2, 0.5);
    const r = await importanceWeights(undefined, pool, ref, { trim: { kind: 'none' } }, cpu);
    // True ratio p/q = exp(0.5x − 0.125); compare normalised weights at central points.
    const trueW = Array.from({ length: pool.n }, (_, i) => Math.exp(0.5 * pool.points[i]! - 0.125));
    const z = trueW.reduce((s, v) => s + v, 0);
    let err = 0;
    let count = 0;
    for (let i = 0; i < pool.n; i++) {
      if (Math.abs(pool.points[i]!) < 1.5) {
        err += Math.abs(Math.log(r.weights[i]! / (trueW[i]! / z)));
        count++;
      }
    }
    expect(err / count).toBeLessThan(0.15); // mean |log ratio error| in the bulk
    // The weighted pool mean moves to the reference mean.
    let mean = 0;
    for (let i = 0; i < pool.n; i++) mean += r.weights[i]! * pool.points[i]!;
    expect(mean).toBeGreaterThan(0.35);
    expect(mean).toBeLessThan(0.65);
  });

  it('are uniform when pool and reference are the same cloud', async () => {
    const c = randomCloud(200, 3, 3);
    const r = await importanceWeights(undefined, c, c, {}, cpu);
    r.weights.forEach((w) => expect(w).toBeCloseTo(1 / 200, 12));
    expect(r.ess).toBeCloseTo(200, 8);
    expect(r.designEffect).toBeCloseTo(1, 10);
  });

  it("use Scott's isotropic bandwidth σ̄·n_eff^(−1/(d+4)) by default, the same h for p and q", async () => {
    const pool = randomCloud(500, 2, 4);
    const ref = randomCloud(100, 2, 5);
    const h = scottBandwidth(pool, ref);
    let v = 0;
    for (let k = 0; k < 2; k++) {
      let m = 0;
      let s = 0;
      for (let i = 0; i < 500; i++) m += pool.points[i * 2 + k]! / 500;
      for (let i = 0; i < 500; i++) s += (pool.points[i * 2 + k]! - m) ** 2 / 500;
      v += s;
    }
    expect(h).toBeCloseTo(Math.sqrt(v / 2) * Math.pow(100, -1 / 6), 10);
    const r = await importanceWeights(undefined, pool, ref, {}, cpu);
    expect(r.bandwidth).toBe(h);
    expect((await importanceWeights(undefined, pool, ref, { bandwidth: 0.3 }, cpu)).bandwidth).toBe(0.3);
  });

  it('throw NumericError when a density comes out NaN (a cloud built around makeCloud with a NaN point)', async () => {
    const c = randomCloud(10, 2, 6);
    const bad = { ...c, points: Float32Array.from(c.points, (v, i) => (i === 3 ? NaN : v)) };
    await expect(importanceWeights(undefined, bad, c, { bandwidth: 1 }, cpu)).rejects.toMatchObject({ name: 'NumericError' });
  });

  it('fail with InputError on bad bandwidth and on mismatched dimensions', async () => {
    const c = randomCloud(10, 2, 6);
    await expect(importanceWeights(undefined, c, c, { bandwidth: -1 }, cpu)).rejects.toMatchObject({ name: 'InputError' });
    await expect(importanceWeights(undefined, c, randomCloud(10, 3, 1), {}, cpu)).rejects.toMatchObject({ name: 'InputError' });
  });
});

describe('Kish ESS and trimming', () => {
  it('ESS = (Σw)²/Σw², design effect = n/ESS', () => {
    expect(kishEss([1, 1, 1, 1])).toBe(4);
    expect(kishEss([1, 0, 0, 0])).toBe(1);
    expect(kishEss([2, 1, 1])).toBeCloseTo(16 / 6, 14);
    const s = weightSummary([0.5, 0.25, 0.25]);
    expect(s.designEffect).toBeCloseTo(3 / (1 / (0.25 + 0.0625 * 2)), 12);
    expect(s.maxOverMean).toBeCloseTo(1.5, 14);
  });

  it('mean-multiple cap: after renormalising, no weight exceeds k × mean, and order is kept', () => {
    const w = Float64Array.from([100, 50, 1, 1, 1, 1, 1, 1, 1, 1]);
    const t = trimWeights(w, { kind: 'mean-multiple', k: 2 });
    const mean = 1 / 10;
    t.weights.forEach((v) => expect(v).toBeLessThanOrEqual(2 * mean * (1 + 1e-9)));
    expect(t.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(t.weights[0]).toBeCloseTo(t.weights[1]!, 9); // both capped
    expect(t.trimmed).toBe(2);
    expect(t.weights[2]).toBeCloseTo((1 - 0.4) / 8, 9);
  });

  it('quantile cap: weights above the q-quantile are set to it', () => {
    const w = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
    const t = trimWeights(w, { kind: 'quantile', q: 0.9 });
    // type-7 quantile at 0.9 of 1..9,100 is 9 + 0.1·(100 − 9) = 18.1
    const z = 45 + 18.1;
    expect(t.weights[9]).toBeCloseTo(18.1 / z, 12);
    expect(t.weights[0]).toBeCloseTo(1 / z, 12);
    expect(t.trimmed).toBe(1);
  });

  it('property: trimming keeps Σ=1, non-negativity, the cap and the ranking', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), { minLength: 5, maxLength: 60 }), fc.double({ min: 1.5, max: 10, noNaN: true }), (arr, k) => {
        const t = trimWeights(Float64Array.from(arr), { kind: 'mean-multiple', k });
        const n = arr.length;
        expect(t.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
        t.weights.forEach((v) => expect(v).toBeLessThanOrEqual((k / n) * (1 + 1e-9)));
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (arr[i]! < arr[j]!) expect(t.weights[i]!).toBeLessThanOrEqual(t.weights[j]! * (1 + 1e-12));
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a cloud with NaN weights and an invalid trim', () => {
    expect(() => trimWeights(Float64Array.from([1, NaN]), { kind: 'none' })).toThrow(/sum/);
    expect(() => trimWeights(Float64Array.from([1, 2]), { kind: 'quantile', q: 0 })).toThrow(/quantile/);
    expect(() => makeCloud([1, 2], 1, [1, NaN])).toThrow(/weight/);
  });
});
