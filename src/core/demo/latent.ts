/**
 * Latent Big Five vectors for the demo personas: a multivariate normal on the 1–5 mean-score
 * scale, shifted by a deliberate "LLM-like" tilt, clamped to [1, 5].
 *
 * The baseline means, SDs and correlations are ILLUSTRATIVE, not fitted to any data set. They were
 * chosen to sit in the ranges reported for Big Five mean scores on 1–5 Likert inventories (means
 * roughly 2.9–3.9, SDs 0.6–0.8), with inter-trait correlations of the order meta-analyses report
 * (mostly |r| ≈ 0.1–0.4, with N negative against C, E and A; e.g. van der Linden, te Nijenhuis &
 * Bakker, 2010, J. Res. Personality 44:315–327; Digman, 1997, JPSP 73:1246–1256). The values below
 * are not copied from any table.
 * Anyone who needs a realistic reference should use real data (e.g. the IPIP-FFM file), not these.
 */
import { TRAITS, type Trait, type TraitVector } from '../traits';
import { AppError } from '../errors';
import type { Rng } from '../rng';

/** Untilted population means on the 1–5 scale (illustrative). */
export const BASELINE_MEAN: TraitVector = {
  openness: 3.7,
  conscientiousness: 3.4,
  extraversion: 3.0,
  agreeableness: 3.7,
  neuroticism: 2.9,
};

/** Untilted population SDs on the 1–5 scale (illustrative). */
export const BASELINE_SD: TraitVector = {
  openness: 0.6,
  conscientiousness: 0.7,
  extraversion: 0.8,
  agreeableness: 0.6,
  neuroticism: 0.8,
};

/**
 * Inter-trait correlations in canonical order (O, C, E, A, N), neuroticism direction, so N
 * correlates negatively with C, E and A (those are positive with emotional stability). Illustrative.
 */
export const BASELINE_CORRELATION: readonly (readonly number[])[] = [
  //  O      C      E      A      N
  [1.0, 0.1, 0.25, 0.1, -0.1],
  [0.1, 1.0, 0.15, 0.25, -0.3],
  [0.25, 0.15, 1.0, 0.15, -0.25],
  [0.1, 0.25, 0.15, 1.0, -0.25],
  [-0.1, -0.3, -0.25, -0.25, 1.0],
];

/**
 * The deliberate LLM-like tilt, in baseline SD units, added to the latent z-scores: LLM-written
 * personas come out too open, conscientious, extraverted, agreeable and stable (METHOD.md §5,
 * §7: persona sets under-represent low E and low emotional stability). Alignment should undo it.
 */
export const TILT_OPENNESS_SD = 0.3;
export const TILT_CONSCIENTIOUSNESS_SD = 0.3;
export const TILT_EXTRAVERSION_SD = 0.5;
export const TILT_AGREEABLENESS_SD = 0.5;
export const TILT_NEUROTICISM_SD = -0.7;

export const LLM_TILT_SD: TraitVector = {
  openness: TILT_OPENNESS_SD,
  conscientiousness: TILT_CONSCIENTIOUSNESS_SD,
  extraversion: TILT_EXTRAVERSION_SD,
  agreeableness: TILT_AGREEABLENESS_SD,
  neuroticism: TILT_NEUROTICISM_SD,
};

export const NO_TILT: TraitVector = { openness: 0, conscientiousness: 0, extraversion: 0, agreeableness: 0, neuroticism: 0 };

/** Lower-triangular L with L·Lᵀ = m; throws NumericError when m is not positive definite. */
export function cholesky(m: readonly (readonly number[])[]): number[][] {
  const n = m.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new AppError('NumericError', 'Correlation matrix is not positive definite; fix BASELINE_CORRELATION.');
        l[i]![i] = Math.sqrt(s);
      } else {
        l[i]![j] = s / l[j]![j]!;
      }
    }
  }
  return l;
}

/**
 * Draws one correlated standard-normal vector per persona (canonical order). Kept separate from the
 * tilt so tilted and untilted pools from the same seed share their draws and differ only by the tilt.
 */
export function sampleLatentZ(rng: Rng, n: number): number[][] {
  const l = cholesky(BASELINE_CORRELATION);
  const out: number[][] = [];
  for (let p = 0; p < n; p++) {
    const u = TRAITS.map(() => rng.normal());
    out.push(l.map((row) => row.reduce((s, lij, j) => s + lij * u[j]!, 0)));
  }
  return out;
}

/** Score on 1–5: baseline mean + SD·(z + tilt), clamped, rounded to 2 decimals (file size). */
export function traitsFromZ(z: readonly number[], tilt: TraitVector): TraitVector {
  const t = {} as Record<Trait, number>;
  TRAITS.forEach((trait, k) => {
    const raw = BASELINE_MEAN[trait] + BASELINE_SD[trait] * (z[k]! + tilt[trait]);
    t[trait] = Math.round(Math.min(5, Math.max(1, raw)) * 100) / 100;
  });
  return t;
}

/** Standardised position of a score against the untilted baseline (used to pick wording). */
export function baselineZ(trait: Trait, score: number): number {
  return (score - BASELINE_MEAN[trait]) / BASELINE_SD[trait];
}
