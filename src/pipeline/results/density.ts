/**
 * Per-trait kernel density estimates on a shared grid, for the Results view's density overlays:
 * reference, raw pool, random subset, IS only, IS + OT and the run's own selection (METHOD.md §7).
 *
 *   f(t) = Σ_i w_i φ((t − x_i)/h) / h,   Σ w = 1, φ the standard normal density,
 *
 * each series with its own Scott bandwidth h = σ · n_eff^(−1/5) — src/core/align/weights.ts
 * scottBandwidth on the one-column cloud (d = 1), so the display smooths as IS does. The grid spans
 * every series' range ± 3 of the largest h, so each curve integrates to 1 up to a negligible tail.
 */
import { AppError } from '../../core/errors';
import { makeCloud, type WeightedCloud } from '../../core/cloud';
import { column } from '../../core/align/diagnostics';
import { scottBandwidth } from '../../core/align/weights';
import { TRAITS, TRAIT_LABELS, type Trait } from '../../core/traits';

/** One weighted sample of one trait (or of all traits: a cloud), named for the legend. */
export interface DensitySeries {
  /** Stable key: 'reference', 'pool', 'random', 'is', 'is+ot', 'selected'. */
  key: string;
  label: string;
  cloud: WeightedCloud;
}

export interface DensityCurve {
  key: string;
  label: string;
  /** Bandwidth used (trait units). */
  bandwidth: number;
  /** Density at each grid point. */
  y: Float64Array;
}

export interface TraitDensities {
  trait: Trait;
  label: string;
  grid: Float64Array;
  curves: DensityCurve[];
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Scott's bandwidth of one weighted 1-D sample (the IS code's rule with d = 1); a floor for constant data. */
export function bandwidth1d(x: Float64Array, w: Float64Array): number {
  const c = makeCloud(Float32Array.from(x), 1, w, 'density sample');
  try {
    return scottBandwidth(c, c);
  } catch {
    return 0.05; // no spread: a spike of a twentieth of a Likert point stays visible
  }
}

/** Weighted Gaussian KDE of `x` at each grid point. Throws NumericError on NaN/Inf. */
export function kde1d(x: ArrayLike<number>, w: ArrayLike<number>, grid: ArrayLike<number>, h: number): Float64Array {
  if (!(h > 0) || !Number.isFinite(h)) throw new AppError('NumericError', `density bandwidth must be positive, got ${h}.`);
  let sw = 0;
  for (let i = 0; i < w.length; i++) sw += w[i]!;
  if (!(sw > 0)) throw new AppError('InputError', 'density sample has no weight.');
  const out = new Float64Array(grid.length);
  for (let g = 0; g < grid.length; g++) {
    const t = grid[g]!;
    let s = 0;
    for (let i = 0; i < x.length; i++) {
      const z = (t - x[i]!) / h;
      if (z > -9 && z < 9) s += w[i]! * Math.exp(-0.5 * z * z); // beyond 9h the term is < 1e-17
    }
    const v = (s * INV_SQRT_2PI) / (h * sw);
    if (!Number.isFinite(v)) throw new AppError('NumericError', `density is ${v} at ${t}; check the trait scores for NaN.`);
    out[g] = v;
  }
  return out;
}

/** Above this many points a series is linearly binned before the kernel sum (see kde1dBinned). */
export const BINNED_FROM = 2000;
/** Bins of the linear binning: spacing (range / 2048) stays far below any Scott h of ≤ 10⁶ points on a 1–5 scale. */
const FINE_BINS = 2048;

/**
 * The KDE of kde1d after linear binning (Wand & Jones, "Kernel Smoothing", §D.2): each weight is
 * split between the two nearest of FINE_BINS + 1 equally spaced nodes over the grid's range, then
 * the kernel sum runs over the nodes: O(n + nodes · grid) instead of O(n · grid). Mass outside the
 * grid's range goes to the end nodes (the grid spans the data ± 3h, so there is none in this view).
 */
export function kde1dBinned(x: ArrayLike<number>, w: ArrayLike<number>, grid: ArrayLike<number>, h: number): Float64Array {
  const lo = grid[0]!;
  const hi = grid[grid.length - 1]!;
  const step = (hi - lo) / FINE_BINS;
  const nodes = new Float64Array(FINE_BINS + 1);
  const mass = new Float64Array(FINE_BINS + 1);
  for (let j = 0; j <= FINE_BINS; j++) nodes[j] = lo + j * step;
  for (let i = 0; i < x.length; i++) {
    const u = Math.min(FINE_BINS, Math.max(0, (x[i]! - lo) / step));
    const j = Math.min(FINE_BINS - 1, Math.floor(u));
    const f = u - j;
    mass[j] = mass[j]! + w[i]! * (1 - f);
    mass[j + 1] = mass[j + 1]! + w[i]! * f;
  }
  return kde1d(nodes, mass, grid, h);
}

/** Evenly spaced grid of `points` values from lo to hi. */
export function linearGrid(lo: number, hi: number, points: number): Float64Array {
  if (!(hi > lo) || points < 2) throw new AppError('InputError', `grid needs lo < hi and ≥ 2 points, got [${lo}, ${hi}] with ${points}.`);
  return Float64Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
}

/** Trapezoid integral of y over the grid (tests: each density integrates to ≈ 1). */
export function trapezoid(grid: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < grid.length; i++) s += ((y[i]! + y[i - 1]!) / 2) * (grid[i]! - grid[i - 1]!);
  return s;
}

/** Densities of every series for every trait (TRAITS order; clouds are n × 5 trait scores). */
export function traitDensities(series: readonly DensitySeries[], points = 128): TraitDensities[] {
  if (series.length === 0) throw new AppError('InputError', 'no series to estimate densities of.');
  return TRAITS.map((trait, k) => {
    const cols = series.map((s) => column(s.cloud, k));
    const hs = cols.map((c, i) => bandwidth1d(c, series[i]!.cloud.weights));
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of cols) for (const v of c) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    const pad = 3 * Math.max(...hs);
    const grid = linearGrid(lo - pad, hi + pad, points);
    return {
      trait,
      label: TRAIT_LABELS[trait],
      grid,
      curves: series.map((s, i) => ({
        key: s.key,
        label: s.label,
        bandwidth: hs[i]!,
        y: (cols[i]!.length > BINNED_FROM ? kde1dBinned : kde1d)(cols[i]!, s.cloud.weights, grid, hs[i]!),
      })),
    };
  });
}
