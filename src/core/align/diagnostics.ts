/**
 * Distribution diagnostics between a selected (or weighted) cloud A and the reference B
 * (METHOD.md §7). All take weights into account; all are pure; randomised ones take a seed.
 * Units are those of the clouds (after standardisation: reference SDs).
 */
import { AppError } from '../errors';
import { subsetCloud, type WeightedCloud } from '../cloud';
import { Rng } from '../rng';
import { cloudMoments, weightSummary, type WeightSummary } from './stats';
import { systematicSample } from './plan';

export interface TraitDiagnostics {
  /** μ_A − μ_B (weighted means). */
  meanError: number;
  /** σ_A − σ_B (weighted population SDs). */
  sdError: number;
  /** Wasserstein-1 = ∫ |F_A(t) − F_B(t)| dt. */
  w1: number;
  /** Kolmogorov–Smirnov = sup_t |F_A(t) − F_B(t)|. */
  ks: number;
}

export interface Diagnostics {
  perTrait: TraitDiagnostics[];
  /** Energy distance (Székely–Rizzo, squared form) 2E‖X−Y‖ − E‖X−X'‖ − E‖Y−Y'‖ ≥ 0. */
  energy: number;
  /** Whether `energy` used seeded subsamples (clouds above `energyMaxPoints`). */
  energySubsampled: boolean;
  /** Sliced W1: mean over seeded random unit directions θ of W1(θ·X, θ·Y). */
  slicedW1: number;
  /** ‖R_A − R_B‖_F, R = weighted correlation matrix. */
  corrFrobenius: number;
  /** Weights of A: Kish ESS, design effect, max/mean. */
  weights: WeightSummary;
}

export interface DiagnosticsOptions {
  /** Default 1. */
  seed?: number;
  /** Energy distance is exact (O((n+m)²)) up to this many points per cloud; above, a seeded PPS subsample of this size. Default 2000. */
  energyMaxPoints?: number;
  /** Directions for sliced W1. Default 64. */
  projections?: number;
}

/** All diagnostics of A against B. */
export function diagnose(a: WeightedCloud, b: WeightedCloud, options: DiagnosticsOptions = {}): Diagnostics {
  if (a.d !== b.d) throw new AppError('InputError', `clouds have ${a.d} and ${b.d} dimensions.`);
  const seed = options.seed ?? 1;
  const ma = cloudMoments(a);
  const mb = cloudMoments(b);
  const perTrait: TraitDiagnostics[] = [];
  for (let k = 0; k < a.d; k++) {
    const xa = column(a, k);
    const xb = column(b, k);
    perTrait.push({
      meanError: ma.mean[k]! - mb.mean[k]!,
      sdError: ma.sd[k]! - mb.sd[k]!,
      w1: wasserstein1D(xa, a.weights, xb, b.weights),
      ks: ks1D(xa, a.weights, xb, b.weights),
    });
  }
  const e = energyDistance(a, b, options.energyMaxPoints ?? 2000, seed);
  return {
    perTrait,
    energy: e.value,
    energySubsampled: e.subsampled,
    slicedW1: slicedW1(a, b, options.projections ?? 64, seed),
    corrFrobenius: correlationFrobenius(a, b),
    weights: weightSummary(a.weights),
  };
}

/**
 * The sampling floor: diagnostics of a same-size subsample of the reference (PPS ∝ its weights,
 * seeded, uniform weights) against the rest of the reference. No selection of `size` personas can
 * be expected to beat this by more than chance. Requires size < reference.n.
 */
export function samplingFloor(reference: WeightedCloud, size: number, seed = 1, options: DiagnosticsOptions = {}): Diagnostics {
  if (!(size >= 1 && size < reference.n)) throw new AppError('InputError', `sampling floor needs 1 ≤ size < ${reference.n} (reference size), got ${size}.`);
  const pick = systematicSample(reference.weights, size, seed);
  const inPick = new Uint8Array(reference.n);
  for (const i of pick) inPick[i] = 1;
  const rest: number[] = [];
  const restW: number[] = [];
  for (let i = 0; i < reference.n; i++) {
    if (!inPick[i] && reference.weights[i]! > 0) {
      rest.push(i);
      restW.push(reference.weights[i]!);
    }
  }
  if (rest.length === 0) throw new AppError('InputError', 'sampling floor: no reference mass left outside the subsample.');
  return diagnose(subsetCloud(reference, pick), subsetCloud(reference, rest, restW), { ...options, seed });
}

