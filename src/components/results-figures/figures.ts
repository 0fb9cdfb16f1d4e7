/**
 * The Results figures as Observable Plot drawings, each with its table alternative:
 * density overlays per trait, correlation heatmaps with their difference, the weight histogram
 * (ESS and trimming cap marked) and the PCA scatter. Input: the pure ResultsModel.
 */
import * as Plot from '@observablehq/plot';
import { TRAITS, TRAIT_LABELS } from '../../core/traits';
import { CORRELATION_PANELS } from '../../pipeline/results/correlation';
import type { ResultsModel, SeriesSummary } from '../../pipeline/results/results-model';
import { traitDensities, type DensitySeries, type TraitDensities } from '../../pipeline/results/density';
import { cloudMoments } from '../../core/align/stats';
import { fmt, type LegendItem, type ResultsFigure } from './figure';

/** One colour per series, distinguishable in grey-scale print too (dash for the raw pool). */
export const SERIES_COLORS: Record<string, string> = {
  reference: '#222222',
  pool: '#8c8c8c',
  random: '#e69f00',
  is: '#0072b2',
  'is+ot': '#cc79a7',
  selected: '#009e73',
  personas: '#d55e00',
};

const SET_COLORS = { pool: '#9a9a9a', reference: '#0072b2', selected: '#d55e00' } as const;
const SET_LABELS = { pool: 'Raw pool', reference: 'Reference', selected: 'This run’s selection' } as const;

export function densityFigure(m: ResultsModel): ResultsFigure {
  return buildDensityFigure(m.series, m.densities, m.summaries, 'densities', 'Trait densities');
}

/** Density overlays of any weighted samples (e.g. personas vs reference before alignment). */
export function seriesDensityFigure(series: DensitySeries[], id: string, title: string): ResultsFigure {
  const summaries: SeriesSummary[] = series.map((s) => ({ key: s.key, label: s.label, n: s.cloud.n, ...cloudMoments(s.cloud) }));
  return buildDensityFigure(series, traitDensities(series), summaries, id, title);
}

function buildDensityFigure(series: DensitySeries[], densities: TraitDensities[], summaries: SeriesSummary[], id: string, title: string): ResultsFigure {
  const m = { series, densities, summaries };
  const rows: Array<{ trait: string; x: number; y: number; key: string }> = [];
  for (const t of m.densities) for (const c of t.curves) t.grid.forEach((x, i) => rows.push({ trait: t.label, x, y: c.y[i]!, key: c.key }));
  const keys = m.series.map((s) => s.key);
  const legend: LegendItem[] = m.series.map((s) => ({ label: s.label, color: SERIES_COLORS[s.key] ?? '#555', dashed: s.key === 'pool' }));
  const tableRows: string[][] = [];
  TRAITS.forEach((trait, k) => {
    m.summaries.forEach((s, i) => {
      const h = m.densities[k]!.curves[i]!.bandwidth;
      tableRows.push([`${TRAIT_LABELS[trait]} · ${s.label}`, String(s.n), fmt(s.mean[k]), fmt(s.sd[k]), fmt(h)]);
    });
  });
  return {
    id,
    title,
    description: `Kernel density estimates of each Big Five trait (1–5 scale) for ${m.series.map((s) => s.label).join(', ')}; curves closer to the reference are better.`,
    legend,
    plot: (document) =>
      Plot.plot({
        document,
        figure: false,
        width: 1000,
        height: 240,
        marginLeft: 40,
        fx: { domain: TRAITS.map((t) => TRAIT_LABELS[t]), label: null },
        x: { label: 'score (1–5)' },
        y: { label: 'density', grid: true },
        color: { domain: keys, range: keys.map((k) => SERIES_COLORS[k] ?? '#555') },
        marks: [
          Plot.frame({ stroke: '#ccc' }),
          Plot.line(rows.filter((r) => r.key !== 'pool'), {
            fx: 'trait',
            x: 'x',
            y: 'y',
            z: 'key',
            stroke: 'key',
            strokeWidth: (d: { key: string }) => (d.key === 'reference' || d.key === 'selected' ? 2.2 : 1.4),
          }),
          Plot.line(rows.filter((r) => r.key === 'pool'), { fx: 'trait', x: 'x', y: 'y', stroke: 'key', strokeWidth: 1.4, strokeDasharray: '5 3' }),
        ],
      }) as SVGSVGElement,
    table: {
      caption: 'Per trait and set: size, weighted mean, SD and the KDE bandwidth (Scott) of the curve',
      columns: ['Trait · set', 'n', 'Mean', 'SD', 'Bandwidth'],
      rows: tableRows,
    },
  };
}

