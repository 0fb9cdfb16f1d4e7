/**
 * The elementwise steps of a log-domain Sinkhorn half-step (METHOD.md §5), between two streaming
 * log-sum-exps (src/core/lse.ts):
 *
 *   alpha_j = g_j/ε + log b_j          potentialToAlpha(g, log b, ε)      (the LSE's column term)
 *   f_i     = −λε · LSE_i               potentialFromLse(LSE, λε)         (the potential update)
 *
 * Used by the CPU Sinkhorn (src/core/align/sinkhorn.ts) and the float64 reference of the GPU
 * loop's shaders/potential.wgsl (mode 0 and mode 1; its mode 2 fills a constant).
 */

/**
 * out_i = pot_i/ε + logw_i. A zero-mass point (logw_i = −∞) gives −∞ for any finite pot_i (the
 * WGSL kernel writes its −∞ sentinel there whatever pot_i is).
 */
export function potentialToAlpha(pot: Float64Array, logw: Float64Array, eps: number, out = new Float64Array(pot.length)): Float64Array {
  for (let i = 0; i < pot.length; i++) out[i] = pot[i]! / eps + logw[i]!;
  return out;
}

/** out_i = −scale · lse_i, with scale = λε for f (λ of fStepLambda) and ε for g. */
export function potentialFromLse(lse: Float64Array, scale: number, out = new Float64Array(lse.length)): Float64Array {
  const k = -scale;
  for (let i = 0; i < lse.length; i++) out[i] = k * lse[i]!;
  return out;
}
