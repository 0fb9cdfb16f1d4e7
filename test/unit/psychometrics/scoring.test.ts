import { describe, expect, it } from 'vitest';
import { ITEM_INDEX } from '../../../src/core/psychometrics/ipip50';
import { parseMissingPolicy, scoreAnswersInto, scoreResponses, sumScores, zScores } from '../../../src/core/psychometrics/scoring';
import { isAppError } from '../../../src/core/errors';

const all = (v: number): number[] => new Array<number>(50).fill(v);
const score = (a: number[], policy = parseMissingPolicy('drop')): number[] => {
  const out = new Float64Array(5);
  const m = scoreAnswersInto(a, policy, out);
  return m < 0 ? [] : Array.from(out);
};

describe('scoring', () => {
  it('scores all-5 answers by hand: O 7+/3−, C 6+/4−, E 5+/5−, A 6+/4−, N 8+/2−', () => {
    // O (35+3)/10, C (30+4)/10, E (25+5)/10, A (30+4)/10, N (40+2)/10
    expect(score(all(5))).toEqual([3.8, 3.4, 3, 3.4, 4.2].map((x) => expect.closeTo(x, 12)));
    // all 1s mirror: 6 − s
    expect(score(all(1))).toEqual([2.2, 2.6, 3, 2.6, 1.8].map((x) => expect.closeTo(x, 12)));
  });

  it('reverse-scores 6 − x and maps EST to neuroticism direction', () => {
    const a = all(3);
    a[ITEM_INDEX.get('EST1')!] = 5; // "I get stressed out easily" agree → +N
    a[ITEM_INDEX.get('EST2')!] = 1; // "I am relaxed most of the time" disagree → +N
    expect(score(a)[4]).toBeCloseTo((3 * 8 + 5 + (6 - 1)) / 10, 12);
    const b = all(3);
    b[ITEM_INDEX.get('EXT2')!] = 1; // "I don't talk a lot" disagree → +E
    expect(score(b)[2]).toBeCloseTo((27 + 5) / 10, 12);
  });

  it('applies the missing policy and reports counts', () => {
    const one = all(4);
    one[0] = 0; // EXT1 missing
    const three = all(4);
    for (const c of ['EXT1', 'EXT2', 'EXT3']) three[ITEM_INDEX.get(c)!] = Number.NaN;
    const rows = [all(4), one, three];
    const drop = scoreResponses(rows, { missing: parseMissingPolicy('drop') });
    expect([drop.kept, drop.droppedMissing, drop.keptWithMissing]).toEqual([1, 2, 0]);
    const min8 = scoreResponses(rows, { missing: parseMissingPolicy('min:8') });
    expect([min8.kept, min8.droppedMissing, min8.keptWithMissing]).toEqual([2, 1, 1]);
    expect(Array.from(min8.rowIndex)).toEqual([0, 1]);
    // EXT from 9 answered items: 4 × (4 + and 5 −): (4·4 + 5·2)/9
    expect(min8.scores[5 + 2]).toBeCloseTo((4 * 4 + 5 * 2) / 9, 12);
  });

  it('rejects out-of-range answers with line and item', () => {
    const bad = all(3);
    bad[ITEM_INDEX.get('AGR3')!] = 7;
    try {
      scoreResponses([all(3), bad], { file: 'x.csv' });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'InputError')).toBe(true);
      expect((e as Error).message).toContain('x.csv, line 3, column AGR3');
    }
  });

  it('parses policies and rejects nonsense', () => {
    expect(parseMissingPolicy('min:7')).toEqual({ kind: 'min', minAnswered: 7 });
    expect(() => parseMissingPolicy('min:11')).toThrow(/min:K/);
    expect(() => parseMissingPolicy('keep')).toThrow(/drop/);
  });

  it('computes sum scores and z-scores', () => {
    expect(Array.from(sumScores([3, 4, 2.5, 1, 5]))).toEqual([30, 40, 25, 10, 50]);
    const z = zScores([3, 3, 3, 3, 3, 4, 2, 3, 3, 3], { mean: [3, 3, 3, 3, 3], sd: [0.5, 1, 1, 1, 2] });
    expect(Array.from(z)).toEqual([0, 0, 0, 0, 0, 2, -1, 0, 0, 0]);
  });
});
