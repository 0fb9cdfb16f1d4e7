/** Which syntax a persona file has, from its name and first bytes. */
import { baseName } from '../corpus/parser';
import { PERSONA_FILE_FORMATS, type PersonaFileFormat } from './types';

/** File name endings the import offers (a folder scan or the file picker's accept list). */
export const PERSONA_EXTENSIONS = ['.jsonl', '.ndjson', '.json', '.csv', '.tsv', '.tab', '.parquet'] as const;

export function isParquetMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31; // "PAR1"
}

/** True when the bytes start with a UTF-16 byte-order mark (a common "Unicode" export from Excel). */
export function isUtf16Bom(head: Uint8Array): boolean {
  return head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
}

export function isPersonaFileFormat(s: string): s is PersonaFileFormat {
  return (PERSONA_FILE_FORMATS as readonly string[]).includes(s);
}

/**
 * The format of a file, or undefined when neither its name nor its content says. `forced` (the
 * user's choice) wins, except that a Parquet file is always read as Parquet.
 */
export function detectFormat(name: string, head: Uint8Array, forced?: PersonaFileFormat): PersonaFileFormat | undefined {
  if (isParquetMagic(head)) return 'parquet';
  if (forced) return forced;
  const lower = baseName(name).toLowerCase();
  const ext = lower.includes('.') ? lower.slice(lower.lastIndexOf('.')) : '';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.parquet') return 'parquet';
  const text = new TextDecoder('utf-8').decode(head).replace(/^\uFEFF/, '');
  const first = text.trimStart();
  if (ext === '.json') return first.startsWith('{') && looksLikeJsonl(first) ? 'jsonl' : 'json';
  if (first.startsWith('[')) return 'json';
  if (first.startsWith('{')) return looksLikeJsonl(first) ? 'jsonl' : 'json';
  const line = first.split('\n', 1)[0] ?? '';
  if (line.includes('\t')) return 'tsv';
  if (line.includes(',')) return 'csv';
  return undefined;
}

/** A first line that is a whole JSON object followed by another line starting with '{'. */
function looksLikeJsonl(text: string): boolean {
  const nl = text.indexOf('\n');
  if (nl === -1) return false;
  try {
    JSON.parse(text.slice(0, nl));
  } catch {
    return false;
  }
  return text.slice(nl + 1).trimStart().startsWith('{') || text.slice(nl + 1).trim() === '';
}