/** Column k of a cloud as float64. */
export function column(c: WeightedCloud, k: number): Float64Array {
  const out = new Float64Array(c.n);
  for (let i = 0; i < c.n; i++) out[i] = c.points[i * c.d + k]!;
  return out;
}

/**
 * Both weighted empirical CDFs on the merged sorted support: calls visit(t, next t, F_A(t), F_B(t))
 * after all points ≤ t are counted. Weights are normalised here.
 */
function walkCdfs(xa: Float64Array, wa: ArrayLike<number>, xb: Float64Array, wb: ArrayLike<number>, visit: (t: number, tNext: number, fa: number, fb: number) => void): void {
  const ia = sortedIdx(xa);
  const ib = sortedIdx(xb);
  const sa = total(wa);
  const sb = total(wb);
  let p = 0;
  let q = 0;
  let fa = 0;
  let fb = 0;
  while (p < ia.length || q < ib.length) {
    const va = p < ia.length ? xa[ia[p]!]! : Infinity;
    const vb = q < ib.length ? xb[ib[q]!]! : Infinity;
    const t = Math.min(va, vb);
    while (p < ia.length && xa[ia[p]!]! === t) fa += wa[ia[p++]!]! / sa;
    while (q < ib.length && xb[ib[q]!]! === t) fb += wb[ib[q++]!]! / sb;
    const na = p < ia.length ? xa[ia[p]!]! : Infinity;
    const nb = q < ib.length ? xb[ib[q]!]! : Infinity;
    visit(t, Math.min(na, nb), fa, fb);
  }
}

/** W1 between two weighted 1-D samples: ∫ |F_A − F_B| dt (exact for step CDFs). */
export function wasserstein1D(xa: Float64Array, wa: ArrayLike<number>, xb: Float64Array, wb: ArrayLike<number>): number {
  let w = 0;
  walkCdfs(xa, wa, xb, wb, (t, tn, fa, fb) => {
    if (tn !== Infinity) w += Math.abs(fa - fb) * (tn - t);
  });
  return w;
}

/** Two-sample Kolmogorov–Smirnov statistic with weights: sup_t |F_A(t) − F_B(t)|. */
export function ks1D(xa: Float64Array, wa: ArrayLike<number>, xb: Float64Array, wb: ArrayLike<number>): number {
  let d = 0;
  walkCdfs(xa, wa, xb, wb, (_t, _tn, fa, fb) => {
    d = Math.max(d, Math.abs(fa - fb));
  });
  return d;
}

/**
 * Weighted energy distance (V-statistic): Σ_ij a_i b_j 2‖x_i − y_j‖ − Σ_ii' a_i a_i' ‖x_i − x_i'‖ −
 * Σ_jj' b_j b_j' ‖y_j − y_j'‖. Exact when both clouds have ≤ maxPoints points, otherwise computed
 * on seeded PPS subsamples of maxPoints points (uniform weights) of the larger cloud(s).
 */
export function energyDistance(a: WeightedCloud, b: WeightedCloud, maxPoints = 2000, seed = 1): { value: number; subsampled: boolean } {
  const sa = a.n > maxPoints ? subsetCloud(a, systematicSample(a.weights, maxPoints, seed)) : a;
  const sb = b.n > maxPoints ? subsetCloud(b, systematicSample(b.weights, maxPoints, seed + 1)) : b;
  const v = 2 * meanDist(sa, sb) - meanDist(sa, sa) - meanDist(sb, sb);
  // A V-statistic of a conditionally negative definite kernel is ≥ 0; clamp float round-off only.
  return { value: Math.max(0, v), subsampled: sa !== a || sb !== b };
}

