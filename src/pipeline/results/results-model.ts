/**
 * Everything the Results view draws for one stored run, from run-data (and the IS / IS + OT
 * comparison once computed): density series, correlation matrices, the weight distribution and
 * the PCA projection. Pure, so Node tests cover it and the figures only map it onto Plot marks.
 */
import { systematicSample } from '../../core/align/plan';
import { cloudMoments } from '../../core/align/stats';
import type { WeightedCloud } from '../../core/cloud';
import { correlationView, type CorrelationView } from './correlation';
import type { Comparison } from './comparisons';
import { traitDensities, type DensitySeries, type TraitDensities } from './density';
import { fitPca, project2d, type Pca } from './pca';
import { selectionCloud, type RunData } from './run-data';
import { weightView, type WeightView } from './weights-view';

/** Legend order and names of the density series. */
export const SERIES_LABELS: Record<string, string> = {
  reference: 'Reference',
  pool: 'Raw pool',
  random: 'Random subset',
  is: 'IS only',
  'is+ot': 'IS + OT',
  selected: 'This run’s selection',
};

/** At most this many points per set in the scatter (seeded PPS subsample above it). */
export const PCA_MAX_POINTS = 2000;

export interface SeriesSummary {
  key: string;
  label: string;
  n: number;
  mean: Float64Array;
  sd: Float64Array;
}

export interface PcaPoint {
  set: 'pool' | 'reference' | 'selected';
  pc1: number;
  pc2: number;
}

export interface PcaView {
  pca: Pca;
  points: PcaPoint[];
  /** Per set: points drawn and in the set; mean and SD on each PC. */
  summary: Array<{ set: PcaPoint['set']; drawn: number; n: number; mean: [number, number]; sd: [number, number] }>;
}

export interface WeightSource {
  /** Whose weights: the run's own IS weights, or the IS-only comparison's. */
  from: 'run' | 'comparison';
  view: WeightView;
  /** Weights that hit the cap, as the method reported. */
  trimmed: number | undefined;
}

export interface ResultsModel {
  series: DensitySeries[];
  summaries: SeriesSummary[];
  densities: TraitDensities[];
  correlation: CorrelationView;
  weights: WeightSource | undefined;
  pca: PcaView;
}

export function densitySeries(data: RunData, comparison?: Comparison): DensitySeries[] {
  const s = (key: string, cloud: WeightedCloud): DensitySeries => ({ key, label: SERIES_LABELS[key]!, cloud });
  const out = [s('reference', data.reference), s('pool', data.pool), s('random', selectionCloud(data, data.randomIndices))];
  if (comparison) out.push(s('is', selectionCloud(data, comparison.is.selected)), s('is+ot', selectionCloud(data, comparison.isOt.selected)));
  out.push(s('selected', selectionCloud(data)));
  return out;
}

export function pcaView(data: RunData, seed: number): PcaView {
  const pca = fitPca(data.reference);
  const sets: Array<[PcaPoint['set'], WeightedCloud, ArrayLike<number> | undefined]> = [
    ['pool', data.pool, undefined],
    ['reference', data.reference, undefined],
    ['selected', data.pool, data.selected],
  ];
  const points: PcaPoint[] = [];
  const summary: PcaView['summary'] = [];
  for (const [set, cloud, rows] of sets) {
    const all = rows ?? Array.from({ length: cloud.n }, (_, i) => i);
    const n = all.length;
    const xy = project2d(pca, cloud, all);
    const m: [number, number] = [0, 0];
    for (const [a, b] of xy) (m[0] += a / n), (m[1] += b / n);
    const v: [number, number] = [0, 0];
    for (const [a, b] of xy) (v[0] += (a - m[0]) ** 2 / n), (v[1] += (b - m[1]) ** 2 / n);
    const drawn = n > PCA_MAX_POINTS ? Array.from(systematicSample(new Float64Array(n).fill(1 / n), PCA_MAX_POINTS, seed)) : null;
    for (const i of drawn ?? xy.keys()) points.push({ set, pc1: xy[i]![0], pc2: xy[i]![1] });
    summary.push({ set, drawn: drawn?.length ?? n, n, mean: m, sd: [Math.sqrt(v[0]), Math.sqrt(v[1])] });
  }
  return { pca, points, summary };
}

export function weightSource(data: RunData, comparison?: Comparison): WeightSource | undefined {
  const own = data.result.importanceWeights;
  if (own) return { from: 'run', view: weightView(own, data.trimMultiple), trimmed: undefined };
  if (comparison) return { from: 'comparison', view: weightView(comparison.is.weights, data.trimMultiple), trimmed: comparison.is.trimmed };
  return undefined;
}

export function resultsModel(data: RunData, comparison?: Comparison): ResultsModel {
  const series = densitySeries(data, comparison);
  return {
    series,
    summaries: series.map((s) => ({ key: s.key, label: s.label, n: s.cloud.n, ...cloudMoments(s.cloud) })),
    densities: traitDensities(series),
    correlation: correlationView(data.reference, selectionCloud(data)),
    weights: weightSource(data, comparison),
    pca: pcaView(data, data.seed),
  };
}
