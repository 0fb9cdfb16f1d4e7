/**
 * The alignment method registry (METHOD.md §5): one signature for every method,
 *
 *   (signal, pool, reference, options, kernels, onProgress) → Promise<AlignResult>,
 *
 * shaped like POT's solvers / Meta's balance adjustment methods. Each method selects `size` rows of
 * the pool (no duplicates) so that the selected personas, weighted uniformly, look like the reference.
 *
 *   is            KDE importance weights, then PPS systematic sampling ∝ weights (or top weights)
 *   ot            balanced Sinkhorn, uniform pool marginal, then plan-mass matching (the paper's
 *                 ablation: it cannot reweight the pool, see METHOD.md)
 *   is+ot         the paper's two stages: IS weights as the pool marginal a, then balanced Sinkhorn
 *                 and plan-mass matching
 *   semi-relaxed  Sinkhorn enforcing only the reference marginal, then plan-mass matching
 *   unbalanced    Sinkhorn with KL(P1‖a) penalised with strength ρ, then plan-mass matching
 *   nearest       each target point takes its nearest unused persona (global greedy by distance):
 *                 the ε → 0 limit of semi-relaxed OT with matching
 *
 * Targets of the matching. When the reference has exactly `size` points (and uniform weights) every
 * reference point gets one persona. Otherwise each reference point j gets a quota from systematic
 * rounding of size·b_j (seeded: a PPS subsample of the reference when it is larger than `size`),
 * or, with `targets: 'kmeans'`, the reference is first quantised into `size` centroids.
 */
import { AppError, throwIfAborted } from '../errors';
import type { WeightedCloud } from '../cloud';
import type { ProgressCallback } from '../../contracts/progress';
import type { PairKernelFactory } from './kernel';
import { importanceWeights, type ImportanceOptions, type ImportanceResult } from './weights';
import { sinkhorn, type MarginalMode, type SinkhornOptions, type SinkhornResult } from './sinkhorn';
import { greedyMatch, scanPlan, systematicQuotas, systematicSample, topWeights } from './plan';
import { weightedKMeans, type KMeansOptions } from './kmeans';
import { applyStandardizer, logOf, standardizerOf, weightSummary, withWeights } from './stats';

export type AlignMethodName = 'is' | 'ot' | 'is+ot' | 'semi-relaxed' | 'unbalanced' | 'nearest';

/**
 * The default method: `nearest`. METHOD.md asks for whichever wins on held-out data. On real human
 * Big Five data METHOD.md reports nearest −97% energy distance vs a random subset, IS+OT −83%,
 * IS −72%. We had no human data here, so we re-measured on the synthetic setup METHOD.md describes
 * (`npm run bench -- align-cpu --methods`): pool of 2000 synthetic personas tilted +0.3…+0.8 SD on
 * O, C, E, A and −0.8 SD on N with 0.85× the human spread, reference 1000 synthetic humans, K = 300,
 * energy distance to 3000 held-out synthetic humans relative to a random pool subset, mean of 3
 * seeds (2026-11-26): nearest −93.0%, semi-relaxed −92.7%, unbalanced −82.4%, is −77.0%,
 * is+ot −73.8%, ot +8.4% (balanced OT does not reweight); a same-size human subsample (the
 * sampling floor) −98.3%. Nearest won, narrowly over semi-relaxed, and is the fastest (≈0.2 s).
 * Matching to k-means centroids instead of a quota subsample of the reference (targets: 'kmeans')
 * gave −93.2% (nearest) and −92.9% (semi-relaxed): within seed noise, so 'quota' stays the default.
 * Synthetic data, not a substitute for the held-out human check METHOD.md describes.
 */
export const DEFAULT_METHOD: AlignMethodName = 'nearest';

/** One options type for every method. Every [ours] default is named here. */
export interface AlignOptions {
  /** K: how many personas to select (≤ pool size). */
  size: number;
  /** Seed of every random choice (tie-breaks, systematic sampling, k-means). Default 1. */
  seed?: number;
  /**
   * z-score both clouds with the reference's weighted mean/SD before anything else. Default true:
   * the cost, the KDE bandwidth and "nearest" are isotropic, so every trait must count in the same
   * unit; "one reference SD" is the unit the diagnostics report in too.
   */
  standardize?: boolean;
  /** KDE importance weights (methods is, is+ot). */
  importance?: ImportanceOptions;
  /** Sinkhorn settings (methods ot, is+ot, semi-relaxed, unbalanced); `marginals` is set by the method. */
  sinkhorn?: Omit<SinkhornOptions, 'marginals'>;
  /**
   * From a plan to K rows: 'matching' (default; per target the row with the largest plan mass not
   * yet used, greedy by descending mass) or 'systematic' (PPS sampling ∝ plan row sums).
   */
  selection?: 'matching' | 'systematic';
  /** For `is`: 'systematic' (default; PPS ∝ weights, unbiased) or 'top' (largest weights). */
  isSelection?: 'systematic' | 'top';
  /** Targets when the reference size ≠ K: 'quota' (default) or 'kmeans'. See module comment. */
  targets?: 'quota' | 'kmeans';
  /** k-means settings for targets 'kmeans' and referenceCentroids (k and seed are set here). */
  kmeans?: Omit<KMeansOptions, 'k' | 'seed'>;
  /**
   * Quantise a large reference first (METHOD.md §5): when the reference has more points than this,
   * every step runs against this many weighted k-means centroids (weights = cluster mass) instead.
   * Default: off. Cost O(n·k·d) per k-means iteration (1M × 2000 × 5 ≈ 10¹⁰), so pair it with
   * kmeans.maxIter for interactive use.
   */
  referenceCentroids?: number;
}

