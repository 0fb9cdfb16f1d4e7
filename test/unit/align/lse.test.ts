import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lseRows } from '../../../src/core/lse';
import { cpuKernel, rowRanges } from '../../../src/core/align/cpu-kernel';
import { Rng } from '../../../src/core/rng';

function naive(x: Float32Array, y: Float32Array, d: number, alpha: Float64Array, s: number): number[] {
  const n = x.length / d;
  const m = y.length / d;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const terms: number[] = [];
    for (let j = 0; j < m; j++) {
      let c = 0;
      for (let k = 0; k < d; k++) c += (x[i * d + k]! - y[j * d + k]!) ** 2;
      terms.push(alpha[j]! - s * c);
    }
    const mx = Math.max(...terms);
    out.push(mx + Math.log(terms.reduce((acc, t) => acc + Math.exp(t - mx), 0)));
  }
  return out;
}

function data(n: number, m: number, d: number, seed: number) {
  const r = new Rng(seed);
  return {
    x: Float32Array.from({ length: n * d }, () => r.normal()),
    y: Float32Array.from({ length: m * d }, () => r.normal()),
    alpha: Float64Array.from({ length: m }, () => 3 * r.normal()),
  };
}

describe('lseRows', () => {
  for (const d of [1, 3, 5, 7]) {
    it(`matches a naive max-shifted log Σ exp at d=${d} (both the unrolled and the generic path)`, () => {
      const { x, y, alpha } = data(13, 17, d, d);
      for (const s of [0.01, 1, 40]) {
        const got = lseRows(x, y, d, alpha, s);
        naive(x, y, d, alpha, s).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 11));
      }
    });
  }

  it('matches plain log(sum(exp)) without shift where that does not overflow', () => {
    const { x, y, alpha } = data(4, 6, 5, 9);
    const got = lseRows(x, y, 5, alpha, 0.5);
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 0; j < 6; j++) {
        let c = 0;
        for (let k = 0; k < 5; k++) c += (x[i * 5 + k]! - y[j * 5 + k]!) ** 2;
        s += Math.exp(alpha[j]! - 0.5 * c);
      }
      expect(got[i]).toBeCloseTo(Math.log(s), 12);
    }
  });

  it('does not overflow for huge alphas and treats −Inf alphas as zero mass', () => {
    const { x, y } = data(3, 4, 5, 2);
    const alpha = Float64Array.from([1000, -Infinity, 999, -Infinity]);
    const got = lseRows(x, y, 5, alpha, 1);
    const ref = naive(x, y, 5, Float64Array.from([1000, -1e300, 999, -1e300]), 1);
    got.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 9));
    expect(lseRows(x, y, 5, new Float64Array(4).fill(-Infinity), 1)[0]).toBe(-Infinity);
  });

  it('propagates NaN', () => {
    const { x, y } = data(2, 3, 5, 3);
    expect(Number.isNaN(lseRows(x, y, 5, Float64Array.from([0, NaN, 0]), 1)[0])).toBe(true);
    expect(Number.isNaN(lseRows(x, y, 3 + 2, Float64Array.from([NaN, 0, 0]), 1)[1])).toBe(true);
  });

  it('row slices compose to the whole', () => {
    const { x, y, alpha } = data(11, 5, 5, 4);
    const whole = lseRows(x, y, 5, alpha, 2);
    const out = new Float64Array(11);
    for (const [a, b] of rowRanges(11, 3)) lseRows(x, y, 5, alpha, 2, out, a, b);
    expect(Array.from(out)).toEqual(Array.from(whole));
  });

  it('property: equals the naive formula on random inputs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.double({ min: 0.01, max: 20, noNaN: true }), fc.integer(), (d, n, m, s, seed) => {
        const { x, y, alpha } = data(n, m, d, seed);
        const got = lseRows(x, y, d, alpha, s);
        naive(x, y, d, alpha, s).forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v))));
      }),
      { numRuns: 60 },
    );
  });

  it('cpuKernel colLse is rowLse with the roles swapped', async () => {
    const { x, y } = data(6, 4, 5, 5);
    const k = cpuKernel(x, y, 5);
    const alphaRows = Float64Array.from([0.1, -2, 3, 0, 1, 2]);
    const col = await k.colLse(alphaRows, 0.7);
    naive(y, x, 5, alphaRows, 0.7).forEach((v, j) => expect(col[j]).toBeCloseTo(v, 11));
    await expect(k.rowLse(new Float64Array(3), 1)).rejects.toThrow(RangeError);
  });
});
