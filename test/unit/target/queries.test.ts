import { describe, expect, it } from 'vitest';
import { createTestEngine } from '../../../src/llm/test-engine';
import { GROUP_QUERY_PROMPT, llmQuerySet, parseQueries } from '../../../src/core/target/llm-queries';
import { countryName, editQuerySet, makeQuerySet, positivesInPool, suggestQueries, templateQueries } from '../../../src/core/target/queries';
import { makeTargetSpec, passesFilters } from '../../../src/core/target/spec';
import { promptRef } from '../../../src/core/stages/prompts';
import { demoPersonas } from './helpers';

const personas = demoPersonas();

describe('template queries over persona metadata', () => {
  it('one query per group value; positives are exactly the personas with that value', () => {
    const qs = templateQueries(personas, { maxQueries: 10_000 });
    const ea = qs.find((q) => q.text === 'adults in East Asia')!;
    expect(ea.template).toBe('region');
    expect(new Set(ea.positives)).toEqual(new Set(personas.filter((p) => p.meta.region === 'East Asia').map((p) => p.id)));
    const jp = qs.find((q) => q.text === 'people living in Japan')!;
    expect(jp.positives.length).toBe(personas.filter((p) => p.meta.country === 'JP').length);
    const young = qs.find((q) => q.text === 'people aged 18-24 in Europe')!;
    expect(young.positives.every((id) => personas.find((p) => p.id === id)!.meta.ageBand === '18-24')).toBe(true);
    expect(qs.some((q) => q.text === 'women in North America')).toBe(true);
    // Groups below minGroup are left out.
    expect(templateQueries(personas, { minGroup: 1_000_000 })).toEqual([]);
  });

  it('maxQueries takes a seeded sample: same seed, same queries', () => {
    const a = templateQueries(personas, { maxQueries: 20, seed: 4 });
    expect(a.length).toBe(20);
    expect(templateQueries(personas, { maxQueries: 20, seed: 4 })).toEqual(a);
    expect(templateQueries(personas, { maxQueries: 20, seed: 5 })).not.toEqual(a);
  });

  it('suggestions: region groups first, with their sizes', () => {
    const s = suggestQueries(personas, 5);
    expect(s.map((x) => x.text)).toEqual(['adults in North America', 'adults in Europe', 'adults in East Asia', 'adults in Latin America', 'adults in South Asia']);
    expect(s[0]!.count).toBe(613);
  });

  it('country codes are named in English (Intl)', () => {
    expect(countryName('JP')).toBe('Japan');
    expect(countryName('not a code')).toBe('not a code');
  });
});

describe('query sets: stored, editable, versioned', () => {
  it('an edit is a new version of the same set with a new hash; positives map to pool indices', async () => {
    const queries = templateQueries(personas.slice(0, 200), { templates: ['region'] });
    const v1 = await makeQuerySet({ name: 'regions', queries, source: 'template', seed: 1, setId: 'qs-test' });
    expect(v1.id).toBe('qs-test@1');
    expect(v1.hash).toMatch(/^[0-9a-f]{64}$/);
    const v2 = await editQuerySet(v1, [...v1.queries, { text: 'nurses', positives: [personas[0]!.id], origin: 'user' }]);
    expect(v2).toMatchObject({ id: 'qs-test@2', setId: 'qs-test', version: 2, source: 'mixed' });
    expect(v2.hash).not.toBe(v1.hash);
    expect(v1.queries.length).toBe(queries.length); // the old version is untouched
    await expect(editQuerySet(v1, [{ text: '  ', positives: [], origin: 'user' }])).rejects.toMatchObject({ name: 'InputError' });
    const ids = personas.slice(0, 200).map((p) => p.id);
    const pairs = positivesInPool(v2, ids.slice(0, 100));
    expect(pairs.texts.length).toBe(pairs.positives.length);
    for (const p of pairs.positives) expect(p.every((i) => i >= 0 && i < 100)).toBe(true);
  });

  it('LLM-written queries (test engine): per sampled persona, prompt id/version/hash and model recorded, same seed same set', async () => {
    const llm = createTestEngine();
    await llm.load('test-engine');
    const a = await llmQuerySet(llm, personas.slice(0, 50), { sampleSize: 6, perPersona: 2, seed: 3 });
    expect(a.source).toBe('llm');
    expect(a.prompt).toEqual(await promptRef(GROUP_QUERY_PROMPT));
    expect(a.model?.id).toBe('test-engine');
    expect(a.queries.length).toBeGreaterThan(0);
    const sampled = new Set(a.queries.flatMap((q) => q.positives));
    expect(sampled.size).toBeLessThanOrEqual(6);
    for (const id of sampled) expect(personas.slice(0, 50).some((p) => p.id === id)).toBe(true);
    const b = await llmQuerySet(llm, personas.slice(0, 50), { sampleSize: 6, perPersona: 2, seed: 3 });
    expect(b.hash).toBe(a.hash);
  });

  it('parseQueries: JSON, bullet lists, de-duplicated', () => {
    expect(parseQueries('{"queries": ["young nurses in Europe", "Young nurses in Europe", "x"]}')).toEqual(['young nurses in Europe']);
    expect(parseQueries('- retirees in Japan\n2. "city cyclists"\n\n')).toEqual(['retirees in Japan', 'city cyclists']);
  });
});

describe('target spec', () => {
  it('a region preset gives its countries; a custom list is validated; not both', () => {
    const s = makeTargetSpec({ query: 'adults in East Asia', region: 'east-asia', size: 10 });
    expect(s.group).toMatchObject({ regionId: 'east-asia' });
    expect(s.group!.countries).toContain('JP');
    expect(s.candidates).toEqual({ mode: 'top', n: 30 });
    expect(makeTargetSpec({ query: 'q', countries: ['jp', 'kr'], size: 1 }).group).toEqual({ countries: ['JP', 'KR'] });
    expect(() => makeTargetSpec({ query: 'q', region: 'east-asia', countries: ['JP'], size: 1 })).toThrow(/either a region preset or a country list/);
    expect(() => makeTargetSpec({ query: 'q', region: 'atlantis', size: 1 })).toThrow(/Unknown region preset/);
    expect(() => makeTargetSpec({ query: 'q', size: 10, candidates: { mode: 'top', n: 5 } })).toThrow(/≥ K/);
    expect(() => makeTargetSpec({ query: ' ', size: 10 })).toThrow(/needs a query/);
    expect(() => makeTargetSpec({ query: 'q', size: 10, method: 'magic' })).toThrow(/Unknown alignment method/);
  });

  it('filters: every key must match one of its values', () => {
    expect(passesFilters({ ageBand: '25-34', gender: 'woman' }, { ageBand: ['25-34', '35-44'] })).toBe(true);
    expect(passesFilters({ ageBand: '55+' }, { ageBand: ['25-34'] })).toBe(false);
    expect(passesFilters({}, { ageBand: ['25-34'] })).toBe(false);
  });
});
