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
 */
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
  const m = y.length / d;
  const result = out ?? new Float64Array(x.length / d);
  const xi = new Float64Array(d);
  for (let i = rowStart; i < rowEnd; i++) {
    for (let k = 0; k < d; k++) xi[k] = x[i * d + k]!;
    let max = -Infinity;
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const a = alpha[j]!;
      if (a === -Infinity) continue;
      let dist = 0;
      const off = j * d;
      for (let k = 0; k < d; k++) {
        const diff = xi[k]! - y[off + k]!;
        dist += diff * diff;
      }
      const v = a - s * dist;
      if (v <= max) {
        sum += Math.exp(v - max);
      } else {
        sum = sum * Math.exp(max - v) + 1;
        max = v;
      }
    }
    result[i] = max === -Infinity ? -Infinity : max + Math.log(sum);
  }
  return result;
}
