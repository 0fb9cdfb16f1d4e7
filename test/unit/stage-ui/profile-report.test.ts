import { describe, expect, test } from 'vitest';
import { answerRow, HISTOGRAM_BINS, profiledPersonas, profileReport } from '../../../src/components/profile-stage/report';
import { binShares } from '../../../src/components/trait-histogram/trait-histogram';
import { makeCloud } from '../../../src/core/cloud';
import { ITEM_CODES } from '../../../src/core/psychometrics/ipip50';
import type { StoredPersona } from '../../../src/core/stages/types';
import { TRAITS } from '../../../src/core/traits';

function persona(i: number, kept = true): StoredPersona {
  const answers = Object.fromEntries(ITEM_CODES.map((c, j) => [c, 1 + ((i * 7 + j * 3) % 5)]));
  const traits = Object.fromEntries(TRAITS.map((t, k) => [t, 1 + ((i + k) % 9) / 2])) as StoredPersona['traits'];
  return {
    id: `c/a${i}`, corpusId: 'c', source: { kind: 'mined', corpusId: 'c', author: `a${i}` }, text: 'x', meta: {}, status: kept ? 'profiled' : 'rejected',
    stages: {}, answers, traits, quality: { kept, scores: {}, reasons: [] },
  } as StoredPersona;
}

describe('profile report', () => {
  test('binShares: equal bins over 1–5, weighted, sums to 1, ignores NaN', () => {
    expect(binShares([1, 5, 3, NaN], 4)).toEqual([1 / 3, 0, 1 / 3, 1 / 3]);
    expect(binShares([1, 5], 2, 1, 5, [3, 1])).toEqual([0.75, 0.25]);
  });

  test('only kept personas with answers count; rows follow IPIP item order; reference histogram from the cloud', () => {
    const ps = [persona(1), persona(2), persona(3), persona(4), persona(5, false)];
    const kept = profiledPersonas(ps);
    expect(kept).toHaveLength(4);
    expect(Array.from(answerRow(kept[0]!))).toEqual(ITEM_CODES.map((c) => kept[0]!.answers![c]));
    const ref = makeCloud(Float32Array.from({ length: 10 * 5 }, (_, k) => 1 + (k % 5)), 5);
    const r = profileReport(kept, ref);
    expect(r.n).toBe(4);
    expect(r.traits).toHaveLength(5);
    for (const t of r.traits) {
      expect(t.personas).toHaveLength(HISTOGRAM_BINS);
      expect(t.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    }
    expect(r.traits[0]!.stats.refMean).toBeCloseTo(1); // column 0 of the cloud is all 1s
    expect(r.style?.reliability).toHaveLength(5);
    expect(r.style?.congruence).toBeUndefined(); // < 100 rows
  });
});
