import { describe, expect, it } from 'vitest';
import { TRAITS } from '../../../src/core/traits';
import { fill, traitLevel, LEVEL_Z } from '../../../src/core/demo/narrative';
import { BASELINE_MEAN, BASELINE_SD, cholesky, BASELINE_CORRELATION } from '../../../src/core/demo/latent';
import { COMMUNICATION, HOUSEHOLDS, INTERESTS, INTROS, LIFE_STAGE, TRAIT_SENTENCES, WORK } from '../../../src/core/demo/phrases';
import { AGE_BANDS } from '../../../src/contracts/persona';
import { article } from '../../../src/core/demo/occupations';

const SLOTS: Record<string, string> = {
  name: 'Mina', sub: 'they', Sub: 'They', obj: 'them', pos: 'their', Pos: 'Their', refl: 'themself', age: '29',
  occ: 'nurse', a_occ: 'a nurse', place: 'a clinic', task: 'rounds', city: 'Seoul', country: 'South Korea',
  region: 'East Asia', i1: 'poetry', i2: 'astronomy',
};

describe('fill', () => {
  it('picks the singular or plural verb form', () => {
    expect(fill('{Sub} finish[es|] what {sub} [starts|start].', { ...SLOTS, Sub: 'She', sub: 'she' }, false)).toBe('She finishes what she starts.');
    expect(fill('{Sub} finish[es|] what {sub} [starts|start].', SLOTS, true)).toBe('They finish what they start.');
  });

  it('throws on an unknown slot', () => {
    expect(() => fill('{nmae} is here', SLOTS, false)).toThrow(/nmae/);
  });
});

describe('sentence banks', () => {
  const all = [
    ...INTROS, ...WORK, ...HOUSEHOLDS.map((h) => h.text), ...Object.values(LIFE_STAGE).flat(),
    ...Object.values(COMMUNICATION).flat(), ...TRAITS.flatMap((t) => Object.values(TRAIT_SENTENCES[t]).flat()),
  ];

  it('render with every slot filled, no leftover markup, one sentence each', () => {
    for (const plural of [false, true]) {
      for (const t of all) {
        const s = fill(t, SLOTS, plural);
        expect(s).not.toMatch(/[{}[\]|]/);
        expect(s).toMatch(/^[A-Z].*\.$/);
      }
    }
  });

  it('offer several variants per trait level and a life stage per age band', () => {
    for (const t of TRAITS) for (const lv of ['low', 'mid', 'high'] as const) expect(TRAIT_SENTENCES[t][lv].length).toBeGreaterThanOrEqual(5);
    for (const lv of ['low', 'mid', 'high'] as const) {
      expect(COMMUNICATION[lv].length).toBeGreaterThanOrEqual(4);
      expect(INTERESTS[lv].length).toBeGreaterThanOrEqual(8);
    }
    for (const b of AGE_BANDS) expect(LIFE_STAGE[b]?.length).toBeGreaterThanOrEqual(3);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('traitLevel', () => {
  it('splits at ±LEVEL_Z baseline SDs', () => {
    for (const t of TRAITS) {
      expect(traitLevel(t, BASELINE_MEAN[t])).toBe('mid');
      expect(traitLevel(t, BASELINE_MEAN[t] + (LEVEL_Z + 0.01) * BASELINE_SD[t])).toBe('high');
      expect(traitLevel(t, BASELINE_MEAN[t] - (LEVEL_Z + 0.01) * BASELINE_SD[t])).toBe('low');
    }
  });
});

describe('cholesky', () => {
  it('factors the baseline correlation matrix', () => {
    const l = cholesky(BASELINE_CORRELATION);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        const v = l[i]!.reduce((s, lik, k) => s + lik * l[j]![k]!, 0);
        expect(v).toBeCloseTo(BASELINE_CORRELATION[i]![j]!, 12);
      }
    }
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(/positive definite/);
  });
});

describe('article', () => {
  it('follows sound, not spelling, for the occupations used', () => {
    expect(article('electrician')).toBe('an');
    expect(article('accountant')).toBe('an');
    expect(article('university student')).toBe('a');
    expect(article('nurse')).toBe('a');
  });
});
