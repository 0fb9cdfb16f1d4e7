/**
 * The importance-weight distribution for the weight histogram: weights as multiples of the mean
 * (n·w, so 1 = a persona counted once), log10-binned, with Kish ESS, the design effect, the
 * trimming cap (k × mean for balance-style trimming) and how many weights sit at it.
 */
import { AppError } from '../../core/errors';
import { weightSummary } from '../../core/align/stats';

export interface WeightBin {
  /** Bin edges in n·w (multiples of the mean weight). */
  x0: number;
  x1: number;
  count: number;
}

export interface WeightView {
  n: number;
  ess: number;
  designEffect: number;
  maxOverMean: number;
  /** The cap in multiples of the mean, when weights were trimmed at one. */
  cap: number | undefined;
  /** Weights at the cap (within 1e-9 relative). */
  atCap: number;
  /** Weights that are exactly 0 (never selectable). */
  zeros: number;
  bins: WeightBin[];
}

/**
 * `cap`: the trimming multiple k (weights capped at k × mean); pass it when the run trimmed that
 * way so the histogram marks it. Bins: `bins` equal widths in log10(n·w) over the positive weights.
 */
export function weightView(w: ArrayLike<number>, cap?: number, bins = 30): WeightView {
  const n = w.length;
  if (n === 0) throw new AppError('InputError', 'no weights to show.');
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!(w[i]! >= 0) || !Number.isFinite(w[i]!)) throw new AppError('NumericError', `weight ${i} is ${w[i]}; weights must be finite and non-negative.`);
    s += w[i]!;
  }
  if (!(s > 0)) throw new AppError('NumericError', 'weights sum to zero.');
  const rel = Float64Array.from({ length: n }, (_, i) => (w[i]! * n) / s);
  let lo = Infinity;
  let hi = -Infinity;
  let zeros = 0;
  for (const v of rel) {
    if (v > 0) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    else zeros++;
  }
  const out: WeightBin[] = [];
  if (lo < Infinity) {
    const l0 = Math.log10(lo);
    const l1 = hi > lo ? Math.log10(hi) : l0 + 1;
    const width = (l1 - l0) / bins;
    const counts = new Array<number>(bins).fill(0);
    for (const v of rel) if (v > 0) counts[Math.min(bins - 1, Math.floor((Math.log10(v) - l0) / width))]! += 1;
    for (let b = 0; b < bins; b++) out.push({ x0: 10 ** (l0 + b * width), x1: 10 ** (l0 + (b + 1) * width), count: counts[b]! });
  }
  let atCap = 0;
  if (cap !== undefined) for (const v of rel) if (Math.abs(v - cap) <= 1e-9 * cap) atCap++;
  const summary = weightSummary(w);
  return { n, ess: summary.ess, designEffect: summary.designEffect, maxOverMean: summary.maxOverMean, cap, atCap, zeros, bins: out };
}