export interface AlignOtInfo {
  iterations: number;
  marginalError: number;
  converged: boolean;
  epsilon: number;
  cost: number;
}

export interface AlignResult {
  method: AlignMethodName;
  size: number;
  /** Selected row indices into the pool, ascending, distinct. */
  selected: Int32Array;
  /** Pool marginal the method used (IS weights, or the pool's own weights), Σ = 1. */
  weights: Float64Array;
  /** Kish ESS / design effect / max-mean of `weights`. */
  ess: number;
  designEffect: number;
  maxOverMean: number;
  /** Present for Sinkhorn-based methods. */
  ot: AlignOtInfo | undefined;
  /** KDE bandwidth when IS ran (in the standardised units when standardize). */
  bandwidth: number | undefined;
  standardized: boolean;
  /** Number of matching targets (reference points with quota > 0, or centroids). */
  targets: number;
  backend: string;
  /** Milliseconds per step (standardize, quantize, importance, kmeans, sinkhorn, select, total). */
  timings: Record<string, number>;
  /** Full solver outputs, for inspection. */
  importance: ImportanceResult | undefined;
  sinkhorn: SinkhornResult | undefined;
}

export type AlignMethod = (
  signal: AbortSignal | undefined,
  pool: WeightedCloud,
  reference: WeightedCloud,
  options: AlignOptions,
  kernels: PairKernelFactory,
  onProgress?: ProgressCallback,
) => Promise<AlignResult>;

export interface AlignMethodInfo {
  name: AlignMethodName;
  description: string;
  run: AlignMethod;
}

const describe: Record<AlignMethodName, string> = {
  is: 'KDE importance weights, PPS sampling ∝ weights',
  ot: 'balanced Sinkhorn (uniform pool marginal) + plan-mass matching',
  'is+ot': 'IS weights as pool marginal, balanced Sinkhorn + plan-mass matching (the paper)',
  'semi-relaxed': 'Sinkhorn enforcing only the reference marginal + plan-mass matching',
  unbalanced: 'Sinkhorn with KL-penalised pool marginal (rho) + plan-mass matching',
  nearest: 'nearest unused persona per target in standardised space (ε → 0 of semi-relaxed)',
};

export const ALIGN_METHODS: Readonly<Record<AlignMethodName, AlignMethodInfo>> = Object.freeze(
  Object.fromEntries(
    (Object.keys(describe) as AlignMethodName[]).map((name) => [
      name,
      { name, description: describe[name], run: ((s, p, r, o, k, cb) => runMethod(name, s, p, r, o, k, cb)) as AlignMethod },
    ]),
  ) as Record<AlignMethodName, AlignMethodInfo>,
);

export function isAlignMethod(name: string): name is AlignMethodName {
  return Object.prototype.hasOwnProperty.call(describe, name);
}

/** Runs `method` (default DEFAULT_METHOD) from the registry. */
export async function align(
  signal: AbortSignal | undefined,
  pool: WeightedCloud,
  reference: WeightedCloud,
  options: AlignOptions & { method?: AlignMethodName },
  kernels: PairKernelFactory,
  onProgress?: ProgressCallback,
): Promise<AlignResult> {
  const name = options.method ?? DEFAULT_METHOD;
  if (!isAlignMethod(name)) throw new AppError('InputError', `unknown method "${String(name)}"; use one of ${Object.keys(describe).join(', ')}.`);
  return ALIGN_METHODS[name].run(signal, pool, reference, options, kernels, onProgress);
}

