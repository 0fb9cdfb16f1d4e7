// The Align stage in Node: demo personas vs a built-in sample through the in-thread runner (CPU
// kernel), manifest, reproducibility, cancel, and the pure report helpers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { makeCloud } from '../../../src/core/cloud';
import { inThreadAlignRunner } from '../../../src/pipeline/align-runner';
import { poolFromCsv, sha256Hex, type InputServices } from '../../../src/pipeline/align-inputs';
import { runAlignStage, type AlignStageServices } from '../../../src/pipeline/align-stage';
import { metricRows, reduction, selectedCsv, traitHistograms, weightRows } from '../../../src/pipeline/align-report';
import { epsilonStepOf } from '../../../src/pipeline/align-progress';
import { manifestJson } from '../../../src/pipeline/align-manifest';
import type { Progress } from '../../../src/contracts/progress';

const publicDir = new URL('../../../public/', import.meta.url);
const fetchText: InputServices['fetchText'] = async (path) => readFileSync(new URL(path, publicDir), 'utf8');
const services: AlignStageServices = { fetchText, align: inThreadAlignRunner(cpuKernelFactory()) };
const demoVsGlobal = (method: 'nearest' | 'ot' | 'semi-relaxed', seed = 7, n = 1000) => ({
  pool: { kind: 'demo' as const },
  reference: { kind: 'builtin' as const, entryId: 'global', n, seed: 3 },
  options: { method, size: 150, seed, ...(method === 'ot' ? { sinkhorn: { tol: 1e-3 } } : {}) },
});

