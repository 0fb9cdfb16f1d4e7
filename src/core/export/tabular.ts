/**
 * The research formats of a final set: JSONL (one object per persona, nothing lost) and CSV (flat
 * columns for R, pandas or a spreadsheet).
 *
 * CSV formula-injection guard: a text cell starting with = + - @ (or a tab / carriage return) gets
 * a leading apostrophe (papaparse's `escapeFormulae`), so a spreadsheet shows it as text instead of
 * evaluating it (OWASP "CSV Injection"). Numbers are written as numbers and never guarded (a
 * negative number is data). Quoting is papaparse's (multi-line narratives stay one field).
 */
import Papa from 'papaparse';
import { TRAITS } from '../traits';
import type { FinalSet, FinalSetRow } from './final-set';

export function finalSetJsonl(set: FinalSet): string {
  return set.rows.map((r) => JSON.stringify(jsonRecord(r)) + '\n').join('');
}

/** One persona as the JSONL export writes it (also the object the other formats start from). */
export function jsonRecord(r: FinalSetRow): Record<string, unknown> {
  return {
    id: r.id,
    text: r.text,
    meta: r.meta,
    traits: r.traits,
    percentiles: mapNumbers(r.percentiles),
    weight: r.weight,
    importanceWeight: r.importanceWeight,
    group: r.group,
    provenance: r.provenance,
    ...(r.record?.source ? { source: r.record.source } : {}),
    ...(r.record?.quality ? { quality: r.record.quality } : {}),
    ...(r.record?.answers ? { answers: r.record.answers } : {}),
  };
}

export const CSV_COLUMNS = [
  'id',
  'text',
  ...TRAITS,
  ...TRAITS.map((t) => `${t}_percentile`),
  'weight',
  'importance_weight',
  'group',
  'source_kind',
  'source_id',
  'run_id',
  'pool_sha256',
  'selected_sha256',
  'meta_json',
] as const;

export function finalSetCsv(set: FinalSet): string {
  const rows = set.rows.map((r) => [
    r.id,
    r.text,
    ...TRAITS.map((t) => r.traits[t]),
    ...TRAITS.map((t) => (Number.isFinite(r.percentiles[t]) ? round(r.percentiles[t], 2) : '')),
    r.weight,
    r.importanceWeight ?? '',
    r.group,
    r.provenance.sourceKind,
    r.provenance.sourceId,
    r.provenance.runId,
    r.provenance.poolSha256,
    r.provenance.selectedSha256,
    JSON.stringify(r.meta),
  ]);
  return csvText([...CSV_COLUMNS], rows);
}

/** papaparse's unparse with its formula guard on (`escapeFormulae`: = + - @ tab CR → leading apostrophe, quoted). */
export function csvText(fields: string[], rows: unknown[][]): string {
  return Papa.unparse({ fields, data: rows }, { newline: '\n', escapeFormulae: true }) + '\n';
}

function mapNumbers<T extends Record<string, number>>(o: T): Record<keyof T, number | null> {
  const out = {} as Record<keyof T, number | null>;
  for (const k of Object.keys(o) as (keyof T)[]) out[k] = Number.isFinite(o[k]) ? o[k] : null;
  return out;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
