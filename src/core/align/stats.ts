/** Small weighted statistics shared by weights, Sinkhorn defaults, diagnostics and standardisation. */
import { AppError } from '../errors';
import { makeCloud, type WeightedCloud } from '../cloud';

/** Per-dimension weighted mean and (population) standard deviation of a cloud. */
export function cloudMoments(c: WeightedCloud): { mean: Float64Array; sd: Float64Array } {
  const { n, d, points, weights } = c;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    for (let k = 0; k < d; k++) mean[k] = mean[k]! + w * points[i * d + k]!;
  }
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    for (let k = 0; k < d; k++) {
      const e = points[i * d + k]! - mean[k]!;
      sd[k] = sd[k]! + w * e * e;
    }
  }
  for (let k = 0; k < d; k++) sd[k] = Math.sqrt(sd[k]!);
  return { mean, sd };
}

/** Kish effective sample size (Σw)² / Σw², for any non-negative weights. */
export function kishEss(w: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i]!;
    s2 += w[i]! * w[i]!;
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}

/** Weight summary: Kish ESS, design effect n/ESS = n Σw²/(Σw)², and max/mean weight. */
export interface WeightSummary {
  ess: number;
  designEffect: number;
  maxOverMean: number;
}

export function weightSummary(w: ArrayLike<number>): WeightSummary {
  const n = w.length;
  const ess = kishEss(w);
  let s = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    s += w[i]!;
    if (w[i]! > max) max = w[i]!;
  }
  return { ess, designEffect: ess > 0 ? n / ess : Infinity, maxOverMean: s > 0 ? (max * n) / s : 0 };
}

/** Affine map x → (x − mean) / sd per dimension. */
export interface Standardizer {
  mean: Float64Array;
  sd: Float64Array;
}

/**
 * The reference's weighted mean/SD: the z-scoring both clouds share, so that one unit of cost means
 * "one reference SD" on every trait. A constant dimension (SD 0) keeps SD 1 rather than dividing by 0.
 */
export function standardizerOf(reference: WeightedCloud): Standardizer {
  const { mean, sd } = cloudMoments(reference);
  for (let k = 0; k < sd.length; k++) if (!(sd[k]! > 0)) sd[k] = 1;
  return { mean, sd };
}

export function applyStandardizer(c: WeightedCloud, z: Standardizer): WeightedCloud {
  if (z.mean.length !== c.d) throw new AppError('InputError', `standardizer has ${z.mean.length} dimensions, cloud has ${c.d}.`);
  const out = new Float32Array(c.points.length);
  for (let i = 0; i < c.n; i++) {
    for (let k = 0; k < c.d; k++) out[i * c.d + k] = (c.points[i * c.d + k]! - z.mean[k]!) / z.sd[k]!;
  }
  return { n: c.n, d: c.d, points: out, weights: c.weights };
}

/** The same points with other weights (normalised, checked). */
export function withWeights(c: WeightedCloud, w: ArrayLike<number>, what = 'cloud'): WeightedCloud {
  return makeCloud(c.points, c.d, w, what);
}

/**
 * E_{a⊗b} ‖x − y‖² exactly in O((n+m)d): tr Var(x) + tr Var(y) + ‖μx − μy‖². Used for the default ε.
 */
export function meanSquaredDistance(a: WeightedCloud, b: WeightedCloud): number {
  const ma = cloudMoments(a);
  const mb = cloudMoments(b);
  let s = 0;
  for (let k = 0; k < a.d; k++) {
    const dm = ma.mean[k]! - mb.mean[k]!;
    s += ma.sd[k]! ** 2 + mb.sd[k]! ** 2 + dm * dm;
  }
  return s;
}

/** Squared diameter of the bounding box of both clouds: an upper bound of every C_ij (ε-scaling start). */
export function squaredDiameter(a: WeightedCloud, b: WeightedCloud): number {
  let s = 0;
  for (let k = 0; k < a.d; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of [a, b]) {
      for (let i = 0; i < c.n; i++) {
        const v = c.points[i * c.d + k]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    s += (hi - lo) ** 2;
  }
  return s;
}

/** Throws NumericError when any entry is NaN or ±Inf (−Inf allowed when `allowNegInf`). */
export function assertFinite(v: ArrayLike<number>, what: string, allowNegInf = false): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (Number.isNaN(x) || x === Infinity || (x === -Infinity && !allowNegInf)) {
      throw new AppError('NumericError', `${what}: entry ${i} is ${x}; the computation diverged (try a larger ε or bandwidth, or standardise the traits).`);
    }
  }
}

export function logOf(w: Float64Array): Float64Array {
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = Math.log(w[i]!);
  return out;
}
