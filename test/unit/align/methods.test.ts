import { describe, expect, it } from 'vitest';
import { ALIGN_METHODS, DEFAULT_METHOD, align, type AlignMethodName } from '../../../src/core/align/methods';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { diagnose, randomSubset, selectedCloud } from '../../../src/core/align/diagnostics';
import { PERSONA_TILT, syntheticBigFive } from '../../../src/core/align/synthetic';
import { applyStandardizer, standardizerOf } from '../../../src/core/align/stats';
import { makeCloud } from '../../../src/core/cloud';

const cpu = cpuKernelFactory();
const pool = syntheticBigFive({ n: 300, seed: 1, tiltSd: PERSONA_TILT, spread: 0.85 });
const ref = syntheticBigFive({ n: 200, seed: 2 });
const held = syntheticBigFive({ n: 1000, seed: 3 });
const z = standardizerOf(ref);
const energyHeld = (idx: Int32Array) => diagnose(applyStandardizer(selectedCloud(pool, idx), z), applyStandardizer(held, z)).energy;
const names = Object.keys(ALIGN_METHODS) as AlignMethodName[];

describe('method registry', () => {
  it('lists the six methods, each with a description; the default is nearest', () => {
    expect(names.sort()).toEqual(['is', 'is+ot', 'nearest', 'ot', 'semi-relaxed', 'unbalanced']);
    expect(DEFAULT_METHOD).toBe('nearest');
  });

  for (const name of ['is', 'ot', 'is+ot', 'semi-relaxed', 'unbalanced', 'nearest'] as AlignMethodName[]) {
    it(`${name}: K distinct sorted pool rows, deterministic for a seed, result fields filled`, async () => {
      const opts = { size: 60, seed: 4, sinkhorn: { tol: 1e-3 } };
      const r = await ALIGN_METHODS[name].run(undefined, pool, ref, opts, cpu);
      expect(r.method).toBe(name);
      expect(r.selected.length).toBe(60);
      expect(new Set(r.selected).size).toBe(60);
      expect(Array.from(r.selected).every((i, k, a) => i >= 0 && i < pool.n && (k === 0 || a[k - 1]! < i))).toBe(true);
      expect(r.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
      expect(r.timings.total).toBeGreaterThanOrEqual(0);
      expect(r.standardized).toBe(true);
      const otMethods = ['ot', 'is+ot', 'semi-relaxed', 'unbalanced'];
      expect(r.ot !== undefined).toBe(otMethods.includes(name));
      if (r.ot) {
        expect(r.ot.converged).toBe(true);
        expect(r.ot.marginalError).toBeLessThan(1e-3);
        expect(r.ot.cost).toBeGreaterThan(0);
      }
      expect(r.importance !== undefined).toBe(name === 'is' || name === 'is+ot');
      if (name === 'is' || name === 'is+ot') expect(r.ess).toBeLessThan(pool.n);
      const again = await align(undefined, pool, ref, { ...opts, method: name }, cpu);
      expect(Array.from(again.selected)).toEqual(Array.from(r.selected));
    });
  }

  it('on a tilted synthetic pool, is, is+ot, semi-relaxed and nearest beat a random subset on held-out data; balanced ot does not reweight', async () => {
    const K = 100;
    const base = energyHeld(randomSubset(pool, K, 1));
    const e: Record<string, number> = {};
    for (const name of names) e[name] = energyHeld((await align(undefined, pool, ref, { size: K, method: name, sinkhorn: { tol: 1e-3 } }, cpu)).selected) / base;
    for (const name of ['is', 'is+ot', 'semi-relaxed', 'nearest', 'unbalanced']) expect(e[name]).toBeLessThan(0.8);
    expect(e.nearest).toBeLessThan(e.is!);
    expect(e.ot).toBeGreaterThan(e['is+ot']!); // METHOD.md: balanced OT reproduces the pool's bias
  });

  it('matches through k-means centroids when asked, and selects from plan row sums with selection: systematic', async () => {
    const r1 = await align(undefined, pool, ref, { size: 40, method: 'semi-relaxed', targets: 'kmeans' }, cpu);
    expect(r1.targets).toBeLessThanOrEqual(40);
    expect(r1.timings.kmeans).toBeGreaterThanOrEqual(0);
    const r2 = await align(undefined, pool, ref, { size: 40, method: 'is+ot', selection: 'systematic', sinkhorn: { tol: 1e-3 } }, cpu);
    expect(new Set(r2.selected).size).toBe(40);
  });

  it('nearest with reference = K points and ε → 0 semantics: an exact copy of the reference inside the pool is found', async () => {
    const refPts = ref.points.slice(0, 10 * 5);
    const mixed = new Float32Array(pool.points.length + refPts.length);
    mixed.set(pool.points);
    mixed.set(refPts, pool.points.length);
    const p2 = makeCloud(mixed, 5);
    const r = await align(undefined, p2, makeCloud(refPts, 5), { size: 10, method: 'nearest' }, cpu);
    expect(Array.from(r.selected)).toEqual(Array.from({ length: 10 }, (_, k) => pool.n + k));
  });

  it('quantises a large reference into weighted k-means centroids first when referenceCentroids is set', async () => {
    const r = await align(undefined, pool, ref, { size: 30, method: 'nearest', referenceCentroids: 50, kmeans: { maxIter: 10 } }, cpu);
    expect(r.timings.quantize).toBeGreaterThan(0);
    expect(r.targets).toBeLessThanOrEqual(30);
    expect(new Set(r.selected).size).toBe(30);
  });

  it('rejects K larger than the pool, mismatched dimensions and unknown methods with InputError', async () => {
    await expect(align(undefined, pool, ref, { size: 301 }, cpu)).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/larger than the pool/) });
    await expect(align(undefined, pool, makeCloud([1, 2], 2), { size: 5 }, cpu)).rejects.toMatchObject({ name: 'InputError' });
    await expect(align(undefined, pool, ref, { size: 5, method: 'magic' as AlignMethodName }, cpu)).rejects.toThrow(/unknown method/);
  });

  it('aborts on a fired signal', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(align(ctl.signal, pool, ref, { size: 10, method: 'ot' }, cpu)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
