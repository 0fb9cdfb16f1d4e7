/**
 * Float64 references of the small Sinkhorn-loop kernels (shaders/potential.wgsl,
 * shaders/marginal.wgsl, shaders/reduce.wgsl): the oracles of their parity tests. Pure TypeScript,
 * no GPU; the log-sum-exp reference is lseRows in src/core/lse.ts.
 * (Kept next to the kernels because src/core/align is another owner's; it can move to core as is.)
 */

/** potential.wgsl: mode 'alpha': src·a + logw (−∞ where logw is −∞); 'update': −a·src; 'fill': a. */
export function potentialStep(mode: 'alpha' | 'update' | 'fill', src: Float64Array, logw: Float64Array, a: number): Float64Array {
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    if (mode === 'alpha') out[i] = logw[i] === -Infinity ? -Infinity : src[i]! * a + logw[i]!;
    else if (mode === 'update') out[i] = -a * src[i]!;
    else out[i] = a;
  }
  return out;
}

/**
 * marginal.wgsl + reduce.wgsl: Σ_i |exp(logw_i + pot_i/ε + lse_i) − exp(logw_i)|, the marginal error
 * ‖P1 − a‖₁ of src/core/align/sinkhorn.ts (pot = f, lse = row LSE, logw = log a).
 */
export function marginalError(pot: Float64Array, lse: Float64Array, logw: Float64Array, invEps: number): number {
  let err = 0;
  for (let i = 0; i < pot.length; i++) {
    const lw = logw[i]!;
    if (lw === -Infinity) continue;
    err += Math.abs(Math.exp(lw + pot[i]! * invEps + lse[i]!) - Math.exp(lw));
  }
  return err;
}

/** reduce.wgsl: a plain float64 sum. */
export function sumF64(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s;
}
