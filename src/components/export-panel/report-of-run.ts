/** The printable report page of a stored run: its manifest, the stored metrics table, and the figures the Results view passes in. */
import type { StoredRun } from '../../contracts/run';
import { AppError } from '../../core/errors';
import { reportHtml, type ReportFigure } from '../../core/report';
import { storedMetrics } from '../../pipeline/results/metrics';

export function runReportHtml(run: StoredRun, figures: ReportFigure[] = [], generatedAt?: Date): string {
  const r = run.result;
  if (!r || run.status !== 'done') throw new AppError('InputError', `Run "${run.title}" has not finished; its report is available once it is done.`);
  const m = storedMetrics(r);
  const fmtRed = (v: number | undefined): string => (v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
  const metrics = {
    caption: `Distribution distances to the reference (${m.unit}); reduction = 1 − |selected| / |baseline|`,
    columns: ['Metric', 'Raw pool', 'Random subset', 'Selected', 'Reduction vs pool', 'Reduction vs random', 'Sampling floor'],
    rows: m.rows.map((row) => {
      const s = row.methods.selected;
      return [row.label, row.pool, row.random, s?.value, fmtRed(s?.vsPool), fmtRed(s?.vsRandom), row.floor];
    }),
  };
  const ref = (r.manifest.inputs as { reference?: { label?: unknown } } | undefined)?.reference;
  const notes = [
    `${r.selected.length} of ${r.pool.n} personas selected; diagnostics against ${r.reference.n} reference points.`,
    ...(ref?.label === 'approximate' ? ['The reference is the built-in approximate sample, not real population norms.'] : []),
  ];
  return reportHtml({ title: run.title, manifest: r.manifest, metrics, figures, notes, ...(generatedAt ? { generatedAt } : {}) });
}
