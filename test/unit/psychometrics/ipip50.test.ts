import { describe, expect, it } from 'vitest';
import { IPIP50_ITEMS, ITEM_CODES, QUESTIONNAIRE_ORDER, TRAIT_ITEMS } from '../../../src/core/psychometrics/ipip50';
import { TRAITS } from '../../../src/core/traits';

/**
 * Typed by hand from the published key, https://ipip.ori.org/newBigFive5broadKey.htm (10-item
 * scales), with the Open Psychometrics IPIP-FFM code of each statement from its codebook.
 * Factor IV is keyed for Emotional STABILITY here, exactly as published.
 */
const PUBLISHED: Record<string, { factor: string; plus: [string, string][]; minus: [string, string][] }> = {
  I: {
    factor: 'extraversion',
    plus: [['EXT1', 'Am the life of the party'], ['EXT3', 'Feel comfortable around people'], ['EXT5', 'Start conversations'], ['EXT7', 'Talk to a lot of different people at parties'], ['EXT9', "Don't mind being the center of attention"]],
    minus: [['EXT2', "Don't talk a lot"], ['EXT4', 'Keep in the background'], ['EXT6', 'Have little to say'], ['EXT8', "Don't like to draw attention to myself"], ['EXT10', 'Am quiet around strangers']],
  },
  II: {
    factor: 'agreeableness',
    plus: [['AGR2', 'Am interested in people'], ['AGR4', "Sympathize with others' feelings"], ['AGR6', 'Have a soft heart'], ['AGR8', 'Take time out for others'], ['AGR9', "Feel others' emotions"], ['AGR10', 'Make people feel at ease']],
    minus: [['AGR7', 'Am not really interested in others'], ['AGR3', 'Insult people'], ['AGR5', "Am not interested in other people's problems"], ['AGR1', 'Feel little concern for others']],
  },
  III: {
    factor: 'conscientiousness',
    plus: [['CSN1', 'Am always prepared'], ['CSN3', 'Pay attention to details'], ['CSN5', 'Get chores done right away'], ['CSN7', 'Like order'], ['CSN9', 'Follow a schedule'], ['CSN10', 'Am exacting in my work']],
    minus: [['CSN2', 'Leave my belongings around'], ['CSN4', 'Make a mess of things'], ['CSN6', 'Often forget to put things back in their proper place'], ['CSN8', 'Shirk my duties']],
  },
  IV: {
    factor: 'neuroticism',
    plus: [['EST2', 'Am relaxed most of the time'], ['EST4', 'Seldom feel blue']],
    minus: [['EST1', 'Get stressed out easily'], ['EST3', 'Worry about things'], ['EST5', 'Am easily disturbed'], ['EST6', 'Get upset easily'], ['EST7', 'Change my mood a lot'], ['EST8', 'Have frequent mood swings'], ['EST9', 'Get irritated easily'], ['EST10', 'Often feel blue']],
  },
  V: {
    factor: 'openness',
    plus: [['OPN1', 'Have a rich vocabulary'], ['OPN3', 'Have a vivid imagination'], ['OPN5', 'Have excellent ideas'], ['OPN7', 'Am quick to understand things'], ['OPN8', 'Use difficult words'], ['OPN9', 'Spend time reflecting on things'], ['OPN10', 'Am full of ideas']],
    minus: [['OPN2', 'Have difficulty understanding abstract ideas'], ['OPN4', 'Am not interested in abstract ideas'], ['OPN6', 'Do not have a good imagination']],
  },
};

const rows = Object.entries(PUBLISHED).flatMap(([f, v]) => [
  ...v.plus.map(([code, text]) => ({ f, trait: v.factor, code, text, sign: 1 })),
  ...v.minus.map(([code, text]) => ({ f, trait: v.factor, code, text, sign: -1 })),
]);

const norm = (s: string): string => s.toLowerCase().replace(/^i /, '').replace(/\.$/, '');

describe('IPIP-50 items and keying', () => {
  it('has 50 items in the file order EXT, EST, AGR, CSN, OPN', () => {
    expect(rows).toHaveLength(50);
    expect(ITEM_CODES).toHaveLength(50);
    const prefixes = ['EXT', 'EST', 'AGR', 'CSN', 'OPN'];
    expect(ITEM_CODES).toEqual(prefixes.flatMap((p) => Array.from({ length: 10 }, (_, k) => `${p}${k + 1}`)));
  });

  it.each(rows)('$code "$text" is $sign-keyed on factor $f ($trait)', ({ f, trait, code, text, sign }) => {
    const item = IPIP50_ITEMS.find((i) => i.code === code);
    expect(item).toBeDefined();
    expect(norm(item!.text)).toBe(norm(text));
    expect(item!.ipipFactor).toBe(f);
    expect(item!.ipipKeying).toBe(sign);
    expect(item!.trait).toBe(trait);
    // Towards the canonical trait: Factor IV flips (stability key → neuroticism score).
    expect(item!.keying).toBe(f === 'IV' ? -sign : sign);
  });

  it('maps questionnaire numbers 1…50 (factor cycles I, II, III, IV, V)', () => {
    const byNum = new Map(IPIP50_ITEMS.map((i) => [i.ipipNumber, i.code]));
    expect(byNum.get(1)).toBe('EXT1');
    expect(byNum.get(2)).toBe('AGR1');
    expect(byNum.get(4)).toBe('EST1');
    expect(byNum.get(19)).toBe('EST4');
    expect(byNum.get(38)).toBe('CSN8');
    expect(byNum.get(50)).toBe('OPN10');
    expect(QUESTIONNAIRE_ORDER.map((j) => IPIP50_ITEMS[j]!.ipipNumber)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('has 10 items per canonical trait in TRAITS order', () => {
    TRAITS.forEach((t, k) => {
      expect(TRAIT_ITEMS[k]).toHaveLength(10);
      for (const j of TRAIT_ITEMS[k]!) expect(IPIP50_ITEMS[j]!.trait).toBe(t);
    });
  });
});
