import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { AuthorFilter, AuthorSortKey, AuthorSummary } from '../../../src/contracts/corpus-store';
import { compareAuthors, isEmptyFilter, matchesFilter, selectAuthors } from '../../../src/core/corpus-filter';

function author(key: string, over: Partial<AuthorSummary> = {}): AuthorSummary {
  return { corpusId: 'c', key, meta: {}, posts: 1, words: 10, dateMin: '2004-01-01', dateMax: '2004-12-31', ...over };
}

describe('matchesFilter', () => {
  const a = author('1', { posts: 35, words: 7250, dateMin: '2003-05-01', dateMax: '2004-08-10', meta: { gender: 'female', age: '24' } });

  test('empty filter passes everyone', () => {
    expect(matchesFilter(a, {})).toBe(true);
    expect(isEmptyFilter({ meta: { gender: [] } })).toBe(true);
  });

  test('minimum posts and words are inclusive', () => {
    expect(matchesFilter(a, { minPosts: 35 })).toBe(true);
    expect(matchesFilter(a, { minPosts: 36 })).toBe(false);
    expect(matchesFilter(a, { minWords: 7250 })).toBe(true);
    expect(matchesFilter(a, { minWords: 7251 })).toBe(false);
  });

  test('date range qualifies on overlap, inclusive at both ends', () => {
    expect(matchesFilter(a, { dateFrom: '2004-08-10' })).toBe(true);
    expect(matchesFilter(a, { dateFrom: '2004-08-11' })).toBe(false);
    expect(matchesFilter(a, { dateTo: '2003-05-01' })).toBe(true);
    expect(matchesFilter(a, { dateTo: '2003-04-30' })).toBe(false);
    expect(matchesFilter(a, { dateFrom: '2000-01-01', dateTo: '2010-01-01' })).toBe(true);
    expect(matchesFilter(a, { dateFrom: '2004-01-01', dateTo: '2004-02-01' })).toBe(true);
  });

  test('an author without dates fails any date constraint but passes others', () => {
    const undated = author('2', { dateMin: null, dateMax: null });
    expect(matchesFilter(undated, { dateFrom: '1990-01-01' })).toBe(false);
    expect(matchesFilter(undated, { minPosts: 1 })).toBe(true);
  });

  test('metadata: any of the accepted values, every key must match, empty list = no constraint', () => {
    expect(matchesFilter(a, { meta: { gender: ['male', 'female'] } })).toBe(true);
    expect(matchesFilter(a, { meta: { gender: ['male'] } })).toBe(false);
    expect(matchesFilter(a, { meta: { gender: ['female'], age: ['25'] } })).toBe(false);
    expect(matchesFilter(a, { meta: { sign: ['Leo'] } })).toBe(false);
    expect(matchesFilter(a, { meta: { sign: [] } })).toBe(true);
  });
});

describe('compareAuthors', () => {
  const list = [
    author('10', { posts: 5, words: 100, meta: { age: '100' } }),
    author('9', { posts: 5, words: 300, dateMin: null, dateMax: null, meta: { age: '9' } }),
    author('2', { posts: 1, words: 200, meta: {} }),
    author('b', { posts: 7, words: 50, dateMin: '2001-01-01', meta: { age: '23' } }),
  ];
  const keys = (sort: AuthorSortKey, desc = false): string[] => selectAuthors(list, { sort, desc }).map((x) => x.key);

  test('keys sort numerically, then by text', () => {
    expect(keys('key')).toEqual(['2', '9', '10', 'b']);
    expect(keys('key', true)).toEqual(['b', '10', '9', '2']);
  });

  test('numbers sort by value; ties break on key ascending in both directions', () => {
    expect(keys('posts')).toEqual(['2', '9', '10', 'b']);
    expect(keys('posts', true)).toEqual(['b', '9', '10', '2']);
    expect(keys('words', true)).toEqual(['9', '2', '10', 'b']);
  });

  test('missing values go last in both directions', () => {
    expect(keys('dateMin')).toEqual(['b', '2', '10', '9']);
    expect(keys('dateMin', true)).toEqual(['2', '10', 'b', '9']);
    expect(keys('meta:age')).toEqual(['9', 'b', '10', '2']);
    expect(keys('meta:age', true)).toEqual(['10', 'b', '9', '2']);
  });

  test('selectAuthors filters and leaves its input alone', () => {
    const before = list.map((x) => x.key);
    expect(selectAuthors(list, { filter: { minPosts: 5 }, sort: 'posts', desc: true }).map((x) => x.key)).toEqual(['b', '9', '10']);
    expect(list.map((x) => x.key)).toEqual(before);
  });
});

const arbAuthor = fc.record({
  corpusId: fc.constant('c'),
  key: fc.string({ maxLength: 6 }),
  meta: fc.dictionary(fc.constantFrom('gender', 'age', 'sign'), fc.constantFrom('a', 'b', '10', '9')),
  posts: fc.nat(50),
  words: fc.nat(10_000),
  dateMin: fc.option(fc.constantFrom('2001-01-01', '2003-06-15', '2004-12-31'), { nil: null }),
  dateMax: fc.option(fc.constantFrom('2002-01-01', '2004-06-15', '2006-12-31'), { nil: null }),
});
const arbFilter: fc.Arbitrary<AuthorFilter> = fc.record(
  {
    minPosts: fc.nat(50),
    minWords: fc.nat(10_000),
    dateFrom: fc.constantFrom('2001-06-01', '2004-01-01'),
    dateTo: fc.constantFrom('2003-01-01', '2005-01-01'),
    meta: fc.dictionary(fc.constantFrom('gender', 'age'), fc.array(fc.constantFrom('a', 'b', '10'), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);
const arbSort = fc.constantFrom<AuthorSortKey>('key', 'posts', 'words', 'dateMin', 'dateMax', 'meta:age', 'meta:sign');

describe('properties', () => {
  test('every filter constraint narrows: adding one never admits an author the looser filter rejected', () => {
    fc.assert(
      fc.property(arbAuthor, arbFilter, arbFilter, (a, f, g) => {
        const both: AuthorFilter = { ...f, ...g, meta: { ...f.meta, ...g.meta } };
        if (matchesFilter(a, both)) expect(matchesFilter(a, g)).toBe(true);
      }),
    );
  });

  test('the comparator is a consistent total preorder: sorting twice gives the same order, sorted pairs never invert', () => {
    fc.assert(
      fc.property(fc.array(arbAuthor, { maxLength: 30 }), arbSort, fc.boolean(), (list, sort, desc) => {
        const cmp = compareAuthors(sort, desc);
        const once = selectAuthors(list, { sort, desc });
        const twice = selectAuthors(once.slice().reverse(), { sort, desc });
        once.forEach((x, i) => expect(cmp(x, twice[i]!)).toBe(0));
        for (let i = 1; i < once.length; i++) expect(cmp(once[i - 1]!, once[i]!)).toBeLessThanOrEqual(0);
        for (const x of list) for (const y of list) expect(Math.sign(cmp(x, y)) + Math.sign(cmp(y, x))).toBe(0);
      }),
    );
  });
});
