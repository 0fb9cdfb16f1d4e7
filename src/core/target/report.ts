/**
 * Pure views of target results for the UI, the CLI and the downloads: the comparison table of one
 * target (metrics × random / retrieval only / global alignment only / retrieval + re-alignment /
 * sampling floor), several targets side by side, counts per step, and the selection as CSV.
 */
import Papa from 'papaparse';
import type { Diagnostics } from '../align/diagnostics';
import { TRAITS, TRAIT_LABELS } from '../traits';
import { SELECTION_KEYS, SELECTION_LABELS, type PreparedPool, type SelectionKey, type TargetResult } from './build';

export interface ComparisonRow {
  id: string;
  label: string;
  /** Lower is better for distances; higher for in-group share and query score. */
  better: 'lower' | 'higher';
  values: Record<SelectionKey, number | null>;
  floor: number | null;
}

const DIAG_METRICS: ReadonlyArray<{ id: string; label: string; get: (d: Diagnostics) => number }> = [
  { id: 'energy', label: 'Energy distance', get: (d) => d.energy },
  { id: 'slicedW1', label: 'Sliced Wasserstein', get: (d) => d.slicedW1 },
  { id: 'corrFrobenius', label: 'Correlation error (Frobenius)', get: (d) => d.corrFrobenius },
  ...TRAITS.map((t, k) => ({ id: `${t}.meanError`, label: `${TRAIT_LABELS[t]}: |mean error|`, get: (d: Diagnostics) => Math.abs(d.perTrait[k]!.meanError) })),
  ...TRAITS.map((t, k) => ({ id: `${t}.w1`, label: `${TRAIT_LABELS[t]}: W1`, get: (d: Diagnostics) => d.perTrait[k]!.w1 })),
];

/** One target: in-group share and query score first (does it describe the group?), then the diagnostics (does it look like the group's reference?). */
export function comparisonRows(r: TargetResult): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const vals = (get: (key: SelectionKey) => number | null): Record<SelectionKey, number | null> =>
    Object.fromEntries(SELECTION_KEYS.map((k) => [k, get(k)])) as Record<SelectionKey, number | null>;
  if (SELECTION_KEYS.some((k) => r.selections[k].inGroupShare !== null)) {
    rows.push({ id: 'inGroup', label: 'In-group share (meta.country)', better: 'higher', values: vals((k) => r.selections[k].inGroupShare), floor: null });
  }
  rows.push({ id: 'score', label: 'Mean query score (cosine)', better: 'higher', values: vals((k) => r.selections[k].meanScore), floor: null });
  for (const m of DIAG_METRICS) {
    rows.push({ id: m.id, label: m.label, better: 'lower', values: vals((k) => m.get(r.selections[k].diagnostics)), floor: r.floor ? m.get(r.floor) : null });
  }
  return rows;
}

export interface SideBySideRow {
  id: string;
  label: string;
  /** One value per target, in the order given. */
  values: Array<number | null>;
}

/** Several targets: the headline numbers of each, one column per target. */
export function sideBySideRows(results: readonly TargetResult[]): SideBySideRow[] {
  const row = (id: string, label: string, get: (r: TargetResult) => number | null): SideBySideRow => ({ id, label, values: results.map(get) });
  return [
    row('eligible', 'Eligible personas', (r) => r.counts.eligible),
    row('candidates', 'Candidates', (r) => r.counts.candidates),
    row('selected', 'Selected (K)', (r) => r.counts.selected),
    row('reference', 'Reference points (held out)', (r) => r.counts.heldOut),
    row('inGroup.retrieval', 'In-group share: retrieval only', (r) => r.selections.retrieval.inGroupShare),
    row('inGroup.realigned', 'In-group share: retrieval + re-alignment', (r) => r.selections.realigned.inGroupShare),
    row('inGroup.global', 'In-group share: global alignment only', (r) => r.selections.global.inGroupShare),
    ...SELECTION_KEYS.map((k) => row(`energy.${k}`, `Energy distance: ${SELECTION_LABELS[k].toLowerCase()}`, (r) => r.selections[k].diagnostics.energy)),
    row('energy.floor', 'Energy distance: sampling floor', (r) => r.floor?.energy ?? null),
  ];
}

export interface CountStep {
  label: string;
  value: number | null;
}

/** Counts at each step of one build, in order. */
export function countSteps(r: TargetResult): CountStep[] {
  const c = r.counts;
  return [
    { label: 'Personas in the pool', value: c.records },
    { label: 'with trait scores', value: c.withTraits },
    { label: 'passing the filters', value: c.eligible },
    { label: 'of them in the target countries', value: c.inGroupEligible },
    { label: 'retrieval candidates', value: c.candidates },
    { label: 'candidates in the target countries', value: c.inGroupCandidates },
    { label: 'selected (K)', value: c.selected },
    { label: 'reference points', value: c.reference },
    { label: 'held out for evaluation', value: c.heldOut },
  ];
}

/** Relative change 1 − after/before (positive = after is smaller); null when before is 0. */
export function reductionOf(before: number, after: number): number | null {
  return before !== 0 ? 1 - after / before : null;
}

/** The chosen selection (default: retrieval + re-alignment) as CSV: rank, id, score, traits, meta, text. */
export function targetCsv(prepared: Pick<PreparedPool, 'records' | 'vectors' | 'dim'>, r: TargetResult, key: SelectionKey = 'realigned'): string {
  const score = new Map<number, number>();
  r.ranking.indices.forEach((i, k) => score.set(i, r.ranking.scores[k]!));
  const metaKeys = ['region', 'country', 'city', 'ageBand', 'age', 'gender', 'occupation', 'name'];
  const header = ['id', 'retrieval_rank', 'score', ...TRAITS, ...metaKeys, 'text'];
  const rank = new Map<number, number>();
  r.ranking.indices.forEach((i, k) => rank.set(i, k + 1));
  const rows = Array.from(r.selections[key].indices, (i) => {
    const p = prepared.records[i]!;
    return [
      p.id,
      rank.has(i) ? String(rank.get(i)) : '',
      score.has(i) ? score.get(i)!.toFixed(6) : '',
      ...TRAITS.map((t) => String(p.traits![t])),
      ...metaKeys.map((k) => p.meta[k] ?? ''),
      p.text,
    ];
  });
  return Papa.unparse({ fields: header, data: rows }, { newline: '\n' }) + '\n';
}
