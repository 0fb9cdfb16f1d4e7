/**
 * The Profile stage's report from profiled personas, as pure functions (no DOM, no storage):
 * answer rows in IPIP item order, trait columns, histograms against a reference cloud, and the
 * response-style diagnostics of src/core/psychometrics.
 */
import type { WeightedCloud } from '../../core/cloud';
import { ITEM_CODES } from '../../core/psychometrics/ipip50';
import { responseStyleReport, type ResponseStyleReport } from '../../core/psychometrics/reliability';
import type { StoredPersona } from '../../core/stages/types';
import { TRAITS, type Trait } from '../../core/traits';
import { binShares } from '../trait-histogram/trait-histogram';

export const HISTOGRAM_BINS = 16;

export interface TraitFigure {
  trait: Trait;
  personas: number[];
  reference: number[];
  stats: { personaMean: number; personaSd: number; refMean: number; refSd: number };
}

export interface ProfileReport {
  n: number;
  traits: TraitFigure[];
  style: ResponseStyleReport | undefined;
  /** Personas whose own questionnaire run raised each flag. */
  flags: Record<string, number>;
  /** Complete rows needed for five-factor congruence. */
  congruenceMinRows: number;
}

/** Profiled, currently kept personas (a manual or threshold rejection drops a profiled persona from the report). */
export function profiledPersonas(all: readonly StoredPersona[]): StoredPersona[] {
  return all.filter((p) => p.answers && p.traits && p.quality?.kept);
}

/** One row of 50 raw answers in IPIP50_ITEMS order (NaN = missing). */
export function answerRow(p: StoredPersona): Float64Array {
  return Float64Array.from(ITEM_CODES, (c) => p.answers?.[c] ?? NaN);
}

function meanSd(xs: ArrayLike<number>, w?: ArrayLike<number>): { mean: number; sd: number } {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) { const wi = w ? w[i]! : 1; sw += wi; s += wi * xs[i]!; }
  const mean = sw > 0 ? s / sw : NaN;
  let v = 0;
  for (let i = 0; i < xs.length; i++) { const wi = w ? w[i]! : 1; v += wi * (xs[i]! - mean) ** 2; }
  return { mean, sd: sw > 0 ? Math.sqrt(v / sw) : NaN };
}

export function profileReport(personas: readonly StoredPersona[], reference: WeightedCloud | undefined, congruenceMinRows = 100): ProfileReport {
  const traits = TRAITS.map((trait, t): TraitFigure => {
    const xs = personas.map((p) => p.traits![trait]);
    const refCol = reference ? Array.from({ length: reference.n }, (_, i) => reference.points[i * reference.d + t]!) : [];
    const pm = meanSd(xs);
    const rm = reference ? meanSd(refCol, reference.weights) : { mean: NaN, sd: NaN };
    return {
      trait,
      personas: binShares(xs, HISTOGRAM_BINS),
      reference: reference ? binShares(refCol, HISTOGRAM_BINS, 1, 5, reference.weights) : [],
      stats: { personaMean: pm.mean, personaSd: pm.sd, refMean: rm.mean, refSd: rm.sd },
    };
  });
  const flags: Record<string, number> = {};
  for (const p of personas) for (const f of p.stages.profile?.flags ?? []) flags[f] = (flags[f] ?? 0) + 1;
  const style = personas.length ? responseStyleReport(personas.map(answerRow), { congruenceMinRows }) : undefined;
  return { n: personas.length, traits, style, flags, congruenceMinRows };
}
