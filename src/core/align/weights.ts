/**
 * Importance weights by KDE density ratio (METHOD.md §5, "Importance sampling"):
 *
 *   log q(x_i) = log Σ_k v_k K_h(x_i − x_k)   over the pool (weights v),
 *   log p(x_i) = log Σ_j b_j K_h(x_i − y_j)   over the reference (weights b),
 *   w_i ∝ v_i · exp(log p(x_i) − log q(x_i)),  self-normalised to Σ w = 1, then trimmed.
 *
 * K_h is the isotropic Gaussian exp(−‖u‖²/(2h²)); its normalising constant is the same for p and q
 * (same h, same d) and cancels in the ratio, so both log-densities are plain row log-sum-exps with
 * s = 1/(2h²) — the Sinkhorn kernel. One h is used for BOTH densities (a shared h keeps the
 * smoothing bias of p and q alike, so it largely cancels in the ratio).
 *
 * Default h, Scott's rule in its isotropic multivariate form (scipy.stats.gaussian_kde's factor
 * n^(−1/(d+4)) applied to a scalar scale): h = σ̄ · n_eff^(−1/(d+4)), where σ̄² is the mean over
 * dimensions of the pool's weighted variance and n_eff = min(Kish ESS of the pool, of the reference)
 * — the smaller sample sets how much smoothing the ratio needs. Standardise first (the default in
 * `align`) so that one isotropic h suits every trait.
 *
 * Trimming, as survey weighting tools do (Meta's `balance`: weight_trimming_mean_ratio /
 * weight_trimming_percentile): cap, renormalise; for the mean-multiple cap, the fixed point of
 * "cap, renormalise, repeat" (no weight above k × mean after renormalising), computed exactly.
 */
import { AppError, throwIfAborted } from '../errors';
import type { WeightedCloud } from '../cloud';
import type { PairKernelFactory } from './kernel';
import { assertFinite, cloudMoments, kishEss, logOf, weightSummary } from './stats';

export type WeightTrim =
  | { kind: 'none' }
  /** Cap every weight at the q-quantile (0 < q ≤ 1) of the untrimmed weights, then renormalise. */
  | { kind: 'quantile'; q: number }
  /** Cap at k × mean weight, renormalise, repeat until max ≤ k × mean (balance's default is k = 20). */
  | { kind: 'mean-multiple'; k: number };

export interface ImportanceOptions {
  /** Kernel bandwidth h in the clouds' units, or 'scott' (default; see the module comment). */
  bandwidth?: number | 'scott';
  /** Default { kind: 'mean-multiple', k: 20 } (Meta's balance default ratio). */
  trim?: WeightTrim;
}

export interface ImportanceResult {
  /** Final weights over the pool: non-negative, Σ = 1, trimmed. */
  weights: Float64Array;
  /** Self-normalised weights before trimming. */
  untrimmed: Float64Array;
  /** log p(x_i) − log q(x_i) (up to a shared constant). */
  logRatio: Float64Array;
  logP: Float64Array;
  logQ: Float64Array;
  bandwidth: number;
  /** Weights that hit the cap. */
  trimmed: number;
  /** Kish ESS of the final weights, design effect n/ESS, max/mean weight. */
  ess: number;
  designEffect: number;
  maxOverMean: number;
  /** Same for the untrimmed weights (what trimming bought). */
  essUntrimmed: number;
}

/** Scott's rule, isotropic form: h = σ̄ · n_eff^(−1/(d+4)). */
export function scottBandwidth(pool: WeightedCloud, reference: WeightedCloud): number {
  const { sd } = cloudMoments(pool);
  let v = 0;
  for (let k = 0; k < pool.d; k++) v += sd[k]! ** 2;
  const sigma = Math.sqrt(v / pool.d);
  const nEff = Math.min(kishEss(pool.weights), kishEss(reference.weights));
  const h = sigma * Math.pow(nEff, -1 / (pool.d + 4));
  if (!(h > 0) || !Number.isFinite(h)) {
    throw new AppError('InputError', 'Scott bandwidth is zero: the pool has no spread. Give options.bandwidth explicitly.');
  }
  return h;
}