function meanDist(a: WeightedCloud, b: WeightedCloud): number {
  const d = a.d;
  let s = 0;
  for (let i = 0; i < a.n; i++) {
    let r = 0;
    for (let j = 0; j < b.n; j++) {
      let c = 0;
      for (let k = 0; k < d; k++) {
        const e = a.points[i * d + k]! - b.points[j * d + k]!;
        c += e * e;
      }
      r += b.weights[j]! * Math.sqrt(c);
    }
    s += a.weights[i]! * r;
  }
  return s;
}

/** Sliced W1 over `projections` seeded uniformly random unit directions. */
export function slicedW1(a: WeightedCloud, b: WeightedCloud, projections = 64, seed = 1): number {
  const rng = new Rng(seed);
  const d = a.d;
  const theta = new Float64Array(d);
  let s = 0;
  for (let p = 0; p < projections; p++) {
    let norm = 0;
    for (let k = 0; k < d; k++) {
      theta[k] = rng.normal();
      norm += theta[k]! ** 2;
    }
    norm = Math.sqrt(norm);
    for (let k = 0; k < d; k++) theta[k] = theta[k]! / norm;
    s += wasserstein1D(project(a, theta), a.weights, project(b, theta), b.weights);
  }
  return s / projections;
}

/** Weighted correlation matrix (d×d, row-major). A constant dimension gets correlation 0 off-diagonal. */
export function weightedCorrelation(c: WeightedCloud): Float64Array {
  const { mean, sd } = cloudMoments(c);
  const d = c.d;
  const r = new Float64Array(d * d);
  for (let i = 0; i < c.n; i++) {
    const w = c.weights[i]!;
    for (let k = 0; k < d; k++) {
      const ek = c.points[i * d + k]! - mean[k]!;
      for (let l = k; l < d; l++) r[k * d + l] = r[k * d + l]! + w * ek * (c.points[i * d + l]! - mean[l]!);
    }
  }
  for (let k = 0; k < d; k++) {
    for (let l = k; l < d; l++) {
      const den = sd[k]! * sd[l]!;
      const v = k === l ? 1 : den > 0 ? r[k * d + l]! / den : 0;
      r[k * d + l] = v;
      r[l * d + k] = v;
    }
  }
  return r;
}

/** Frobenius norm of the difference of the weighted correlation matrices. */
export function correlationFrobenius(a: WeightedCloud, b: WeightedCloud): number {
  const ra = weightedCorrelation(a);
  const rb = weightedCorrelation(b);
  let s = 0;
  for (let i = 0; i < ra.length; i++) s += (ra[i]! - rb[i]!) ** 2;
  return Math.sqrt(s);
}

/** The selected rows of the pool as a uniformly weighted cloud (how a selection is judged). */
export function selectedCloud(pool: WeightedCloud, selected: ArrayLike<number>): WeightedCloud {
  return subsetCloud(pool, selected);
}

/** A same-size uniform random subset of the pool (the "random subset" baseline), seeded. */
export function randomSubset(pool: WeightedCloud, size: number, seed = 1): Int32Array {
  if (size > pool.n) throw new AppError('InputError', `cannot take ${size} of ${pool.n} rows.`);
  const idx = new Rng(seed).shuffle(Array.from({ length: pool.n }, (_, i) => i)).slice(0, size);
  return Int32Array.from(idx).sort();
}

function project(c: WeightedCloud, theta: Float64Array): Float64Array {
  const out = new Float64Array(c.n);
  for (let i = 0; i < c.n; i++) {
    let v = 0;
    for (let k = 0; k < c.d; k++) v += c.points[i * c.d + k]! * theta[k]!;
    out[i] = v;
  }
  return out;
}

function sortedIdx(x: Float64Array): Uint32Array {
  const idx = new Uint32Array(x.length);
  for (let i = 0; i < x.length; i++) idx[i] = i;
  return idx.sort((p, q) => x[p]! - x[q]!);
}

function total(w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]!;
  return s;
}

