/**
 * What the reference views show, derived from stored data; pure (no DOM) so Node tests pin it down.
 */
import { progressEtaMs, type Progress } from '../../contracts/progress';
import type { ReferenceInfo } from '../../contracts/reference-store';
import type { WeightedCloud } from '../../core/cloud';
import { formatBytes, formatCount, formatDuration, formatRate, percent } from '../../core/format';

export interface Histogram {
  /** bins + 1 edges, ascending. */
  edges: number[];
  /** Weighted share of the points per bin (sums to 1 over bins). */
  share: number[];
}

/**
 * Weighted histogram of column `t`. When every value lies on the app's 1–5 scale (the usual case)
 * the bins are 0.1 wide and centred on 1.0, 1.1, … 5.0 (41 bins): a 10-item trait mean can only take
 * those values, and wider bins would hold two or three of them unevenly and draw a false comb.
 * Otherwise `bins` equal bins over the column's own min–max, so a CSV on another scale still shows.
 */
export function histogram(cloud: WeightedCloud, t: number, bins = 20): Histogram {
  const { n, d, points, weights } = cloud;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = points[i * d + t]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo >= 1 && hi <= 5) {
    lo = 0.95;
    hi = 5.05;
    bins = 41;
  } else if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const share = new Array<number>(bins).fill(0);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = points[i * d + t]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    share[b]! += weights[i]!;
    total += weights[i]!;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * width), share: share.map((s) => (total > 0 ? s / total : 0)) };
}

/** Country counts, largest first, ties by code; with each one's share of the kept rows. */
export function countryRows(perCountry: Readonly<Record<string, number>> | null): { country: string; rows: number; share: number }[] {
  if (!perCountry) return [];
  const total = Object.values(perCountry).reduce((a, b) => a + b, 0);
  return Object.entries(perCountry)
    .map(([country, rows]) => ({ country, rows, share: total > 0 ? rows / total : 0 }))
    .sort((a, b) => b.rows - a.rows || a.country.localeCompare(b.country));
}

/** Labels for drop reasons (the importer's keys). */
export const DROP_REASON_LABELS: Record<string, string> = {
  ipc: 'IPC ≠ 1 (repeat submissions from one IP address)',
  country: 'Country not in the list',
  testTime: 'Test time below the minimum',
  missing: 'Missing answers (by the missing-answer policy)',
  truncated: 'Truncated last line',
};

/** Drop reasons to show: every non-zero one, and zeros only for filters that were switched on. */
export function dropRows(info: ReferenceInfo): { reason: string; label: string; rows: number }[] {
  const f = info.filters;
  const applied: Record<string, boolean> = {
    ipc: f.ipcOne === true,
    country: f.countries !== null && info.kind !== 'builtin',
    testTime: f.minTestTime !== null,
    missing: f.missing !== null,
    truncated: false,
  };
  return Object.entries(info.rows.dropped)
    .filter(([reason, rows]) => rows > 0 || applied[reason] === true)
    .map(([reason, rows]) => ({ reason, label: DROP_REASON_LABELS[reason] ?? reason, rows }));
}

/**
 * CSS class for a correlation cell: sign and strength in five steps, so the shading works under a
 * strict CSP (no style attributes) and the number is always printed too.
 */
export function corrClass(r: number): string {
  if (!Number.isFinite(r)) return 'r-na';
  const step = Math.min(4, Math.floor(Math.abs(r) * 5));
  return `${r < 0 ? 'r-neg' : 'r-pos'}-${step}`;
}

export function fmt(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

export function kindLabel(kind: ReferenceInfo['kind']): string {
  return kind === 'ffm' ? 'IPIP-FFM file' : kind === 'csv' ? 'Reference CSV' : 'Built-in sample';
}

export function formatDate(ms: number): string {
  // ISO-like and locale-independent, so tests and screenshots agree.
  const d = new Date(ms);
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export interface ReferenceProgressFigures {
  done: string;
  rows: string;
  kept: string;
  rate: string;
  eta: string;
  percent: number | undefined;
  valueText: string;
}

/** The reference import reports bytes (FFM, CSV) or points (builtin) as its unit, rows/kept in counts. */
export function referenceProgressFigures(p: Progress | undefined): ReferenceProgressFigures {
  if (!p) return { done: '—', rows: '—', kept: '—', rate: '—', eta: '—', percent: undefined, valueText: 'Starting' };
  const bytes = p.unit === 'bytes';
  const pct = percent(p.done, p.total);
  const done = bytes
    ? p.total === undefined
      ? formatBytes(p.done)
      : `${formatBytes(p.done)} of ${formatBytes(p.total)}`
    : `${formatCount(p.done)}${p.total === undefined ? '' : ` of ${formatCount(p.total)}`} ${p.unit ?? ''}`.trim();
  const c = p.counts ?? {};
  return {
    done,
    rows: c['rows'] === undefined ? '—' : formatCount(c['rows']),
    kept: c['kept'] === undefined ? '—' : formatCount(c['kept']),
    rate: bytes ? formatRate(p.done, p.elapsedMs) : '—',
    eta: formatDuration(progressEtaMs(p)),
    percent: pct,
    valueText: pct === undefined ? done : `${pct}%, ${done}`,
  };
}
