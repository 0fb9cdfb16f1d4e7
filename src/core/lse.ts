/**
 * Float64 reference of the streaming log-sum-exp kernel shared by KDE and both Sinkhorn half-steps
 * (METHOD.md §5), and the oracle for its WGSL twin in shaders/lse.wgsl:
 *
 *   out_i = log Σ_j exp(alpha_j − s · ‖x_i − y_j‖²)
 *
 * x is n×d, y is m×d (row-major Float32), alpha has length m. The cost is recomputed per pair, never
 * stored, so memory is O(n + m). Uses a running maximum (one pass, rescaling when it grows).
 * `rowStart`/`rowEnd` select a slice of rows so callers can split work across workers.
 * Returns -Infinity for a row where every alpha_j is -Infinity (zero mass); NaN input gives NaN.
 *
 * Speed (this is the hot loop of the whole CPU path): no allocation per row, d = 5 unrolled, and a
 * term more than LSE_CUT below the running maximum skips Math.exp — it adds at most e^−50 ≈ 2e−22
 * per term relative to the row's largest term, so even a million such terms stay below float64's
 * resolution (2.2e−16) of the result.
 */
const LSE_CUT = -50;
/** Finite start for the running max so that alpha_j = −Inf (zero mass) gives t = −Inf, not NaN. */
const NO_MASS = -Number.MAX_VALUE;

export function lseRows(
  x: Float32Array,
  y: Float32Array,
  d: number,
  alpha: Float64Array,
  s: number,
  out?: Float64Array,
  rowStart = 0,
  rowEnd = x.length / d,
): Float64Array {
  const result = out ?? new Float64Array(x.length / d);
  if (d === 5) lse5(x, y, alpha, s, result, rowStart, rowEnd);
  else lseAnyD(x, y, d, alpha, s, result, rowStart, rowEnd);
  return result;
}

function lse5(x: Float32Array, y: Float32Array, alpha: Float64Array, s: number, out: Float64Array, r0: number, r1: number): void {
  const m = y.length / 5;
  for (let i = r0; i < r1; i++) {
    const o = i * 5;
    const x0 = x[o]!, x1 = x[o + 1]!, x2 = x[o + 2]!, x3 = x[o + 3]!, x4 = x[o + 4]!;
    let max = NO_MASS;
    let sum = 0;
    for (let j = 0, off = 0; j < m; j++, off += 5) {
      const e0 = x0 - y[off]!, e1 = x1 - y[off + 1]!, e2 = x2 - y[off + 2]!, e3 = x3 - y[off + 3]!, e4 = x4 - y[off + 4]!;
      const v = alpha[j]! - s * (e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3 + e4 * e4);
      const t = v - max;
      if (t <= 0) {
        if (t > LSE_CUT) sum += Math.exp(t);
      } else {
        // t > 0, or NaN input: then max becomes NaN and so does the result.
        sum = sum * Math.exp(-t) + 1;
        max = v;
      }
    }
    out[i] = max === NO_MASS ? -Infinity : max + Math.log(sum);
  }
}

function lseAnyD(x: Float32Array, y: Float32Array, d: number, alpha: Float64Array, s: number, out: Float64Array, r0: number, r1: number): void {
  const m = y.length / d;
  const xi = new Float64Array(d);
  for (let i = r0; i < r1; i++) {
    for (let k = 0; k < d; k++) xi[k] = x[i * d + k]!;
    let max = NO_MASS;
    let sum = 0;
    for (let j = 0, off = 0; j < m; j++, off += d) {
      let dist = 0;
      for (let k = 0; k < d; k++) {
        const e = xi[k]! - y[off + k]!;
        dist += e * e;
      }
      const v = alpha[j]! - s * dist;
      const t = v - max;
      if (t <= 0) {
        if (t > LSE_CUT) sum += Math.exp(t);
      } else {
        sum = sum * Math.exp(-t) + 1;
        max = v;
      }
    }
    out[i] = max === NO_MASS ? -Infinity : max + Math.log(sum);
  }
}
