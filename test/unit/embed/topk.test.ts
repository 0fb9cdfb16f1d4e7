import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosineTopK, cosineTopKBatch, ndcgAtK, precisionAtK, recallAtK } from '../../../src/core/embed/topk';

/** The oracle: every row scored in float64, then a full sort by (score desc, index asc). */
function fullSort(matrix: Float32Array, dim: number, q: ArrayLike<number>, normalized: boolean): Array<[number, number]> {
  const n = matrix.length / dim;
  const rows: Array<[number, number]> = [];
  let qq = 0;
  for (let j = 0; j < dim; j++) qq += (q[j] as number) ** 2;
  for (let i = 0; i < n; i++) {
    let s = 0;
    let xx = 0;
    for (let j = 0; j < dim; j++) {
      s += (matrix[i * dim + j] as number) * (q[j] as number);
      xx += (matrix[i * dim + j] as number) ** 2;
    }
    if (!normalized) s = xx * qq > 0 ? s / (Math.sqrt(xx) * Math.sqrt(qq)) : 0;
    rows.push([i, s]);
  }
  return rows.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

describe('cosineTopK', () => {
  it('equals the first k of a full sort on random data (ties and k > n included)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 50 }),
        fc.boolean(),
        fc.integer(),
        (dim, n, k, normalized, seed) => {
          // Small integers make exact ties common.
          let x = seed >>> 0;
          const next = () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return (x % 7) - 3; };
          const m = Float32Array.from({ length: n * dim }, next);
          const q = Float32Array.from({ length: dim }, next);
          const got = cosineTopK(m, dim, q, k, { normalized });
          const want = fullSort(m, dim, q, normalized).slice(0, k);
          expect([...got.indices]).toEqual(want.map((r) => r[0]));
          want.forEach((r, i) => expect(got.scores[i]).toBeCloseTo(r[1], 12));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('batch equals one query at a time', () => {
    const dim = 3;
    const m = Float32Array.from({ length: 30 }, (_, i) => Math.sin(i));
    const qs = Float32Array.from({ length: 6 }, (_, i) => Math.cos(i));
    const batch = cosineTopKBatch(m, dim, qs, 4);
    expect(batch.map((t) => [...t.indices])).toEqual([0, 1].map((j) => [...cosineTopK(m, dim, qs.subarray(j * 3, j * 3 + 3), 4).indices]));
  });

  it('rejects mismatched shapes with InputError', () => {
    expect(() => cosineTopK(new Float32Array(5), 2, [1, 0], 1)).toThrow(/whole number/);
    expect(() => cosineTopK(new Float32Array(4), 2, [1, 0, 0], 1)).toThrow(/query has 3/);
  });
});

describe('retrieval metrics', () => {
  it('recall@k = |R ∩ T_k| / |R| and precision@k = |R ∩ T_k| / k', () => {
    const retrieved = [5, 1, 9, 2, 7];
    const relevant = [1, 2, 3, 4];
    expect(recallAtK(retrieved, relevant, 3)).toBe(1 / 4);
    expect(recallAtK(retrieved, relevant, 5)).toBe(2 / 4);
    expect(precisionAtK(retrieved, relevant, 2)).toBe(1 / 2);
    expect(precisionAtK(retrieved, relevant, 10)).toBe(2 / 10); // short list is penalised
    expect(recallAtK(retrieved, [], 3)).toBe(0);
    expect(precisionAtK(retrieved, relevant, 0)).toBe(0);
    expect(recallAtK([1, 1, 1], new Set([1, 2]), 3)).toBe(1 / 2); // duplicates count once
  });

  it('nDCG@k with binary and graded gains', () => {
    // Binary: relevant {a=1, b=2}; ranking [1, 9, 2]: DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3).
    expect(ndcgAtK([1, 9, 2], [1, 2], 3)).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK([1, 2, 9], [1, 2], 3)).toBe(1);
    expect(ndcgAtK([9, 8], [1, 2], 2)).toBe(0);
    expect(ndcgAtK([1, 2], [], 2)).toBe(0);
    // Graded: gains 3 for 7, 1 for 4; ranking [4, 7]: DCG = 1 + 3/log2(3); IDCG = 3 + 1/log2(3).
    const g = new Map([[7, 3], [4, 1]]);
    expect(ndcgAtK([4, 7], g, 2)).toBeCloseTo((1 + 3 / Math.log2(3)) / (3 + 1 / Math.log2(3)), 12);
    // k = 1 truncates both DCG and IDCG.
    expect(ndcgAtK([4, 7], g, 1)).toBeCloseTo(1 / 3, 12);
    // A repeated item earns its gain once.
    expect(ndcgAtK([7, 7], g, 2)).toBeCloseTo(3 / (3 + 1 / Math.log2(3)), 12);
  });
});
