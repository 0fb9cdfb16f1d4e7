/**
 * readPersonaRecords: a persona file → PersonaRecords, streamed in batches (an async generator, so
 * a consumer that awaits its writes between batches holds the read back). Text formats are read
 * chunk by chunk; Parquet row group by row group. The file's SHA-256 is computed on the way.
 *
 *   for await (const batch of readPersonaRecords(file, { mapping })) await store(batch.records);
 *
 * The generator's return value is the PersonaImportSummary; collectPersonaRecords gathers
 * everything for small files and tests.
 */
import { createSHA256, type IHasher } from 'hash-wasm';
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import type { PersonaRecord, PersonaSource } from '../../contracts/persona';
import { AppError, isAppError, throwIfAborted } from '../errors';
import { ChunkDecoder } from '../corpus/decode';
import type { TextParser } from '../corpus/parser';
import { detectFormat, isUtf16Bom } from './detect';
import { alternatives, type RawRecord } from './fields';
import { PersonaRowMapper } from './mapper';
import { JsonlRecords, JsonRecords, TableRecords, type IssueHandler, type RecordHandler } from './text-readers';
import type { PersonaBatch, PersonaFileFormat, PersonaFileSource, PersonaImportSummary, PersonaMapping, PersonaReadOptions, PersonaRowIssue } from './types';

const DEFAULT_BATCH = 1000;
const DEFAULT_ISSUES_LISTED = 1000;
/** How many leading bytes format detection looks at. */
export const HEAD_BYTES = 4096;

/** The record source of every persona read from `file`. */
export function importedSource(file: string, mapping: PersonaMapping, format: PersonaFileFormat, sha256?: string): PersonaSource {
  const kind = mapping.preset === 'generic' ? format : mapping.preset;
  return sha256 ? { kind: 'imported', file, format: kind, sha256 } : { kind: 'imported', file, format: kind };
}

/** A text parser for a format, handing records and row issues to the callbacks. */
export function textParser(format: Exclude<PersonaFileFormat, 'parquet'>, file: string, onRecord: RecordHandler, onIssue: IssueHandler): TextParser {
  switch (format) {
    case 'jsonl':
      return new JsonlRecords(file, onRecord, onIssue);
    case 'json':
      return new JsonRecords(file, onRecord, onIssue);
    case 'csv':
      return new TableRecords(',', file, onRecord, onIssue);
    case 'tsv':
      return new TableRecords('\t', file, onRecord, onIssue);
  }
}

/** UTF-8 text of byte chunks; anything else is an error naming the line (personas are not guessed in another encoding). */
export class StrictDecoder {
  private readonly decoder = new ChunkDecoder();
  private first = true;

  constructor(private readonly file: string) {}

  push(bytes: Uint8Array): string {
    if (this.first && bytes.length > 0) {
      this.first = false;
      if (isUtf16Bom(bytes)) throw new AppError('FormatError', 'the file is UTF-16 text; save it as UTF-8 and import it again.', { file: this.file, line: 1 });
    }
    return this.check(this.decoder.push(bytes));
  }

  end(): string {
    return this.check(this.decoder.end());
  }

  private check(text: string): string {
    const fb = this.decoder.fallback;
    if (fb) {
      throw new AppError('FormatError', `not valid UTF-8 at byte ${fb.byte} (a different encoding, or a truncated file); save the file as UTF-8 and import it again.`, { file: this.file, line: fb.line });
    }
    return text;
  }
}

/** Reads the first `limit` bytes of a source (or all of a shorter one). */
export async function readHead(source: PersonaFileSource, limit: number): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const reader = source.stream().getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  let complete = false;
  try {
    while (n < limit) {
      const { done, value } = await reader.read();
      if (done) {
        complete = true;
        break;
      }
      chunks.push(value);
      n += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const bytes = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, complete };
}