export async function importanceWeights(
  signal: AbortSignal | undefined,
  pool: WeightedCloud,
  reference: WeightedCloud,
  options: ImportanceOptions,
  kernels: PairKernelFactory,
): Promise<ImportanceResult> {
  if (pool.d !== reference.d) throw new AppError('InputError', `pool has ${pool.d} traits, reference ${reference.d}.`);
  const h = options.bandwidth === undefined || options.bandwidth === 'scott' ? scottBandwidth(pool, reference) : options.bandwidth;
  if (!(h > 0) || !Number.isFinite(h)) throw new AppError('InputError', `bandwidth must be a positive number, got ${h}.`);
  const s = 1 / (2 * h * h);

  throwIfAborted(signal);
  const logQ = await rowLseOnce(kernels, pool.points, pool.points, pool.d, logOf(pool.weights), s);
  throwIfAborted(signal);
  const logP = await rowLseOnce(kernels, pool.points, reference.points, pool.d, logOf(reference.weights), s);
  assertFinite(logQ, 'KDE log q over the pool');
  // log p = −Inf is legitimate only when the reference has no mass near a pool point at all (far tails).
  assertFinite(logP, 'KDE log p over the reference', true);

  const n = pool.n;
  const logRatio = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    logRatio[i] = logP[i]! - logQ[i]!;
    const lw = logRatio[i]! + Math.log(pool.weights[i]!);
    if (lw > max) max = lw;
  }
  if (max === -Infinity) {
    throw new AppError('NumericError', `no pool point has reference density above zero at bandwidth ${h.toPrecision(3)}; use a larger bandwidth or standardise.`);
  }
  const untrimmed = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    untrimmed[i] = Math.exp(logRatio[i]! + Math.log(pool.weights[i]!) - max); // max-shift: no overflow
    sum += untrimmed[i]!;
  }
  for (let i = 0; i < n; i++) untrimmed[i] = untrimmed[i]! / sum;
  assertFinite(untrimmed, 'importance weights');

  const t = trimWeights(untrimmed, options.trim ?? { kind: 'mean-multiple', k: 20 });
  const summary = weightSummary(t.weights);
  return {
    weights: t.weights,
    untrimmed,
    logRatio,
    logP,
    logQ,
    bandwidth: h,
    trimmed: t.trimmed,
    ess: summary.ess,
    designEffect: summary.designEffect,
    maxOverMean: summary.maxOverMean,
    essUntrimmed: kishEss(untrimmed),
  };
}

/** Caps and renormalises weights (input need not sum to 1; output does). Pure, input unchanged. */
export function trimWeights(w: Float64Array, trim: WeightTrim): { weights: Float64Array; trimmed: number } {
  const n = w.length;
  const out = normalised(w);
  if (trim.kind === 'none') return { weights: out, trimmed: 0 };
  if (trim.kind === 'quantile') {
    if (!(trim.q > 0 && trim.q <= 1)) throw new AppError('InputError', `trim quantile must be in (0, 1], got ${trim.q}.`);
    const sorted = Float64Array.from(out).sort();
    // Type-7 quantile (linear interpolation), as numpy's default.
    const pos = trim.q * (n - 1);
    const lo = Math.floor(pos);
    const cap = sorted[lo]! + (pos - lo) * ((sorted[Math.min(lo + 1, n - 1)] ?? sorted[lo]!) - sorted[lo]!);
    let trimmed = 0;
    for (let i = 0; i < n; i++) {
      if (out[i]! > cap) {
        out[i] = cap;
        trimmed++;
      }
    }
    // One cap suffices: renormalising keeps capped weights tied at the top, so the order is kept.
    return { weights: normalised(out), trimmed };
  }
  if (!(trim.k >= 1)) throw new AppError('InputError', `trim multiple of the mean must be ≥ 1, got ${trim.k}.`);
  // The limit of "cap at k × mean, renormalise, repeat" (balance iterates this), solved exactly:
  // the t largest weights sit at the cap c = k/n and the rest are scaled by (1 − t·c)/Σ_rest, for
  // the smallest t at which the (t+1)-th largest weight, scaled, no longer exceeds c.
  const cap = trim.k / n; // mean of normalised weights is 1/n
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => out[q]! - out[p]!);
  let rest = 1;
  let t = 0;
  for (; t < n; t++) {
    const scale = (1 - t * cap) / rest;
    if (out[order[t]!]! * scale <= cap) break;
    rest -= out[order[t]!]!;
  }
  if (t === n || 1 - t * cap <= 0) {
    throw new AppError('InputError', `cannot cap weights at ${trim.k} × mean: too few positive weights; use a larger multiple.`);
  }
  const scale = (1 - t * cap) / rest;
  for (let r = 0; r < n; r++) out[order[r]!] = r < t ? cap : out[order[r]!]! * scale;
  return { weights: out, trimmed: t };
}

function normalised(w: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]!;
  if (!(s > 0) || !Number.isFinite(s)) throw new AppError('NumericError', `weights sum to ${s}; cannot normalise.`);
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i]! / s;
  return out;
}

/** One row log-sum-exp on a kernel bound for this call only. */
async function rowLseOnce(kernels: PairKernelFactory, x: Float32Array, y: Float32Array, d: number, alpha: Float64Array, s: number): Promise<Float64Array> {
  const k = await kernels.create(x, y, d);
  try {
    return await k.rowLse(alpha, s);
  } finally {
    k.dispose();
  }
}
