/** previewPersonaFile: the first rows, the fields found and a suggested preset and mapping, from the head of a file. */
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { AppError, isAppError } from '../errors';
import { detectFormat } from './detect';
import { fieldPaths, renderValue, type RawRecord } from './fields';
import { personaText } from './mapper';
import { mappingForFields, suggestPreset } from './presets';
import { asyncBufferOf, readHead, StrictDecoder, textParser } from './read';
import type { PersonaFileFormat, PersonaFilePreview, PersonaFileSource } from './types';

const PREVIEW_BYTES = 512 * 1024;
const PREVIEW_ROWS = 20;
const PREVIEW_CHARS = 1000;
/** JSON objects up to this size are read whole for the preview. */
const WHOLE_JSON_BYTES = 64 * 1024 * 1024;

/** Stops a parser once enough rows were seen (thrown and caught here, never escapes). */
class Enough extends Error {}

export async function previewPersonaFile(source: PersonaFileSource, format?: PersonaFileFormat): Promise<PersonaFilePreview> {
  const file = source.name;
  let head = await readHead(source, PREVIEW_BYTES);
  if (head.bytes.length === 0) throw new AppError('InputError', 'the file is empty.', { file });
  const kind = detectFormat(file, head.bytes, format);
  if (!kind) throw new AppError('InputError', 'not a persona file we can read: choose a .jsonl, .json, .csv, .tsv or .parquet file, or say which format it is.', { file });

  const records: RawRecord[] = [];
  if (kind === 'parquet') {
    try {
      const buf = asyncBufferOf(source);
      const metadata = await parquetMetadataAsync(buf);
      records.push(...((await parquetReadObjects({ file: buf, metadata, rowStart: 0, rowEnd: Math.min(PREVIEW_ROWS, Number(metadata.num_rows)) })) as RawRecord[]));
    } catch (e) {
      if (isAppError(e)) throw e;
      throw new AppError('FormatError', `not a readable Parquet file (${e instanceof Error ? e.message : String(e)}).`, { file });
    }
  } else {
    const parser = textParser(kind, file, (r) => {
      records.push(r);
      if (records.length >= PREVIEW_ROWS) throw new Enough();
    }, () => undefined);
    const decoder = new StrictDecoder(file);
    try {
      const text = decoder.push(head.bytes);
      if (head.complete) {
        parser.push(text + decoder.end());
        parser.end();
      } else {
        // Cut off: drop the last, possibly partial line (JSONL, CSV); a JSON list streams its complete elements.
        parser.push(kind === 'json' ? text : text.slice(0, text.lastIndexOf('\n') + 1));
      }
    } catch (e) {
      if (!(e instanceof Enough)) throw e;
    }
  }
  if (records.length === 0 && kind === 'json' && !head.complete && source.size <= WHOLE_JSON_BYTES) {
    // A JSON object (a map of records, a wrapper) is only understood whole: read all of a file this size.
    head = await readHead(source, source.size + 1);
    const parser = textParser('json', file, (r) => void (records.length < PREVIEW_ROWS && records.push(r)), () => undefined);
    const decoder = new StrictDecoder(file);
    parser.push(decoder.push(head.bytes) + decoder.end());
    parser.end();
  }
  if (records.length === 0) throw new AppError('InputError', 'no records in the first part of the file.', { file });

  const fields: string[] = [];
  for (const r of records) for (const f of fieldPaths(r)) if (!fields.includes(f)) fields.push(f);
  const clip = (s: string): string => (s.length > PREVIEW_CHARS ? s.slice(0, PREVIEW_CHARS) + '…' : s);
  const rows = records.map((r) => Object.fromEntries(fields.filter((f) => !fields.some((g) => g.startsWith(f + '.'))).map((f) => [f, clip(renderValue(valueAt(r, f)))])));
  const preset = suggestPreset(fields, records[0]);
  const mapping = mappingForFields(preset, fields);
  return { file, format: kind, fields, rows, suggested: { preset, mapping }, sampleText: personaText(records[0]!, mapping) };
}

function valueAt(r: RawRecord, path: string): unknown {
  if (path in r) return r[path];
  let v: unknown = r;
  for (const p of path.split('.')) v = v !== null && typeof v === 'object' ? (v as RawRecord)[p] : undefined;
  return v;
}
