/**
 * The printable report page of a run: one standalone HTML document (no script, inline CSS with print
 * styles, a Content-Security-Policy meta that forbids scripts and every network fetch) with the
 * title, the run manifest summary, the metrics table and the figures — each figure an SVG string
 * (rendered by Observable Plot in the Results view) shown beside its table, which is its text
 * alternative. Suitable for a paper's appendix: print it to PDF from the browser.
 *
 * Everything data-derived is escaped (escapeHtml); figure SVG is rebuilt from an allowlist
 * (sanitizeSvg). Bidi overrides in data stay inside their cell or line (unicode-bidi: isolate).
 */
import { escapeHtml } from './escape';
import { sanitizeSvg } from './svg-sanitize';

export type Cell = string | number | null | undefined;

export interface ReportTable {
  caption?: string;
  columns: string[];
  rows: Cell[][];
}

export interface ReportFigure {
  title: string;
  /** SVG markup (Observable Plot's figure serialised); sanitised here. */
  svg: string;
  /** The figure's data as a table: its text alternative. */
  table: ReportTable;
  /** Optional one-sentence caption. */
  caption?: string;
}

export interface ReportInput {
  title: string;
  /** The run manifest (src/pipeline/align-manifest.ts RunManifest or a target run's), as plain JSON. */
  manifest: Record<string, unknown>;
  metrics: ReportTable;
  figures: ReportFigure[];
  /** Sentences shown under the summary (e.g. "The reference is the built-in approximate sample"). */
  notes?: string[];
  /** Fixed in tests; default now. */
  generatedAt?: Date;
}

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function reportHtml(input: ReportInput): string {
  const removed: string[] = [];
  const figures = input.figures.map((f, i) => {
    const s = sanitizeSvg(f.svg);
    removed.push(...s.removed.map((r) => `figure ${i + 1}: ${r}`));
    return `<figure class="figure" aria-labelledby="fig-${i + 1}">
<h3 id="fig-${i + 1}">Figure ${i + 1}. ${escapeHtml(f.title)}</h3>
<div class="plot" role="img" aria-label="${escapeHtml(f.title)}">${s.svg}</div>
${f.caption ? `<figcaption>${escapeHtml(f.caption)}</figcaption>` : ''}
${tableHtml({ ...f.table, caption: f.table.caption ?? `Data of figure ${i + 1}` }, 'figure-data')}
</figure>`;
  });
  const notes = [...(input.notes ?? [])];
  if (removed.length > 0) notes.push(`Unsafe parts removed from the figures: ${[...new Set(removed)].slice(0, 10).join('; ')}.`);
  const generated = (input.generatedAt ?? new Date()).toISOString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}</h1>
<p class="generated">Generated ${escapeHtml(generated)} by Persona Align, on this device.</p>
</header>
<main>
<section aria-labelledby="summary-h">
<h2 id="summary-h">Run</h2>
${tableHtml({ caption: 'Run manifest summary', columns: ['Field', 'Value'], rows: manifestSummary(input.manifest) }, 'summary')}
${notes.length > 0 ? `<ul class="notes">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
</section>
<section aria-labelledby="metrics-h">
<h2 id="metrics-h">Metrics</h2>
${tableHtml(input.metrics, 'metrics')}
</section>
${figures.length > 0 ? `<section aria-labelledby="figures-h">\n<h2 id="figures-h">Figures</h2>\n${figures.join('\n')}\n</section>` : ''}
</main>
</body>
</html>
`;
}

export function tableHtml(t: ReportTable, cls: string): string {
  const head = `<thead><tr>${t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${t.rows
    .map((r) => `<tr>${r.map((c, j) => (j === 0 ? `<th scope="row">${cellHtml(c)}</th>` : `<td class="${typeof c === 'number' ? 'num' : ''}">${cellHtml(c)}</td>`)).join('')}</tr>`)
    .join('')}</tbody>`;
  return `<table class="${escapeHtml(cls)}">${t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : ''}${head}${body}</table>`;
}

function cellHtml(c: Cell): string {
  if (c === null || c === undefined) return '—';
  if (typeof c === 'number') return escapeHtml(formatNumber(c));
  return escapeHtml(c);
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toPrecision(4);
}

/** The manifest fields a reader of an appendix needs, as [label, value] rows; absent fields are skipped. */
export function manifestSummary(m: Record<string, unknown>): Cell[][] {
  const get = (path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), m);
  const rows: Cell[][] = [];
  const add = (label: string, v: unknown): void => {
    if (v === undefined || v === null || v === '') return;
    rows.push([label, typeof v === 'number' ? v : typeof v === 'string' ? v : JSON.stringify(v)]);
  };
  add('Method', get('method'));
  add('Seed', get('seed'));
  add('Selected (K)', get('result.selected'));
  add('Pool', joinDefined([get('inputs.pool.name'), num(get('inputs.pool.n'), 'rows')]));
  add('Pool SHA-256', get('inputs.pool.sha256'));
  add('Reference', joinDefined([get('inputs.reference.name'), num(get('inputs.reference.n'), 'points'), get('inputs.reference.label') === 'approximate' ? 'approximate' : undefined]));
  add('Reference details', get('inputs.reference.details'));
  const ev = get('result.evaluation') as { holdout?: number; heldOut?: number; match?: number } | undefined;
  if (ev && typeof ev === 'object') add('Evaluation', ev.holdout === 0 ? 'in-sample' : `held out ${ev.holdout ?? '?'} (${ev.heldOut ?? '?'} points judged, ${ev.match ?? '?'} aligned against)`);
  add('Options', get('options'));
  add('Solver', get('resolved'));
  add('Backend', get('backend'));
  add('Selection SHA-256', get('result.selectedSha256'));
  add('ESS', get('result.ess'));
  add('App', joinDefined([get('app.name'), get('app.version')]));
  add('Created', get('createdAt'));
  const total = get('timings.total');
  if (typeof total === 'number') add('Total time (s)', Math.round(total) / 1000);
  add('Manifest format', get('format'));
  return rows;
}

function num(v: unknown, unit: string): string | undefined {
  return typeof v === 'number' ? `${v} ${unit}` : undefined;
}

function joinDefined(xs: unknown[]): string | undefined {
  const s = xs.filter((x) => typeof x === 'string' && x !== '').join(' · ');
  return s === '' ? undefined : s;
}

const CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; background: #fff; }
body { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; } h3 { font-size: 1rem; }
.generated { color: #555; font-size: .85rem; margin: 0; }
h1, h2, h3, p, li, caption, th, td, figcaption { unicode-bidi: isolate; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: .8rem; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border: 1px solid #ccc; padding: .2rem .4rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f2f2f2; }
.summary th[scope=row] { width: 12rem; }
.plot svg { max-width: 100%; height: auto; }
.notes { font-size: .85rem; color: #333; }
figure { margin: 1rem 0 2rem; }
figcaption { font-size: .85rem; color: #333; }
.figure-data { font-size: .7rem; }
@media print {
  @page { margin: 15mm; }
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
`;