async function runMethod(
  method: AlignMethodName,
  signal: AbortSignal | undefined,
  poolIn: WeightedCloud,
  referenceIn: WeightedCloud,
  options: AlignOptions,
  kernels: PairKernelFactory,
  onProgress?: ProgressCallback,
): Promise<AlignResult> {
  const K = options.size;
  const seed = options.seed ?? 1;
  if (poolIn.d !== referenceIn.d) throw new AppError('InputError', `pool has ${poolIn.d} traits, reference ${referenceIn.d}.`);
  if (!Number.isInteger(K) || K < 1) throw new AppError('InputError', `size must be a positive integer, got ${K}.`);
  if (K > poolIn.n) throw new AppError('InputError', `size ${K} is larger than the pool (${poolIn.n} personas); pick at most ${poolIn.n}.`);
  const timings: Record<string, number> = {};
  const tStart = now();
  let t = now();
  const lap = (name: string): void => {
    const n2 = now();
    timings[name] = (timings[name] ?? 0) + (n2 - t);
    t = n2;
  };

  const standardize = options.standardize ?? true;
  let pool = poolIn;
  let reference = referenceIn;
  if (standardize) {
    const z = standardizerOf(referenceIn);
    pool = applyStandardizer(poolIn, z);
    reference = applyStandardizer(referenceIn, z);
  }
  lap('standardize');
  throwIfAborted(signal);
  if (options.referenceCentroids !== undefined && reference.n > options.referenceCentroids) {
    reference = (await weightedKMeans(signal, reference, { ...options.kmeans, k: options.referenceCentroids, seed }, onProgress)).centroids;
    lap('quantize');
  }

  let importance: ImportanceResult | undefined;
  let a = pool.weights;
  if (method === 'is' || method === 'is+ot') {
    importance = await importanceWeights(signal, pool, reference, options.importance ?? {}, kernels);
    a = importance.weights;
    lap('importance');
    onProgress?.({ stage: 'importance', done: 1, total: 1, text: `IS weights: ESS ${importance.ess.toFixed(1)} of ${pool.n}`, elapsedMs: now() - tStart });
  }

  let selected: Int32Array;
  let sk: SinkhornResult | undefined;
  let nTargets = 0;
  if (method === 'is') {
    selected = (options.isSelection ?? 'systematic') === 'top' ? topWeights(a, K, seed) : systematicSample(a, K, seed);
    lap('select');
  } else {
    // Targets: the reference with quotas, or k-means centroids.
    let targets = reference;
    if ((options.targets ?? 'quota') === 'kmeans' && reference.n > K) {
      const km = await weightedKMeans(signal, reference, { ...options.kmeans, k: K, seed }, onProgress);
      targets = km.centroids;
      lap('kmeans');
    }
    const quotas = targets.n === K && isUniform(targets.weights) ? new Int32Array(K).fill(1) : systematicQuotas(targets.weights, K, seed);
    for (let j = 0; j < quotas.length; j++) if (quotas[j]! > 0) nTargets++;
    const source = withWeights(pool, a, 'pool');
    if (method === 'nearest') {
      const zeroU = new Float64Array(pool.n);
      for (let i = 0; i < pool.n; i++) if (!(a[i]! > 0)) zeroU[i] = -Infinity; // zero-weight personas are never picked
      const match = greedyMatch(pool.points, targets.points, pool.d, zeroU, new Float64Array(targets.n), 1, quotas, seed, signal);
      selected = Int32Array.from(match.rows).sort();
      lap('select');
    } else {
      const marginals: MarginalMode = method === 'semi-relaxed' ? 'semi-relaxed' : method === 'unbalanced' ? 'unbalanced' : 'balanced';
      sk = await sinkhorn(signal, source, targets, { ...options.sinkhorn, marginals }, kernels, onProgress);
      lap('sinkhorn');
      const u = logOf(source.weights);
      const v = logOf(targets.weights);
      for (let i = 0; i < pool.n; i++) u[i] = u[i]! + sk.f[i]! / sk.epsilon; // sk.epsilon: the ε f, g belong to
      for (let j = 0; j < targets.n; j++) v[j] = v[j]! + sk.g[j]! / sk.epsilon;
      if ((options.selection ?? 'matching') === 'systematic') {
        const rows = scanPlan(pool.points, targets.points, pool.d, u, v, 1 / sk.epsilon).rowSums;
        selected = systematicSample(rows, K, seed);
      } else {
        selected = Int32Array.from(greedyMatch(pool.points, targets.points, pool.d, u, v, 1 / sk.epsilon, quotas, seed, signal).rows).sort();
      }
      lap('select');
    }
  }
  timings.total = now() - tStart;
  const ws = weightSummary(a);
  onProgress?.({ stage: 'align', done: 1, total: 1, text: `${method}: selected ${selected.length}`, elapsedMs: timings.total });
  return {
    method,
    size: K,
    selected,
    weights: a,
    ess: ws.ess,
    designEffect: ws.designEffect,
    maxOverMean: ws.maxOverMean,
    ot: sk && { iterations: sk.iterations, marginalError: sk.marginalError, converged: sk.converged, epsilon: sk.epsilon, cost: sk.cost },
    bandwidth: importance?.bandwidth,
    standardized: standardize,
    targets: nTargets,
    backend: kernels.backend,
    timings,
    importance,
    sinkhorn: sk,
  };
}

function isUniform(w: Float64Array): boolean {
  const u = 1 / w.length;
  for (let i = 0; i < w.length; i++) if (Math.abs(w[i]! - u) > 1e-12) return false;
  return true;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
