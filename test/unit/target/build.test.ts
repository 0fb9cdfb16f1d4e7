// Target groups on the shipped demo personas (synthetic; traits independent of region, tilted like
// LLM personas) with the lexical embedder and the CPU top-k: retrieval finds the group, and
// re-aligning the candidates brings them to the target reference, closer (energy distance) than a
// random set and than retrieval alone; everything is reproducible by seed.
import { beforeAll, describe, expect, it } from 'vitest';
import { applyAdapter, trainAdapterCpu } from '../../../src/core/embed/adapter';
import { createLexicalEmbedderService } from '../../../src/core/embed/lexical-service';
import { cosineTopK } from '../../../src/core/embed/topk';
import { buildTarget, prepareTargetPool, type PreparedPool, type TargetServices } from '../../../src/core/target/build';
import { buildTargetManifest } from '../../../src/core/target/manifest';
import { comparisonRows, sideBySideRows, targetCsv } from '../../../src/core/target/report';
import { makeTargetSpec } from '../../../src/core/target/spec';
import { builtinReference, demoPersonas } from './helpers';

const personas = demoPersonas();
const eastAsia = new Set(['CN', 'HK', 'MO', 'KP', 'JP', 'MN', 'KR', 'TW']);

describe('buildTarget on the demo personas (lexical embedder, no adapter)', () => {
  let services: TargetServices;
  let prepared: PreparedPool;

  beforeAll(async () => {
    const embedder = createLexicalEmbedderService();
    await embedder.load('lexical');
    services = { embedder };
    prepared = await prepareTargetPool(undefined, { name: 'demo', sha256: 'demo-sha', records: personas }, services, { enabled: false, options: {} });
  }, 300_000);

  it('East Asia: retrieval + re-alignment is closer to the target reference than random and than retrieval only, and stays in the group', async () => {
    const spec = makeTargetSpec({ query: 'adults in East Asia', region: 'east-asia', size: 100, candidates: { mode: 'top', n: 300 }, seed: 3 });
    const r = await buildTarget(undefined, prepared, spec, builtinReference('east-asia', 1500, 7), services);
    const e = (k: keyof typeof r.selections) => r.selections[k].diagnostics.energy;
    console.log(`[target] East Asia K=100 of 300: energy random ${e('random').toFixed(4)}, retrieval ${e('retrieval').toFixed(4)}, global ${e('global').toFixed(4)}, realigned ${e('realigned').toFixed(4)}, floor ${r.floor?.energy.toFixed(4)}; in-group ${JSON.stringify(Object.fromEntries(Object.entries(r.selections).map(([k, s]) => [k, s.inGroupShare])))}`);
    expect(e('realigned')).toBeLessThan(e('random'));
    expect(e('realigned')).toBeLessThan(e('retrieval'));
    // Far closer: the tilt (≈0.3–0.7 SD per trait) dominates random and retrieval-only sets.
    expect(e('realigned')).toBeLessThan(0.5 * e('random'));
    // The group: a random set is ~17% East Asian (347 of 2,000); retrieval keeps most of it.
    const truthShare = personas.filter((p) => eastAsia.has(p.meta.country!)).length / personas.length;
    expect(r.selections.random.inGroupShare!).toBeLessThan(truthShare + 0.1);
    expect(r.selections.realigned.inGroupShare!).toBeGreaterThan(0.7);
    expect(r.selections.realigned.inGroupShare!).toBeGreaterThan(r.selections.global.inGroupShare! + 0.4);
    // In-group share is measured, not assumed: recount it from the records.
    const recount = Array.from(r.selections.realigned.indices).filter((i) => eastAsia.has(prepared.records[i]!.meta.country!)).length / 100;
    expect(r.selections.realigned.inGroupShare).toBeCloseTo(recount, 12);
    // Counts at each step.
    expect(r.counts).toMatchObject({ records: 2000, withTraits: 2000, eligible: 2000, candidates: 300, selected: 100, reference: 1500, heldOut: 300, match: 1200, inGroupEligible: 347 });
    // Every selection: K distinct personas; the re-aligned ones are candidates.
    const cand = new Set(r.ranking.indices);
    for (const s of Object.values(r.selections)) expect(new Set(s.indices).size).toBe(100);
    expect(Array.from(r.selections.realigned.indices).every((i) => cand.has(i))).toBe(true);
    expect(Array.from(r.selections.retrieval.indices).every((i) => cand.has(i))).toBe(true);
    // The ranking is the CPU oracle's over the same vectors.
    const q = (await services.embedder.embed(['adults in East Asia'], { role: 'query' })).vectors;
    expect(Array.from(r.ranking.indices)).toEqual(Array.from(cosineTopK(prepared.vectors, prepared.dim, q, 300).indices));
    // The comparison table shows the same numbers.
    const energy = comparisonRows(r).find((x) => x.id === 'energy')!;
    expect(energy.values.realigned).toBe(e('realigned'));
    expect(energy.floor).toBe(r.floor!.energy);
  }, 120_000);

  it('same seed → same selections and manifest hashes; another seed → another re-aligned set', async () => {
    const spec = (seed: number) => makeTargetSpec({ query: 'adults in Europe', region: 'europe', size: 80, seed });
    const a = await buildTarget(undefined, prepared, spec(5), builtinReference('europe', 1000, 5), services);
    const b = await buildTarget(undefined, prepared, spec(5), builtinReference('europe', 1000, 5), services);
    const c = await buildTarget(undefined, prepared, spec(6), builtinReference('europe', 1000, 5), services);
    for (const k of ['random', 'retrieval', 'global', 'realigned'] as const) expect(Array.from(b.selections[k].indices)).toEqual(Array.from(a.selections[k].indices));
    const [ma, mb, mc] = await Promise.all([a, b, c].map((r) => buildTargetManifest(prepared, r)));
    expect(mb!.results.realigned.selectedSha256).toBe(ma!.results.realigned.selectedSha256);
    expect(mc!.results.realigned.selectedSha256).not.toBe(ma!.results.realigned.selectedSha256);
    expect(ma!.embedder.modelId).toMatch(/^lexical-/);
    expect(ma!.inputs.pool.sha256).toBe('demo-sha');
    expect(ma!.adapter).toBeNull();
    expect(ma!.spec.query).toBe('adults in Europe');
    expect(ma!.counts.candidates).toBe(240); // default 3 × K
  }, 120_000);

  it('several targets side by side: one column each, each group retrieved above its base rate', async () => {
    const regions = [['adults in East Asia', 'east-asia'], ['adults in North America', 'north-america'], ['adults in Europe', 'europe']] as const;
    const results = [];
    for (const [query, region] of regions) results.push(await buildTarget(undefined, prepared, makeTargetSpec({ query, region, size: 60 }), builtinReference(region, 800, 2), services));
    const rows = sideBySideRows(results);
    for (const row of rows) expect(row.values.length).toBe(3);
    const base = (countries: readonly string[]) => personas.filter((p) => countries.includes(p.meta.country!)).length / personas.length;
    results.forEach((r) => {
      expect(r.selections.realigned.inGroupShare!).toBeGreaterThan(base(r.spec.group!.countries) + 0.2);
      expect(r.selections.realigned.diagnostics.energy).toBeLessThan(r.selections.random.diagnostics.energy);
    });
  }, 180_000);

  it('metadata filters and a minimum-score rule restrict the candidates', async () => {
    const spec = makeTargetSpec({ query: 'adults in North America', region: 'north-america', size: 40, filters: { ageBand: ['25-34'] }, candidates: { mode: 'minScore', score: 0.1 } });
    const r = await buildTarget(undefined, prepared, spec, builtinReference('north-america', 600, 4), services);
    expect(r.counts.eligible).toBe(personas.filter((p) => p.meta.ageBand === '25-34').length);
    for (const s of Object.values(r.selections)) expect(Array.from(s.indices).every((i) => prepared.records[i]!.meta.ageBand === '25-34')).toBe(true);
    expect(Array.from(r.ranking.scores).every((s) => s >= 0.1)).toBe(true);
    const csv = targetCsv(prepared, r).trim().split('\n');
    expect(csv.length).toBe(41);
    expect(csv[0]).toMatch(/^id,retrieval_rank,score,openness/);
    // Too strict a rule: a clear InputError naming what to change.
    const strict = makeTargetSpec({ query: 'adults in North America', size: 40, candidates: { mode: 'minScore', score: 0.99 } });
    await expect(buildTarget(undefined, prepared, strict, builtinReference('north-america', 600, 4), services)).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/lower K|minimum score/) });
  }, 120_000);

  it('a query the embedder cannot represent (zero vector) is refused, not ranked at random', async () => {
    await expect(buildTarget(undefined, prepared, makeTargetSpec({ query: '?! — …', size: 10 }), builtinReference('global', 300, 1), services)).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/no words the embedder knows/) });
  });

  it('cancel: an aborted signal stops the build with AbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(buildTarget(ac.signal, prepared, makeTargetSpec({ query: 'adults in Europe', size: 10 }), builtinReference('europe', 300, 1), services)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('with the contrastive adapter (CPU twin) on 400 demo personas', () => {
  it('trains on template queries, maps personas and query through it, and the manifest carries its held-out scores', async () => {
    const embedder = createLexicalEmbedderService();
    await embedder.load('lexical');
    const services: TargetServices = { embedder, adapter: { train: trainAdapterCpu, apply: applyAdapter } };
    const records = personas.slice(0, 400);
    const prepared = await prepareTargetPool(undefined, { name: 'demo-400', sha256: 'x', records }, services, { enabled: true, options: { maxEpochs: 3 }, seed: 2 });
    const a = prepared.adapter!;
    expect(a.querySet.generated).toBe(true);
    expect(a.querySet.queries).toBeGreaterThan(10);
    expect(a.report.before.queries).toBeGreaterThan(0);
    expect(a.report.options.maxEpochs).toBe(3);
    // The stored vectors are the adapter's output.
    const frozen = await embedder.embed(records.map((r) => r.text));
    expect(Array.from(prepared.vectors)).toEqual(Array.from(applyAdapter(frozen.vectors, 400, a.adapter)));
    const r = await buildTarget(undefined, prepared, makeTargetSpec({ query: 'adults in East Asia', region: 'east-asia', size: 20, adapter: { enabled: true } }), builtinReference('east-asia', 400, 3), services);
    const m = await buildTargetManifest(prepared, r);
    expect(m.adapter).not.toBeNull();
    expect(m.adapter!.before.recallAtK).toBe(a.report.before.recallAtK);
    expect(m.adapter!.after.recallAtK).toBe(a.report.after.recallAtK);
    expect(m.adapter!.querySet.pairs).toBeGreaterThan(0);
    console.log(`[target] adapter on 400 personas: recall@10 ${a.report.before.recallAtK.toFixed(3)} → ${a.report.after.recallAtK.toFixed(3)}, nDCG@10 ${a.report.before.ndcgAtK.toFixed(3)} → ${a.report.after.ndcgAtK.toFixed(3)}, ${a.report.epochs} epochs, ${Math.round(a.report.ms)} ms`);
  }, 300_000);

  it('asking for the adapter without a trainer is a ModelError that says what to do', async () => {
    const embedder = createLexicalEmbedderService();
    await embedder.load('lexical');
    await expect(prepareTargetPool(undefined, { name: 'x', sha256: 'x', records: personas.slice(0, 50) }, { embedder }, { enabled: true, options: {} })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/without the adapter/) });
  }, 60_000);
});
