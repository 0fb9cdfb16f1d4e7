/**
 * Export back to the set's own format: the original file's records, untouched, with the alignment
 * result added as two fields, so the user's own tools (TinyTroupe, OASIS, pandas on Nemotron's
 * Parquet) read the aligned set as they read the original:
 *
 *   persona_align_selected  true when the persona is in the selected set
 *   persona_align_weight    its weight in the selected set (0 when not selected)
 *
 * Each record is matched to its persona by the id the import gave it (the same mapping gives the
 * same ids, generated ones included). Records the import skipped (empty text, duplicates) stay in
 * the file with selected false unless `only: 'selected'`. CSV cells that start like a formula
 * (= + - @) get papaparse's guard (a leading apostrophe), as in every CSV this app writes.
 */
import Papa from 'papaparse';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { PersonaSource } from '../../contracts/persona';
import { AppError, throwIfAborted } from '../errors';
import type { RawRecord } from './fields';
import { PersonaRowMapper } from './mapper';
import { hashSource, readHead, StrictDecoder, textParser, HEAD_BYTES } from './read';
import { detectFormat } from './detect';
import type { PersonaFileFormat, PersonaFileSource, PersonaMapping } from './types';
import { asyncBufferOf } from './read';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { createSHA256 } from 'hash-wasm';

export const SELECTED_FIELD = 'persona_align_selected';
export const WEIGHT_FIELD = 'persona_align_weight';

export interface ExportBackOptions {
  mapping: PersonaMapping;
  format?: PersonaFileFormat;
  /** Persona id → weight of the selected personas (ids as the import gave them). */
  selection: ReadonlyMap<string, number>;
  /** 'all' (default) keeps every record of the file; 'selected' only the selected ones. */
  only?: 'all' | 'selected';
  /** SHA-256 the set was imported with: a different file is refused (ids would not match). */
  expectSha256?: string;
  signal?: AbortSignal;
}

export interface ExportBackResult {
  /** The file in its own format. */
  bytes: Uint8Array;
  format: PersonaFileFormat;
  /** Suggested name: the original's with ".aligned" before the extension. */
  name: string;
  records: number;
  selected: number;
}

/** The original file's name with ".aligned" before its extension (".agent.json" kept whole). */
export function alignedName(name: string): string {
  const base = name.replace(/^.*[\\/]/, '');
  const dot = base.endsWith('.agent.json') ? base.length - '.agent.json'.length : base.lastIndexOf('.');
  return dot > 0 ? `${base.slice(0, dot)}.aligned${base.slice(dot)}` : `${base}.aligned`;
}

/** The records of a file in order with their line, read with the import's own readers. */
async function rawRecords(source: PersonaFileSource, format: PersonaFileFormat, signal?: AbortSignal): Promise<{ rec: RawRecord; line: number; topObject: boolean }[]> {
  const out: { rec: RawRecord; line: number; topObject: boolean }[] = [];
  if (format === 'parquet') {
    const file = asyncBufferOf(source);
    const metadata = await parquetMetadataAsync(file);
    const rows = (await parquetReadObjects({ file, metadata })) as RawRecord[];
    rows.forEach((rec, i) => out.push({ rec, line: i + 1, topObject: false }));
    return out;
  }
  const parser = textParser(format, source.name, (rec, line) => out.push({ rec, line, topObject: false }), () => undefined);
  const decoder = new StrictDecoder(source.name);
  const reader = source.stream().getReader();
  let first = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      throwIfAborted(signal);
      const text = decoder.push(value);
      if (first.length < 64) first += text.slice(0, 64);
      if (text) parser.push(text);
    }
    const rest = decoder.end();
    if (rest) parser.push(rest);
    parser.end();
  } finally {
    reader.releaseLock();
  }
  // A JSON file that is one object (a TinyTroupe spec) is written back as one object.
  if (format === 'json' && first.trimStart().startsWith('{') && out.length === 1 && !('_key' in out[0]!.rec)) out[0]!.topObject = true;
  return out;
}

