/**
 * Export from the stored personas alone, in the layout their mapping describes, for when the
 * original file is not at hand (exportBack, which keeps every original field, needs it). The
 * mapping is inverted: each text part's field gets its paragraph back (labelled paragraphs are
 * split on their labels), the id and meta fields their values, trait fields the scores on the
 * file's own scale; nested paths (`persona.occupation.title`) become nested objects. Lossy where
 * the import was: lists rendered as "a; b" come back as that text, unmapped fields are gone.
 */
import Papa from 'papaparse';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { PersonaRecord } from '../../contracts/persona';
import { AppError } from '../errors';
import { TRAITS } from '../traits';
import { alternatives, type RawRecord } from './fields';
import { SELECTED_FIELD, WEIGHT_FIELD } from './export-back';
import type { PersonaFileFormat, PersonaMapping, TraitMapping } from './types';

/** The text's parts back from "Label: value" paragraphs, by label, in the mapping's order. */
export function splitPersonaText(text: string, mapping: Pick<PersonaMapping, 'text'>): Map<string, string> {
  const out = new Map<string, string>();
  const parts = mapping.text.map((p) => ({ field: alternatives(p.field)[0]!, label: p.label ?? alternatives(p.field)[0]! }));
  if (parts.length === 1) {
    out.set(parts[0]!.field, text);
    return out;
  }
  // Where each labelled paragraph starts; a label only counts at the start or after a blank line.
  const starts: { at: number; body: number; field: string }[] = [];
  for (const p of parts) {
    const head = `${p.label}: `;
    let at = text.startsWith(head) ? 0 : text.indexOf(`\n\n${head}`);
    if (at > 0) at += 2;
    if (at >= 0) starts.push({ at, body: at + head.length, field: p.field });
  }
  starts.sort((a, b) => a.at - b.at);
  starts.forEach((s, i) => out.set(s.field, text.slice(s.body, i + 1 < starts.length ? starts[i + 1]!.at - 2 : text.length)));
  return out;
}

/** A 1–5 score back on the file's scale. */
export function denormaliseTrait(v: number, m: Pick<TraitMapping, 'scale' | 'zMean' | 'zSd'>): number {
  switch (m.scale) {
    case '1-5': return v;
    case '0-1': return (v - 1) / 4;
    case '0-100': return ((v - 1) / 4) * 100;
    case 'z': return (v - (m.zMean ?? 3)) / (m.zSd ?? 0.7);
  }
}

function setPath(rec: RawRecord, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = rec;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    if (o[k] === null || typeof o[k] !== 'object' || Array.isArray(o[k])) o[k] = {};
    o = o[k] as RawRecord;
  }
  o[parts[parts.length - 1]!] = value;
}

/** One record in the mapping's layout, with the selection fields. */
export function recordInLayout(r: PersonaRecord, mapping: PersonaMapping, weight: number | undefined): RawRecord {
  const rec: RawRecord = {};
  if (mapping.preset === 'tinytroupe') rec['type'] = 'TinyPerson';
  if (mapping.id !== undefined) setPath(rec, alternatives(mapping.id)[0]!, r.id);
  for (const [field, value] of splitPersonaText(r.text, mapping)) setPath(rec, field, value);
  const objField = mapping.metaObject !== undefined ? alternatives(mapping.metaObject)[0]! : undefined;
  const metaFields = new Set<string>();
  for (const [k, spec] of Object.entries(mapping.meta)) {
    const path = alternatives(spec)[0]!;
    // Keys that live inside the meta object go there, with the rest.
    if (r.meta[k] === undefined || (objField !== undefined && path.startsWith(objField + '.'))) continue;
    setPath(rec, path, r.meta[k]);
    metaFields.add(k);
  }
  if (objField !== undefined) {
    const rest = Object.fromEntries(Object.entries(r.meta).filter(([k]) => !metaFields.has(k)));
    setPath(rec, objField, objField.endsWith('_json') ? JSON.stringify(rest) : rest);
  }
  const t = mapping.traits;
  if (t && r.traits) for (const trait of TRAITS) setPath(rec, alternatives(t.fields[trait]!)[0]!, denormaliseTrait(r.traits[trait], t));
  rec[SELECTED_FIELD] = weight !== undefined;
  rec[WEIGHT_FIELD] = weight ?? 0;
  return rec;
}

/**
 * Personas as a file of `format` in their mapping's layout. `selection` (id → weight) marks the
 * selected ones; with `only: 'selected'` the others are left out.
 */
export function exportRecordsAs(
  records: readonly PersonaRecord[],
  mapping: PersonaMapping,
  format: PersonaFileFormat,
  selection: ReadonlyMap<string, number>,
  only: 'all' | 'selected' = 'all',
): Uint8Array {
  const rows = records.filter((r) => only === 'all' || selection.has(r.id)).map((r) => recordInLayout(r, mapping, selection.get(r.id)));
  const enc = new TextEncoder();
  switch (format) {
    case 'jsonl':
      return enc.encode(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
    case 'json':
      return enc.encode(JSON.stringify(rows, null, 2) + '\n');
    case 'csv':
    case 'tsv': {
      const flat = rows.map((r) => flatten(r));
      const fields = [...new Set(flat.flatMap((r) => Object.keys(r)))];
      const data = flat.map((r) => fields.map((f) => r[f] ?? ''));
      return enc.encode(Papa.unparse({ fields, data }, { newline: '\n', delimiter: format === 'tsv' ? '\t' : ',', escapeFormulae: true }) + '\n');
    }
    case 'parquet': {
      if (rows.length === 0) throw new AppError('InputError', 'No personas to export.');
      const flat = rows.map((r) => flatten(r));
      const fields = [...new Set(flat.flatMap((r) => Object.keys(r)))];
      const columnData = fields.map((name) => {
        const vals = flat.map((r) => r[name]);
        if (vals.every((v) => typeof v === 'boolean')) return { name, data: vals as boolean[], type: 'BOOLEAN' as const };
        if (vals.every((v) => v === undefined || typeof v === 'number')) return { name, data: vals.map((v) => (v ?? null) as number | null), type: 'DOUBLE' as const, nullable: true };
        return { name, data: vals.map((v) => (v === undefined ? null : String(v))), type: 'STRING' as const, nullable: true };
      });
      return new Uint8Array(parquetWriteBuffer({ columnData }));
    }
  }
}

/** Nested objects as dotted columns (the same paths the import reads), for the tabular formats. */
function flatten(rec: RawRecord, prefix = '', out: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  for (const [k, v] of Object.entries(rec)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as RawRecord, `${prefix}${k}.`, out);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[prefix + k] = v;
  }
  return out;
}
