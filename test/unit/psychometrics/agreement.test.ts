import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { pairAgreement, traitAgreement } from '../../../src/core/psychometrics/agreement';
import { Rng } from '../../../src/core/rng';
import { TRAITS } from '../../../src/core/traits';

describe('pairAgreement', () => {
  test('identical scores agree perfectly', () => {
    const x = [1.5, 2.2, 3.9, 4.1, 2.8];
    const a = pairAgreement(x, x);
    expect(a.n).toBe(5);
    expect(a.pearson).toBeCloseTo(1, 12);
    expect(a.icc21).toBeCloseTo(1, 12);
    expect(a.lin).toBeCloseTo(1, 12);
    expect(a.meanAbsDiff).toBe(0);
  });

  test('a constant shift keeps r = 1 but lowers ICC and Lin, and shows in the mean difference', () => {
    const x = [1.5, 2.2, 3.9, 4.1, 2.8];
    const y = x.map((v) => v + 0.5);
    const a = pairAgreement(x, y);
    expect(a.pearson).toBeCloseTo(1, 12);
    expect(a.meanDiff).toBeCloseTo(0.5, 12);
    expect(a.meanAbsDiff).toBeCloseTo(0.5, 12);
    expect(a.icc21).toBeLessThan(0.95);
    expect(a.lin).toBeLessThan(0.95);
  });

  test('hand-computed example (ICC(2,1) by the Shrout–Fleiss mean squares, Lin by population moments)', () => {
    const x = [1, 2, 3, 4];
    const y = [2, 2, 4, 5];
    // means 2.5, 3.25; sxx 5, syy 6.75, sxy 5.5 → r = 5.5/sqrt(33.75)
    const a = pairAgreement(x, y);
    expect(a.pearson).toBeCloseTo(5.5 / Math.sqrt(33.75), 12);
    expect(a.lin).toBeCloseTo((2 * 5.5 / 4) / (5 / 4 + 6.75 / 4 + 0.75 ** 2), 12);
    // rows means 1.5 2 3.5 4.5, grand 2.875: SSR = 2*(1.890625+0.765625+0.390625+2.640625) = 11.375, MSR = 11.375/3
    // MSC = 4*((2.5-2.875)^2+(3.25-2.875)^2) = 1.125; residuals ±0.125 (six) and ±0.375 (two): SSE = 0.375
    const msr = 11.375 / 3, msc = 1.125, mse = 0.375 / 3;
    expect(a.icc21).toBeCloseTo((msr - mse) / (msr + mse + (2 * (msc - mse)) / 4), 12);
  });

  test('undefined statistics are NaN, not invented', () => {
    expect(Number.isNaN(pairAgreement([], []).pearson)).toBe(true);
    expect(Number.isNaN(pairAgreement([3], [3]).icc21)).toBe(true);
    expect(Number.isNaN(pairAgreement([3, 3, 3], [1, 2, 3]).pearson)).toBe(true);
  });

  test('NaN input is a NumericError; unpaired input an InputError', () => {
    expect(() => pairAgreement([1, NaN], [1, 2])).toThrow(expect.objectContaining({ name: 'NumericError' }));
    expect(() => pairAgreement([1, 2], [1])).toThrow(expect.objectContaining({ name: 'InputError' }));
  });

  test('properties: symmetric r/Lin/ICC/MAD, bounded, r ≥ |Lin| and noise lowers agreement', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 3, max: 60 }), (seed, n) => {
      const rng = new Rng(seed);
      const x = Array.from({ length: n }, () => 1 + 4 * rng.next());
      const y = x.map((v) => v + 0.3 * (rng.next() - 0.5));
      const a = pairAgreement(x, y);
      const b = pairAgreement(y, x);
      for (const k of ['pearson', 'lin', 'icc21', 'meanAbsDiff'] as const) expect(a[k]).toBeCloseTo(b[k], 10);
      expect(a.meanDiff).toBeCloseTo(-b.meanDiff, 10);
      expect(Math.abs(a.pearson)).toBeLessThanOrEqual(1 + 1e-12);
      expect(Math.abs(a.lin)).toBeLessThanOrEqual(Math.abs(a.pearson) + 1e-12);
      const noisy = x.map((v) => v + 3 * (rng.next() - 0.5));
      expect(pairAgreement(x, noisy).lin).toBeLessThan(a.lin);
    }), { numRuns: 100 });
  });
});

test('traitAgreement pairs only personas with both scores, per trait', () => {
  const v = (o: number) => Object.fromEntries(TRAITS.map((t, i) => [t, o + i * 0.1]));
  const rows = [
    { given: v(1), measured: v(1.2) },
    { given: v(2), measured: v(2.1) },
    { given: undefined, measured: v(3) },
    { given: { openness: 4 }, measured: v(4) },
  ];
  const out = traitAgreement(rows);
  expect(out.map((t) => t.trait)).toEqual([...TRAITS]);
  expect(out[0]!.n).toBe(3);
  expect(out[1]!.n).toBe(2);
  expect(out[1]!.meanDiff).toBeCloseTo(0.15, 12);
});
