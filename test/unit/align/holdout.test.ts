import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/core/errors';
import { diagnose, samplingFloor } from '../../../src/core/align/diagnostics';
import { evaluationFloor, evaluationReference, heldOutFloor, splitReference } from '../../../src/core/align/holdout';
import { subsetCloud } from '../../../src/core/cloud';
import { systematicSample } from '../../../src/core/align/plan';
import { randomCloud } from './helpers';

describe('splitReference', () => {
  const ref = randomCloud(250, 5, 11, 0, 'random');

  it('is seeded, disjoint, covers every row once, and renormalises each part', () => {
    const s = splitReference(ref, 0.2, 7);
    expect(s.heldOut.n).toBe(50);
    expect(s.match.n).toBe(200);
    expect(s.heldOutIndex.length).toBe(50);
    expect(s.matchIndex.length).toBe(200);
    const all = [...s.heldOutIndex, ...s.matchIndex].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: ref.n }, (_, i) => i));
    const held = new Set(s.heldOutIndex);
    for (const i of s.matchIndex) expect(held.has(i)).toBe(false);
    // ascending indices, rows copied as they were
    expect(Array.from(s.heldOutIndex)).toEqual([...s.heldOutIndex].sort((a, b) => a - b));
    s.heldOutIndex.forEach((r, k) => expect(Array.from(s.heldOut.points.subarray(k * 5, k * 5 + 5))).toEqual(Array.from(ref.points.subarray(r * 5, r * 5 + 5))));
    // weights renormalised, proportional to the reference's
    for (const [part, idx] of [[s.heldOut, s.heldOutIndex], [s.match, s.matchIndex]] as const) {
      expect(part.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const total = Array.from(idx, (i) => ref.weights[i]!).reduce((a, b) => a + b, 0);
      idx.forEach((r, k) => expect(part.weights[k]!).toBeCloseTo(ref.weights[r]! / total, 12));
    }
    // same seed, same split; another seed, another split
    const again = splitReference(ref, 0.2, 7);
    expect(Array.from(again.heldOutIndex)).toEqual(Array.from(s.heldOutIndex));
    expect(Array.from(again.match.weights)).toEqual(Array.from(s.match.weights));
    expect(Array.from(splitReference(ref, 0.2, 8).heldOutIndex)).not.toEqual(Array.from(s.heldOutIndex));
  });

  it('rejects a share outside [0, 0.9] or a held-out part under 20 points, saying what to do', () => {
    for (const f of [-0.1, 0.95, Number.NaN, 0]) {
      let err: unknown;
      try {
        splitReference(ref, f, 1);
      } catch (e) {
        err = e;
      }
      expect(isAppError(err) && err.name === 'InputError').toBe(true);
    }
    expect(() => splitReference(ref, 0.95, 1)).toThrow(/from 0 to 0.9/);
    expect(() => splitReference(randomCloud(60, 5, 1), 0.2, 1)).toThrow(/leaves 12 held out; at least 20 are needed\. Use a larger reference \(at least 100 points\)/);
  });

  it('evaluationReference: 0 = in-sample (the whole reference on both sides); otherwise the split', () => {
    const e0 = evaluationReference(ref, 0, 3);
    expect(e0.inSample).toBe(true);
    expect(e0.match).toBe(ref);
    expect(e0.heldOut).toBe(ref);
    expect(e0.evaluation).toEqual({ holdout: 0, heldOut: 250, match: 250, seed: 3 });
    const e = evaluationReference(ref, 0.2, 3);
    expect(e.inSample).toBe(false);
    expect(e.evaluation).toEqual({ holdout: 0.2, heldOut: 50, match: 200, seed: 3 });
    expect(Array.from(e.heldOut.points)).toEqual(Array.from(splitReference(ref, 0.2, 3).heldOut.points));
  });

  it('the held-out floor is a same-size subsample of match against heldOut; in-sample it is the old floor', () => {
    const s = splitReference(ref, 0.2, 3);
    const f = heldOutFloor(s.match, s.heldOut, 30, 4);
    expect(f.energy).toBe(diagnose(subsetCloud(s.match, systematicSample(s.match.weights, 30, 4)), s.heldOut, { seed: 4 }).energy);
    expect(evaluationFloor(s.match, s.heldOut, false, 30, 4)?.energy).toBe(f.energy);
    expect(evaluationFloor(s.match, s.heldOut, false, 201, 4)).toBeUndefined();
    expect(evaluationFloor(ref, ref, true, 30, 4)?.energy).toBe(samplingFloor(ref, 30, 4).energy);
    expect(evaluationFloor(ref, ref, true, 250, 4)).toBeUndefined();
  });
});
