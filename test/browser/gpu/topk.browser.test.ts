/**
 * WebGPU brute-force top-k (src/gpu/topk-gpu.ts, shaders/topk-*.wgsl) against the float64 oracle
 * cosineTopK (src/core/embed/topk.ts): same indices apart from near-ties within f32 error, scores
 * within 1e-5; every chunking path forced with tiny limits; exact ties; k ≥ n; large k; device loss.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cosineTopK, type TopK } from '../../../src/core/embed/topk';
import { Rng } from '../../../src/core/rng';
import { acquireGpu, type GpuContext } from '../../../src/gpu/device';
import { GpuTopKIndex, selectPasses, topKGpu, topKWithFallback } from '../../../src/gpu/topk-gpu';

let ctx: GpuContext;
const report: string[] = [];
beforeAll(async () => {
  ctx = await acquireGpu();
});
afterAll(() => console.log(`[gpu topk] ${ctx.adapter.vendor}/${ctx.adapter.architecture}\n${report.join('\n')}`));

function unitRows(rng: Rng, n: number, dim: number): Float32Array {
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (v[i * dim + j] = rng.normal()) ** 2;
    for (let j = 0; j < dim; j++) v[i * dim + j] = v[i * dim + j]! / Math.sqrt(s);
  }
  return v;
}

/** float64 score of row i against query q. */
function exact(matrix: Float32Array, dim: number, q: Float32Array, i: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += matrix[i * dim + j]! * q[j]!;
  return s;
}

/**
 * Parity: scores rank by rank within 1e-5, and wherever the indices differ, the GPU's row truly
 * scores within 1e-5 of the oracle's at that rank (a near-tie swapped by f32 rounding).
 */
function expectParity(got: TopK, want: TopK, matrix: Float32Array, dim: number, q: Float32Array): { swaps: number; maxErr: number } {
  expect(got.indices.length).toBe(want.indices.length);
  expect(new Set(got.indices).size).toBe(got.indices.length);
  let swaps = 0;
  let maxErr = 0;
  for (let r = 0; r < want.indices.length; r++) {
    const err = Math.abs(got.scores[r]! - want.scores[r]!);
    maxErr = Math.max(maxErr, err);
    expect(err).toBeLessThanOrEqual(1e-5);
    if (got.indices[r] !== want.indices[r]) {
      swaps++;
      expect(Math.abs(exact(matrix, dim, q, got.indices[r]!) - want.scores[r]!)).toBeLessThanOrEqual(1e-5);
    }
  }
  return { swaps, maxErr };
}

function checkAll(label: string, got: TopK[], matrix: Float32Array, dim: number, queries: Float32Array, k: number): void {
  let swaps = 0;
  let maxErr = 0;
  got.forEach((g, j) => {
    const q = queries.subarray(j * dim, (j + 1) * dim);
    const r = expectParity(g, cosineTopK(matrix, dim, q, k), matrix, dim, q);
    swaps += r.swaps;
    maxErr = Math.max(maxErr, r.maxErr);
  });
  report.push(`${label}: ${got.length} queries, max |Δscore| ${maxErr.toExponential(2)}, near-tie swaps ${swaps}`);
}