/** Random access to a source for hyparquet. */
export function asyncBufferOf(source: PersonaFileSource): AsyncBuffer {
  if (!source.slice) throw new AppError('InputError', 'reading Parquet needs random access to the file (a File or Blob).', { file: source.name });
  const slice = source.slice.bind(source);
  return { byteLength: source.size, slice: (start: number, end?: number) => slice(start, end ?? source.size) };
}

/** A PersonaFileSource for a Blob or File (browser, worker, or Node's openAsBlob). */
export function blobSource(blob: Blob, name: string): PersonaFileSource {
  return {
    name,
    size: blob.size,
    stream: () => blob.stream() as ReadableStream<Uint8Array>,
    slice: (start, end) => blob.slice(start, end).arrayBuffer(),
  };
}

export async function* readPersonaRecords(source: PersonaFileSource, options: PersonaReadOptions): AsyncGenerator<PersonaBatch, PersonaImportSummary> {
  const { mapping, signal } = options;
  const file = source.name;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  const maxListed = options.maxIssuesListed ?? DEFAULT_ISSUES_LISTED;
  throwIfAborted(signal);
  const head = await readHead(source, HEAD_BYTES);
  if (head.bytes.length === 0) throw new AppError('InputError', 'the file is empty.', { file });
  const format = detectFormat(file, head.bytes, options.format);
  if (!format) throw new AppError('InputError', 'not a persona file we can read: choose a .jsonl, .json, .csv, .tsv or .parquet file, or say which format it is.', { file });

  const mapper = new PersonaRowMapper(mapping, importedSource(file, mapping, format, options.sha256));
  const progress = { bytesRead: 0, totalBytes: source.size, rows: 0, records: 0, skipped: 0, withTraits: 0 };
  const listed: PersonaRowIssue[] = [];
  let issueCount = 0;
  let records: PersonaRecord[] = [];
  let issues: PersonaRowIssue[] = [];
  const addIssue = (i: PersonaRowIssue): void => {
    issues.push(i);
    issueCount++;
    if (i.outcome === 'skipped') progress.skipped++;
    if (listed.length < maxListed) listed.push(i);
  };
  const onRecord: RecordHandler = (rec, line) => {
    progress.rows++;
    const r = mapper.map(rec, file, line);
    for (const i of r.issues) addIssue(i);
    if (r.record) {
      progress.records++;
      if (r.record.traits) progress.withTraits++;
      records.push(r.record);
    }
  };
  const onIssue: IssueHandler = (line, reason) => {
    progress.rows++;
    addIssue({ file, line, reason, outcome: 'skipped' });
  };
  const take = (): PersonaBatch => {
    const b = { records, issues, progress: { ...progress } };
    records = [];
    issues = [];
    return b;
  };

  const hasher: IHasher = await createSHA256();
  hasher.init();
  if (format === 'parquet') {
    for await (const _ of parquetRows(source, mapping, onRecord, signal, (bytes) => (progress.bytesRead = bytes))) {
      while (records.length >= batchSize) yield takeSome(batchSize);
    }
    // Parquet is read by ranges, not streamed; hash it in one more pass.
    await hashSource(source, hasher, signal);
  } else {
    const parser = textParser(format, file, onRecord, onIssue);
    const decoder = new StrictDecoder(file);
    const reader = source.stream().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        throwIfAborted(signal);
        hasher.update(value);
        progress.bytesRead += value.length;
        const text = decoder.push(value);
        if (text.length > 0) parser.push(text);
        if (records.length >= batchSize) yield take();
      }
      const rest = decoder.end();
      if (rest.length > 0) parser.push(rest);
      parser.end();
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    } finally {
      reader.releaseLock();
    }
  }
  if (records.length > 0 || issues.length > 0) yield take();
  if (progress.records === 0) {
    const why = listed.slice(0, 3).map((i) => `line ${i.line}: ${i.reason}`).join('; ');
    throw new AppError('InputError', `no personas found${why ? ` (${why})` : ''}. Check the text field of the mapping (${mapping.text.map((p) => `"${p.field}"`).join(', ')}).`, { file });
  }
  return { ...progress, file, format, mapping, sha256: hasher.digest('hex'), issueCount, issues: listed };

  function takeSome(n: number): PersonaBatch {
    const b = { records: records.slice(0, n), issues, progress: { ...progress } };
    records = records.slice(n);
    issues = [];
    return b;
  }
}