describe('runAlignStage', () => {
  it('nearest on the demo personas: K distinct rows, energy distance below the raw pool and the random subset', async () => {
    const progress: Progress[] = [];
    const r = await runAlignStage(undefined, demoVsGlobal('nearest'), services, (p) => progress.push(p));
    expect(r.align.selected.length).toBe(150);
    expect(new Set(r.align.selected).size).toBe(150);
    const d = r.diagnostics;
    expect(d.unit).toBe('reference SD');
    expect(d.selected.energy).toBeLessThan(d.pool.energy);
    expect(d.selected.energy).toBeLessThan(d.random.energy);
    expect(d.floor).toBeDefined();
    expect(r.backend.used).toBe('none'); // nearest never asks for a pair kernel
    expect(r.reference.label).toBe('approximate');
    expect(r.pool.cloud.n).toBe(2000);
    expect(progress.map((p) => p.stage)).toContain('diagnostics');
    expect(progress.at(-1)!.stage).toBe('done');

    const m = r.manifest;
    expect(m.method).toBe('nearest');
    expect(m.seed).toBe(7);
    expect(m.app.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.packages['@huggingface/transformers']).toMatch(/\d+\.\d+/);
    expect(m.packages['@mlc-ai/web-llm']).toMatch(/\d+\.\d+/);
    expect(m.inputs.pool.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.inputs.pool.n).toBe(2000);
    expect(m.inputs.reference.details.entryId).toBe('global');
    expect(m.result.energy.selected).toBe(d.selected.energy);
    expect(JSON.parse(manifestJson(m))).toEqual(JSON.parse(JSON.stringify(m)));
  });

  it('balanced OT reports ε steps and an OT result on the CPU kernel; same seed → same selection', async () => {
    const progress: Progress[] = [];
    const a = await runAlignStage(undefined, demoVsGlobal('ot', 7, 200), services, (p) => progress.push(p));
    const steps = progress.map(epsilonStepOf).filter((s) => s !== undefined);
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.at(-1)!.epsilon).toBeGreaterThan(0);
    expect(steps.at(-1)!.iterations).toBeGreaterThan(0);
    expect(Number.isFinite(steps.at(-1)!.marginalError)).toBe(true);
    expect(a.backend.used).toBe('cpu');
    expect(a.align.ot).toBeDefined();
    expect(a.manifest.resolved.epsilon).toBeGreaterThan(0);
    // No energy assertion: balanced OT with a uniform pool marginal cannot reweight the pool
    // (METHOD.md §5), so on the tilted demo pool it does not beat it. That is the ablation's point.
    const b = await runAlignStage(undefined, demoVsGlobal('ot', 7, 200), services);
    expect(Array.from(b.align.selected)).toEqual(Array.from(a.align.selected));
    expect(b.manifest.result.selectedSha256).toBe(a.manifest.result.selectedSha256);
  });

  it('a fired signal rejects with AbortError', async () => {
    const ctrl = new AbortController();
    const run = runAlignStage(ctrl.signal, demoVsGlobal('ot'), services, (p) => {
      if (p.stage === 'sinkhorn') ctrl.abort();
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('K larger than the pool is an InputError naming the limit', async () => {
    const input = { ...demoVsGlobal('nearest'), options: { method: 'nearest' as const, size: 5000 } };
    await expect(runAlignStage(undefined, input, services)).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('2000') });
  });
});

describe('report helpers', () => {
  it('reduction is 1 − |after|/|before|, undefined for an exact before', () => {
    expect(reduction(-0.5, 0.1)).toBeCloseTo(0.8);
    expect(reduction(0, 0.1)).toBeUndefined();
  });

  it('metric rows, weight rows, histograms and CSV of a run', async () => {
    const r = await runAlignStage(undefined, demoVsGlobal('nearest'), services);
    const rows = metricRows(r.diagnostics);
    expect(rows.length).toBe(3 + 5 * 4);
    expect(rows[0]!.id).toBe('energy');
    expect(rows[0]!.reductionVsRandom).toBeGreaterThan(0);
    expect(weightRows(r)[0]!.pool).toBeCloseTo(2000);
    const h = traitHistograms(r.reference.cloud, r.pool.cloud, r.align.selected, 10);
    expect(h.length).toBe(5);
    for (const t of h) {
      const w = t.edges[1]! - t.edges[0]!;
      for (const dens of [t.reference, t.pool, t.selected]) expect(dens.reduce((s, v) => s + v * w, 0)).toBeCloseTo(1, 9);
    }
    const csv = selectedCsv(r.pool, r.align.selected);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('row,id,openness,conscientiousness,extraversion,agreeableness,neuroticism,name,gender,age,ageBand,occupation,city,country,region,text');
    expect(lines.length).toBe(151);
    expect(lines[1]).toMatch(/^\d+,demo-\d{4},/);
  });

  it('a trait CSV pool keeps its id column', async () => {
    const text = 'id,openness,conscientiousness,extraversion,agreeableness,neuroticism\n\na1,3,3,3,3,3\na2,4,2,3,3,1\n';
    const p = poolFromCsv('p.csv', text, await sha256Hex(text));
    expect(p.ids).toEqual(['a1', 'a2']);
    expect(p.cloud.n).toBe(2);
    expect(selectedCsv(p, [1])).toBe('id,openness,conscientiousness,extraversion,agreeableness,neuroticism\na2,4,2,3,3,1\n');
  });

  it('epsilonStepOf prefers counts and parses the solver text otherwise', () => {
    const base = { stage: 'sinkhorn', done: 3, total: 9, elapsedMs: 10 };
    expect(epsilonStepOf({ ...base, text: 'ε = 0.105: marginal error 3.20e-5 after 41 iterations', counts: { iterations: 41 } })).toMatchObject({
      epsilon: 0.105,
      marginalError: 3.2e-5,
      iterations: 41,
      step: 3,
    });
    expect(epsilonStepOf({ ...base, text: '', counts: { epsilon: 2, marginalError: 1e-3, iterations: 5 } })).toMatchObject({ epsilon: 2, marginalError: 1e-3 });
    expect(epsilonStepOf({ ...base, stage: 'align', text: '' })).toBeUndefined();
  });

  it('sha256Hex matches a known digest', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(makeCloud([1, 2], 1).n).toBe(2);
  });
});

describe('formatting', () => {
  it('formats metrics and reductions', async () => {
    const { formatMetric, formatReduction } = await import('../../../src/pipeline/align-report');
    expect(formatMetric(0.017312)).toBe('0.0173');
    expect(formatMetric(-0.5)).toBe('−0.5');
    expect(formatMetric(1234.5)).toBe('1,235');
    expect(formatMetric(-2000)).toBe('−2,000');
    expect(formatMetric(2e-5)).toBe('2.00e-5');
    expect(formatMetric(undefined)).toBe('—');
    expect(formatReduction(0.724)).toBe('−72%');
    expect(formatReduction(-0.1)).toBe('+10%');
    expect(formatReduction(undefined)).toBe('—');
  });
});

