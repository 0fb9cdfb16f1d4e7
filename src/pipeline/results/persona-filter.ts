/**
 * The persona browser's rows and filters, pure (Node-tested): one row per pool persona of a run
 * with its trait scores (as the run aligned them), selection status, quality score and groups, and
 * a filter by full text, trait ranges, quality, group (meta region / ageBand) and selection.
 */
import type { PersonaRecord } from '../../contracts/persona';
import type { StoredRunResult } from '../../contracts/run';
import { TRAITS, type Trait, type TraitVector } from '../../core/traits';

export interface BrowserRow {
  /** Pool row index. */
  index: number;
  id: string;
  record: PersonaRecord | undefined;
  traits: TraitVector;
  selected: boolean;
  /** Mean of the quality rubric scores (1–5); undefined when not judged. */
  quality: number | undefined;
  region: string | undefined;
  ageBand: string | undefined;
  /** Lower-cased id, narrative and meta values: what the full-text search looks in. */
  haystack: string;
}

export type SelectionFilter = 'all' | 'selected' | 'not-selected';

export interface PersonaFilter {
  /** Whitespace-separated words; every word must occur (case-insensitive). */
  query?: string;
  /** Inclusive [min, max] per trait on the 1–5 scale. */
  traits?: Partial<Record<Trait, [number, number]>>;
  /** Minimum mean quality score; personas without one are dropped when set. */
  minQuality?: number;
  region?: string;
  ageBand?: string;
  selection?: SelectionFilter;
}

export function qualityScore(r: PersonaRecord | undefined): number | undefined {
  const s = r?.quality ? Object.values(r.quality.scores) : [];
  return s.length ? s.reduce((a, b) => a + b, 0) / s.length : undefined;
}

export function browserRows(result: StoredRunResult): BrowserRow[] {
  const sel = new Uint8Array(result.pool.n);
  for (const i of result.selected) sel[i] = 1;
  const out: BrowserRow[] = [];
  for (let i = 0; i < result.pool.n; i++) {
    const record = result.records?.[i];
    const traits = Object.fromEntries(TRAITS.map((t, k) => [t, result.pool.points[i * 5 + k]!])) as TraitVector;
    const id = result.poolIds[i] ?? record?.id ?? `row ${i + 1}`;
    const meta = record?.meta ?? {};
    out.push({
      index: i,
      id,
      record,
      traits,
      selected: sel[i] === 1,
      quality: qualityScore(record),
      region: meta['region'],
      ageBand: meta['ageBand'],
      haystack: [id, record?.text ?? '', ...Object.values(meta)].join('\n').toLowerCase(),
    });
  }
  return out;
}

export function filterRows(rows: readonly BrowserRow[], f: PersonaFilter): BrowserRow[] {
  const words = (f.query ?? '').toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  const ranges = Object.entries(f.traits ?? {}) as Array<[Trait, [number, number]]>;
  return rows.filter((r) => {
    if (f.selection === 'selected' && !r.selected) return false;
    if (f.selection === 'not-selected' && r.selected) return false;
    if (f.region !== undefined && r.region !== f.region) return false;
    if (f.ageBand !== undefined && r.ageBand !== f.ageBand) return false;
    if (f.minQuality !== undefined && !(r.quality !== undefined && r.quality >= f.minQuality)) return false;
    for (const [t, [lo, hi]] of ranges) if (r.traits[t] < lo || r.traits[t] > hi) return false;
    for (const w of words) if (!r.haystack.includes(w)) return false;
    return true;
  });
}

/** Distinct values of a meta key over the rows, sorted, for the group filters. */
export function groupValues(rows: readonly BrowserRow[], key: 'region' | 'ageBand'): string[] {
  const s = new Set<string>();
  for (const r of rows) {
    const v = r[key];
    if (v !== undefined && v !== '') s.add(v);
  }
  return [...s].sort();
}
