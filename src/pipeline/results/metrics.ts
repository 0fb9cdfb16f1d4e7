/**
 * The metrics table of METHOD.md §7 for the Results view: every diagnostic for the raw pool, the
 * random subset, IS only, IS + OT (once computed) and the run's selection, the sampling floor, and
 * each method's relative error reduction against the raw pool and the random subset. Built on
 * src/pipeline/align-report.ts metricRows (same rows, labels and reduction formula as the Align stage).
 */
import type { Diagnostics } from '../../core/align/diagnostics';
import type { StoredRunResult } from '../../contracts/run';
import { metricRows, reduction, type MetricRow } from '../align-report';
import type { AlignDiagnostics } from '../align-stage';
import type { Comparison } from './comparisons';

export type MethodColumn = 'is' | 'isOt' | 'selected';

export interface ResultsMetricRow {
  id: string;
  group: MetricRow['group'];
  label: string;
  pool: number;
  random: number;
  /** Per method column: the value and its reductions (1 − |method|/|baseline|; undefined when the baseline is 0). */
  methods: Partial<Record<MethodColumn, { value: number; vsPool: number | undefined; vsRandom: number | undefined }>>;
  floor: number | undefined;
}

export interface ResultsMetrics {
  /** Which method columns the rows carry, in display order. */
  columns: MethodColumn[];
  rows: ResultsMetricRow[];
  unit: string;
}

type Judged = Pick<AlignDiagnostics, 'pool' | 'random' | 'selected' | 'floor'>;

/** metricRows over plain diagnostics (it reads only pool/random/selected/floor). */
function rowsOf(d: Judged): MetricRow[] {
  const full: AlignDiagnostics = { ...d, evaluation: { holdout: 0, heldOut: 0, match: 0, seed: 0 }, unit: '', referenceSubsample: undefined };
  return metricRows(full);
}

function withMethod(rows: ResultsMetricRow[], col: MethodColumn, d: Judged): void {
  rowsOf(d).forEach((m, i) => {
    rows[i]!.methods[col] = { value: m.selected, vsPool: reduction(m.pool, m.selected), vsRandom: reduction(m.random, m.selected) };
  });
}

function base(d: Judged): ResultsMetricRow[] {
  return rowsOf(d).map((m) => ({ id: m.id, group: m.group, label: m.label, pool: m.pool, random: m.random, methods: {}, floor: m.floor }));
}

/** The run's stored diagnostics: pool, random, selected, floor (as the Align stage showed them). */
export function storedMetrics(result: StoredRunResult): ResultsMetrics {
  const d = result.diagnostics;
  const judged: Judged = { pool: d.pool, random: d.random, selected: d.selected, floor: d.floor };
  const rows = base(judged);
  withMethod(rows, 'selected', judged);
  return { columns: ['selected'], rows, unit: d.unit };
}

/** All five sets on the comparison's yardstick (see comparisons.ts). */
export function comparisonMetrics(c: Comparison): ResultsMetrics {
  const rows = base(c.run);
  const at = (selected: Diagnostics): Judged => ({ ...c.run, selected });
  withMethod(rows, 'is', at(c.isDiagnostics));
  withMethod(rows, 'isOt', at(c.isOtDiagnostics));
  withMethod(rows, 'selected', c.run);
  return { columns: ['is', 'isOt', 'selected'], rows, unit: c.run.unit };
}
