/**
 * Pure views of an Align run for the UI and the downloads: the metrics table (before / random /
 * after / floor with relative error reductions), per-trait histograms of reference vs pool vs
 * selected, and the selected set as CSV. No DOM, so Node tests cover them.
 */
import Papa from 'papaparse';
import { formatCount } from '../core/format';
import type { Diagnostics, TraitDiagnostics } from '../core/align/diagnostics';
import { column } from '../core/align/diagnostics';
import { subsetCloud, type WeightedCloud } from '../core/cloud';
import { TRAITS, TRAIT_LABELS, type Trait } from '../core/traits';
import type { AlignDiagnostics, AlignRunResult } from './align-stage';
import type { LoadedPool } from './align-inputs';
import type { BackendReport } from './align-runner';

export interface MetricRow {
  id: string;
  group: 'trait' | 'joint';
  label: string;
  trait: Trait | undefined;
  pool: number;
  random: number;
  selected: number;
  floor: number | undefined;
  /** 1 − |selected| / |pool| (positive = better than the raw pool); undefined when the pool is exact. */
  reductionVsPool: number | undefined;
  reductionVsRandom: number | undefined;
}

const TRAIT_METRICS: ReadonlyArray<{ key: keyof TraitDiagnostics; label: string }> = [
  { key: 'meanError', label: 'mean error' },
  { key: 'sdError', label: 'SD error' },
  { key: 'w1', label: 'W1' },
  { key: 'ks', label: 'KS' },
];

const JOINT_METRICS: ReadonlyArray<{ key: 'energy' | 'slicedW1' | 'corrFrobenius'; label: string }> = [
  { key: 'energy', label: 'Energy distance' },
  { key: 'slicedW1', label: 'Sliced Wasserstein' },
  { key: 'corrFrobenius', label: 'Correlation error (Frobenius)' },
];

/** Relative error reduction 1 − |after| / |before|; undefined when `before` is 0. */
export function reduction(before: number, after: number): number | undefined {
  const b = Math.abs(before);
  return b > 0 ? 1 - Math.abs(after) / b : undefined;
}

/** Joint metrics first (the headline), then per trait. */
export function metricRows(d: AlignDiagnostics): MetricRow[] {
  const rows: MetricRow[] = [];
  const row = (id: string, group: MetricRow['group'], label: string, trait: Trait | undefined, get: (x: Diagnostics) => number): void => {
    const pool = get(d.pool);
    const random = get(d.random);
    const selected = get(d.selected);
    rows.push({
      id,
      group,
      label,
      trait,
      pool,
      random,
      selected,
      floor: d.floor ? get(d.floor) : undefined,
      reductionVsPool: reduction(pool, selected),
      reductionVsRandom: reduction(random, selected),
    });
  };
  for (const m of JOINT_METRICS) row(m.key, 'joint', m.label, undefined, (x) => x[m.key]);
  TRAITS.forEach((t, k) => {
    for (const m of TRAIT_METRICS) row(`${t}.${m.key}`, 'trait', `${TRAIT_LABELS[t]}: ${m.label}`, t, (x) => x.perTrait[k]![m.key]);
  });
  return rows;
}

export interface WeightRow {
  label: string;
  /** The raw pool's own weights. */
  pool: number;
  /** The pool marginal the method used (IS weights for is / is+ot; the pool's own otherwise). */
  method: number;
}

export function weightRows(r: AlignRunResult): WeightRow[] {
  const w = r.diagnostics.pool.weights;
  return [
    { label: 'Kish ESS', pool: w.ess, method: r.align.ess },
    { label: 'Design effect', pool: w.designEffect, method: r.align.designEffect },
    { label: 'Max / mean weight', pool: w.maxOverMean, method: r.align.maxOverMean },
  ];
}

export interface TraitHistogram {
  trait: Trait;
  label: string;
  /** Bin edges, bins + 1 values, on the traits' own scale. */
  edges: number[];
  /** Density (share per unit) per bin for each cloud; each integrates to 1. */
  reference: number[];
  pool: number[];
  selected: number[];
}

