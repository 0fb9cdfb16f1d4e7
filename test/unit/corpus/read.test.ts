import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { CorpusSource } from '../../../src/contracts/corpus';
import type { Progress } from '../../../src/contracts/progress';
import { detectFormat, previewSource, readCorpus, suggestMapping } from '../../../src/core/corpus';
import { isAppError } from '../../../src/core/errors';
import { CollectingSink, enc, fixture, source } from './helpers';

describe('format detection', () => {
  it('uses the name and the first bytes', () => {
    expect(detectFormat('1.male.20.Arts.Leo.xml', enc('<Blog>'))).toBe('blog-xml');
    expect(detectFormat('x.csv', enc('\uFEFF"id","gender","age","topic","sign","date","text"\r\n1'))).toBe('blog-csv');
    expect(detectFormat('x.csv', enc('user,text\n'))).toBe('csv');
    expect(detectFormat('x.tsv', enc('a\tb\n'))).toBe('tsv');
    expect(detectFormat('x.ndjson', enc('{}'))).toBe('jsonl');
    expect(detectFormat('export.txt', enc('{"a":1}\n'))).toBe('jsonl');
    expect(detectFormat('anything.bin', zipSync({ a: enc('x') }))).toBe('zip');
    expect(detectFormat('readme.md', enc('# hi'))).toBeUndefined();
    expect(detectFormat('fake.zip', enc('not a zip'))).toBeUndefined();
    expect(detectFormat('readme.md', enc('# hi'), 'csv')).toBe('csv');
  });
});

/** A source whose stream is made of many small chunks, to see progress and cancellation. */
function slowSource(n: number): CorpusSource {
  const body = '<Blog>\n' + Array.from({ length: n }, (_, i) => `<date>1,May,2004</date>\n<post>\npost ${i}\n</post>\n`).join('') + '</Blog>\n';
  const bytes = enc(body);
  const cuts = Array.from({ length: Math.floor(bytes.length / 64) }, (_, i) => (i + 1) * 64);
  return source('1.male.20.Arts.Leo.xml', bytes, cuts);
}

describe('readCorpus', () => {
  it('reports progress in bytes with counts, ending at the total', async () => {
    const seen: Progress[] = [];
    const src = slowSource(50);
    await readCorpus([src], new CollectingSink(), {}, undefined, (p) => seen.push(p));
    const last = seen.at(-1)!;
    expect(seen[0]).toMatchObject({ stage: 'import', done: 0, unit: 'bytes', total: src.size });
    expect(last).toMatchObject({ stage: 'import', done: src.size, total: src.size, counts: { posts: 50, authors: 1, skipped: 0 } });
    // Throttled: not one report per chunk.
    expect(seen.length).toBeLessThan(10);
  });

  it('stops with AbortError when the signal fires between chunks', async () => {
    const ctrl = new AbortController();
    const sink = new CollectingSink();
    const origPost = sink.post.bind(sink);
    sink.post = (p) => {
      origPost(p);
      if (sink.posts.length === 5) ctrl.abort();
    };
    const err = await readCorpus([slowSource(200)], sink, {}, ctrl.signal).catch((e: unknown) => e);
    expect(isAppError(err, 'AbortError')).toBe(true);
    // The first 4 KB arrive together (format detection), then one 64-byte chunk at a time.
    expect(sink.posts.length).toBeLessThan(100);
  });

  it('caps the listed skips but keeps the count exact', async () => {
    const body = '<Blog>' + Array.from({ length: 30 }, () => '<post> </post>').join('') + '<post>one</post></Blog>';
    const summary = await readCorpus([source('1.male.20.Arts.Leo.xml', enc(body))], new CollectingSink(), { maxSkippedListed: 5 });
    expect(summary.skippedCount).toBe(30);
    expect(summary.skipped).toHaveLength(5);
  });

  it('reports duplicates across files of the same author once per post', async () => {
    const body = enc('<Blog><date>2,May,2004</date><post>same</post></Blog>');
    const sink = new CollectingSink();
    const summary = await readCorpus([source('a/1.male.20.Arts.Leo.xml', body), source('b/1.male.20.Arts.Leo.xml', body)], sink);
    expect(summary).toMatchObject({ authors: 1, posts: 1, skippedCount: 1 });
    expect(sink.skips[0]).toMatchObject({ file: 'b/1.male.20.Arts.Leo.xml', reason: expect.stringContaining('duplicate post') });
  });
});

describe('previewSource', () => {
  it('previews a generic CSV with a suggested mapping', async () => {
    const p = await previewSource(fixture('comments.csv'));
    expect(p.format).toBe('csv');
    expect(p.columns).toEqual(['username', 'created_at', 'body', 'country']);
    expect(p.rows[1]).toEqual({ username: 'bob', created_at: '2021-03-05', body: 'Multi\nline body', country: 'US' });
    expect(p.rows).toHaveLength(4);
    expect(p.suggested).toEqual({ author: 'username', text: 'body', date: 'created_at', meta: ['country'] });
  });

  it('previews the blog CSV with its fixed mapping', async () => {
    const p = await previewSource(fixture('blogtext.csv'));
    expect(p.format).toBe('blog-csv');
    expect(p.columns).toEqual(['id', 'gender', 'age', 'topic', 'sign', 'date', 'text']);
    expect(p.rows[0]).toMatchObject({ id: '2059027', date: '14,May,2004', text: 'Found the notes (about 40 pages,\nplus two maps) and now we wait.' });
    expect(p.suggested).toEqual({ author: 'id', text: 'text', date: 'date', meta: ['gender', 'age', 'topic', 'sign'] });
  });

  it('previews JSONL with nested keys flattened', async () => {
    const p = await previewSource(fixture('tweets.jsonl'));
    expect(p.format).toBe('jsonl');
    expect(p.columns).toEqual(['user.screen_name', 'full_text', 'created_at']);
    expect(p.suggested).toEqual({ author: 'user.screen_name', text: 'full_text', date: 'created_at', meta: [] });
    expect(p.rows).toHaveLength(4);
  });

  it('previews the first corpus file inside a zip', async () => {
    const zip = zipSync({ '__MACOSX/._x': enc('junk'), 'readme.txt': enc('hello'), 'd/1000331.female.37.indUnk.Leo.xml': enc('<Blog><date>1,May,2004</date><post> hi </post></Blog>') });
    const p = await previewSource(source('b.zip', zip, [50]));
    expect(p.format).toBe('blog-xml');
    expect(p.rows).toEqual([{ id: '1000331', gender: 'female', age: '37', industry: 'indUnk', sign: 'Leo', date: '2004-05-01', text: 'hi' }]);
  });

  it('suggests nothing when no author or text column is recognisable', () => {
    expect(suggestMapping(['a', 'b'])).toBeUndefined();
    expect(suggestMapping(['Author', 'Content', 'Timestamp', 'Age'])).toEqual({ author: 'Author', text: 'Content', date: 'Timestamp', meta: ['Age'] });
  });
});
