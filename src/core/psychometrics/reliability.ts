/**
 * Reliability and response-style diagnostics for IPIP-50 answer sets (human or persona).
 * All functions are pure; item matrices are n × k, row-major, complete (no missing values).
 */
import type { Matrix } from 'ml-matrix';
import { AppError } from '../errors';
import { TRAITS, type Trait } from '../traits';
import { correlationMatrix, fiveFactorCongruence, principalAxis, type FiveFactorResult } from './factor';
import { IPIP50_ITEMS, ITEM_KEYING, N_ITEMS, QUESTIONNAIRE_ORDER, TRAIT_ITEMS } from './ipip50';
import { isMissing, keyed } from './scoring';

function sampleVariance(x: ArrayLike<number>, n: number, stride: number, offset: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i * stride + offset]!;
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i * stride + offset]! - m) ** 2;
  return s / (n - 1);
}

function checkShape(items: ArrayLike<number>, n: number, k: number, what: string): void {
  if (items.length !== n * k) throw new AppError('InputError', `${what}: ${items.length} values are not ${n}×${k}.`);
  if (n < 2 || k < 2) throw new AppError('InputError', `${what} needs at least 2 respondents and 2 items (got ${n}×${k}).`);
}

/**
 * Cronbach's α = k/(k − 1) · (1 − Σ_i σ²_i / σ²_X), X = Σ_i x_i (sample variances).
 * NaN when the total has zero variance.
 */
export function cronbachAlpha(items: ArrayLike<number>, n: number, k: number): number {
  checkShape(items, n, k, 'cronbachAlpha');
  let sumVar = 0;
  for (let j = 0; j < k; j++) sumVar += sampleVariance(items, n, k, j);
  const totals = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) totals[i]! += items[i * k + j]!;
  const varX = sampleVariance(totals, n, 1, 0);
  return varX > 0 ? (k / (k - 1)) * (1 - sumVar / varX) : NaN;
}

/**
 * Cronbach's α from streamed sums (for files too large to hold): with n rows, per-item Σx_j and
 * Σx_j², and the row totals' ΣX and ΣX², σ² = (Σx² − (Σx)²/n)/(n − 1) and α as above.
 */
export function cronbachAlphaFromSums(n: number, itemSum: ArrayLike<number>, itemSumSq: ArrayLike<number>, totalSum: number, totalSumSq: number): number {
  const k = itemSum.length;
  if (n < 2 || k < 2) return NaN;
  let sumVar = 0;
  for (let j = 0; j < k; j++) sumVar += (itemSumSq[j]! - (itemSum[j]! * itemSum[j]!) / n) / (n - 1);
  const varX = (totalSumSq - (totalSum * totalSum) / n) / (n - 1);
  return varX > 0 ? (k / (k - 1)) * (1 - sumVar / varX) : NaN;
}

/**
 * McDonald's ω (total) from a one-factor principal-axis solution of the item correlation matrix:
 *   ω = (Σ λ_i)² / ((Σ λ_i)² + Σ (1 − λ_i²)),
 * λ the standardised loadings. Items should already be keyed in one direction.
 */
export function mcdonaldOmega(items: ArrayLike<number>, n: number, k: number): { omega: number; loadings: Float64Array } {
  checkShape(items, n, k, 'mcdonaldOmega');
  const R = correlationMatrix(items, n, k);
  const L = principalAxis(R, 1).loadings;
  const lam = Float64Array.from({ length: k }, (_, i) => L.get(i, 0));
  let s = 0;
  let u = 0;
  for (const l of lam) {
    s += l;
    u += 1 - l * l;
  }
  const omega = s * s + u > 0 ? (s * s) / (s * s + u) : NaN;
  return { omega, loadings: lam };
}

