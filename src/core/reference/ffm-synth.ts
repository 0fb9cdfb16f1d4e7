/**
 * Seeded synthetic files in the exact IPIP-FFM `data-final.csv` layout, for tests, the benchmark
 * and demos. The answers come from a five-factor model (loading 0.7 × item keying on the item's
 * trait), so scoring, α and the factor structure behave like real data; the numbers are NOT real
 * norms and must never be shown as such.
 */
import { IPIP50_ITEMS, ITEM_KEYING, ITEM_TRAIT_INDEX, N_ITEMS } from '../psychometrics/ipip50';
import { Rng } from '../rng';

/** The real header order: 50 items, 50 response times, then the metadata columns. */
export const FFM_HEADER: readonly string[] = [
  ...IPIP50_ITEMS.map((i) => i.code),
  ...IPIP50_ITEMS.map((i) => `${i.code}_E`),
  'dateload', 'screenw', 'screenh', 'introelapse', 'testelapse', 'endelapse', 'IPC', 'country', 'lat_appx_lots_of_err', 'long_appx_lots_of_err',
];

export interface SynthFfmOptions {
  seed?: number;
  /** Share of single answers written as 0 (missing). */
  missingRate?: number;
  /** Share of rows whose answers are all NULL (the real file has a few). */
  nullRowRate?: number;
  /** Share of rows with IPC > 1. */
  ipcOtherRate?: number;
  /** Country codes drawn uniformly (include "NONE" for unknown). */
  countries?: readonly string[];
  /** Per-country mean shift of the five latent traits (TRAITS order), in SD units. */
  countryShift?: Record<string, readonly number[]>;
  lineEnding?: '\n' | '\r\n';
}

const DEFAULT_COUNTRIES = ['US', 'GB', 'CA', 'AU', 'DE', 'JP', 'KR', 'CN', 'IN', 'PH', 'BR', 'FR', 'NONE'];

/** One data row (without line ending). */
function row(rng: Rng, o: Required<Omit<SynthFfmOptions, 'countryShift'>> & { countryShift: Record<string, readonly number[]> }): string {
  const country = o.countries[rng.int(o.countries.length)]!;
  const parts: string[] = new Array<string>(FFM_HEADER.length);
  const nullRow = rng.next() < o.nullRowRate;
  const shift = o.countryShift[country];
  const f = [0, 1, 2, 3, 4].map((t) => rng.normal() + (shift?.[t] ?? 0));
  for (let j = 0; j < N_ITEMS; j++) {
    if (nullRow) {
      parts[j] = 'NULL';
      continue;
    }
    if (rng.next() < o.missingRate) {
      parts[j] = '0';
      continue;
    }
    const z = 0.7 * ITEM_KEYING[j]! * f[ITEM_TRAIT_INDEX[j]!]! + 0.71 * rng.normal();
    parts[j] = String(Math.min(5, Math.max(1, Math.round(3 + 1.2 * z))));
  }
  for (let j = 0; j < N_ITEMS; j++) parts[N_ITEMS + j] = nullRow ? 'NULL' : String(800 + rng.int(12000));
  let k = 2 * N_ITEMS;
  parts[k++] = `2016-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')} 0${rng.int(10)}:${String(rng.int(60)).padStart(2, '0')}:${String(rng.int(60)).padStart(2, '0')}`;
  parts[k++] = String([768, 1366, 1920, 375][rng.int(4)]);
  parts[k++] = String([1024, 768, 1080, 667][rng.int(4)]);
  parts[k++] = String(1 + rng.int(60));
  parts[k++] = String(40 + rng.int(600));
  parts[k++] = String(1 + rng.int(30));
  parts[k++] = String(rng.next() < o.ipcOtherRate ? 2 + rng.int(20) : 1);
  parts[k++] = country;
  parts[k++] = (rng.next() * 180 - 90).toFixed(4);
  parts[k++] = (rng.next() * 360 - 180).toFixed(4);
  return parts.join('\t');
}

/** Yields the header and n rows as text lines (with line endings). */
export function* synthFfmLines(n: number, options: SynthFfmOptions = {}): Generator<string> {
  const o = {
    seed: options.seed ?? 1,
    missingRate: options.missingRate ?? 0.002,
    nullRowRate: options.nullRowRate ?? 0.001,
    ipcOtherRate: options.ipcOtherRate ?? 0.3,
    countries: options.countries ?? DEFAULT_COUNTRIES,
    countryShift: options.countryShift ?? {},
    lineEnding: options.lineEnding ?? '\n',
  };
  const rng = new Rng(o.seed);
  yield FFM_HEADER.join('\t') + o.lineEnding;
  for (let i = 0; i < n; i++) yield row(rng, o) + o.lineEnding;
}

/** The whole synthetic file as one string (small n only). */
export function synthFfmText(n: number, options: SynthFfmOptions = {}): string {
  let s = '';
  for (const line of synthFfmLines(n, options)) s += line;
  return s;
}
