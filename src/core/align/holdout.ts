/**
 * Held-out evaluation (METHOD.md §5): split the reference into a part the methods align against
 * (`match`) and a disjoint part every diagnostic and the sampling floor are measured against
 * (`heldOut`), so a method that copies the reference points it was matched to cannot look better
 * than the sampling noise of a fresh human sample.
 */
import { AppError } from '../errors';
import { subsetCloud, type WeightedCloud } from '../cloud';
import { Rng } from '../rng';
import { diagnose, samplingFloor, type Diagnostics, type DiagnosticsOptions } from './diagnostics';
import { systematicSample } from './plan';

/** [ours] Default share of the reference held out for evaluation (CLI --holdout, the app's option). */
export const DEFAULT_HOLDOUT = 0.2;
/** Largest allowed held-out share: the methods need most of the reference to match against. */
export const MAX_HOLDOUT = 0.9;
/** Fewest held-out points that give a usable evaluation. */
export const MIN_HELD_OUT = 20;

export interface ReferenceSplit {
  /** The rows the methods align against; weights renormalised. */
  match: WeightedCloud;
  /** The disjoint rows every diagnostic is measured against; weights renormalised. */
  heldOut: WeightedCloud;
  /** Reference row indices of `match`, ascending. */
  matchIndex: Int32Array;
  /** Reference row indices of `heldOut`, ascending. */
  heldOutIndex: Int32Array;
}

/** Throws an InputError unless 0 ≤ fraction ≤ MAX_HOLDOUT. */
export function checkHoldout(fraction: number): void {
  if (!(Number.isFinite(fraction) && fraction >= 0 && fraction <= MAX_HOLDOUT)) {
    throw new AppError('InputError', `the held-out share must be a number from 0 to ${MAX_HOLDOUT}, got ${fraction}; use e.g. ${DEFAULT_HOLDOUT}, or 0 to evaluate in-sample.`);
  }
}

/**
 * A seeded random split of the reference rows: round(fraction · n) rows held out, the rest to
 * match against. Uniform over rows (no stratification); each part's weights are renormalised.
 * Requires 0 < fraction ≤ MAX_HOLDOUT and at least MIN_HELD_OUT held-out rows.
 */
export function splitReference(ref: WeightedCloud, fraction: number, seed: number): ReferenceSplit {
  checkHoldout(fraction);
  if (fraction === 0) throw new AppError('InputError', 'splitReference needs a held-out share above 0; with 0 the evaluation is in-sample (see evaluationReference).');
  const h = Math.round(fraction * ref.n);
  if (h < MIN_HELD_OUT) {
    throw new AppError(
      'InputError',
      `holding out ${fraction} of the reference's ${ref.n} points leaves ${h} held out; at least ${MIN_HELD_OUT} are needed. Use a larger reference (at least ${Math.ceil(MIN_HELD_OUT / fraction)} points), a larger held-out share, or 0 to evaluate in-sample.`,
    );
  }
  if (ref.n - h < 1) throw new AppError('InputError', `holding out ${fraction} of ${ref.n} reference points leaves none to align against; lower the held-out share.`);
  const order = new Int32Array(ref.n);
  for (let i = 0; i < ref.n; i++) order[i] = i;
  const rng = new Rng(seed);
  for (let i = ref.n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const heldOutIndex = order.slice(0, h).sort();
  const matchIndex = order.slice(h).sort();
  const part = (idx: Int32Array, what: string): WeightedCloud => {
    const w = Array.from(idx, (i) => ref.weights[i]!);
    if (!(w.reduce((a, b) => a + b, 0) > 0)) throw new AppError('InputError', `the ${what} part of the reference has zero total weight; use another seed or held-out share.`);
    return subsetCloud(ref, idx, w);
  };
  return { match: part(matchIndex, 'matching'), heldOut: part(heldOutIndex, 'held-out'), matchIndex, heldOutIndex };
}

export interface EvaluationReference {
  /** What the methods align against. */
  match: WeightedCloud;
  /** What the diagnostics are measured against (the whole reference when inSample). */
  heldOut: WeightedCloud;
  /** True when fraction is 0: match and heldOut are the same cloud. */
  inSample: boolean;
  /** As reported: { holdout, heldOut: n, match: n, seed }. */
  evaluation: EvaluationInfo;
}

export interface EvaluationInfo {
  holdout: number;
  heldOut: number;
  match: number;
  seed: number;
}

/** splitReference, or (fraction 0) the whole reference on both sides: the old in-sample evaluation. */
export function evaluationReference(ref: WeightedCloud, fraction: number, seed: number): EvaluationReference {
  checkHoldout(fraction);
  if (fraction === 0) return { match: ref, heldOut: ref, inSample: true, evaluation: { holdout: 0, heldOut: ref.n, match: ref.n, seed } };
  const s = splitReference(ref, fraction, seed);
  return { match: s.match, heldOut: s.heldOut, inSample: false, evaluation: { holdout: fraction, heldOut: s.heldOut.n, match: s.match.n, seed } };
}

/**
 * The held-out sampling floor: a same-size PPS subsample (seeded, uniform weights) of the matching
 * part against the held-out part — what a fresh human sample of `size` scores on the same yardstick
 * as the selection. Requires 1 ≤ size ≤ match.n.
 */
export function heldOutFloor(match: WeightedCloud, heldOut: WeightedCloud, size: number, seed = 1, options: DiagnosticsOptions = {}): Diagnostics {
  if (!(size >= 1 && size <= match.n)) throw new AppError('InputError', `held-out sampling floor needs 1 ≤ size ≤ ${match.n} (matching part of the reference), got ${size}.`);
  return diagnose(subsetCloud(match, systematicSample(match.weights, size, seed)), heldOut, { ...options, seed });
}

/**
 * The sampling floor on the evaluation's yardstick (both front doors call this): held-out — a
 * same-size subsample of `match` against `heldOut` (undefined when size > match.n); in-sample —
 * the old floor, a same-size subsample of the reference against the rest (undefined when size ≥ n).
 * Pass the clouds in the units the diagnostics use.
 */
export function evaluationFloor(match: WeightedCloud, heldOut: WeightedCloud, inSample: boolean, size: number, seed = 1, options: DiagnosticsOptions = {}): Diagnostics | undefined {
  if (inSample) return size < heldOut.n ? samplingFloor(heldOut, size, seed, options) : undefined;
  return size <= match.n ? heldOutFloor(match, heldOut, size, seed, options) : undefined;
}