export async function exportBack(source: PersonaFileSource, options: ExportBackOptions): Promise<ExportBackResult> {
  const head = await readHead(source, HEAD_BYTES);
  const format = detectFormat(source.name, head.bytes, options.format);
  if (!format) throw new AppError('InputError', 'not a persona file we can read back.', { file: source.name });
  const src: PersonaSource = { kind: 'imported', file: source.name, format };
  const mapper = new PersonaRowMapper(options.mapping, src);
  if (options.expectSha256 !== undefined) {
    const actual = await sha256Of(source, options.signal);
    if (actual !== options.expectSha256) {
      throw new AppError('InputError', `this is not the file the set was imported from (SHA-256 ${actual.slice(0, 12)}…, the set's ${options.expectSha256.slice(0, 12)}…); choose the original file.`, { file: source.name });
    }
  }
  const rows = await rawRecords(source, format, options.signal);
  const kept: { rec: RawRecord; selected: boolean; weight: number; topObject: boolean }[] = [];
  let selected = 0;
  for (const r of rows) {
    const id = mapper.map(r.rec, source.name, r.line).record?.id;
    const w = id !== undefined ? options.selection.get(id) : undefined;
    const isSel = w !== undefined;
    if (isSel) selected++;
    if (options.only === 'selected' && !isSel) continue;
    kept.push({ rec: r.rec, selected: isSel, weight: w ?? 0, topObject: r.topObject });
  }
  const withResult = (k: (typeof kept)[number]): RawRecord => {
    const rec = { ...k.rec, [SELECTED_FIELD]: k.selected, [WEIGHT_FIELD]: k.weight };
    // A map of records ({"key": {...}}) got its key as `_key` on import; it goes back to being the key.
    delete (rec as { _key?: unknown })._key;
    return rec;
  };
  const enc = new TextEncoder();
  let bytes: Uint8Array;
  switch (format) {
    case 'jsonl':
      bytes = enc.encode(kept.map((k) => JSON.stringify(withResult(k), jsonSafe)).join('\n') + (kept.length ? '\n' : ''));
      break;
    case 'json': {
      const keyed = kept.length > 0 && kept.every((k) => '_key' in k.rec);
      const value = kept.length === 1 && kept[0]!.topObject ? withResult(kept[0]!)
        : keyed ? Object.fromEntries(kept.map((k) => [String(k.rec['_key']), withResult(k)]))
        : kept.map(withResult);
      bytes = enc.encode(JSON.stringify(value, jsonSafe, 2) + '\n');
      break;
    }
    case 'csv':
    case 'tsv': {
      const fields = columnsOf(rows.map((r) => r.rec));
      const all = [...fields, SELECTED_FIELD, WEIGHT_FIELD];
      const data = kept.map((k) => { const r = withResult(k); return all.map((f) => cell(r[f])); });
      bytes = enc.encode(Papa.unparse({ fields: all, data }, { newline: '\n', delimiter: format === 'tsv' ? '\t' : ',', escapeFormulae: true }) + '\n');
      break;
    }
    case 'parquet':
      bytes = parquetOf(kept.map(withResult), columnsOf(rows.map((r) => r.rec)));
      break;
  }
  return { bytes, format, name: alignedName(source.name), records: kept.length, selected };
}

async function sha256Of(source: PersonaFileSource, signal?: AbortSignal): Promise<string> {
  const h = await createSHA256();
  h.init();
  await hashSource(source, h, signal);
  return h.digest('hex');
}

function columnsOf(recs: RawRecord[]): string[] {
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const r of recs) for (const k of Object.keys(r)) if (!seen.has(k) && k !== '_key') { seen.add(k); cols.push(k); }
  return cols;
}

function cell(v: unknown): string | number | boolean {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v, jsonSafe);
}

/** BigInt (Parquet INT64) as a number when exact, else as a string. */
function jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return v;
}

/** Columns typed from their values: strings, 64-bit integers, doubles, booleans; anything else as JSON text. */
function parquetOf(recs: RawRecord[], original: string[]): Uint8Array {
  const names = [...original, SELECTED_FIELD, WEIGHT_FIELD];
  const columnData = names.map((name) => {
    const vals = recs.map((r) => r[name]);
    const present = vals.filter((v) => v !== undefined && v !== null);
    if (name === SELECTED_FIELD) return { name, data: vals as boolean[], type: 'BOOLEAN' as const };
    if (name === WEIGHT_FIELD) return { name, data: vals as number[], type: 'DOUBLE' as const };
    if (present.every((v) => typeof v === 'bigint')) return { name, data: vals.map((v) => (v ?? null) as bigint | null), type: 'INT64' as const, nullable: true };
    if (present.every((v) => typeof v === 'number')) return { name, data: vals.map((v) => (v ?? null) as number | null), type: 'DOUBLE' as const, nullable: true };
    if (present.every((v) => typeof v === 'boolean')) return { name, data: vals.map((v) => (v ?? null) as boolean | null), type: 'BOOLEAN' as const, nullable: true };
    if (present.every((v) => typeof v === 'string')) return { name, data: vals.map((v) => (v ?? null) as string | null), type: 'STRING' as const, nullable: true };
    return { name, data: vals.map((v) => (v === undefined || v === null ? null : JSON.stringify(v, jsonSafe))), type: 'STRING' as const, nullable: true };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}
