import type { AuthorFilter, AuthorSortKey, AuthorSummary } from '../contracts/corpus-store';
import { compareAuthors, selectAuthors } from '../core/corpus-filter';
import { dateSpanDays } from '../core/format';

/**
 * The author table's sorting and column model. Filtering and the store's sort keys reuse
 * src/core/corpus-filter (the same functions the store and the mining stage use), so what the
 * table shows is what mining will get; 'span' (days between first and last post) is table-only.
 */

export type TableSortKey = AuthorSortKey | 'span';

export interface TableSort {
  key: TableSortKey;
  desc: boolean;
}

export interface AuthorColumn {
  key: TableSortKey;
  label: string;
  numeric: boolean;
}

export function authorColumns(metaKeys: readonly string[]): AuthorColumn[] {
  return [
    { key: 'key', label: 'Author', numeric: false },
    { key: 'posts', label: 'Posts', numeric: true },
    { key: 'words', label: 'Words', numeric: true },
    { key: 'dateMin', label: 'First post', numeric: false },
    { key: 'dateMax', label: 'Last post', numeric: false },
    { key: 'span', label: 'Days active', numeric: true },
    ...metaKeys.map((k): AuthorColumn => ({ key: `meta:${k}`, label: k, numeric: false })),
  ];
}

/** Clicking a header: the same column flips direction; a new one starts high-first for numbers. */
export function nextSort(current: TableSort, key: TableSortKey, numeric: boolean): TableSort {
  if (current.key === key) return { key, desc: !current.desc };
  return { key, desc: numeric };
}

/** Filters, then sorts a copy of `authors` for display. */
export function selectForTable(authors: readonly AuthorSummary[], filter: AuthorFilter, sort: TableSort): AuthorSummary[] {
  if (sort.key !== 'span') return selectAuthors(authors, { filter, sort: sort.key, desc: sort.desc });
  const out = selectAuthors(authors, { filter });
  const byKey = compareAuthors('key');
  const dir = sort.desc ? -1 : 1;
  const span = (a: AuthorSummary) => (a.dateMin && a.dateMax ? dateSpanDays(a.dateMin, a.dateMax) : null);
  return out.sort((a, b) => {
    const sa = span(a);
    const sb = span(b);
    if (sa === null || sb === null) {
      if (sa !== sb) return sa === null ? 1 : -1; // undated authors last in both directions
    } else if (sa !== sb) return (sa - sb) * dir;
    return byKey(a, b);
  });
}

/** Distinct values per metadata key (sorted, capped), for the filter form's choices. */
export function metaValues(
  authors: readonly AuthorSummary[],
  metaKeys: readonly string[],
  cap = 500,
): Record<string, { values: string[]; truncated: boolean }> {
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  const out: Record<string, { values: string[]; truncated: boolean }> = {};
  for (const key of metaKeys) {
    const seen = new Set<string>();
    for (const a of authors) {
      const v = a.meta[key];
      if (v !== undefined && v !== '') seen.add(v);
    }
    const values = [...seen].sort(collator.compare);
    out[key] = { values: values.slice(0, cap), truncated: values.length > cap };
  }
  return out;
}