describe('held-out evaluation in the app stage', () => {
  it('default 0.2: aligns against the match part, judges against the held-out part, records it in the manifest', async () => {
    const { align } = await import('../../../src/core/align/methods');
    const { splitReference } = await import('../../../src/core/align/holdout');
    const { evaluationNote } = await import('../../../src/pipeline/align-report');
    const r = await runAlignStage(undefined, demoVsGlobal('nearest'), services);
    const d = r.diagnostics;
    expect(d.evaluation).toEqual({ holdout: 0.2, heldOut: 200, match: 800, seed: 7 });
    expect(r.manifest.result.evaluation).toEqual(d.evaluation);
    expect(evaluationNote(d.evaluation)).toMatch(/^Measured against 200 held-out reference points/);
    const s = splitReference(r.reference.cloud, 0.2, 7);
    const direct = await align(undefined, r.pool.cloud, s.match, { method: 'nearest', size: 150, seed: 7 }, cpuKernelFactory());
    expect(Array.from(r.align.selected)).toEqual(Array.from(direct.selected));
    expect(d.selected.energy).toBeLessThan(d.random.energy);
  });

  it('holdout 0 is the previous in-sample evaluation (diagnoseRun of the whole reference)', async () => {
    const { diagnoseRun } = await import('../../../src/pipeline/align-stage');
    const { evaluationNote } = await import('../../../src/pipeline/align-report');
    const base = demoVsGlobal('nearest');
    const r = await runAlignStage(undefined, { ...base, options: { ...base.options, holdout: 0 } }, services);
    expect(r.diagnostics.evaluation).toEqual({ holdout: 0, heldOut: 1000, match: 1000, seed: 7 });
    expect(r.manifest.options.holdout).toBe(0);
    expect(evaluationNote(r.diagnostics.evaluation)).toMatch(/^In-sample evaluation/);
    const old = await diagnoseRun(undefined, r.pool.cloud, r.reference.cloud, r.align.selected, r.randomIndices, 7);
    expect(r.diagnostics.selected.energy).toBe(old.selected.energy);
    expect(r.diagnostics.random.energy).toBe(old.random.energy);
    expect(r.diagnostics.floor!.energy).toBe(old.floor!.energy);
  });

  it('the form: empty = the default, a share in [0, 0.9] travels, anything else is a field problem', async () => {
    const { alignRequestOf, DEFAULT_FORM } = await import('../../../src/pipeline/align-request');
    const a = alignRequestOf({ ...DEFAULT_FORM, holdout: '0.3' });
    expect(a.ok && a.input.options.holdout).toBe(0.3);
    const z = alignRequestOf({ ...DEFAULT_FORM, holdout: '0' });
    expect(z.ok && z.input.options.holdout).toBe(0);
    for (const bad of ['0.95', '-0.1', 'x']) {
      const b = alignRequestOf({ ...DEFAULT_FORM, holdout: bad });
      expect(!b.ok && b.problems[0]!.field).toBe('holdout');
    }
  });
});

describe('alignRequestOf', () => {
  it('defaults give the core default method and no sinkhorn overrides', async () => {
    const { alignRequestOf, DEFAULT_FORM } = await import('../../../src/pipeline/align-request');
    const { DEFAULT_METHOD } = await import('../../../src/core/align/methods');
    const r = alignRequestOf(DEFAULT_FORM);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input.options).toEqual({ method: DEFAULT_METHOD, size: 300, seed: 1, standardize: true });
    expect(r.input.reference).toEqual({ kind: 'builtin', entryId: 'global', n: 2000, seed: 1 });
    const bad = alignRequestOf({ ...DEFAULT_FORM, size: '0', tol: '-1', pool: 'file' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.field).sort()).toEqual(['poolFile', 'size', 'tol']);
    const adv = alignRequestOf({ ...DEFAULT_FORM, tol: '1e-3', epsScaling: 'off', backend: 'cpu', reference: 'stored', storedId: 'r1', storedCountries: 'jp, kr' });
    expect(adv.ok && adv.input.options).toMatchObject({ sinkhorn: { tol: 1e-3, epsScaling: false }, prefer: 'cpu' });
    expect(adv.ok && adv.input.reference).toEqual({ kind: 'stored', id: 'r1', countries: ['JP', 'KR'] });
    const sel = alignRequestOf({ ...DEFAULT_FORM, selection: 'systematic', targets: 'kmeans', isSelection: 'top', bandwidth: '0.4', trimK: '10', centroids: '500', epsScaling: 'on' });
    expect(sel.ok && sel.input.options).toMatchObject({
      selection: 'systematic', targets: 'kmeans', isSelection: 'top', referenceCentroids: 500,
      importance: { bandwidth: 0.4, trim: { kind: 'mean-multiple', k: 10 } }, sinkhorn: { epsScaling: true },
    });
    const badCap = alignRequestOf({ ...DEFAULT_FORM, trimK: '0.5' });
    expect(!badCap.ok && badCap.problems[0]!.field).toBe('trimK');
  });
});

