import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  correlationFrobenius, diagnose, energyDistance, ks1D, randomSubset, samplingFloor, slicedW1, wasserstein1D, weightedCorrelation,
} from '../../../src/core/align/diagnostics';
import { makeCloud } from '../../../src/core/cloud';
import { randomCloud } from './helpers';

const ones = (n: number) => new Float64Array(n).fill(1);

describe('1-D distances', () => {
  it('W1 of a shifted sample is the shift; KS of identical samples is 0', () => {
    const x = Float64Array.from([0.3, -1, 2, 5, 0.7]);
    const y = x.map((v) => v + 0.8);
    expect(wasserstein1D(x, ones(5), y, ones(5))).toBeCloseTo(0.8, 12);
    expect(ks1D(x, ones(5), x, ones(5))).toBe(0);
    expect(wasserstein1D(x, ones(5), x, ones(5))).toBe(0);
  });

  it('W1 and KS by hand on small weighted samples', () => {
    // A = {0 (w .5), 1 (w .5)}, B = {0 (w .25), 2 (w .75)}: ∫|F_A − F_B| = .25·1 + .75·1 = 1
    expect(wasserstein1D(Float64Array.from([0, 1]), [1, 1], Float64Array.from([0, 2]), [1, 3])).toBeCloseTo(1, 14);
    // KS: at t in [1, 2): F_A = 1, F_B = .25 → .75
    expect(ks1D(Float64Array.from([0, 1]), [1, 1], Float64Array.from([0, 2]), [1, 3])).toBeCloseTo(0.75, 14);
    // weights count like repetitions
    expect(wasserstein1D(Float64Array.from([0, 1]), [2, 1], Float64Array.from([0, 0, 1]), [1, 1, 1])).toBeCloseTo(0, 14);
  });

  it('property: W1 equals the mean |sorted difference| for equal-size unweighted samples; KS ∈ [0,1]', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true })), { minLength: 1, maxLength: 30 }), (pairs) => {
        const a = Float64Array.from(pairs.map((p) => p[0]));
        const b = Float64Array.from(pairs.map((p) => p[1]));
        const sa = Array.from(a).sort((p, q) => p - q);
        const sb = Array.from(b).sort((p, q) => p - q);
        const want = sa.reduce((s, v, i) => s + Math.abs(v - sb[i]!), 0) / sa.length;
        expect(Math.abs(wasserstein1D(a, ones(a.length), b, ones(b.length)) - want)).toBeLessThan(1e-9 * (1 + want));
        const ks = ks1D(a, ones(a.length), b, ones(b.length));
        expect(ks).toBeGreaterThanOrEqual(0);
        expect(ks).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });
});

describe('joint diagnostics', () => {
  it('energy distance: 0 for identical clouds, ≥ 0, and the hand value for two points', () => {
    const c = randomCloud(50, 3, 1);
    expect(energyDistance(c, c).value).toBeCloseTo(0, 12);
    // A = {0}, B = {3} in 1-D: 2·3 − 0 − 0 = 6
    expect(energyDistance(makeCloud([0], 1), makeCloud([3], 1)).value).toBeCloseTo(6, 12);
    // A = {0, 2}, B = {1}: 2·1 − (0+2+2+0)/4 − 0 = 1
    expect(energyDistance(makeCloud([0, 2], 1), makeCloud([1], 1)).value).toBeCloseTo(1, 12);
    const d = energyDistance(randomCloud(40, 3, 2), randomCloud(30, 3, 3, 0.5));
    expect(d.value).toBeGreaterThan(0);
    expect(d.subsampled).toBe(false);
  });

  it('energy distance grows with a shift and is subsampled (seeded, reproducible) above the limit', () => {
    const a = randomCloud(300, 2, 4);
    const near = energyDistance(a, randomCloud(300, 2, 5, 0.2)).value;
    const far = energyDistance(a, randomCloud(300, 2, 5, 1)).value;
    expect(far).toBeGreaterThan(near);
    const s1 = energyDistance(a, randomCloud(300, 2, 5, 1), 100, 9);
    const s2 = energyDistance(a, randomCloud(300, 2, 5, 1), 100, 9);
    expect(s1.subsampled).toBe(true);
    expect(s1.value).toBe(s2.value);
    expect(s1.value).toBeGreaterThan(0.5 * far);
  });

  it('sliced W1 of a shift by t along a direction equals E|θ·t| (1-D: exactly |t|)', () => {
    const a = randomCloud(100, 1, 6);
    const b = makeCloud(a.points.map((v) => v + 2), 1);
    expect(slicedW1(a, b, 16, 1)).toBeCloseTo(2, 5);
    expect(slicedW1(a, a, 16, 1)).toBe(0);
  });

  it('weighted correlation matches a hand computation and Frobenius error is 0 for the same cloud', () => {
    // points (0,0), (1,1), (2,0) weights 1,2,1
    const c = makeCloud([0, 0, 1, 1, 2, 0], 2, [1, 2, 1]);
    const r = weightedCorrelation(c);
    // means: x 1, y .5; cov = Σw(x−1)(y−.5) = .25·(−1)(−.5) + .5·0 + .25·(1)(−.5) = 0
    expect(r[1]).toBeCloseTo(0, 14);
    const c2 = makeCloud([0, 0, 1, 1, 2, 2], 2);
    expect(weightedCorrelation(c2)[1]).toBeCloseTo(1, 6);
    expect(correlationFrobenius(c, c)).toBe(0);
    expect(correlationFrobenius(c, c2)).toBeCloseTo(Math.sqrt(2), 6);
  });

  it('diagnose: per-trait mean/SD errors by hand, weights summary of A', () => {
    const a = makeCloud([0, 10, 2, 10], 2);
    const b = makeCloud([1, 0, 1, 4], 2);
    const d = diagnose(a, b);
    expect(d.perTrait[0]!.meanError).toBeCloseTo(0, 14);
    expect(d.perTrait[0]!.sdError).toBeCloseTo(1, 14);
    expect(d.perTrait[1]!.meanError).toBeCloseTo(8, 14);
    expect(d.perTrait[1]!.sdError).toBeCloseTo(-2, 14);
    expect(d.weights.ess).toBeCloseTo(2, 14);
  });

  it('samplingFloor: a same-size subsample against the rest; smaller for larger subsamples on average', () => {
    const ref = randomCloud(2000, 3, 7);
    const small = [1, 2, 3].map((s) => samplingFloor(ref, 50, s).energy);
    const large = [1, 2, 3].map((s) => samplingFloor(ref, 500, s).energy);
    const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
    expect(mean(large)).toBeLessThan(mean(small));
    expect(samplingFloor(ref, 50, 1)).toEqual(samplingFloor(ref, 50, 1));
    expect(() => samplingFloor(ref, 2000, 1)).toThrow(/size/);
  });

  it('randomSubset: seeded, distinct, sorted', () => {
    const s = randomSubset(randomCloud(100, 2, 1), 30, 4);
    expect(new Set(s).size).toBe(30);
    expect(Array.from(s)).toEqual(Array.from(s).sort((p, q) => p - q));
    expect(Array.from(randomSubset(randomCloud(100, 2, 1), 30, 4))).toEqual(Array.from(s));
  });
});
