/**
 * Correlation matrices for the heatmaps: the reference's, the selection's, and their difference
 * (selected − reference), each as d × d cells in TRAITS order. ‖difference‖_F is the diagnostics'
 * "Correlation error (Frobenius)" (src/core/align/diagnostics.ts correlationFrobenius).
 */
import { weightedCorrelation } from '../../core/align/diagnostics';
import type { WeightedCloud } from '../../core/cloud';
import { TRAITS, TRAIT_LABELS } from '../../core/traits';

export interface CorrelationCell {
  /** Which matrix: e.g. 'Reference', 'Selected', 'Selected − reference'. */
  panel: string;
  row: string;
  col: string;
  value: number;
}

export interface CorrelationView {
  reference: Float64Array;
  selected: Float64Array;
  difference: Float64Array;
  /** Frobenius norm of the difference. */
  frobenius: number;
  cells: CorrelationCell[];
}

export const CORRELATION_PANELS = ['Reference', 'Selected', 'Selected − reference'] as const;

export function correlationView(reference: WeightedCloud, selected: WeightedCloud): CorrelationView {
  const r = weightedCorrelation(reference);
  const s = weightedCorrelation(selected);
  const diff = s.map((v, i) => v - r[i]!);
  const d = reference.d;
  const labels = TRAITS.map((t) => TRAIT_LABELS[t]).slice(0, d);
  const cells: CorrelationCell[] = [];
  const mats = [r, s, diff];
  CORRELATION_PANELS.forEach((panel, p) => {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cells.push({ panel, row: labels[i]!, col: labels[j]!, value: mats[p]![i * d + j]! });
  });
  let f = 0;
  for (const v of diff) f += v * v;
  return { reference: r, selected: s, difference: diff, frobenius: Math.sqrt(f), cells };
}
