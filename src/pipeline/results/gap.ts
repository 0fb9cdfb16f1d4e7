/**
 * How far a persona set sits from the reference before any alignment (the Profile stage): per trait
 * the means and SDs, the mean and SD error in reference SDs, W1 (reference SDs) and KS; jointly the
 * correlation error. Only the O(n log n) diagnostics of src/core/align/diagnostics.ts, so it stays
 * instant on the page for a few thousand reference points.
 */
import { correlationFrobenius, column, ks1D, wasserstein1D } from '../../core/align/diagnostics';
import { applyStandardizer, cloudMoments, standardizerOf } from '../../core/align/stats';
import { makeCloud, type WeightedCloud } from '../../core/cloud';
import { TRAITS, type Trait } from '../../core/traits';

export interface TraitGap {
  trait: Trait;
  personaMean: number;
  personaSd: number;
  referenceMean: number;
  referenceSd: number;
  /** (μ_personas − μ_reference) / σ_reference. */
  meanErrorSd: number;
  /** (σ_personas − σ_reference) / σ_reference. */
  sdErrorSd: number;
  /** W1 in reference SDs. */
  w1Sd: number;
  ks: number;
}

export interface ReferenceGap {
  traits: TraitGap[];
  corrFrobenius: number;
}

export function referenceGap(personas: WeightedCloud, reference: WeightedCloud): ReferenceGap {
  const z = standardizerOf(reference);
  const pz = applyStandardizer(personas, z);
  const rz = applyStandardizer(reference, z);
  const mp = cloudMoments(personas);
  const mr = cloudMoments(reference);
  const traits = TRAITS.slice(0, reference.d).map((trait, k): TraitGap => {
    const xp = column(pz, k);
    const xr = column(rz, k);
    return {
      trait,
      personaMean: mp.mean[k]!,
      personaSd: mp.sd[k]!,
      referenceMean: mr.mean[k]!,
      referenceSd: mr.sd[k]!,
      meanErrorSd: (mp.mean[k]! - mr.mean[k]!) / z.sd[k]!,
      sdErrorSd: (mp.sd[k]! - mr.sd[k]!) / z.sd[k]!,
      w1Sd: wasserstein1D(xp, pz.weights, xr, rz.weights),
      ks: ks1D(xp, pz.weights, xr, rz.weights),
    };
  });
  return { traits, corrFrobenius: correlationFrobenius(personas, reference) };
}

/** The trait vectors of scored personas as a uniform cloud (TRAITS order); undefined when none is scored. */
export function personaTraitCloud(personas: ReadonlyArray<{ traits?: Partial<Record<Trait, number>> }>): WeightedCloud | undefined {
  const rows = personas.filter((p) => p.traits && TRAITS.every((t) => Number.isFinite(p.traits![t])));
  if (rows.length === 0) return undefined;
  return makeCloud(Float32Array.from(rows.flatMap((p) => TRAITS.map((t) => p.traits![t]!))), TRAITS.length, undefined, 'persona traits');
}
