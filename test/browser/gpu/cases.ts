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

/**
 * A fixed-seed alignment on the CPU, its selection recorded from Node (test/unit/align/pool.test.ts
 * checks Node still gives it; test/browser/gpu/cpu-pool.browser.test.ts checks the browser's worker
 * pool gives it too).
 */
export const CPU_ALIGN_CASE = {
  pool: { n: 300, seed: 11, tiltSd: [0.5, 0.3, 0.6, 0.8, -0.8] },
  reference: { n: 200, seed: 12 },
  options: { method: 'is+ot', size: 40, seed: 7 },
  selected: [0, 1, 2, 16, 17, 20, 29, 46, 51, 58, 60, 68, 73, 84, 85, 96, 111, 120, 121, 134, 135, 138, 139, 154, 161, 184, 195, 211, 213, 232, 238, 241, 244, 253, 268, 270, 278, 292, 294, 298],
  iterations: 221,
  cost: 1.550934701930041,
} as const;
