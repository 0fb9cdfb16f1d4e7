import { Unzip, UnzipInflate } from 'fflate';
import type { AuthorRecord, ColumnMapping, CorpusFormat, CorpusSink, CorpusSource, PostRecord } from '../../contracts/corpus';
import type { SourcePreview } from '../../contracts/corpus-store';
import { AppError } from '../errors';
import { BLOG_CSV_COLUMNS } from './blog-csv';
import { BlogXmlParser, parseBlogFileName } from './blog-xml';
import { ReadContext } from './context';
import { CsvRowReader } from './csv-rows';
import { ChunkDecoder } from './decode';
import { detectFormat, isHiddenPath } from './detect';
import { baseName } from './parser';

const PREVIEW_BYTES = 256 * 1024;
const PREVIEW_ROWS = 20;
const PREVIEW_CHARS = 1000;

const AUTHOR_NAMES = ['author', 'user', 'username', 'user_name', 'screen_name', 'user.screen_name', 'user.name', 'author_id', 'user_id', 'userid', 'id', 'name'];
const TEXT_NAMES = ['text', 'body', 'content', 'post', 'message', 'full_text', 'selftext', 'tweet', 'comment'];
const DATE_NAMES = ['date', 'created_at', 'created_utc', 'timestamp', 'time', 'datetime', 'created', 'published'];
const META_NAMES = ['age', 'gender', 'sex', 'country', 'location', 'industry', 'topic', 'sign', 'occupation', 'subreddit', 'language', 'lang'];

