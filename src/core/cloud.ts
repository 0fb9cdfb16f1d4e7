import { AppError } from './errors';

/**
 * A weighted point cloud: the one data type of all alignment code (METHOD.md §0).
 * n points in R^d, row-major, with non-negative weights summing to 1.
 */
export interface WeightedCloud {
  readonly n: number;
  readonly d: number;
  /** n×d, row-major. */
  readonly points: Float32Array;
  /** length n, non-negative, sums to 1. */
  readonly weights: Float64Array;
}

/**
 * Builds a cloud, checking shapes and finiteness. Weights default to uniform and are normalised;
 * NaN/Inf anywhere is an InputError naming the first bad row, never silently propagated.
 */
export function makeCloud(points: Float32Array | number[], d: number, weights?: ArrayLike<number>, what = 'cloud'): WeightedCloud {
  const pts = points instanceof Float32Array ? points : Float32Array.from(points);
  if (!Number.isInteger(d) || d <= 0) throw new AppError('InputError', `${what}: dimension must be a positive integer, got ${d}.`);
  if (pts.length % d !== 0) throw new AppError('InputError', `${what}: ${pts.length} values do not form rows of ${d}.`);
  const n = pts.length / d;
  if (n === 0) throw new AppError('InputError', `${what} is empty: it needs at least one point.`);
  for (let i = 0; i < pts.length; i++) {
    if (!Number.isFinite(pts[i]!)) {
      throw new AppError('NumericError', `${what}: row ${Math.floor(i / d) + 1} has a non-finite value (NaN or Inf) in column ${(i % d) + 1}; fix or drop that row.`);
    }
  }
  const w = new Float64Array(n);
  if (weights === undefined) {
    w.fill(1 / n);
  } else {
    if (weights.length !== n) throw new AppError('InputError', `${what}: ${weights.length} weights for ${n} points.`);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = weights[i]!;
      if (!Number.isFinite(v) || v < 0) throw new AppError('InputError', `${what}: weight of row ${i + 1} is ${v}; weights must be finite and non-negative.`);
      w[i] = v;
      sum += v;
    }
    if (!(sum > 0)) throw new AppError('InputError', `${what}: weights sum to zero.`);
    for (let i = 0; i < n; i++) w[i] = w[i]! / sum;
  }
  return { n, d, points: pts, weights: w };
}

/** Point i as a fresh Float64Array (for readable, non-hot code). */
export function pointAt(c: WeightedCloud, i: number): Float64Array {
  return Float64Array.from(c.points.subarray(i * c.d, (i + 1) * c.d));
}

/** The rows `idx` of a cloud, with the given weights (uniform when omitted). */
export function subsetCloud(c: WeightedCloud, idx: ArrayLike<number>, weights?: ArrayLike<number>): WeightedCloud {
  const out = new Float32Array(idx.length * c.d);
  for (let k = 0; k < idx.length; k++) out.set(c.points.subarray(idx[k]! * c.d, (idx[k]! + 1) * c.d), k * c.d);
  return makeCloud(out, c.d, weights);
}
