import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { greedyMatch, scanPlan, systematicQuotas, systematicSample, topWeights } from '../../../src/core/align/plan';
import { costMatrix, randomCloud } from './helpers';
import { Rng } from '../../../src/core/rng';

/** Global greedy over a dense score matrix (the definition greedyMatch must reproduce). */
function denseGreedy(S: number[][], quotas: number[]): Array<[number, number]> {
  const pairs: Array<[number, number, number]> = [];
  S.forEach((row, i) => row.forEach((s, j) => pairs.push([s, i, j])));
  pairs.sort((p, q) => q[0] - p[0]);
  const used = new Set<number>();
  const left = [...quotas];
  const out: Array<[number, number]> = [];
  for (const [, i, j] of pairs) {
    if (used.has(i) || left[j]! <= 0) continue;
    used.add(i);
    left[j]!--;
    out.push([i, j]);
  }
  return out;
}

describe('greedyMatch', () => {
  it('equals the dense global greedy by descending score, with quotas and tiny candidate lists', () => {
    for (const seed of [1, 2, 3, 4]) {
      const x = randomCloud(40, 3, seed);
      const y = randomCloud(12, 3, seed + 50, 0.5);
      const rng = new Rng(seed);
      const u = Float64Array.from({ length: 40 }, () => rng.normal());
      const v = Float64Array.from({ length: 12 }, () => rng.normal());
      const C = costMatrix(x, y);
      const S = C.map((row, i) => row.map((c, j) => u[i]! + v[j]! - 2 * c));
      const quotas = Int32Array.from({ length: 12 }, (_, j) => (j % 3) + (j === 0 ? 2 : 0));
      const got = greedyMatch(x.points, y.points, 3, u, v, 2, quotas, seed, undefined, 2);
      const want = denseGreedy(S, Array.from(quotas));
      const key = (p: Array<[number, number]>) => p.map(([i, j]) => `${i}:${j}`).sort();
      expect(key(Array.from(got.rows, (i, k) => [i, got.cols[k]!] as [number, number]))).toEqual(key(want));
      // each row at most once, each column exactly its quota
      expect(new Set(got.rows).size).toBe(got.rows.length);
      quotas.forEach((q, j) => expect(Array.from(got.cols).filter((c) => c === j).length).toBe(q));
    }
  });

  it('never picks rows with u = −Inf and errors when there are too few rows', () => {
    const x = randomCloud(5, 2, 1);
    const y = randomCloud(3, 2, 2);
    const u = Float64Array.from([0, -Infinity, 0, 0, -Infinity]);
    const got = greedyMatch(x.points, y.points, 2, u, new Float64Array(3), 1, Int32Array.from([1, 1, 1]), 1);
    expect(Array.from(got.rows).sort()).toEqual([0, 2, 3]);
    expect(() => greedyMatch(x.points, y.points, 2, u, new Float64Array(3), 1, Int32Array.from([2, 1, 1]), 1)).toThrow(/cannot pick 4/);
  });

  it('is deterministic for a seed (ties included) and breaks exact ties differently across seeds', () => {
    const x = randomCloud(1, 2, 1);
    const pts = new Float32Array(20).fill(0); // 10 identical rows
    const y = new Float32Array(2); // one target at the same place
    const pick = (seed: number) => greedyMatch(pts, y, 2, new Float64Array(10), new Float64Array(1), 1, Int32Array.from([1]), seed).rows[0];
    expect(pick(7)).toBe(pick(7));
    const seen = new Set(Array.from({ length: 20 }, (_, s) => pick(s)));
    expect(seen.size).toBeGreaterThan(3);
    expect(x.n).toBe(1);
  });
});

describe('scanPlan', () => {
  it('row/col sums, cost and mass equal the dense plan', () => {
    const x = randomCloud(9, 4, 1);
    const y = randomCloud(7, 4, 2);
    const u = Float64Array.from({ length: 9 }, (_, i) => -i / 5);
    const v = Float64Array.from({ length: 7 }, (_, j) => j / 7);
    const C = costMatrix(x, y);
    const P = C.map((row, i) => row.map((c, j) => Math.exp(u[i]! + v[j]! - 0.5 * c)));
    const s = scanPlan(x.points, y.points, 4, u, v, 0.5);
    P.forEach((row, i) => expect(s.rowSums[i]).toBeCloseTo(row.reduce((a, b) => a + b, 0), 12));
    for (let j = 0; j < 7; j++) expect(s.colSums[j]).toBeCloseTo(P.reduce((a, row) => a + row[j]!, 0), 12);
    expect(s.cost).toBeCloseTo(P.reduce((a, row, i) => a + row.reduce((b, p, j) => b + p * C[i]![j]!, 0), 0), 12);
    expect(s.mass).toBeCloseTo(P.flat().reduce((a, b) => a + b, 0), 12);
  });
});

describe('systematic sampling and quotas', () => {
  it('systematicQuotas: integers summing to the total, each ⌊t·w⌋ or ⌈t·w⌉', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 100 }), fc.integer(), (arr, total, seed) => {
        fc.pre(arr.some((v) => v > 0));
        const w = Float64Array.from(arr);
        const sum = arr.reduce((a, b) => a + b, 0);
        const q = systematicQuotas(w, total, seed);
        expect(q.reduce((a, b) => a + b, 0)).toBe(total);
        q.forEach((v, j) => {
          const e = (total * w[j]!) / sum;
          expect(v).toBeGreaterThanOrEqual(Math.floor(e - 1e-9));
          expect(v).toBeLessThanOrEqual(Math.ceil(e + 1e-9));
        });
      }),
    );
  });

  it('systematicSample: distinct indices, certainty units always in, inclusion frequency ≈ π_i', () => {
    const w = Float64Array.from([5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    const counts = new Array<number>(11).fill(0);
    const R = 4000;
    for (let seed = 0; seed < R; seed++) {
      const s = systematicSample(w, 4, seed);
      expect(s.length).toBe(4);
      expect(new Set(s).size).toBe(4);
      expect(Array.from(s)).toContain(0); // 4·5/14 ≥ 1: certain
      s.forEach((i) => counts[i]!++);
    }
    expect(counts[10]).toBe(0);
    // the other 9 share 3 draws: π = 1/3 each
    for (let i = 1; i < 10; i++) expect(counts[i]! / R).toBeCloseTo(1 / 3, 1);
  });

  it('systematicSample errors when asked for more rows than have positive weight', () => {
    expect(() => systematicSample(Float64Array.from([1, 0, 0]), 2, 1)).toThrow(/only 1/);
  });

  it('topWeights takes the largest', () => {
    expect(Array.from(topWeights(Float64Array.from([0.1, 0.5, 0.2, 0.9]), 2, 1))).toEqual([1, 3]);
  });
});