export function correlationFigure(m: ResultsModel): ResultsFigure {
  const c = m.correlation;
  const labels = TRAITS.map((t) => TRAIT_LABELS[t]);
  const short = (s: string): string => s.slice(0, 4) + '.';
  return {
    id: 'correlations',
    title: 'Trait correlations',
    description: `Correlation matrices of the reference and of this run's selection, and their difference (selected − reference); Frobenius norm of the difference ${fmt(c.frobenius)}.`,
    legend: [],
    plot: (document) =>
      Plot.plot({
        document,
        figure: false,
        width: 900,
        height: 300,
        marginLeft: 110,
        marginBottom: 40,
        padding: 0.04,
        fx: { domain: [...CORRELATION_PANELS], label: null },
        x: { domain: labels, tickFormat: short, label: null },
        y: { domain: labels, label: null },
        color: { type: 'linear', scheme: 'rdbu', domain: [-1, 1] },
        marks: [
          Plot.cell(c.cells, { fx: 'panel', x: 'col', y: 'row', fill: 'value' }),
          Plot.text(c.cells, {
            fx: 'panel',
            x: 'col',
            y: 'row',
            text: (d: { value: number }) => d.value.toFixed(2).replace(/^-/, '−'),
            fill: (d: { value: number }) => (Math.abs(d.value) > 0.55 ? 'white' : 'black'),
          }),
        ],
      }) as SVGSVGElement,
    table: {
      caption: `Correlation matrices (rows × columns in trait order); ‖selected − reference‖_F = ${fmt(c.frobenius)}`,
      columns: ['Matrix · row', ...labels],
      rows: CORRELATION_PANELS.flatMap((panel) =>
        labels.map((row) => [`${panel} · ${row}`, ...labels.map((col) => fmt(c.cells.find((x) => x.panel === panel && x.row === row && x.col === col)!.value, 2))]),
      ),
    },
  };
}