/** A mapping guessed from column names (case-insensitive), or undefined without author and text. */
export function suggestMapping(columns: string[]): ColumnMapping | undefined {
  const find = (names: string[]): string | undefined => {
    for (const n of names) {
      const hit = columns.find((c) => c.trim().toLowerCase() === n);
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  const author = find(AUTHOR_NAMES);
  const text = find(TEXT_NAMES);
  if (author === undefined || text === undefined || author === text) return undefined;
  const date = find(DATE_NAMES);
  const meta = columns.filter((c) => META_NAMES.includes(c.trim().toLowerCase()) && c !== author && c !== text && c !== date);
  return date === undefined ? { author, text, meta } : { author, text, date, meta };
}

/** Reads up to `limit` bytes of a stream, then cancels it. */
async function readHead(source: CorpusSource, limit: number, onChunk?: (b: Uint8Array) => boolean): Promise<Uint8Array[]> {
  const reader = source.stream().getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
      if (onChunk && onChunk(value)) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return chunks;
}

interface Sample {
  name: string;
  chunks: Uint8Array[];
  complete: boolean;
}

/** The first entry of a zip that is a corpus file, up to PREVIEW_BYTES of it. */
async function firstZipEntry(source: CorpusSource): Promise<Sample | undefined> {
  let sample: Sample | undefined;
  let size = 0;
  const unzip = new Unzip((f) => {
    if (sample || f.name.endsWith('/') || isHiddenPath(f.name)) return;
    const current: Sample = { name: `${source.name}/${f.name}`, chunks: [], complete: false };
    let accepted: boolean | undefined;
    f.ondata = (err, data, final) => {
      if (err || sample !== undefined && sample !== current) return;
      if (accepted === undefined) {
        accepted = detectFormat(current.name, data) !== undefined && detectFormat(current.name, data) !== 'zip';
        if (accepted) sample = current;
      }
      if (!accepted) return;
      current.chunks.push(data);
      size += data.length;
      if (final) current.complete = true;
    };
    try {
      f.start();
    } catch {
      // unsupported compression: look at the next entry
    }
  });
  unzip.register(UnzipInflate);
  await readHead(source, Number.POSITIVE_INFINITY, (chunk) => {
    unzip.push(chunk, false);
    return sample !== undefined && (sample.complete || size >= PREVIEW_BYTES);
  });
  return sample;
}

function collectingContext(onPost: (p: PostRecord, meta: Record<string, string>) => void): ReadContext {
  const metas = new Map<string, Record<string, string>>();
  const sink: CorpusSink = {
    author: (a: AuthorRecord) => void metas.set(a.key, a.meta),
    post: (p) => onPost(p, metas.get(p.author) ?? {}),
    skip: () => undefined,
  };
  return new ReadContext(sink);
}

/**
 * Columns, the first rows and a suggested mapping of one file (or the first corpus file of a zip),
 * for the import dialog. Reads at most a few hundred KB.
 */
export async function previewSource(source: CorpusSource, format?: CorpusFormat): Promise<SourcePreview> {
  const headChunks = await readHead(source, PREVIEW_BYTES);
  let sample: Sample = { name: source.name, chunks: headChunks, complete: headChunks.reduce((s, c) => s + c.length, 0) < PREVIEW_BYTES };
  let kind = detectFormat(source.name, headChunks[0] ?? new Uint8Array(0), format);
  if (kind === 'zip') {
    const entry = await firstZipEntry(source);
    if (!entry) throw new AppError('InputError', 'this zip holds no corpus file (blog .xml, .csv, .tsv or .jsonl).', { file: source.name });
    sample = entry;
    kind = detectFormat(entry.name, entry.chunks[0] ?? new Uint8Array(0), format);
  }
  if (kind === undefined || kind === 'zip') {
    throw new AppError('InputError', 'not a corpus file we can read: choose blog .xml or .csv files, a .csv/.tsv/.jsonl file, or a zip of them.', { file: sample.name });
  }
  const decoder = new ChunkDecoder();
  let text = sample.chunks.map((c) => decoder.push(c)).join('');
  if (sample.complete) text += decoder.end();

  const columns: string[] = [];
  const rows: Record<string, string>[] = [];
  const clip = (s: string): string => (s.length > PREVIEW_CHARS ? s.slice(0, PREVIEW_CHARS) + '…' : s);

  if (kind === 'blog-xml') {
    columns.push('id', 'gender', 'age', 'industry', 'sign', 'date', 'text');
    const parsed = parseBlogFileName(sample.name);
    const key = parsed?.id ?? baseName(sample.name).replace(/\.[^.]*$/, '');
    const ctx = collectingContext((p, meta) => {
      if (rows.length < PREVIEW_ROWS) rows.push({ id: p.author, ...meta, date: p.date ?? '', text: clip(p.text) });
    });
    const parser = new BlogXmlParser(ctx, sample.name, key, parsed ? { gender: parsed.gender, age: parsed.age, industry: parsed.industry, sign: parsed.sign } : {});
    parser.push(text);
    if (sample.complete) parser.end();
    return { format: kind, columns, rows, suggested: { author: 'id', text: 'text', date: 'date', meta: ['gender', 'age', 'industry', 'sign'] } };
  }

  if (kind === 'jsonl') {
    const lines = text.split('\n');
    if (!sample.complete) lines.pop(); // possibly cut off
    for (const line of lines) {
      if (rows.length >= PREVIEW_ROWS) break;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const row = flatten(value as Record<string, unknown>);
      for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
      rows.push(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, clip(v)])));
    }
    return withSuggestion({ format: kind, columns, rows });
  }

  const table: string[][] = [];
  const reader = new CsvRowReader(kind === 'tsv' ? '\t' : ',', (f) => {
    if (table.length <= PREVIEW_ROWS) table.push(f);
  }, sample.name);
  reader.push(text);
  if (sample.complete) reader.end();
  const header = (table.shift() ?? []).map((c) => c.trim());
  columns.push(...header);
  for (const f of table) rows.push(Object.fromEntries(header.map((c, i) => [c, clip(f[i] ?? '')])));
  if (kind === 'blog-csv') {
    return { format: kind, columns, rows, suggested: { author: 'id', text: 'text', date: 'date', meta: BLOG_CSV_COLUMNS.filter((c) => c !== 'id' && c !== 'date' && c !== 'text') } };
  }
  return withSuggestion({ format: kind, columns, rows });
}

function withSuggestion(p: SourcePreview): SourcePreview {
  const suggested = suggestMapping(p.columns);
  return suggested ? { ...p, suggested } : p;
}

/** Strings, numbers and booleans of an object, nested objects one level deep as `a.b`. */
function flatten(obj: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) {
        if (typeof v2 === 'string' || typeof v2 === 'number' || typeof v2 === 'boolean') out[`${k}.${k2}`] = String(v2);
      }
    }
  }
  return out;
}
