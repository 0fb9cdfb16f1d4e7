/**
 * The marginal error that stops Sinkhorn (METHOD.md §5), read off the log-sum-exp of the half-step
 * that would re-project it, so a check costs O(n), not a pass over the plan:
 *
 *   (P1)_i = exp(log a_i + f_i/ε + LSE_i),   LSE_i = log Σ_j exp((g_j − C_ij)/ε + log b_j),
 *   ‖P1 − a‖₁ = Σ_i |exp(log a_i + f_i/ε + LSE_i) − a_i|   (likewise ‖Pᵀ1 − b‖₁ with g, the column LSE, b).
 *
 * Used by the CPU Sinkhorn (src/core/align/sinkhorn.ts) and the float64 reference of the GPU loop's
 * shaders/marginal.wgsl (per-workgroup partial sums) + shaders/reduce.wgsl (their sum).
 */

/**
 * Σ_i |exp(logw_i + pot_i/ε + lse_i) − w_i|, with logw = log w (logOf). A zero-mass point adds 0;
 * a row whose LSE is −∞ (no mass reaches it) adds its weight.
 */
export function marginalL1Error(pot: Float64Array, lse: Float64Array, logw: Float64Array, weights: Float64Array, eps: number): number {
  let err = 0;
  for (let i = 0; i < pot.length; i++) err += Math.abs(Math.exp(logw[i]! + pot[i]! / eps + lse[i]!) - weights[i]!);
  return err;
}

/** A plain float64 sum, in index order: the reference of shaders/reduce.wgsl. */
export function sumF64(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s;
}
