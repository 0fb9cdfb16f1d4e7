import { afterEach, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { corrClass, countryRows, histogram, referenceProgressFigures } from '../../../src/components/reference-manager/figures';
import { CUSTOM_GROUPS_KEY, groupIdFor, loadCustomGroups, saveCustomGroup, deleteCustomGroup } from '../../../src/components/reference-filter-form/country-groups';
import { makeCloud } from '../../../src/core/cloud';
import { internCountries, summariseCloud } from '../../../src/storage/reference-import';

describe('summariseCloud', () => {
  test('weighted mean, population SD and Pearson r match a direct computation', () => {
    const pts = Float32Array.from([1, 2, 3, 4, 5, 2, 2, 4, 4, 1, 3, 2, 5, 4, 3, 4, 3, 2, 1, 5]);
    const w = [1, 2, 0.5, 1.5];
    const s = summariseCloud(pts, w);
    const W = 5;
    const col = (t: number): number[] => [0, 1, 2, 3].map((i) => pts[i * 5 + t]!);
    for (let t = 0; t < 5; t++) {
      const m = col(t).reduce((a, x, i) => a + w[i]! * x, 0) / W;
      const v = col(t).reduce((a, x, i) => a + w[i]! * (x - m) ** 2, 0) / W;
      expect(s.mean[t]).toBeCloseTo(m, 12);
      expect(s.sd[t]).toBeCloseTo(Math.sqrt(v), 12);
    }
    const [a, b] = [col(0), col(1)];
    const ma = s.mean[0]!;
    const mb = s.mean[1]!;
    const cov = a.reduce((acc, x, i) => acc + w[i]! * (x - ma) * (b[i]! - mb), 0) / W;
    expect(s.correlation[0]![1]).toBeCloseTo(cov / (s.sd[0]! * s.sd[1]!), 12);
    expect(s.correlation[1]![0]).toBe(s.correlation[0]![1]);
    expect(s.correlation.map((r, k) => r[k])).toEqual([1, 1, 1, 1, 1]);
  });

  test('a constant column has NaN correlations, not a division error', () => {
    const s = summariseCloud(Float32Array.from([3, 1, 2, 3, 4, 3, 2, 3, 4, 5]), [1, 1]);
    expect(s.sd[0]).toBe(0);
    expect(s.correlation[0]![1]).toBeNaN();
    expect(s.correlation[0]![0]).toBe(1);
  });

  test('correlations stay within [-1, 1] (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: 1, max: 5, noNaN: true }), { minLength: 15, maxLength: 60 }), (vals) => {
        const n = Math.floor(vals.length / 5);
        const s = summariseCloud(Float32Array.from(vals.slice(0, n * 5)), new Array<number>(n).fill(1));
        for (const row of s.correlation) for (const r of row) if (Number.isFinite(r)) expect(Math.abs(r)).toBeLessThanOrEqual(1 + 1e-9);
      }),
    );
  });
});

describe('internCountries', () => {
  test('indices, names in first-seen order, counts; blanks become NONE', () => {
    const r = internCountries(['jp', 'US', 'JP', '', 'us']);
    expect(r.names).toEqual(['JP', 'US', 'NONE']);
    expect(Array.from(r.index)).toEqual([0, 1, 0, 2, 1]);
    expect(r.perCountry).toEqual({ JP: 2, US: 2, NONE: 1 });
  });
});

describe('figures', () => {
  test('histogram on the 1–5 scale: 41 bins centred on the 0.1 grid, shares follow the weights', () => {
    const c = makeCloud(Float32Array.from([1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 3, 3, 3, 3, 3, 3.1, 1, 1, 1, 1]), 5, [1, 1, 1.5, 0.5]);
    const h = histogram(c, 0);
    expect(h.share).toHaveLength(41);
    expect(h.edges[0]).toBeCloseTo(0.95, 12);
    expect(h.edges[41]).toBeCloseTo(5.05, 12);
    expect(h.share[0]).toBe(0.25);
    expect(h.share[20]).toBe(0.375); // 3.0
    expect(h.share[21]).toBe(0.125); // 3.1 (float32) lands in its own bin
    expect(h.share[40]).toBe(0.25);
    expect(h.share.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  test('histogram falls back to the data range off the 1–5 scale', () => {
    const c = makeCloud(Float32Array.from([10, 0, 0, 0, 0, 30, 0, 0, 0, 0]), 5);
    const h = histogram(c, 0, 2);
    expect(h.edges).toEqual([10, 20, 30]);
    expect(h.share).toEqual([0.5, 0.5]);
  });

  test('countryRows sorts by rows then code, with shares', () => {
    expect(countryRows({ US: 5, JP: 10, GB: 5 })).toEqual([
      { country: 'JP', rows: 10, share: 0.5 },
      { country: 'GB', rows: 5, share: 0.25 },
      { country: 'US', rows: 5, share: 0.25 },
    ]);
    expect(countryRows(null)).toEqual([]);
  });

  test('corrClass: sign and five strength steps', () => {
    expect(corrClass(0.05)).toBe('r-pos-0');
    expect(corrClass(-0.45)).toBe('r-neg-2');
    expect(corrClass(1)).toBe('r-pos-4');
    expect(corrClass(NaN)).toBe('r-na');
  });

  test('progress figures: bytes with rate and ETA; points without', () => {
    const f = referenceProgressFigures({ stage: 'reference-import', done: 100e6, total: 400e6, unit: 'bytes', text: '', elapsedMs: 2000, counts: { rows: 250000, kept: 160000 } });
    expect(f.percent).toBe(25);
    expect(f.rows).toBe('250,000');
    expect(f.kept).toBe('160,000');
    expect(f.rate).toBe('50 MB/s');
    expect(f.eta).toBe('6 s');
    const g = referenceProgressFigures({ stage: 'reference-import', done: 0, total: 500, unit: 'points', text: '', elapsedMs: 0 });
    expect(g.done).toBe('0 of 500 points');
    expect(g.rate).toBe('—');
    expect(referenceProgressFigures(undefined).valueText).toBe('Starting');
  });
});

describe('saved country groups', () => {
  const store = new Map<string, string>();
  const fake = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
  afterEach(() => {
    store.clear();
    Reflect.deleteProperty(globalThis, 'localStorage');
  });

  test('save, reload, replace by name, delete; bad stored entries are skipped', () => {
    Object.defineProperty(globalThis, 'localStorage', { value: fake, configurable: true });
    expect(groupIdFor('My Asia 2!')).toBe('custom-my-asia-2');
    saveCustomGroup('My Asia', ['jp', 'kr']);
    saveCustomGroup('Nordics', ['SE', 'NO', 'se']);
    saveCustomGroup('My Asia', ['CN']);
    expect(loadCustomGroups().map((g) => [g.id, g.countries])).toEqual([
      ['custom-nordics', ['SE', 'NO']],
      ['custom-my-asia', ['CN']],
    ]);
    expect(() => saveCustomGroup('Bad', ['J1'])).toThrow(/not an ISO 3166-1 alpha-2/);
    store.set(CUSTOM_GROUPS_KEY, JSON.stringify([{ id: 'ok', name: 'OK', countries: ['DE'] }, { id: 'x', name: 'bad', countries: ['123'] }, 7]));
    expect(loadCustomGroups().map((g) => g.id)).toEqual(['ok']);
    expect(deleteCustomGroup('ok')).toEqual([]);
    store.set(CUSTOM_GROUPS_KEY, '{not json');
    expect(loadCustomGroups()).toEqual([]);
  });
});