/** Corrected item–total correlations r(x_j, X − x_j) for each item. */
export function correctedItemTotal(items: ArrayLike<number>, n: number, k: number): Float64Array {
  checkShape(items, n, k, 'correctedItemTotal');
  const totals = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) totals[i]! += items[i * k + j]!;
  const out = new Float64Array(k);
  const pair = new Float64Array(n * 2);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      pair[2 * i] = items[i * k + j]!;
      pair[2 * i + 1] = totals[i]! - items[i * k + j]!;
    }
    const R: Matrix = correlationMatrix(pair, n, 2);
    out[j] = R.get(0, 1);
  }
  return out;
}

export interface TraitReliability {
  trait: Trait;
  /** Respondents with all 10 items of this trait answered (listwise). */
  nComplete: number;
  alpha: number;
  omega: number;
  itemTotal: { code: string; r: number }[];
}

/** α, ω and corrected item–total r of each trait's keyed items, listwise per trait. */
export function traitReliability(rows: readonly ArrayLike<number>[]): TraitReliability[] {
  return TRAITS.map((trait, t) => {
    const idx = TRAIT_ITEMS[t]!;
    const k = idx.length;
    const data: number[] = [];
    let n = 0;
    for (const r of rows) {
      if (idx.some((j) => isMissing(r[j]!))) continue;
      for (const j of idx) data.push(keyed(r[j]!, ITEM_KEYING[j]!));
      n++;
    }
    if (n < 3) return { trait, nComplete: n, alpha: NaN, omega: NaN, itemTotal: idx.map((j) => ({ code: IPIP50_ITEMS[j]!.code, r: NaN })) };
    const itr = correctedItemTotal(data, n, k);
    return {
      trait,
      nComplete: n,
      alpha: cronbachAlpha(data, n, k),
      omega: mcdonaldOmega(data, n, k).omega,
      itemTotal: idx.map((j, q) => ({ code: IPIP50_ITEMS[j]!.code, r: itr[q]! })),
    };
  });
}

/** Acquiescence: the mean raw answer over answered items, ignoring keying (3 = neutral). */
export function acquiescenceIndex(answers: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let j = 0; j < answers.length; j++) {
    const x = answers[j]!;
    if (isMissing(x)) continue;
    s += x;
    c++;
  }
  return c > 0 ? s / c : NaN;
}

/** Longest run of identical consecutive answers in questionnaire order (1…50, as presented). */
export function longestRun(answers: ArrayLike<number>): number {
  let best = 0;
  let run = 0;
  let prev = NaN;
  for (const j of QUESTIONNAIRE_ORDER) {
    const x = answers[j]!;
    if (isMissing(x)) {
      run = 0;
      prev = NaN;
      continue;
    }
    run = Math.abs(x - prev) < 1e-9 ? run + 1 : 1;
    prev = x;
    best = Math.max(best, run);
  }
  return best;
}

/**
 * Number of traits on which the respondent agrees (mean raw answer ≥ `agree`) with BOTH the trait's
 * + keyed and its − keyed items: saying "yes" to an item and to its reverse.
 */
export function reverseKeyInconsistentTraits(answers: ArrayLike<number>, agree = 4): number {
  let count = 0;
  for (let t = 0; t < TRAITS.length; t++) {
    let sp = 0;
    let np = 0;
    let sn = 0;
    let nn = 0;
    for (const j of TRAIT_ITEMS[t]!) {
      const x = answers[j]!;
      if (isMissing(x)) continue;
      if (ITEM_KEYING[j]! > 0) {
        sp += x;
        np++;
      } else {
        sn += x;
        nn++;
      }
    }
    if (np > 0 && nn > 0 && sp / np >= agree && sn / nn >= agree) count++;
  }
  return count;
}

export interface ResponseStyleOptions {
  /** A run of at least this many identical consecutive answers flags straight-lining (default 10). */
  straightRun?: number;
  /** Mean raw answer at or above which a respondent "agrees" with a keyed group (default 4). */
  agreeLevel?: number;
  /** Flag reverse-key inconsistency when at least this many traits are inconsistent (default 2). */
  inconsistentTraits?: number;
  /** Compute five-factor congruence against the scoring key when at least this many complete rows (default 100; 0 = never). */
  congruenceMinRows?: number;
}

