/**
 * Which stored authors are eligible for persona mining, and in which order a table lists them.
 * Pure functions over AuthorSummary so Node tests cover them; src/storage/corpus-store.ts applies
 * them to what it reads from IndexedDB.
 */
import type { AuthorFilter, AuthorSortKey, AuthorSummary } from '../contracts/corpus-store';

/** True when the author passes every constraint in `filter` (an empty filter passes everyone). */
export function matchesFilter(author: AuthorSummary, filter: AuthorFilter): boolean {
  if (filter.minPosts !== undefined && author.posts < filter.minPosts) return false;
  if (filter.minWords !== undefined && author.words < filter.minWords) return false;
  if (filter.dateFrom !== undefined || filter.dateTo !== undefined) {
    // Overlap of [dateMin, dateMax] with [dateFrom, dateTo]; an author without any dated post
    // cannot be shown to overlap, so a date filter excludes them. ISO dates compare as strings.
    if (author.dateMin === null || author.dateMax === null) return false;
    if (filter.dateTo !== undefined && author.dateMin > filter.dateTo) return false;
    if (filter.dateFrom !== undefined && author.dateMax < filter.dateFrom) return false;
  }
  if (filter.meta) {
    for (const [key, accepted] of Object.entries(filter.meta)) {
      // An empty list means "no constraint on this key" (nothing ticked yet), not "match none".
      if (accepted.length === 0) continue;
      const value = author.meta[key];
      if (value === undefined || !accepted.includes(value)) return false;
    }
  }
  return true;
}

/** True when the filter constrains nothing. */
export function isEmptyFilter(filter: AuthorFilter): boolean {
  return (
    filter.minPosts === undefined &&
    filter.minWords === undefined &&
    filter.dateFrom === undefined &&
    filter.dateTo === undefined &&
    (filter.meta === undefined || Object.values(filter.meta).every((v) => v.length === 0))
  );
}

// Numeric-aware so that meta values such as age "9" < "23" < "100" and keys "2" < "10" sort as
// people expect; base sensitivity keeps case differences from splitting equal values.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

type SortValue = number | string | null;

function sortValue(a: AuthorSummary, sort: AuthorSortKey): SortValue {
  switch (sort) {
    case 'key':
      return a.key;
    case 'posts':
      return a.posts;
    case 'words':
      return a.words;
    case 'dateMin':
      return a.dateMin;
    case 'dateMax':
      return a.dateMax;
    default:
      return a.meta[sort.slice('meta:'.length)] ?? null;
  }
}

/**
 * Comparator for `Array.prototype.sort`. Missing values (no date, no such metadata) go last in
 * both directions; ties break on the author key ascending so the order is total and stable.
 */
export function compareAuthors(sort: AuthorSortKey, desc = false): (a: AuthorSummary, b: AuthorSummary) => number {
  const dir = desc ? -1 : 1;
  return (a, b) => {
    const va = sortValue(a, sort);
    const vb = sortValue(b, sort);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else {
      const c =
        typeof va === 'number' && typeof vb === 'number'
          ? va - vb
          : sort === 'key'
            ? compareKeys(String(va), String(vb))
            : collator.compare(String(va), String(vb));
      if (c !== 0) return c * dir;
    }
    return compareKeys(a.key, b.key);
  };
}

/** Total order on author keys: numeric-aware, then by code unit when the collator calls them equal. */
function compareKeys(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Filters then sorts a copy; the input array is left as it was. */
export function selectAuthors(
  authors: readonly AuthorSummary[],
  options: { filter?: AuthorFilter; sort?: AuthorSortKey; desc?: boolean } = {},
): AuthorSummary[] {
  const filter = options.filter;
  const out = filter && !isEmptyFilter(filter) ? authors.filter((a) => matchesFilter(a, filter)) : authors.slice();
  if (options.sort) out.sort(compareAuthors(options.sort, options.desc));
  return out;
}
