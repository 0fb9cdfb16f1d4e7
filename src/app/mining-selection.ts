import type { AuthorFilter, AuthorSummary } from '../contracts/corpus-store';
import type { CorpusStoreApi } from './services';

/**
 * Which corpus and which authors the mining stage will use: the Corpus stage writes it, later
 * stages read it with `readMiningSelection()`. Kept in localStorage (small, per origin, survives
 * reloads); the corpus itself stays in IndexedDB.
 */

export interface MiningSelection {
  corpusId: string;
  filter: AuthorFilter;
}

const ACTIVE_KEY = 'persona-align:active-corpus';
const FILTER_PREFIX = 'persona-align:author-filter:';

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function defaultStorage(): KeyValueStore | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled (e.g. some private modes): selection is then per session
  }
}

/** The corpus the user chose last, and its saved author filter; null when none is chosen. */
export function readMiningSelection(storage: KeyValueStore | undefined = defaultStorage()): MiningSelection | null {
  const corpusId = storage?.getItem(ACTIVE_KEY);
  if (!corpusId) return null;
  return { corpusId, filter: loadAuthorFilter(corpusId, storage) };
}

export function setActiveCorpus(corpusId: string | null, storage: KeyValueStore | undefined = defaultStorage()): void {
  if (!storage) return;
  if (corpusId) storage.setItem(ACTIVE_KEY, corpusId);
  else storage.removeItem(ACTIVE_KEY);
}

export function loadAuthorFilter(corpusId: string, storage: KeyValueStore | undefined = defaultStorage()): AuthorFilter {
  const raw = storage?.getItem(FILTER_PREFIX + corpusId);
  if (!raw) return {};
  try {
    return sanitizeFilter(JSON.parse(raw) as unknown);
  } catch {
    return {};
  }
}

export function saveAuthorFilter(
  corpusId: string,
  filter: AuthorFilter,
  storage: KeyValueStore | undefined = defaultStorage(),
): void {
  if (!storage) return;
  const clean = sanitizeFilter(filter);
  if (isEmptyFilter(clean)) storage.removeItem(FILTER_PREFIX + corpusId);
  else storage.setItem(FILTER_PREFIX + corpusId, JSON.stringify(clean));
}

/** Forgets everything saved for a deleted corpus. */
export function forgetCorpus(corpusId: string, storage: KeyValueStore | undefined = defaultStorage()): void {
  if (!storage) return;
  storage.removeItem(FILTER_PREFIX + corpusId);
  if (storage.getItem(ACTIVE_KEY) === corpusId) storage.removeItem(ACTIVE_KEY);
}

export function isEmptyFilter(f: AuthorFilter): boolean {
  return (
    f.minPosts === undefined &&
    f.minWords === undefined &&
    f.dateFrom === undefined &&
    f.dateTo === undefined &&
    (f.meta === undefined || Object.keys(f.meta).length === 0)
  );
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Keeps only well-formed fields (saved JSON may be stale or hand-edited): positive integers,
 * ISO dates, non-empty string lists. Returns a new object; the input is not changed.
 */
export function sanitizeFilter(input: unknown): AuthorFilter {
  if (typeof input !== 'object' || input === null) return {};
  const src = input as Record<string, unknown>;
  const out: AuthorFilter = {};
  const posInt = (v: unknown): number | undefined =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : undefined;
  const minPosts = posInt(src['minPosts']);
  if (minPosts !== undefined) out.minPosts = minPosts;
  const minWords = posInt(src['minWords']);
  if (minWords !== undefined) out.minWords = minWords;
  for (const k of ['dateFrom', 'dateTo'] as const) {
    const v = src[k];
    if (typeof v === 'string' && ISO_DATE.test(v)) out[k] = v;
  }
  const meta = src['meta'];
  if (typeof meta === 'object' && meta !== null) {
    const m: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(meta as Record<string, unknown>)) {
      if (!Array.isArray(values)) continue;
      const strings = values.filter((v): v is string => typeof v === 'string');
      if (strings.length > 0) m[key] = [...new Set(strings)];
    }
    if (Object.keys(m).length > 0) out.meta = m;
  }
  return out;
}

/**
 * The authors persona mining will use: the chosen corpus's authors that pass its saved filter,
 * in a stable order (author key). Null when no corpus is chosen.
 */
export async function readMiningAuthors(
  store: Pick<CorpusStoreApi, 'listAuthors'>,
  storage: KeyValueStore | undefined = defaultStorage(),
): Promise<{ selection: MiningSelection; authors: AuthorSummary[] } | null> {
  const selection = readMiningSelection(storage);
  if (!selection) return null;
  const authors = await store.listAuthors(selection.corpusId, { filter: selection.filter, sort: 'key' });
  return { selection, authors };
}
