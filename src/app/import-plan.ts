import type { CorpusFormat } from '../contracts/corpus';

/**
 * Decides, from file names alone, which files may need a column mapping. The import worker
 * detects formats itself; the UI only needs to know whether to ask preview() before importing.
 */

// Zips too: preview() looks at their first corpus entry.
const GENERIC_EXT = /\.(csv|tsv|tab|jsonl|ndjson|json|zip)$/i;

/** Files whose format the worker will sniff: Blog-CSV needs no mapping, generic tables do. */
export function maybeGeneric(name: string): boolean {
  return GENERIC_EXT.test(name);
}

export const GENERIC_FORMATS: readonly CorpusFormat[] = ['csv', 'tsv', 'jsonl'];

export function needsMapping(format: CorpusFormat): boolean {
  return GENERIC_FORMATS.includes(format);
}