export function weightFigure(m: ResultsModel): ResultsFigure | undefined {
  const w = m.weights;
  if (!w) return undefined;
  const v = w.view;
  const marks: Plot.Markish[] = [
    Plot.rectY(v.bins, { x1: 'x0', x2: 'x1', y: 'count', fill: '#0072b2', inset: 0.5 }),
    Plot.ruleY([0]),
    Plot.ruleX([1], { stroke: '#222', strokeDasharray: '2 2' }),
    Plot.text([`Kish ESS ${fmt(v.ess)} of ${v.n} · design effect ${fmt(v.designEffect)} · max/mean ${fmt(v.maxOverMean)}`], { frameAnchor: 'top-left', dx: 6, dy: 4, textAnchor: 'start' }),
  ];
  if (v.cap !== undefined) {
    marks.push(
      Plot.ruleX([v.cap], { stroke: '#b3261e', strokeWidth: 2 }),
      Plot.text([`trimming cap ${fmt(v.cap)}× mean (${v.atCap} at cap)`], { x: v.cap, frameAnchor: 'top', dy: 20, textAnchor: 'end', dx: -4, fill: '#b3261e' }),
    );
  }
  const from = w.from === 'run' ? 'this run’s importance weights' : 'the IS-only comparison’s importance weights';
  return {
    id: 'weights',
    title: 'Importance weights',
    description: `Distribution of ${from} as multiples of the mean weight (log scale; dashed line: the mean); Kish ESS ${fmt(v.ess)} of ${v.n}${v.cap !== undefined ? `, ${v.atCap} weights at the trimming cap of ${fmt(v.cap)}× the mean` : ''}.`,
    legend: [
      { label: 'Personas per weight bin', color: '#0072b2' },
      ...(v.cap !== undefined ? [{ label: 'Trimming cap', color: '#b3261e' }] : []),
    ],
    plot: (document) =>
      Plot.plot({
        document,
        figure: false,
        width: 700,
        height: 260,
        x: { type: 'log', label: 'weight ÷ mean weight' },
        y: { label: 'personas', grid: true },
        marks,
      }) as SVGSVGElement,
    table: {
      caption: `Weight bins (${from}); Kish ESS ${fmt(v.ess)}, design effect ${fmt(v.designEffect)}, max/mean ${fmt(v.maxOverMean)}${v.cap !== undefined ? `, cap ${fmt(v.cap)}× mean with ${v.atCap} at it` : ''}${v.zeros ? `, ${v.zeros} zero weights` : ''}`,
      columns: ['Weight ÷ mean, from–to', 'Personas'],
      rows: v.bins.map((b) => [`${fmt(b.x0)}–${fmt(b.x1)}`, String(b.count)]),
    },
  };
}

export function pcaFigure(m: ResultsModel): ResultsFigure {
  const p = m.pca;
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  const order = ['pool', 'reference', 'selected'] as const;
  return {
    id: 'pca',
    title: 'PCA projection',
    description: `Pool, reference and this run's selection on the reference's first two principal components (z-scored traits): PC1 explains ${pct(p.pca.explained[0])}, PC2 ${pct(p.pca.explained[1])} of the reference's variance.`,
    legend: order.map((s) => ({ label: SET_LABELS[s], color: SET_COLORS[s], shape: 'dot' as const })),
    plot: (document) =>
      Plot.plot({
        document,
        figure: false,
        width: 640,
        height: 480,
        x: { label: `PC1 (${pct(p.pca.explained[0])})`, grid: true },
        y: { label: `PC2 (${pct(p.pca.explained[1])})`, grid: true },
        color: { domain: [...order], range: order.map((s) => SET_COLORS[s]) },
        marks: order.map((set) =>
          Plot.dot(
            p.points.filter((d) => d.set === set),
            { x: 'pc1', y: 'pc2', fill: 'set', r: set === 'selected' ? 2.6 : 1.6, fillOpacity: set === 'pool' ? 0.45 : 0.7 },
          ),
        ),
      }) as SVGSVGElement,
    table: {
      caption: `Per set: points in the set and drawn, mean and SD on each principal component. Loadings PC1: ${TRAITS.map((t, k) => `${TRAIT_LABELS[t]} ${fmt(p.pca.components[0][k], 2)}`).join(', ')}; PC2: ${TRAITS.map((t, k) => `${TRAIT_LABELS[t]} ${fmt(p.pca.components[1][k], 2)}`).join(', ')}`,
      columns: ['Set', 'n', 'Drawn', 'Mean PC1', 'Mean PC2', 'SD PC1', 'SD PC2'],
      rows: p.summary.map((s) => [SET_LABELS[s.set], String(s.n), String(s.drawn), fmt(s.mean[0]), fmt(s.mean[1]), fmt(s.sd[0]), fmt(s.sd[1])]),
    },
  };
}

/** Every figure the model supports, in display order. */
export function resultsFigures(m: ResultsModel): ResultsFigure[] {
  return [densityFigure(m), correlationFigure(m), weightFigure(m), pcaFigure(m)].filter((f): f is ResultsFigure => f !== undefined);
}
