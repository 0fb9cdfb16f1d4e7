import { describe, expect, test } from 'vitest';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { AppError } from '../../../src/core/errors';
import type { ProgressCallback, Progress } from '../../../src/contracts/progress';
import { inThreadAlignRunner } from '../../../src/pipeline/align-runner';
import { computeComparison } from '../../../src/pipeline/results/comparisons';
import { comparisonMetrics, storedMetrics } from '../../../src/pipeline/results/metrics';
import { browserRows, filterRows, groupValues } from '../../../src/pipeline/results/persona-filter';
import { runData } from '../../../src/pipeline/results/run-data';
import { storedRunFixture } from './run-fixture';

describe('stored run → view model', () => {
  test('stored metrics: 23 rows (3 joint + 5 × 4 per trait) with reductions against pool and random', async () => {
    const run = await storedRunFixture();
    const m = storedMetrics(run.result!);
    expect(m.rows.length).toBe(23);
    expect(m.columns).toEqual(['selected']);
    const energy = m.rows[0]!;
    expect(energy.label).toBe('Energy distance');
    const d = run.result!.diagnostics;
    expect(energy.pool).toBe(d.pool.energy);
    expect(energy.methods.selected!.value).toBe(d.selected.energy);
    expect(energy.methods.selected!.vsPool).toBeCloseTo(1 - d.selected.energy / d.pool.energy, 12);
    expect(energy.methods.selected!.vsRandom).toBeCloseTo(1 - d.selected.energy / d.random.energy, 12);
    // nearest on a tilted pool beats the raw pool on energy distance.
    expect(energy.methods.selected!.vsPool).toBeGreaterThan(0.5);
  });

  test('IS only and IS + OT on demand: same size, distinct rows, seeded, every set judged on one held-out yardstick', async () => {
    const run = await storedRunFixture();
    const data = runData(run);
    expect(data.method).toBe('nearest');
    expect(data.size).toBe(60);
    expect(data.holdout).toBe(0.2);
    const runner = inThreadAlignRunner(cpuKernelFactory());
    const seen: Progress[] = [];
    const c = await computeComparison(undefined, data, runner, (p) => seen.push(p));
    for (const b of [c.is, c.isOt]) {
      expect(b.selected.length).toBe(60);
      expect(new Set(b.selected).size).toBe(60);
      expect(b.ess).toBeGreaterThan(1);
      expect(b.ess).toBeLessThanOrEqual(400);
    }
    expect(c.matchN + c.judgedN).toBe(data.reference.n);
    expect(c.runMatchedJudged).toBe(false);
    expect(seen.filter((p) => p.stage === 'comparison').map((p) => p.done)).toEqual([0, 1, 2, 3, 4]);
    const again = await computeComparison(undefined, data, runner);
    expect(Array.from(again.isOt.selected)).toEqual(Array.from(c.isOt.selected));
    const m = comparisonMetrics(c);
    expect(m.columns).toEqual(['is', 'isOt', 'selected']);
    const energy = m.rows[0]!;
    expect(energy.methods.is!.value).toBe(c.isDiagnostics.energy);
    expect(energy.methods.isOt!.vsRandom).toBeCloseTo(1 - c.isOtDiagnostics.energy / c.run.random.energy, 12);
    // IS reweights a tilted pool towards the reference: better than the raw pool.
    expect(c.isDiagnostics.energy).toBeLessThan(c.run.pool.energy);
  });

  test('cancel rejects with AbortError', async () => {
    const data = runData(await storedRunFixture());
    const ac = new AbortController();
    const onProgress: ProgressCallback = (p) => {
      if (p.stage === 'comparison' && p.done === 1) ac.abort();
    };
    await expect(computeComparison(ac.signal, data, inThreadAlignRunner(cpuKernelFactory()), onProgress)).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('a run without a result is refused with a message that says what to do', async () => {
    const run = await storedRunFixture();
    expect(() => runData({ ...run, status: 'running', result: undefined })).toThrow(AppError);
    expect(() => runData({ ...run, status: 'running', result: undefined })).toThrow(/pick a finished run/);
  });
});

describe('persona browser filters', () => {
  test('selection status, full text, trait ranges, quality and groups combine with AND', async () => {
    const run = await storedRunFixture();
    const rows = browserRows(run.result!);
    expect(rows.length).toBe(400);
    expect(rows.filter((r) => r.selected).length).toBe(60);
    expect(filterRows(rows, { selection: 'selected' }).map((r) => r.index)).toEqual(Array.from(run.result!.selected));
    expect(filterRows(rows, { selection: 'not-selected' }).length).toBe(340);
    const garden = filterRows(rows, { query: 'GARDENING teacher' });
    expect(garden.length).toBeGreaterThan(0);
    expect(garden.every((r) => /gardening/.test(r.record!.text) && /teacher/.test(r.record!.text))).toBe(true);
    expect(garden.length).toBe(rows.filter((r) => r.record!.text.includes('gardening') && r.record!.text.includes('teacher')).length);
    const high = filterRows(rows, { traits: { extraversion: [4, 5], neuroticism: [1, 2.5] } });
    expect(high.length).toBeGreaterThan(0);
    expect(high.every((r) => r.traits.extraversion >= 4 && r.traits.neuroticism <= 2.5)).toBe(true);
    expect(filterRows(rows, { minQuality: 4.5 }).every((r) => r.quality! >= 4.5)).toBe(true);
    expect(groupValues(rows, 'region')).toEqual(['east-asia', 'europe', 'north-america']);
    const eu = filterRows(rows, { region: 'europe', ageBand: '55+', selection: 'all' });
    expect(eu.every((r) => r.region === 'europe' && r.ageBand === '55+')).toBe(true);
    expect(eu.length).toBe(rows.filter((r) => r.index % 3 === 1 && r.index % 5 === 4).length);
    expect(filterRows(rows, { query: 'no-such-word' })).toEqual([]);
  });
});

describe('manifest shapes', () => {
  test('a target run keeps its evaluation at the top level of its manifest; method and seed are read from it', async () => {
    const run = await storedRunFixture();
    const r = run.result!;
    const target = { ...run, kind: 'target' as const, result: { ...r, manifest: { method: 'semi-relaxed', seed: 9, evaluation: { holdout: 0, heldOut: 100, match: 100, seed: 9 } } } };
    const d = runData(target);
    expect([d.method, d.seed, d.holdout]).toEqual(['semi-relaxed', 9, 0]);
    expect(d.evaluation).toEqual({ holdout: 0, heldOut: 100, match: 100, seed: 9 });
    const align = runData(run);
    expect(align.evaluation?.holdout).toBe(0.2);
    expect(runData({ ...run, result: { ...r, manifest: {} } }).evaluation).toBeUndefined();
  });
});

describe('results model', () => {
  test('density series in legend order; IS weights from the comparison with the cap marked; PCA drawn sets capped', async () => {
    const { resultsModel, PCA_MAX_POINTS } = await import('../../../src/pipeline/results/results-model');
    const data = runData(await storedRunFixture());
    const plain = resultsModel(data);
    expect(plain.series.map((s) => s.key)).toEqual(['reference', 'pool', 'random', 'selected']);
    expect(plain.weights).toBeUndefined(); // nearest computes no importance weights
    expect(plain.summaries.find((s) => s.key === 'selected')!.n).toBe(60);
    expect(plain.pca.summary.map((s) => [s.set, s.n, s.drawn])).toEqual([['pool', 400, 400], ['reference', 100, 100], ['selected', 60, 60]]);
    expect(plain.pca.points.length).toBe(560);
    expect(PCA_MAX_POINTS).toBeGreaterThan(560);
    const c = await computeComparison(undefined, data, inThreadAlignRunner(cpuKernelFactory()));
    const full = resultsModel(data, c);
    expect(full.series.map((s) => s.key)).toEqual(['reference', 'pool', 'random', 'is', 'is+ot', 'selected']);
    expect(full.weights!.from).toBe('comparison');
    expect(full.weights!.view.cap).toBe(20); // the core's default trim, k = 20 × mean
    expect(full.weights!.view.ess).toBeCloseTo(c.is.ess, 9);
    expect(full.weights!.view.atCap).toBe(c.is.trimmed);
  });
});
