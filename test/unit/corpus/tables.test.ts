import { describe, expect, it } from 'vitest';
import type { ColumnMapping } from '../../../src/contracts/corpus';
import { readCorpus } from '../../../src/core/corpus';
import { isAppError } from '../../../src/core/errors';
import { CollectingSink, enc, fixture, source } from './helpers';

describe('blog CSV', () => {
  it('reads rows with quoted multi-line text and reports physical line numbers', async () => {
    const sink = new CollectingSink();
    const summary = await readCorpus([fixture('blogtext.csv')], sink);
    expect(sink.authors).toEqual([
      { key: '2059027', meta: { gender: 'male', age: '15', topic: 'Student', industry: 'Student', sign: 'Leo' } },
      { key: '3581210', meta: { gender: 'female', age: '33', topic: 'InvestmentBanking', industry: 'InvestmentBanking', sign: 'Aquarius' } },
    ]);
    expect(sink.posts.map((p) => [p.author, p.date, p.line, p.text])).toEqual([
      ['2059027', '2004-05-14', 2, 'Found the notes (about 40 pages,\nplus two maps) and now we wait.'],
      ['2059027', '2004-05-13', 4, 'Our group: me, Sam and the quiet kid from maths.'],
      ['3581210', '2004-06-11', 5, 'A line\n\nafter blank lines'],
      ['3581210', '2004-06-10', 13, 'last one, no newline at end'],
    ]);
    expect(sink.skips).toEqual([
      { file: 'blogtext.csv', line: 11, reason: 'empty post' },
      { file: 'blogtext.csv', line: 12, reason: 'row has 2 fields, expected 7' },
    ]);
    expect(summary.byFormat).toEqual({ 'blog-csv': { files: 1, authors: 2, posts: 4, words: summary.words } });
  });

  it('joins the text back together when an unquoted comma split it', async () => {
    const csv = 'id,gender,age,topic,sign,date,text\n1,male,20,Arts,Leo,"1,May,2004",hello, world, again\n';
    const sink = new CollectingSink();
    await readCorpus([source('b.csv', enc(csv))], sink);
    expect(sink.posts[0]?.text).toBe('hello, world, again');
  });
});

const COMMENTS: ColumnMapping = { author: 'username', text: 'body', date: 'created_at', meta: ['country'] };

describe('generic CSV/TSV with a column mapping', () => {
  it('maps author, text, date and meta columns; skips rows without an author', async () => {
    const sink = new CollectingSink();
    await readCorpus([fixture('comments.csv')], sink, { mapping: COMMENTS });
    expect(sink.authors).toEqual([
      { key: 'alice', meta: { country: 'NZ' } },
      { key: 'bob', meta: { country: 'US' } },
    ]);
    expect(sink.posts.map((p) => [p.author, p.date, p.line, p.text])).toEqual([
      ['alice', '2021-03-04', 2, 'Hello, world'],
      ['bob', '2021-03-05', 3, 'Multi\nline body'],
      ['alice', null, 6, 'third, with comma'],
    ]);
    expect(sink.skips).toEqual([
      { file: 'comments.csv', line: 5, reason: 'no value in author column "username"' },
      { file: 'comments.csv', line: 6, reason: '1 date in column "created_at" not understood (first: "not a date"); kept that post without a date' },
    ]);
  });

  it('says which columns are missing and which exist', async () => {
    const err = await readCorpus([fixture('comments.csv')], new CollectingSink(), { mapping: { author: 'user', text: 'body', meta: [] } }).catch((e: unknown) => e);
    expect(isAppError(err, 'InputError')).toBe(true);
    expect((err as Error).message).toBe('comments.csv, line 1: no column named "user". The header has: "username", "created_at", "body", "country". Fix the column mapping.');
  });

  it('refuses a generic CSV without a mapping, naming the file', async () => {
    const err = await readCorpus([fixture('comments.csv')], new CollectingSink()).catch((e: unknown) => e);
    expect(isAppError(err, 'InputError')).toBe(true);
    expect((err as Error).message).toMatch(/^comments\.csv: .*column mapping is needed/);
  });

  it('reads TSV', async () => {
    const tsv = 'who\twhat\nann\tone\ttoo many\nben\t"quoted\ttab"\n';
    const sink = new CollectingSink();
    const summary = await readCorpus([source('x.tsv', enc(tsv))], sink, { mapping: { author: 'who', text: 'what', meta: [] } });
    expect(sink.posts.map((p) => [p.author, p.text])).toEqual([['ann', 'one'], ['ben', 'quoted\ttab']]);
    expect(summary.byFormat.tsv?.posts).toBe(2);
  });
});

describe('JSONL', () => {
  it('follows dotted keys, skips bad lines with their line numbers', async () => {
    const sink = new CollectingSink();
    const summary = await readCorpus([fixture('tweets.jsonl')], sink, {
      mapping: { author: 'user.screen_name', text: 'full_text', date: 'created_at', meta: [] },
    });
    expect(sink.posts.map((p) => [p.author, p.date, p.line, p.text])).toEqual([
      ['carol', '2018-10-10', 1, 'first tweet'],
      ['dave', '2018-10-11', 2, 'second tweet'],
      ['dave', '2018-10-12', 7, 'third'],
    ]);
    expect(sink.skips.map((s) => [s.line, s.reason.replace(/\(.*\)/, '(…)')])).toEqual([
      [3, 'not valid JSON (…)'],
      [5, 'no value in text column "full_text"'],
      [6, 'line is not a JSON object'],
    ]);
    expect(summary.undatedPosts).toBe(0);
  });
});

describe('nothing usable', () => {
  it('throws InputError naming the files and the first skips', async () => {
    const err = await readCorpus([source('a.xml', enc('')), source('b.txt', enc('hello'))], new CollectingSink()).catch((e: unknown) => e);
    expect(isAppError(err, 'InputError')).toBe(true);
    expect((err as Error).message).toContain('No posts found in a.xml, b.txt');
    expect((err as Error).message).toContain('a.xml, line 1: empty file');
  });
});

describe('an unclosed quote', () => {
  it('stops with a FormatError at the row where it starts instead of reading the whole file as one field', async () => {
    const head = 'id,gender,age,topic,sign,date,text\n1,male,20,Arts,Leo,"1,May,2004",fine\n1,male,20,Arts,Leo,"2,May,2004","never closed\n';
    const body = enc(head + 'more text, and more\n'.repeat(450_000));
    const cuts = Array.from({ length: Math.floor(body.length / 65536) }, (_, i) => (i + 1) * 65536);
    const err = await readCorpus([source('big.csv', body, cuts)], new CollectingSink()).catch((e: unknown) => e);
    expect(isAppError(err, 'FormatError')).toBe(true);
    expect((err as Error).message).toMatch(/^big\.csv, line 3: a row longer than 8 MB: probably a quote \(\"\) that is never closed/);
  });
});
