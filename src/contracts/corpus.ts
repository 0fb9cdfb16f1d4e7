/**
 * Records that flow from the corpus parsers (src/core/corpus) to whoever stores or counts them
 * (the import worker writes IndexedDB; `npm run corpus` only counts). Parsers know nothing of storage.
 */

export type CorpusFormat = 'blog-xml' | 'blog-csv' | 'csv' | 'tsv' | 'jsonl';

/** Which columns (CSV/TSV) or keys (JSONL) hold what, for generic files. */
export interface ColumnMapping {
  author: string;
  text: string;
  date?: string;
  /** Extra columns kept as author metadata (e.g. age, gender, country). */
  meta: string[];
}

/** One file (or zip entry) to read, the same shape in Node and the browser (File/Blob fit it). */
export interface CorpusSource {
  name: string;
  size: number;
  stream(): ReadableStream<Uint8Array>;
}

export interface AuthorRecord {
  /** Unique within one import: the blogger id, or the mapped author column's value. */
  key: string;
  meta: Record<string, string>;
}

export interface PostRecord {
  author: string;
  /** ISO date (YYYY-MM-DD) when the source had a parseable one, else null. */
  date: string | null;
  text: string;
  /** Where it came from, for messages and provenance. */
  file: string;
  line: number;
}

export interface SkippedItem {
  file: string;
  line: number;
  reason: string;
}

/** Receives parsed records in source order. Called synchronously by the parser. */
export interface CorpusSink {
  author(a: AuthorRecord): void;
  post(p: PostRecord): void;
  skip(s: SkippedItem): void;
}

/** Per-format tallies and overall totals of one read. */
export interface CorpusSummary {
  files: number;
  bytes: number;
  authors: number;
  posts: number;
  words: number;
  dateMin: string | null;
  dateMax: string | null;
  byFormat: Partial<Record<CorpusFormat, { files: number; authors: number; posts: number; words: number }>>;
  skipped: SkippedItem[];
  /** Count of skipped items, which may exceed skipped.length when the list was capped. */
  skippedCount: number;
  /** Posts kept without a date (no date given, or one we could not read, e.g. a month in German). */
  undatedPosts?: number;
}

export interface CorpusReadOptions {
  /** Force a format instead of detecting it from name and content. */
  format?: CorpusFormat;
  /** Required for generic csv/tsv/jsonl. */
  mapping?: ColumnMapping;
  /** Keep at most this many skipped items in the summary list (the count stays exact). */
  maxSkippedListed?: number;
}
