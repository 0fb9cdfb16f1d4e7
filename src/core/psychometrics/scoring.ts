/**
 * Scoring the IPIP 50-item Big-Five markers.
 *
 *   keyed(x) = x for + keyed items, 6 − x for − keyed items (1–5 Likert)
 *   trait score = mean of the trait's keyed answers (1–5 scale); sum score = 10 × that mean
 *   z = (score − μ_ref) / σ_ref
 *
 * Answers arrive as 50 numbers in the IPIP-FFM file order (ipip50.ts). Missing answers are coded 0
 * (the file's convention) or NaN. Fractional answers in [1, 5] are allowed: an LLM's expected value
 * over "1"…"5" is one. Anything else is an out-of-range InputError that names the line and item.
 */
import { AppError, type ErrorLocation } from '../errors';
import { TRAITS } from '../traits';
import { ITEM_CODES, ITEM_KEYING, ITEM_TRAIT_INDEX, LIKERT_MAX, LIKERT_MIN, N_ITEMS } from './ipip50';

const D = TRAITS.length;
const ITEMS_PER_TRAIT = N_ITEMS / D;

/**
 * What to do with missing answers: `drop` the row, or `min` — score each trait from its answered
 * items when at least `minAnswered` of its 10 remain (otherwise drop the row).
 */
export type MissingPolicy = { kind: 'drop' } | { kind: 'min'; minAnswered: number };

export const DEFAULT_MISSING_POLICY: MissingPolicy = { kind: 'drop' };

/** Parses "drop" or "min:K" (1 ≤ K ≤ 10). */
export function parseMissingPolicy(text: string): MissingPolicy {
  const t = text.trim().toLowerCase();
  if (t === 'drop') return { kind: 'drop' };
  const m = /^min:(\d+)$/.exec(t);
  if (m) {
    const k = Number(m[1]);
    if (k >= 1 && k <= ITEMS_PER_TRAIT) return { kind: 'min', minAnswered: k };
  }
  throw new AppError('InputError', `Missing-answer policy "${text}" is not understood; use "drop" or "min:K" with K from 1 to ${ITEMS_PER_TRAIT}.`);
}

export function formatMissingPolicy(p: MissingPolicy): string {
  return p.kind === 'drop' ? 'drop' : `min:${p.minAnswered}`;
}

/** 0 and NaN mean "not answered". */
export function isMissing(x: number): boolean {
  return x === 0 || Number.isNaN(x);
}

/** The keyed value of answer x for an item with keying ±1. */
export function keyed(x: number, keying: number): number {
  return keying > 0 ? x : LIKERT_MIN + LIKERT_MAX - x;
}

/**
 * Scores one respondent into `out[offset … offset+4]` (TRAITS order).
 * Returns the number of missing answers, or −1 when the policy drops the row (out is then
 * left partly written). Throws InputError for an out-of-range answer.
 */
export function scoreAnswersInto(
  answers: ArrayLike<number>,
  policy: MissingPolicy,
  out: Float32Array | Float64Array,
  offset = 0,
  where: ErrorLocation = {},
): number {
  if (answers.length !== N_ITEMS) {
    throw new AppError('InputError', `Expected ${N_ITEMS} item answers, got ${answers.length}.`, where);
  }
  const sum = [0, 0, 0, 0, 0];
  const cnt = [0, 0, 0, 0, 0];
  let missing = 0;
  for (let j = 0; j < N_ITEMS; j++) {
    const x = answers[j]!;
    if (isMissing(x)) {
      missing++;
      continue;
    }
    if (!(x >= LIKERT_MIN && x <= LIKERT_MAX)) {
      throw new AppError('InputError', `answer ${x} is out of range: items are scored ${LIKERT_MIN}–${LIKERT_MAX} (0 or empty = missing).`, { ...where, column: ITEM_CODES[j] });
    }
    const t = ITEM_TRAIT_INDEX[j]!;
    sum[t]! += keyed(x, ITEM_KEYING[j]!);
    cnt[t]!++;
  }
  const need = policy.kind === 'drop' ? ITEMS_PER_TRAIT : policy.minAnswered;
  for (let t = 0; t < D; t++) {
    if (cnt[t]! < need) return -1;
    out[offset + t] = sum[t]! / cnt[t]!;
  }
  return missing;
}

