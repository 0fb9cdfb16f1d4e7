/**
 * Parity of the WGSL streaming log-sum-exp (GpuLseKernel) with the float64 oracle lseRows, in
 * Chromium's WebGPU (SwiftShader here). Rule: |Δ| ≤ 1e-4 · max(1, |ref|) on log values.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lseRows } from '../../../src/core/lse';
import { acquireGpu, type GpuContext } from '../../../src/gpu/device';
import { GpuLseKernel, GpuPairKernelFactory } from '../../../src/gpu/lse-kernel';
import { makeCase, maxRelErr, type LseCase } from './cases';

const TOL = 1e-4;
let ctx: GpuContext;

beforeAll(async () => {
  ctx = await acquireGpu();
});

const report: string[] = [];
afterAll(() => {
  console.log(`[gpu parity] adapter ${ctx.adapter.vendor}/${ctx.adapter.architecture}\n${report.join('\n')}`);
});

async function checkCase(c: LseCase, options: Parameters<typeof GpuLseKernel.create>[4] = {}, tag = ''): Promise<GpuLseKernel> {
  const k = await GpuLseKernel.create(ctx, c.x, c.y, c.d, options);
  const refRow = lseRows(c.x, c.y, c.d, c.alphaCols, c.s);
  const refCol = lseRows(c.y, c.x, c.d, c.alphaRows, c.s);
  const row = await k.rowLse(c.alphaCols, c.s);
  const col = await k.colLse(c.alphaRows, c.s);
  const er = maxRelErr(row, refRow);
  const ec = maxRelErr(col, refCol);
  report.push(`${c.name}${tag}: row ${er.toExponential(2)}, col ${ec.toExponential(2)} ${JSON.stringify(k.chunkCounts)}`);
  expect(er, `${c.name} rowLse`).toBeLessThanOrEqual(TOL);
  expect(ec, `${c.name} colLse`).toBeLessThanOrEqual(TOL);
  return k;
}

describe('GpuLseKernel parity with lseRows', () => {
  test('d=5, 300×700, s=1', async () => {
    (await checkCase(makeCase('d5 300x700 s1', 1, 300, 700, 5, 1))).dispose();
  });
  test('d=5, 300×700, s=20 (ε=0.05, potentials spread 5)', async () => {
    (await checkCase(makeCase('d5 300x700 s20', 2, 300, 700, 5, 20, { spread: 5 }))).dispose();
  });
  test('d=50, 300×700', async () => {
    (await checkCase(makeCase('d50 300x700 s4', 3, 300, 700, 50, 4))).dispose();
  });
  test('d=384 (x_i read from memory, small tiles), 130×270', async () => {
    (await checkCase(makeCase('d384 130x270 s2', 4, 130, 270, 384, 2))).dispose();
  });
  test('bigger than one tile and one workgroup in both directions, with column splits: 2000×3000, d=5', async () => {
    const k = await checkCase(makeCase('d5 2000x3000 s3', 5, 2000, 3000, 5, 3));
    expect(k.chunkCounts.rowSplits).toBeGreaterThan(1);
    k.dispose();
  });
  test('−∞ alpha (zero mass) is skipped; an all −∞ alpha gives −∞ rows', async () => {
    const c = makeCase('d5 300x700 with -inf', 6, 300, 700, 5, 1, { minusInfEvery: 3 });
    const k = await checkCase(c);
    const none = await k.rowLse(new Float64Array(700).fill(-Infinity), 1);
    expect(none.every((v) => v === -Infinity)).toBe(true);
    k.dispose();
  });
  test('one point each, s=0 (pure log-sum of alpha)', async () => {
    const c = makeCase('1x1 s0', 7, 1, 1, 3, 0);
    (await checkCase(c)).dispose();
  });
  test('NaN alpha is a NumericError, not a silent NaN', async () => {
    const c = makeCase('nan', 8, 10, 20, 5, 1);
    const k = await GpuLseKernel.create(ctx, c.x, c.y, c.d);
    const bad = c.alphaCols.slice();
    bad[3] = NaN;
    await expect(k.rowLse(bad, 1)).rejects.toMatchObject({ name: 'NumericError' });
    await expect(k.rowLse(c.alphaCols, Number.POSITIVE_INFINITY)).rejects.toMatchObject({ name: 'NumericError' });
    k.dispose();
  });
  test('concurrent calls on one kernel are serialised and each gets its own result', async () => {
    const c = makeCase('concurrent', 9, 200, 300, 5, 1);
    const k = await GpuLseKernel.create(ctx, c.x, c.y, c.d);
    const [a, b] = await Promise.all([k.rowLse(c.alphaCols, 1), k.colLse(c.alphaRows, 2)]);
    expect(maxRelErr(a, lseRows(c.x, c.y, c.d, c.alphaCols, 1))).toBeLessThanOrEqual(TOL);
    expect(maxRelErr(b, lseRows(c.y, c.x, c.d, c.alphaRows, 2))).toBeLessThanOrEqual(TOL);
    k.dispose();
  });
});

describe('chunking paths forced by small limits give the same result', () => {
  const c = makeCase('d5 300x700 chunked', 11, 300, 700, 5, 2, { minusInfEvery: 7 });
  test('x and y split into several buffers (maxStorageBufferBindingSize 8 KiB)', async () => {
    const k = await checkCase(c, { limits: { maxStorageBufferBindingSize: 8192 } }, ' [8 KiB bindings]');
    expect(k.chunkCounts.y).toBeGreaterThan(1);
    k.dispose();
  });
  test('dispatches cut to 2 workgroups per dimension, 2-D combine grid', async () => {
    const k = await checkCase(c, { limits: { maxComputeWorkgroupsPerDimension: 2 } }, ' [2 wg/dim]');
    expect(k.chunkCounts.rowDispatches).toBeGreaterThan(1);
    k.dispose();
  });
  test('16 KiB → 512 B workgroup storage (tile of 21 columns), 32-thread workgroups', async () => {
    (await checkCase(c, { limits: { maxComputeWorkgroupStorageSize: 512 }, workgroupSize: 32 }, ' [512 B tile]')).dispose();
  });
  test('both x and y split (700×700, 12 KiB bindings)', async () => {
    const sq = makeCase('d5 700x700 chunked', 12, 700, 700, 5, 2);
    const k = await checkCase(sq, { limits: { maxStorageBufferBindingSize: 12288 } }, ' [12 KiB bindings]');
    expect(k.chunkCounts.x).toBeGreaterThan(1);
    expect(k.chunkCounts.y).toBeGreaterThan(1);
    k.dispose();
  });
  test('a scratch buffer that cannot fit is a GpuError (the CPU fallback catches that name)', async () => {
    await expect(GpuLseKernel.create(ctx, c.x, c.y, c.d, { limits: { maxStorageBufferBindingSize: 2048 } })).rejects.toMatchObject({ name: 'GpuError' });
  });
  test('all at once, through the factory', async () => {
    const f = new GpuPairKernelFactory({ limits: { maxStorageBufferBindingSize: 8192, maxComputeWorkgroupsPerDimension: 3, maxComputeWorkgroupStorageSize: 1024 } });
    const k = await f.create(c.x, c.y, c.d);
    expect(maxRelErr(await k.rowLse(c.alphaCols, c.s), lseRows(c.x, c.y, c.d, c.alphaCols, c.s))).toBeLessThanOrEqual(TOL);
    expect(maxRelErr(await k.colLse(c.alphaRows, c.s), lseRows(c.y, c.x, c.d, c.alphaRows, c.s))).toBeLessThanOrEqual(TOL);
    report.push(`all limits small: ${JSON.stringify(k.chunkCounts)}`);
    k.dispose();
  });
});