export interface ResponseStyleReport {
  n: number;
  reliability: TraitReliability[];
  acquiescence: { perRespondent: Float64Array; mean: number };
  straightLining: { longestRun: Int32Array; flags: Uint8Array; count: number; runThreshold: number; zeroVariance: number };
  reverseKey: { inconsistentTraits: Uint8Array; flags: Uint8Array; count: number; agreeLevel: number; traitThreshold: number };
  /** Absent when there are too few complete rows for a 5-factor solution. */
  congruence?: FiveFactorResult;
  options: Required<ResponseStyleOptions>;
}

/** Everything the Profile stage shows about how a set of 50-item answer rows was answered. */
export function responseStyleReport(rows: readonly ArrayLike<number>[], options: ResponseStyleOptions = {}): ResponseStyleReport {
  const opts: Required<ResponseStyleOptions> = {
    straightRun: options.straightRun ?? 10,
    agreeLevel: options.agreeLevel ?? 4,
    inconsistentTraits: options.inconsistentTraits ?? 2,
    congruenceMinRows: options.congruenceMinRows ?? 100,
  };
  const n = rows.length;
  for (let i = 0; i < n; i++) {
    if (rows[i]!.length !== N_ITEMS) throw new AppError('InputError', `Row ${i + 1} has ${rows[i]!.length} answers; expected ${N_ITEMS}.`);
  }
  const acq = new Float64Array(n);
  const runs = new Int32Array(n);
  const slFlags = new Uint8Array(n);
  const incTraits = new Uint8Array(n);
  const incFlags = new Uint8Array(n);
  let zeroVar = 0;
  let acqSum = 0;
  let acqN = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    acq[i] = acquiescenceIndex(r);
    if (Number.isFinite(acq[i]!)) {
      acqSum += acq[i]!;
      acqN++;
    }
    runs[i] = longestRun(r);
    const zv = answeredVariance(r) === 0;
    if (zv) zeroVar++;
    slFlags[i] = runs[i]! >= opts.straightRun || zv ? 1 : 0;
    incTraits[i] = reverseKeyInconsistentTraits(r, opts.agreeLevel);
    incFlags[i] = incTraits[i]! >= opts.inconsistentTraits ? 1 : 0;
  }
  const count = (a: Uint8Array): number => a.reduce((s, v) => s + v, 0);
  const report: ResponseStyleReport = {
    n,
    reliability: traitReliability(rows),
    acquiescence: { perRespondent: acq, mean: acqN > 0 ? acqSum / acqN : NaN },
    straightLining: { longestRun: runs, flags: slFlags, count: count(slFlags), runThreshold: opts.straightRun, zeroVariance: zeroVar },
    reverseKey: { inconsistentTraits: incTraits, flags: incFlags, count: count(incFlags), agreeLevel: opts.agreeLevel, traitThreshold: opts.inconsistentTraits },
    options: opts,
  };
  if (opts.congruenceMinRows > 0) {
    const complete = rows.filter((r) => Array.prototype.every.call(r, (x: number) => !isMissing(x)));
    if (complete.length >= opts.congruenceMinRows) report.congruence = fiveFactorCongruence(complete);
  }
  return report;
}

/** Variance of the answered items of one row (NaN when fewer than 2 answered). */
function answeredVariance(r: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  let c = 0;
  for (let j = 0; j < r.length; j++) {
    const x = r[j]!;
    if (isMissing(x)) continue;
    s += x;
    s2 += x * x;
    c++;
  }
  if (c < 2) return NaN;
  const m = s / c;
  return Math.max(0, s2 / c - m * m) < 1e-12 ? 0 : s2 / c - m * m;
}