/** Parquet rows, one row group at a time (only the columns the mapping reads). Yields after each group. */
async function* parquetRows(source: PersonaFileSource, mapping: PersonaMapping, onRecord: RecordHandler, signal: AbortSignal | undefined, onBytes: (n: number) => void): AsyncGenerator<void> {
  const file = asyncBufferOf(source);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    if (isAppError(e)) throw e;
    throw new AppError('FormatError', `not a readable Parquet file (${e instanceof Error ? e.message : String(e)}); it may be truncated.`, { file: source.name });
  }
  const top = new Set(metadata.schema.slice(1).map((s) => s.name));
  const wanted = new Set<string>();
  const specs = [...mapping.text.map((p) => p.field), ...(mapping.id ? [mapping.id] : []), ...Object.values(mapping.meta), ...(mapping.metaObject ? [mapping.metaObject] : []), ...Object.values(mapping.traits?.fields ?? {})];
  for (const s of specs) {
    for (const alt of alternatives(s!)) {
      // A column may itself be named with dots ("meta.region"); otherwise a dotted path starts at its first segment.
      const col = top.has(alt) ? alt : alt.split('.')[0]!;
      if (top.has(col)) wanted.add(col);
    }
  }
  const columns = [...wanted].filter((c) => top.has(c));
  let rowStart = 0;
  let bytes = 0;
  for (const group of metadata.row_groups) {
    throwIfAborted(signal);
    const n = Number(group.num_rows);
    let rows: RawRecord[];
    try {
      rows = (await parquetReadObjects({ file, metadata, rowStart, rowEnd: rowStart + n, ...(columns.length ? { columns } : {}) })) as RawRecord[];
    } catch (e) {
      if (isAppError(e)) throw e;
      const why = e instanceof Error ? e.message : String(e);
      const hint = /unsupported compression codec/.test(why) ? ' Save the file again with Snappy compression (pandas: to_parquet(..., compression="snappy")) or as JSONL.' : '';
      throw new AppError('FormatError', `cannot read rows ${rowStart + 1}–${rowStart + n} (${why}).${hint}`, { file: source.name, line: rowStart + 1 });
    }
    rows.forEach((r, i) => onRecord(r, rowStart + i + 1));
    rowStart += n;
    bytes += group.columns.reduce((s, c) => s + Number(c.meta_data?.total_compressed_size ?? 0), 0);
    onBytes(Math.min(source.size, bytes));
    yield;
  }
  onBytes(source.size);
}

/** Every record, issue and the summary of a file at once (small files, tests, the CLI). */
export async function collectPersonaRecords(source: PersonaFileSource, options: PersonaReadOptions): Promise<{ records: PersonaRecord[]; issues: PersonaRowIssue[]; summary: PersonaImportSummary }> {
  const records: PersonaRecord[] = [];
  const issues: PersonaRowIssue[] = [];
  const it = readPersonaRecords(source, options);
  for (;;) {
    const r = await it.next();
    if (r.done) return { records, issues, summary: r.value };
    records.push(...r.value.records);
    issues.push(...r.value.issues);
  }
}

/** Feeds every byte of `source` to `hasher` (a second pass, for files not read as a stream). */
export async function hashSource(source: PersonaFileSource, hasher: IHasher, signal?: AbortSignal): Promise<void> {
  const reader = source.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      throwIfAborted(signal);
      hasher.update(value);
    }
  } finally {
    reader.releaseLock();
  }
}
