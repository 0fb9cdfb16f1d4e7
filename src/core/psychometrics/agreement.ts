/**
 * Agreement between trait scores that came with an imported persona set ("given") and the scores
 * the questionnaire measured for the same personas, per trait, on the 1–5 Likert-mean scale:
 *
 * - Pearson r: do the two order personas alike (blind to shifts and scale).
 * - mean absolute difference and mean difference (measured − given): how far apart, and which way.
 * - ICC(2,1) (Shrout & Fleiss 1979; two-way random effects, absolute agreement, single rater) and
 *   Lin's concordance coefficient: agreement on the same scale, penalising shifts.
 *
 * Only personas with both scores for the trait count (n). Statistics that are undefined (n < 2,
 * zero variance) are NaN, never a made-up number; callers show them as "—".
 */
import { AppError } from '../errors';
import { TRAITS, type Trait, type TraitVector } from '../traits';

export interface TraitAgreement {
  trait: Trait;
  n: number;
  pearson: number;
  meanAbsDiff: number;
  /** Mean of measured − given. */
  meanDiff: number;
  icc21: number;
  lin: number;
}

export interface AgreementPair {
  given: Partial<TraitVector> | undefined;
  measured: Partial<TraitVector> | undefined;
}

/** Agreement of two paired samples. Throws NumericError on NaN/Inf input (a scoring bug upstream). */
export function pairAgreement(x: readonly number[], y: readonly number[]): Omit<TraitAgreement, 'trait'> {
  if (x.length !== y.length) throw new AppError('InputError', `Agreement needs paired scores; got ${x.length} and ${y.length}.`);
  const n = x.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) throw new AppError('NumericError', `Score pair ${i + 1} is not a finite number (${x[i]}, ${y[i]}).`);
  }
  if (n === 0) return { n, pearson: NaN, meanAbsDiff: NaN, meanDiff: NaN, icc21: NaN, lin: NaN };
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let mad = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
    mad += Math.abs(y[i]! - x[i]!);
  }
  const pearson = n >= 2 && sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
  // Lin: population (1/n) moments.
  const linDen = sxx / n + syy / n + (mx - my) ** 2;
  const lin = n >= 2 && linDen > 0 ? (2 * sxy) / n / linDen : NaN;
  return { n, pearson, meanAbsDiff: mad / n, meanDiff: my - mx, icc21: icc21(x, y, mx, my), lin };
}

/** ICC(2,1) for k = 2 raters (given, measured) over n targets. */
function icc21(x: readonly number[], y: readonly number[], mx: number, my: number): number {
  const n = x.length;
  const k = 2;
  if (n < 2) return NaN;
  const grand = (mx + my) / 2;
  let ssRows = 0;
  let ssErr = 0;
  for (let i = 0; i < n; i++) {
    const rowMean = (x[i]! + y[i]!) / 2;
    ssRows += (rowMean - grand) ** 2;
    ssErr += (x[i]! - rowMean - mx + grand) ** 2 + (y[i]! - rowMean - my + grand) ** 2;
  }
  const msr = (k * ssRows) / (n - 1);
  const msc = n * ((mx - grand) ** 2 + (my - grand) ** 2) / (k - 1);
  const mse = ssErr / ((n - 1) * (k - 1));
  const den = msr + (k - 1) * mse + (k * (msc - mse)) / n;
  return den > 0 ? (msr - mse) / den : NaN;
}

/** Per-trait agreement over personas that have both given and measured scores for that trait. */
export function traitAgreement(pairs: readonly AgreementPair[]): TraitAgreement[] {
  return TRAITS.map((trait) => {
    const x: number[] = [];
    const y: number[] = [];
    for (const p of pairs) {
      const g = p.given?.[trait];
      const m = p.measured?.[trait];
      if (g === undefined || m === undefined) continue;
      x.push(g);
      y.push(m);
    }
    return { trait, ...pairAgreement(x, y) };
  });
}
