/**
 * Pure formatting helpers for the UI: byte sizes, durations, rates, counts, date spans and a
 * summary of WebGPU adapter limits. No DOM, so Node unit tests cover them.
 */

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/** Human byte size in decimal units (what file managers and `navigator.storage` users expect). */
export function formatBytes(bytes: number, fractionDigits = 1): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // 999.96 KB would print as "1000.0 KB"; roll over to the next unit instead.
  if (Number(value.toFixed(fractionDigits)) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(fractionDigits)} ${BYTE_UNITS[unit]}`;
}

/** Binary size for GPU limits, which are powers of two (e.g. "128 MiB", "16 KiB"). */
export function formatBinaryBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** Integer with thousands separators, locale-independent so tests and screenshots agree. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Duration such as "45 s", "3 min 20 s", "2 h 05 min"; "—" when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Transfer rate in MB/s from bytes and elapsed milliseconds. */
export function formatRate(bytes: number, elapsedMs: number): string {
  if (!(elapsedMs > 0) || !(bytes > 0)) return '—';
  const mbPerS = bytes / 1e6 / (elapsedMs / 1000);
  return `${mbPerS >= 10 ? mbPerS.toFixed(0) : mbPerS.toFixed(1)} MB/s`;
}

/** Whole-number percentage in [0, 100], or undefined when the total is unknown. */
export function percent(done: number, total: number | undefined): number | undefined {
  if (total === undefined || !(total > 0)) return undefined;
  return Math.min(100, Math.max(0, Math.round((done / total) * 100)));
}

/** "2004-01-07 – 2006-08-12", a single date, or "—". */
export function formatDateSpan(min: string | null, max: string | null): string {
  if (min && max) return min === max ? min : `${min} – ${max}`;
  return min ?? max ?? '—';
}

/** Days between two ISO dates (inclusive of neither end), or 0 when one is missing. */
export function dateSpanDays(min: string | null, max: string | null): number {
  if (!min || !max) return 0;
  const a = Date.parse(min);
  const b = Date.parse(max);
  if (Number.isNaN(a) || Number.isNaN(b)) return 0;
  return Math.max(0, Math.round((b - a) / 86_400_000));
}

/** The adapter limits this app cares about, in the order the capability panel lists them. */
export const KEY_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
] as const;

export type KeyLimit = (typeof KEY_LIMITS)[number];

/** WebGPU's guaranteed minimums: what many laptop adapters report and what we must fit inside. */
export const DEFAULT_LIMITS: Record<KeyLimit, number> = {
  maxStorageBufferBindingSize: 134_217_728,
  maxBufferSize: 268_435_456,
  maxComputeWorkgroupStorageSize: 16_384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupsPerDimension: 65_535,
};

const BYTE_LIMITS = new Set<KeyLimit>(['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize']);

export interface LimitRow {
  name: KeyLimit;
  value: number;
  /** Human value: binary bytes for sizes, a count otherwise. */
  display: string;
  /** True when the adapter offers more than the WebGPU default. */
  aboveDefault: boolean;
}

/** Picks the key limits out of an adapter's limits object (GPUSupportedLimits or a plain record). */
export function summariseLimits(limits: Partial<Record<string, number>>): LimitRow[] {
  const rows: LimitRow[] = [];
  for (const name of KEY_LIMITS) {
    const value = limits[name];
    if (typeof value !== 'number') continue;
    rows.push({
      name,
      value,
      display: BYTE_LIMITS.has(name) ? formatBinaryBytes(value) : formatCount(value),
      aboveDefault: value > DEFAULT_LIMITS[name],
    });
  }
  return rows;
}

/** Share of quota used, as "12.3 MB of 1.2 GB (1%)". */
export function formatUsage(usage: number | undefined, quota: number | undefined): string {
  if (usage === undefined || quota === undefined) return 'unknown';
  const p = quota > 0 ? (usage / quota) * 100 : 0;
  const pText = p > 0 && p < 1 ? '<1' : String(Math.round(p));
  return `${formatBytes(usage)} of ${formatBytes(quota)} (${pText}%)`;
}
