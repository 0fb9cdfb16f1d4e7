import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnMeanSd } from '../../../src/core/psychometrics/scoring';
import { builtinEntry, sampleBuiltin, validateBuiltinReference } from '../../../src/core/reference/builtin';
import { REGION_PRESETS, countriesWithAtLeast, makeCustomGroup, parseCountryList, regionById } from '../../../src/core/reference/regions';

describe('region presets', () => {
  it('are valid, de-duplicated ISO alpha-2 lists with a basis', () => {
    for (const r of REGION_PRESETS) {
      expect(r.countries.length).toBeGreaterThan(0);
      expect(new Set(r.countries).size).toBe(r.countries.length);
      for (const c of r.countries) expect(c).toMatch(/^[A-Z]{2}$/);
      expect(r.basis).toContain('M49');
    }
  });

  it('put the paper\'s example regions where M49 does', () => {
    expect(regionById('east-asia')!.countries).toEqual(expect.arrayContaining(['JP', 'KR', 'CN', 'HK', 'MN']));
    expect(regionById('north-america')!.countries).toEqual(expect.arrayContaining(['US', 'CA']));
    expect(regionById('north-america')!.countries).not.toContain('MX');
    const eu = regionById('europe')!.countries;
    for (const sub of ['northern-europe', 'western-europe', 'southern-europe', 'eastern-europe']) {
      for (const c of regionById(sub)!.countries) expect(eu).toContain(c);
    }
    expect(eu).not.toContain('CY'); // M49 puts Cyprus in Western Asia
    expect(regionById('western-asia')!.countries).toContain('CY');
    // sub-regions are disjoint
    const all = ['northern-europe', 'western-europe', 'southern-europe', 'eastern-europe', 'east-asia', 'south-eastern-asia', 'southern-asia', 'central-asia', 'western-asia', 'north-america', 'latin-america-caribbean', 'oceania', 'africa'].flatMap((id) => regionById(id)!.countries);
    expect(new Set(all).size).toBe(all.length);
  });

  it('validate custom groups and list countries with enough rows', () => {
    expect(makeCustomGroup('my-group', ' Mine ', ['jp', 'JP', 'kr', 'NONE'])).toEqual({ id: 'my-group', name: 'Mine', countries: ['JP', 'KR', 'NONE'], basis: 'custom' });
    expect(() => makeCustomGroup('x', 'x', ['Japan'])).toThrow(/alpha-2/);
    expect(parseCountryList('JP, kr,CN')).toEqual(['JP', 'KR', 'CN']);
    expect(countriesWithAtLeast({ US: 500, GB: 120, JP: 99, NONE: 1000 }, 100)).toEqual([{ country: 'US', rows: 500 }, { country: 'GB', rows: 120 }]);
  });
});

describe('built-in reference', () => {
  const json: unknown = JSON.parse(readFileSync('public/reference/builtin-reference.json', 'utf8'));

  it('validates, covers global and every preset, and labels assumptions', () => {
    const ref = validateBuiltinReference(json);
    expect(ref.label).toBe('approximate');
    expect(ref.howToUseRealData).toContain('data-final.csv');
    expect(builtinEntry(ref, 'global').citations.length).toBeGreaterThan(0);
    for (const r of REGION_PRESETS) {
      const e = builtinEntry(ref, r.id);
      expect(e.countries).toEqual(r.countries);
      expect(e.source).toBe('assumed equal to global: no regional norms available offline');
      expect(e.assumed).toEqual(['mean', 'sd', 'correlation']);
    }
    expect(builtinEntry(ref, 'global').assumed).toContain('correlation');
    expect(() => builtinEntry(ref, 'mars')).toThrow(/Available: global/);
  });

  it('rejects a broken file', () => {
    const ref = JSON.parse(JSON.stringify(json)) as { entries: { correlation: number[][]; sd: number[] }[]; traits: string[] };
    ref.entries[0]!.correlation[0]![1] = 0.5;
    expect(() => validateBuiltinReference(ref)).toThrow(/symmetric/);
    ref.entries[0]!.correlation[1]![0] = 0.5;
    ref.entries[0]!.correlation[0]![1] = 0.5;
    expect(() => validateBuiltinReference(ref)).not.toThrow();
    ref.entries[0]!.sd[2] = 0;
    expect(() => validateBuiltinReference(ref)).toThrow(/SDs must be positive/);
    expect(() => validateBuiltinReference({ ...ref, traits: ['a'] })).toThrow(/canonical order/);
  });

  it('samples a seeded multivariate normal with the stated moments and correlation, clamped to 1–5', () => {
    const e = {
      id: 't', name: 'test', countries: null, mean: [3, 3.5, 3, 3.2, 2.8], sd: [0.5, 0.4, 0.6, 0.5, 0.6],
      correlation: [[1, 0.3, 0, 0, 0], [0.3, 1, 0, 0, -0.4], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, -0.4, 0, 0, 1]],
      source: 'test', citations: ['test'], assumed: [],
    } satisfies Parameters<typeof sampleBuiltin>[0];
    const a = sampleBuiltin(e, 20000, 42);
    const b = sampleBuiltin(e, 20000, 42);
    expect(a.cloud.points.every((v, i) => v === b.cloud.points[i])).toBe(true);
    const { mean, sd } = columnMeanSd(a.cloud.points, 5);
    e.mean.forEach((m, t) => expect(mean[t]!).toBeCloseTo(m, 1));
    e.sd.forEach((s, t) => expect(sd[t]!).toBeCloseTo(s, 1));
    let c = 0;
    for (let i = 0; i < 20000; i++) c += ((a.cloud.points[i * 5 + 1]! - mean[1]!) * (a.cloud.points[i * 5 + 4]! - mean[4]!)) / (sd[1]! * sd[4]!);
    expect(c / 19999).toBeCloseTo(-0.4, 1);
    expect(a.cloud.points.every((v) => v >= 1 && v <= 5)).toBe(true);
    const wide = sampleBuiltin({ ...e, sd: [2, 2, 2, 2, 2] }, 1000, 1);
    expect(wide.clampedValues).toBeGreaterThan(100);
    expect(wide.note).toContain('clamped');
  });
});