export interface ScoreSetResult {
  /** n_kept × 5 trait scores (1–5 mean scale), TRAITS order, row-major. */
  readonly scores: Float64Array;
  /** For each kept row, its index in the input. */
  readonly rowIndex: Int32Array;
  readonly rowsRead: number;
  readonly kept: number;
  /** Rows dropped by the missing-answer policy. */
  readonly droppedMissing: number;
  /** Kept rows scored from fewer than 50 answers (only under `min:K`). */
  readonly keptWithMissing: number;
}

export interface ScoreOptions {
  missing?: MissingPolicy;
  /** File name for error locations. */
  file?: string;
  /** Line number of row 0 (default 2: a header line precedes it). */
  firstLine?: number;
}

/** Scores many respondents (each 50 answers in file order), reporting how many rows each rule affected. */
export function scoreResponses(rows: readonly ArrayLike<number>[], options: ScoreOptions = {}): ScoreSetResult {
  const policy = options.missing ?? DEFAULT_MISSING_POLICY;
  const firstLine = options.firstLine ?? 2;
  const buf = new Float64Array(rows.length * D);
  const idx: number[] = [];
  let dropped = 0;
  let partial = 0;
  for (let i = 0; i < rows.length; i++) {
    const where: ErrorLocation = { line: firstLine + i };
    if (options.file) where.file = options.file;
    const m = scoreAnswersInto(rows[i]!, policy, buf, idx.length * D, where);
    if (m < 0) {
      dropped++;
      continue;
    }
    if (m > 0) partial++;
    idx.push(i);
  }
  return {
    scores: buf.slice(0, idx.length * D),
    rowIndex: Int32Array.from(idx),
    rowsRead: rows.length,
    kept: idx.length,
    droppedMissing: dropped,
    keptWithMissing: partial,
  };
}

/** Sum scores (10–50 per trait) from mean scores: 10 × mean (prorated when items were missing). */
export function sumScores(meanScores: ArrayLike<number>): Float64Array {
  return Float64Array.from(meanScores, (v) => v * ITEMS_PER_TRAIT);
}

export interface TraitNorms {
  /** Per trait, TRAITS order. */
  mean: ArrayLike<number>;
  sd: ArrayLike<number>;
}

/** z = (x − μ)/σ per trait against a chosen reference. */
export function zScores(scores: ArrayLike<number>, ref: TraitNorms): Float64Array {
  if (scores.length % D !== 0) throw new AppError('InputError', `Scores must come in rows of ${D}.`);
  for (let t = 0; t < D; t++) {
    if (!(ref.sd[t]! > 0)) throw new AppError('InputError', `Reference SD for ${TRAITS[t]} must be positive, got ${ref.sd[t]}.`);
  }
  const z = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const t = i % D;
    z[i] = (scores[i]! - ref.mean[t]!) / ref.sd[t]!;
  }
  return z;
}

/** Per-column weighted mean and SD (sample SD, n − 1, when unweighted) of an n × d matrix. */
export function columnMeanSd(values: ArrayLike<number>, d: number, weights?: ArrayLike<number>): { mean: Float64Array; sd: Float64Array } {
  const n = values.length / d;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  if (n === 0) return { mean: mean.fill(NaN), sd: sd.fill(NaN) };
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    wsum += w;
    for (let c = 0; c < d; c++) mean[c]! += w * values[i * d + c]!;
  }
  for (let c = 0; c < d; c++) mean[c] = mean[c]! / wsum;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    for (let c = 0; c < d; c++) {
      const e = values[i * d + c]! - mean[c]!;
      sd[c]! += w * e * e;
    }
  }
  // Unweighted: Bessel's n − 1. Weighted: population form (weights are survey weights, not counts).
  const denom = weights ? wsum : n - 1;
  for (let c = 0; c < d; c++) sd[c] = denom > 0 ? Math.sqrt(sd[c]! / denom) : NaN;
  return { mean, sd };
}
