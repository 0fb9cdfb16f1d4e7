/**
 * Synthetic Big Five clouds for tests, benchmarks and demos — NOT human data. "Human" scores are a
 * correlated Gaussian with IPIP-like scale means/SDs (1–5 scale, clipped); a "persona pool" is the
 * same law tilted the way METHOD.md §5 says LLM personas lean (+0.3 to +0.8 SD on O, C, E, A,
 * −0.8 SD on N) and, optionally, narrowed (LLM personas are less varied than people).
 */
import { makeCloud, type WeightedCloud } from '../cloud';
import { Rng } from '../rng';

/** Trait order as src/core/traits.ts: O, C, E, A, N. Rough IPIP-FFM-like moments [ours]. */
export const SYNTH_MEAN = [3.9, 3.3, 3.0, 3.8, 3.0] as const;
export const SYNTH_SD = [0.65, 0.75, 0.85, 0.7, 0.85] as const;
/** Correlations (O,C,E,A,N), loosely like published Big Five intercorrelations. */
export const SYNTH_CORR: readonly number[] = [
  1, 0.0, 0.2, 0.1, -0.1,
  0.0, 1, 0.1, 0.2, -0.3,
  0.2, 0.1, 1, 0.3, -0.25,
  0.1, 0.2, 0.3, 1, -0.2,
  -0.1, -0.3, -0.25, -0.2, 1,
];
/** Pool tilt in SDs (METHOD.md §5). */
export const PERSONA_TILT = [0.5, 0.3, 0.6, 0.8, -0.8] as const;

export interface SynthOptions {
  n: number;
  seed: number;
  /** Mean shift per trait in SD units. Default none. */
  tiltSd?: readonly number[];
  /** Multiplies every SD. Default 1. */
  spread?: number;
}

export function syntheticBigFive(o: SynthOptions): WeightedCloud {
  const d = 5;
  const rng = new Rng(o.seed);
  const L = cholesky(SYNTH_CORR, d);
  const out = new Float32Array(o.n * d);
  const z = new Float64Array(d);
  for (let i = 0; i < o.n; i++) {
    for (let k = 0; k < d; k++) z[k] = rng.normal();
    for (let k = 0; k < d; k++) {
      let v = 0;
      for (let l = 0; l <= k; l++) v += L[k * d + l]! * z[l]!;
      const sd = SYNTH_SD[k]! * (o.spread ?? 1);
      const x = SYNTH_MEAN[k]! + SYNTH_SD[k]! * (o.tiltSd?.[k] ?? 0) + sd * v;
      out[i * d + k] = Math.min(5, Math.max(1, x));
    }
  }
  return makeCloud(out, d);
}

/** Gaussian clouds in any d (for kernels and benchmarks): N(shift, scale² I). */
export function gaussianCloud(n: number, d: number, seed: number, shift = 0, scale = 1): WeightedCloud {
  const rng = new Rng(seed);
  const out = new Float32Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = shift + scale * rng.normal();
  return makeCloud(out, d);
}

function cholesky(a: readonly number[], d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= L[i * d + k]! * L[j * d + k]!;
      L[i * d + j] = i === j ? Math.sqrt(s) : s / L[j * d + j]!;
    }
  }
  return L;
}