describe('inputs', () => {
  it('a stored reference through the store API, with a country filter and its label', async () => {
    const { loadReference } = await import('../../../src/pipeline/align-inputs');
    const cloud = makeCloud([3, 3, 3, 3, 3, 4, 4, 4, 4, 4], 5);
    const calls: unknown[] = [];
    const info = {
      id: 'r1', name: 'IPIP JP', kind: 'ffm', n: 2, label: null, weighted: false, notes: ['note'],
      source: { kind: 'file', fileName: 'data-final.csv', size: 10, lastModified: 0, sha256: 'ab'.repeat(32) },
    };
    const references = {
      getReferenceInfo: async (id: string) => (id === 'r1' ? (info as never) : undefined),
      loadReferenceCloud: async (id: string, o?: unknown) => (calls.push([id, o]), cloud),
    };
    const r = await loadReference({ kind: 'stored', id: 'r1', countries: ['JP'] }, { fetchText, references });
    expect(r.cloud).toBe(cloud);
    expect(r.label).toBeNull();
    expect(r.details).toMatchObject({ id: 'r1', fileName: 'data-final.csv', countries: ['JP'] });
    expect(calls).toEqual([['r1', { countries: ['JP'] }]]);
    await expect(loadReference({ kind: 'stored', id: 'gone' }, { fetchText, references })).rejects.toMatchObject({ name: 'InputError' });
    await expect(loadReference({ kind: 'stored', id: 'r1' }, { fetchText })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('a persona JSONL file: personas without traits are left out with a note', async () => {
    const { loadPool } = await import('../../../src/pipeline/align-inputs');
    const rec = (id: string, traits?: number) =>
      JSON.stringify({ id, source: { kind: 'demo', generator: 'g', version: '1' }, text: 't', meta: {}, ...(traits ? { traits: { openness: traits, conscientiousness: 3, extraversion: 3, agreeableness: 3, neuroticism: 3 } } : {}) });
    const p = await loadPool({ kind: 'jsonl', name: 'mine.jsonl', data: new Blob([[rec('a', 2), rec('b'), rec('c', 4)].join('\n')]) }, { fetchText });
    expect(p.ids).toEqual(['a', 'c']);
    expect(p.cloud.n).toBe(2);
    expect(p.notes[0]).toContain('1 of 3');
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('diagnoseRun', () => {
  it('judges against a seeded subsample above DIAGNOSTICS_MAX_REFERENCE, and says so', async () => {
    const { diagnoseRun, DIAGNOSTICS_MAX_REFERENCE } = await import('../../../src/pipeline/align-stage');
    const { syntheticBigFive } = await import('../../../src/core/align/synthetic');
    const ref = syntheticBigFive({ n: DIAGNOSTICS_MAX_REFERENCE + 5000, seed: 1 });
    const pool = syntheticBigFive({ n: 400, seed: 2, tiltSd: [0.5, 0.5, 0.5, 0.5, -0.5] });
    const sel = Int32Array.from({ length: 100 }, (_, i) => i * 4);
    const rnd = Int32Array.from({ length: 100 }, (_, i) => i * 4 + 1);
    const d = await diagnoseRun(undefined, pool, ref, sel, rnd, 3);
    expect(d.referenceSubsample).toBe(DIAGNOSTICS_MAX_REFERENCE);
    expect(d.floor!.energy).toBeLessThan(d.pool.energy);
    const small = await diagnoseRun(undefined, pool, syntheticBigFive({ n: 1000, seed: 1 }), sel, rnd, 3);
    expect(small.referenceSubsample).toBeUndefined();
  });
});

describe('backendText', () => {
  it('names the adapter, or the CPU with its reason', async () => {
    const { backendText } = await import('../../../src/pipeline/align-report');
    const adapter = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'H100', software: false, features: [] };
    expect(backendText({ requested: 'auto', used: 'webgpu', fallbacks: [], adapter })).toBe('WebGPU — nvidia hopper H100');
    expect(backendText({ requested: 'cpu', used: 'cpu', fallbacks: [], adapter: undefined })).toBe('CPU — requested');
    expect(backendText({ requested: 'auto', used: 'cpu', fallbacks: [{ during: 'acquire', name: 'GpuError', message: 'No WebGPU in this browser.' }], adapter: undefined })).toBe(
      'CPU — No WebGPU in this browser.',
    );
    expect(backendText({ requested: 'gpu', used: 'webgpu+cpu', fallbacks: [{ during: 'rowLse', name: 'GpuError', message: 'device lost' }], adapter })).toContain('rowLse: device lost');
    expect(backendText({ requested: 'auto', used: 'none', fallbacks: [], adapter: undefined })).toContain('needs no pair kernel');
  });
});
