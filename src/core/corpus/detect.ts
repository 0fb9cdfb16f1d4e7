import type { ColumnMapping, CorpusFormat } from '../../contracts/corpus';
import { AppError } from '../errors';
import { isBlogCsvHeader } from './blog-csv';
import { parseBlogFileName } from './blog-xml';
import { baseName } from './parser';

export type SourceKind = CorpusFormat | 'zip';

/** File name endings a folder scan picks up; anything else in a folder is not a corpus file. */
export const CORPUS_EXTENSIONS = ['.xml', '.csv', '.tsv', '.tab', '.jsonl', '.ndjson', '.zip'] as const;

/** How many leading bytes detection looks at. */
export const HEAD_BYTES = 4096;

export function isZipMagic(head: Uint8Array): boolean {
  // Local file header, or the end-of-central-directory record of an empty archive.
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/** True for zip entries and folder members that are not data: macOS resource forks, dot files. */
export function isHiddenPath(path: string): boolean {
  return path.split(/[\\/]/).some((part) => part.startsWith('.') && part !== '.' && part !== '..') ||
    /(^|[\\/])__MACOSX([\\/]|$)/.test(path);
}

function firstLine(head: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(head).replace(/^\uFEFF/, '');
  const nl = text.search(/\r?\n/);
  return nl === -1 ? text : text.slice(0, nl);
}

/** Naive split of a header line: good enough to recognise the blog header, not to parse data. */
function headerCells(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * Format of a file from its name and first bytes, or undefined when it is not a corpus file we know.
 * `forced` (the user's choice) wins over detection, except that a zip is always opened as a zip.
 */
export function detectFormat(name: string, head: Uint8Array, forced?: CorpusFormat): SourceKind | undefined {
  if (isZipMagic(head)) return 'zip';
  if (forced) return forced;
  const lower = baseName(name).toLowerCase();
  const ext = lower.includes('.') ? lower.slice(lower.lastIndexOf('.')) : '';
  const line = firstLine(head);
  if (ext === '.xml') return 'blog-xml';
  if (ext === '.csv') return isBlogCsvHeader(headerCells(line, ',')) ? 'blog-csv' : 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.zip') return undefined; // named .zip but not a zip
  // No telling extension (e.g. .txt): look at the content.
  if (/^\s*<blog\s*>/i.test(line) || parseBlogFileName(name)) return 'blog-xml';
  if (/^\s*\{/.test(line)) return 'jsonl';
  if (isBlogCsvHeader(headerCells(line, ','))) return 'blog-csv';
  if (line.includes('\t')) return 'tsv';
  return undefined;
}

/** Generic formats can't be read without knowing which column is the author and which the text. */
export function requireMapping(kind: CorpusFormat, file: string, mapping: ColumnMapping | undefined): ColumnMapping | undefined {
  if (kind === 'blog-xml' || kind === 'blog-csv') return undefined;
  if (mapping) return mapping;
  throw new AppError(
    'InputError',
    `this looks like a generic ${kind.toUpperCase()} file, so a column mapping is needed: ` +
      'say which column holds the author and which the text (the date and metadata columns are optional).',
    { file },
  );
}
