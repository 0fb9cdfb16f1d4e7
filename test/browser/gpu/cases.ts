/** Seeded inputs and the parity rule shared by the GPU browser tests. */
import { Rng } from '../../../src/core/rng';

export interface LseCase {
  name: string;
  x: Float32Array;
  y: Float32Array;
  d: number;
  alphaCols: Float64Array; // length m
  alphaRows: Float64Array; // length n
  s: number;
}

export function gaussianCloud(rng: Rng, n: number, d: number, shift = 0, scale = 1): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = shift + scale * rng.normal();
  return out;
}

/** alpha_j = log w_j + potential-like noise, the shape of a Sinkhorn half-step's input. */
export function alphaLike(rng: Rng, len: number, spread: number, minusInfEvery = 0): Float64Array {
  const a = new Float64Array(len);
  for (let j = 0; j < len; j++) {
    a[j] = Math.log((0.5 + rng.next()) / len) + spread * rng.normal();
    if (minusInfEvery > 0 && j % minusInfEvery === 0) a[j] = -Infinity;
  }
  return a;
}

export function makeCase(name: string, seed: number, n: number, m: number, d: number, s: number, opts: { spread?: number; minusInfEvery?: number } = {}): LseCase {
  const rng = new Rng(seed);
  // Points on the scale of standardised traits (d = 5) or normalised embeddings (d ≥ 50).
  const scale = d >= 50 ? 1 / Math.sqrt(d) : 1;
  return {
    name,
    d,
    s,
    x: gaussianCloud(rng, n, d, 0.3 * scale, scale),
    y: gaussianCloud(rng, m, d, 0, scale),
    alphaCols: alphaLike(rng, m, opts.spread ?? 1, opts.minusInfEvery ?? 0),
    alphaRows: alphaLike(rng, n, opts.spread ?? 1, opts.minusInfEvery ?? 0),
  };
}

/** Largest |Δ| / max(1, |ref|) over the entries; −∞ must match −∞ exactly (returns Infinity otherwise). */
export function maxRelErr(got: Float64Array, ref: Float64Array): number {
  if (got.length !== ref.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const g = got[i]!;
    if (r === -Infinity || g === -Infinity) {
      if (r !== g) return Infinity;
      continue;
    }
    const e = Math.abs(g - r) / Math.max(1, Math.abs(r));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}