describe('GPU top-k vs the float64 oracle', () => {
  const rng = new Rng(41);
  const dim = 48;
  const n = 5000;
  const matrix = unitRows(rng, n, dim);
  const queries = unitRows(rng, 11, dim); // > the 8-query block of topk-scores.wgsl

  test('one chunk, several tiles and merge passes (k = 10, 25)', async () => {
    for (const k of [1, 10, 25]) {
      const got = await topKGpu(matrix, dim, queries, k);
      checkAll(`n=${n} d=${dim} k=${k}`, got, matrix, dim, queries, k);
    }
    expect(selectPasses(n, 1024, 25).length).toBe(2); // the case above did merge
  });

  test('forced chunking: a 700-row storage binding splits the matrix into 8 chunks and the queries into blocks', async () => {
    const limits = { maxStorageBufferBindingSize: 700 * dim * 4 };
    const index = await GpuTopKIndex.create(ctx, matrix, dim, { limits });
    try {
      expect(index.chunkCount).toBe(Math.ceil(n / 700));
      const got = await index.search(queries, 10);
      checkAll('chunked (700 rows/binding)', got, matrix, dim, queries, 10);
    } finally {
      index.dispose();
    }
    // A binding of 40 rows: the scores of 60 queries (60 × 40 × 4 bytes) do not fit one either, so queries go in blocks of 48.
    const part = matrix.subarray(0, 600 * dim);
    const many = unitRows(rng, 60, dim);
    const tiny = await GpuTopKIndex.create(ctx, part, dim, { limits: { maxStorageBufferBindingSize: 40 * dim * 4 } });
    try {
      expect(tiny.chunkCount).toBe(15);
      checkAll('chunked (40-row binding, query blocks of 48)', await tiny.search(many, 7), part, dim, many, 7);
    } finally {
      tiny.dispose();
    }
  });

  test('a small selection tile (WG 32 × 2 items) forces a deep merge tree', async () => {
    const index = await GpuTopKIndex.create(ctx, matrix, dim, { selectWorkgroupSize: 32, itemsPerThread: 2 });
    try {
      expect(selectPasses(n, 64, 10).length).toBeGreaterThan(3);
      checkAll('tile 64', await index.search(queries, 10), matrix, dim, queries, 10);
    } finally {
      index.dispose();
    }
  });

  test('exact ties (duplicated rows) go to the lower index, as in the oracle (both selection kernels)', async () => {
    const dup = new Float32Array(300 * dim);
    for (let i = 0; i < 300; i++) dup.set(matrix.subarray((i % 50) * dim, (i % 50 + 1) * dim), i * dim);
    const q = queries.subarray(0, 3 * dim);
    for (const k of [3, 12]) { // arg-max rounds, then the bitonic sort
      const got = await topKGpu(dup, dim, q, k, { selectWorkgroupSize: 32, itemsPerThread: 2 });
      got.forEach((g, j) => {
        const want = cosineTopK(dup, dim, q.subarray(j * dim, (j + 1) * dim), k);
        expect([...g.indices]).toEqual([...want.indices]);
      });
    }
  });

  test('k ≥ n returns every row; k = 0 returns nothing; zero rows score 0', async () => {
    const small = unitRows(rng, 9, dim);
    small.fill(0, 2 * dim, 3 * dim);
    const got = await topKGpu(small, dim, queries.subarray(0, 2 * dim), 20);
    checkAll('k ≥ n', got, small, dim, queries.subarray(0, 2 * dim), 20);
    expect(got[0]!.indices.length).toBe(9);
    expect((await topKGpu(small, dim, queries.subarray(0, dim), 0))[0]!.indices.length).toBe(0);
  });

  test('k above the selection kernel (300 > 256): scores read back, CPU heap, same result', async () => {
    const got = await topKGpu(matrix, dim, queries.subarray(0, 2 * dim), 300, { limits: { maxStorageBufferBindingSize: 2000 * dim * 4 } });
    checkAll('k=300 (CPU select, 3 chunks)', got, matrix, dim, queries.subarray(0, 2 * dim), 300);
  });

  test('normalized: false uploads normalised copies (cosine of raw vectors)', async () => {
    const raw = Float32Array.from(matrix.subarray(0, 500 * dim), (v, i) => v * (1 + (Math.floor(i / dim) % 7)));
    const q = Float32Array.from(queries.subarray(0, 2 * dim), (v) => v * 3);
    const got = await topKGpu(raw, dim, q, 10, { normalized: false });
    got.forEach((g, j) => {
      const want = cosineTopK(raw, dim, q.subarray(j * dim, (j + 1) * dim), 10, { normalized: false });
      for (let r = 0; r < 10; r++) expect(Math.abs(g.scores[r]! - want.scores[r]!)).toBeLessThanOrEqual(1e-5);
    });
  });

  test('NaN input is an InputError; a lost device falls back to the CPU oracle with the same result', async () => {
    const bad = Float32Array.from(matrix.subarray(0, 10 * dim));
    bad[5] = NaN;
    await expect(topKGpu(bad, dim, queries.subarray(0, dim), 3)).rejects.toMatchObject({ name: 'InputError' });
    const lostCtx = await acquireGpu();
    lostCtx.device.destroy();
    const run = await topKWithFallback(matrix, dim, queries.subarray(0, 2 * dim), 10, { context: async () => lostCtx });
    expect(run.backend).toBe('cpu');
    expect(run.fallback).toMatch(/WebGPU|lost|destroyed|invalid/i);
    run.results.forEach((g, j) => expect([...g.indices]).toEqual([...cosineTopK(matrix, dim, queries.subarray(j * dim, (j + 1) * dim), 10).indices]));
    ctx = await acquireGpu(); // a fresh device for whatever runs next
    expect(ctx.isLost).toBe(false);
  });
});
