import { describe, expect, it } from 'vitest';
import type { AuthorSortKey, AuthorFilter } from '../../../src/contracts/corpus-store';
import {
  forgetCorpus,
  readMiningAuthors,
  loadAuthorFilter,
  readMiningSelection,
  sanitizeFilter,
  saveAuthorFilter,
  setActiveCorpus,
} from '../../../src/app/mining-selection';

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    size: () => m.size,
  };
}

describe('mining selection', () => {
  it('is null until a corpus is chosen, then carries its saved filter', () => {
    const s = memoryStorage();
    expect(readMiningSelection(s)).toBeNull();
    setActiveCorpus('c1', s);
    expect(readMiningSelection(s)).toEqual({ corpusId: 'c1', filter: {} });
    saveAuthorFilter('c1', { minPosts: 5, meta: { gender: ['female'] } }, s);
    expect(readMiningSelection(s)).toEqual({ corpusId: 'c1', filter: { minPosts: 5, meta: { gender: ['female'] } } });
  });
  it('keeps filters per corpus and forgets a deleted one', () => {
    const s = memoryStorage();
    saveAuthorFilter('a', { minWords: 100 }, s);
    saveAuthorFilter('b', { minPosts: 2 }, s);
    setActiveCorpus('a', s);
    forgetCorpus('a', s);
    expect(readMiningSelection(s)).toBeNull();
    expect(loadAuthorFilter('a', s)).toEqual({});
    expect(loadAuthorFilter('b', s)).toEqual({ minPosts: 2 });
  });
  it('removes the entry when the filter becomes empty', () => {
    const s = memoryStorage();
    saveAuthorFilter('a', { minWords: 100 }, s);
    saveAuthorFilter('a', {}, s);
    expect(s.size()).toBe(0);
  });
  it('survives corrupt saved JSON', () => {
    const s = memoryStorage();
    s.setItem('persona-align:author-filter:a', '{not json');
    expect(loadAuthorFilter('a', s)).toEqual({});
  });
  it('works without storage', () => {
    expect(readMiningSelection(undefined)).toBeNull();
    expect(() => saveAuthorFilter('a', { minPosts: 1 }, undefined)).not.toThrow();
  });
});

describe('sanitizeFilter', () => {
  it('keeps well-formed fields only and does not mutate its input', () => {
    const input = {
      minPosts: 3.7,
      minWords: -5,
      dateFrom: '2004-01-01',
      dateTo: 'yesterday',
      meta: { gender: ['male', 'male', 3], age: [], sign: 'Leo' },
      extra: true,
    };
    const copy = structuredClone(input);
    expect(sanitizeFilter(input)).toEqual({ minPosts: 3, dateFrom: '2004-01-01', meta: { gender: ['male'] } });
    expect(input).toEqual(copy);
  });
  it('returns {} for non-objects', () => {
    expect(sanitizeFilter(null)).toEqual({});
    expect(sanitizeFilter('x')).toEqual({});
  });
});

describe('readMiningAuthors', () => {
  it('asks the store for the chosen corpus with its saved filter, sorted by key', async () => {
    const s = memoryStorage();
    const calls: unknown[] = [];
    const store = {
      listAuthors: async (corpusId: string, opts?: { sort?: AuthorSortKey; desc?: boolean; filter?: AuthorFilter }) => {
        calls.push([corpusId, opts]);
        return [];
      },
    };
    expect(await readMiningAuthors(store, s)).toBeNull();
    setActiveCorpus('c9', s);
    saveAuthorFilter('c9', { minPosts: 10 }, s);
    expect(await readMiningAuthors(store, s)).toEqual({ selection: { corpusId: 'c9', filter: { minPosts: 10 } }, authors: [] });
    expect(calls).toEqual([['c9', { filter: { minPosts: 10 }, sort: 'key' }]]);
  });
});
