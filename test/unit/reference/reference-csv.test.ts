import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ITEM_CODES } from '../../../src/core/psychometrics/ipip50';
import { parseReferenceCsv } from '../../../src/core/reference/reference-csv';

describe('user reference CSV', () => {
  it('reads trait columns case-insensitively with weights and country', () => {
    const csv = 'Neuroticism,OPENNESS,conscientiousness,extraversion,agreeableness,weight,country\n2,3,4,3.5,4,1,jp\n\n3,4,2,2.5,3,3,\n';
    const r = parseReferenceCsv(csv);
    expect(r.mode).toBe('traits');
    expect(r.rowsRead).toBe(2);
    expect(Array.from(r.cloud.points)).toEqual([3, 4, 3.5, 4, 2, 4, 2, 2.5, 3, 3]);
    expect(Array.from(r.cloud.weights)).toEqual([0.25, 0.75]);
    expect(r.countries).toEqual(['JP', 'NONE']);
  });

  it('scores the 50 item columns with the app key and applies the missing policy', () => {
    const all5 = ITEM_CODES.map(() => '5');
    const gap = ITEM_CODES.map((c) => (c === 'EXT1' ? '' : '5'));
    const csv = [ITEM_CODES.join(','), all5.join(','), gap.join(',')].join('\n');
    const r = parseReferenceCsv(csv);
    expect(r.mode).toBe('items');
    expect(r.droppedMissing).toBe(1);
    expect(Array.from(r.cloud.points)).toEqual([3.8, 3.4, 3, 3.4, 4.2].map((x) => expect.closeTo(x, 5)));
    expect(parseReferenceCsv(csv, { missing: { kind: 'min', minAnswered: 9 } }).cloud.n).toBe(2);
  });

  it('names line and column of bad values, and refuses stability columns', () => {
    expect(() => parseReferenceCsv('openness,conscientiousness,extraversion,agreeableness,neuroticism\n1,2,3,4,5\n1,2,x,4,5', { file: 'r.csv' })).toThrow('r.csv, line 3, column extraversion');
    expect(() => parseReferenceCsv('openness,conscientiousness,extraversion,agreeableness,neuroticism,weight\n1,2,3,4,5,-1')).toThrow('line 2, column weight');
    expect(() => parseReferenceCsv('openness,conscientiousness,extraversion,agreeableness,emotional_stability\n1,2,3,4,5')).toThrow(/6 − stability/);
    expect(() => parseReferenceCsv('a,b\n1,2')).toThrow(/five trait columns/);
  });
});

describe('user reference CSV (property)', () => {
  it('round-trips any finite trait rows and weights, in any column order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 5, maxLength: 5 }), fc.double({ min: 0.01, max: 100, noNaN: true })), { minLength: 1, maxLength: 30 }),
        fc.constantFrom<string[]>(['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'], ['NEUROTICISM', 'weight', 'Agreeableness', 'openness', 'extraversion', 'conscientiousness']),
        fc.constantFrom('\n', '\r\n'),
        (rows, order, eol) => {
          const canon = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'];
          const hasW = order.includes('weight');
          const text = [order.join(','), ...rows.map(([v, w]) => order.map((c) => (c === 'weight' ? String(w) : String(v[canon.indexOf(c.toLowerCase())]))).join(','))].join(eol) + eol;
          const r = parseReferenceCsv(text);
          expect(r.cloud.n).toBe(rows.length);
          rows.forEach(([v], i) => v.forEach((x, t) => expect(r.cloud.points[i * 5 + t] === Math.fround(x)).toBe(true))); // -0 prints as 0
          const wsum = rows.reduce((s, [, w]) => s + w, 0);
          rows.forEach(([, w], i) => expect(r.cloud.weights[i]!).toBeCloseTo(hasW ? w / wsum : 1 / rows.length, 12));
        },
      ),
      { numRuns: 100 },
    );
  });
});