/** Per-trait weighted histograms on shared edges spanning all three clouds. */
export function traitHistograms(reference: WeightedCloud, pool: WeightedCloud, selected: ArrayLike<number>, bins = 20): TraitHistogram[] {
  const sel = subsetCloud(pool, selected);
  return TRAITS.map((trait, k) => {
    const cols = [column(reference, k), column(pool, k), column(sel, k)];
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of cols) for (const v of c) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    if (!(hi > lo)) hi = lo + 1;
    const width = (hi - lo) / bins;
    const edges = Array.from({ length: bins + 1 }, (_, b) => lo + b * width);
    const density = (x: Float64Array, w: Float64Array): number[] => {
      const out = new Array<number>(bins).fill(0);
      for (let i = 0; i < x.length; i++) {
        const b = Math.min(bins - 1, Math.floor((x[i]! - lo) / width));
        out[b] = out[b]! + w[i]!;
      }
      return out.map((m) => m / width);
    };
    return {
      trait,
      label: TRAIT_LABELS[trait],
      edges,
      reference: density(cols[0]!, reference.weights),
      pool: density(cols[1]!, pool.weights),
      selected: density(cols[2]!, sel.weights),
    };
  });
}

/**
 * The selected personas as CSV. A CSV pool: its own header and the selected rows as they were in
 * the file (as the CLI's --out writes them). Persona JSONL: pool row (1-based), id, the five traits,
 * the descriptive fields and the narrative.
 */
export function selectedCsv(pool: LoadedPool, selected: ArrayLike<number>): string {
  if (pool.csv) {
    const rows = Array.from(selected, (i) => pool.csv!.rows[i]!);
    return Papa.unparse({ fields: pool.csv.header, data: rows }, { newline: '\n' }) + '\n';
  }
  const metaKeys = ['name', 'gender', 'age', 'ageBand', 'occupation', 'city', 'country', 'region'];
  const header = ['row', 'id', ...TRAITS, ...(pool.records ? [...metaKeys, 'text'] : [])];
  const rows: string[][] = [];
  const d = pool.cloud.d;
  for (let k = 0; k < selected.length; k++) {
    const i = selected[k]!;
    const traits = TRAITS.map((_, t) => String(round4(pool.cloud.points[i * d + t]!)));
    const rec = pool.records?.[i];
    rows.push([String(i + 1), pool.ids[i] ?? '', ...traits, ...(rec ? [...metaKeys.map((m) => rec.meta[m] ?? ''), rec.text] : [])]);
  }
  return Papa.unparse({ fields: header, data: rows }, { newline: '\n' }) + '\n';
}

/** Float32 trait scores printed without float noise (3.7 rather than 3.700000047683716). */
function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** A metric value with 3 significant digits ("0.0173", "1.25", "412", "2,000"); "—" when absent. */
export function formatMetric(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1000 ? formatCount(v) : a >= 1e-3 ? Number(v.toPrecision(3)).toString() : v.toExponential(2);
  return s.replace(/^-/, '−'); // typographic minus for the sign only
}

/** A relative reduction as a signed percentage: 0.72 → "−72%" (error went down), −0.1 → "+10%". */
export function formatReduction(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '—';
  const pct = Math.round(r * 100);
  if (pct === 0) return '0%';
  if (pct < -999) return '+>999%'; // a near-zero baseline (e.g. an SD error of 0.002): the ratio says little
  return pct > 0 ? `−${pct}%` : `+${-pct}%`;
}

/**
 * One line saying what ran the pair kernels: "WebGPU — google swiftshader (software adapter)",
 * "CPU — no WebGPU adapter: …", "CPU — requested", or why no kernel was needed.
 */
export function backendText(b: BackendReport): string {
  const a = b.adapter;
  const adapter = a ? [a.vendor, a.architecture, a.device, a.description].filter((s) => s !== '').join(' ') || 'unnamed adapter' : 'adapter unknown';
  const soft = a?.software ? ' (software adapter: correct, not fast)' : '';
  const why = b.fallbacks.map((f) => (f.during === 'acquire' ? f.message : `${f.during}: ${f.message}`)).join('; ');
  switch (b.used) {
    case 'webgpu':
      return `WebGPU — ${adapter}${soft}`;
    case 'webgpu+cpu':
      return `WebGPU, then CPU — the GPU failed mid-run (${why || 'no reason given'})`;
    case 'cpu':
      return b.requested === 'cpu' ? 'CPU — requested' : `CPU — ${why || 'WebGPU was not used'}`;
    case 'none':
      return 'CPU — this method needs no pair kernel (matching runs on the CPU)';
    default:
      return b.used;
  }
}

/** What the diagnostics were measured against, in one sentence (the CLI's table says the same). */
export function evaluationNote(e: AlignDiagnostics['evaluation']): string {
  return e.holdout > 0
    ? `Measured against ${formatCount(e.heldOut)} held-out reference points (${Math.round(e.holdout * 100)}% of the reference, seed ${e.seed}); the method aligned against the other ${formatCount(e.match)}.`
    : `In-sample evaluation (held-out share 0): measured against the same ${formatCount(e.heldOut)} reference points the selection was matched to, so the numbers are optimistic.`;
}
