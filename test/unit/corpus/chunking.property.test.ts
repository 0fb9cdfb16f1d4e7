import fc from 'fast-check';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { CorpusReadOptions, CorpusSource } from '../../../src/contracts/corpus';
import { readCorpus } from '../../../src/core/corpus';
import { CollectingSink, enc, latin1, source } from './helpers';

/** Everything a read produced, in order, or the error it threw. */
async function outcome(sources: CorpusSource[], options: CorpusReadOptions = {}): Promise<unknown> {
  const sink = new CollectingSink();
  try {
    const summary = await readCorpus(sources, sink, options);
    return { authors: sink.authors, posts: sink.posts, skips: sink.skips, summary };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

// Pieces chosen to hit the hard cases: multibyte characters (2, 3, 4 bytes), entities, bare '&',
// CRLF, quotes, commas, tags in upper case, stray control bytes.
const WORDS = ['café', 'naïve', '€5', '😀', 'a&b', '&amp;', '&nbsp;', '&#233;', '"quoted"', 'x,y', 'plain', 'the', '\r\n', '\n', '  ', '\t', 'ß', '\u0001'];
const text = fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 12 }).map((w) => w.join(' '));
const date = fc.constantFrom('31,May,2004', '1,January,2001', '12,Mai,2004', '', 'garbage');
const cuts = (len: number) => fc.array(fc.integer({ min: 1, max: Math.max(1, len - 1) }), { maxLength: 12 });

const blogXml = fc.record({
  posts: fc.array(fc.record({ date, text, closed: fc.boolean(), upper: fc.boolean() }), { maxLength: 6 }),
  truncate: fc.boolean(),
}).map(({ posts, truncate }) => {
  let s = '<Blog>\r\n\n';
  for (const p of posts) {
    if (p.date !== '') s += `<date>${p.date}</date>\n`;
    s += `${p.upper ? '<POST>' : '<post>'}\n\n  ${p.text}\n\n${p.closed ? '</post>' : ''}\n`;
  }
  s += '</Blog>\n';
  return truncate ? s.slice(0, Math.floor(s.length * 0.8)) : s;
});

const csvField = text.map((t) => `"${t.replace(/"/g, '""')}"`);
const blogCsv = fc.array(fc.record({ id: fc.constantFrom('1', '2', '33'), date, text: csvField, short: fc.boolean() }), { maxLength: 6 })
  .map((rows) => 'id,gender,age,topic,sign,date,text\n' + rows.map((r) => (r.short ? `${r.id},male\n` : `${r.id},male,20,Arts,Leo,"${r.date}",${r.text}\n`)).join(''));

const jsonl = fc.array(fc.oneof(
  fc.record({ user: fc.constantFrom('u1', 'u2'), body: text }).map((o) => JSON.stringify(o)),
  fc.constantFrom('{broken', '', '[]', '{"user":"u3"}'),
), { maxLength: 8 }).map((lines) => lines.join('\r\n'));

describe('the same records whatever the chunking', () => {
  it('blog XML in UTF-8', async () => {
    await fc.assert(fc.asyncProperty(blogXml.chain((s) => fc.tuple(fc.constant(enc(s)), cuts(enc(s).length))), async ([bytes, cs]) => {
      const name = '5.female.30.Arts.Leo.xml';
      expect(await outcome([source(name, bytes, cs)])).toEqual(await outcome([source(name, bytes)]));
    }), { numRuns: 300 });
  });

  it('blog XML in Latin-1 (falls back mid-stream)', async () => {
    const latinOnly = blogXml.map((s) => s.replace(/[^\u0000-\u00ff]/g, '?'));
    await fc.assert(fc.asyncProperty(latinOnly.chain((s) => fc.tuple(fc.constant(latin1(s)), cuts(s.length))), async ([bytes, cs]) => {
      const name = '6.male.40.Law.Virgo.xml';
      expect(await outcome([source(name, bytes, cs)])).toEqual(await outcome([source(name, bytes)]));
    }), { numRuns: 200 });
  });

  it('blog CSV with quoted multi-line fields', async () => {
    await fc.assert(fc.asyncProperty(blogCsv.chain((s) => fc.tuple(fc.constant(enc(s)), cuts(enc(s).length))), async ([bytes, cs]) => {
      expect(await outcome([source('blog.csv', bytes, cs)])).toEqual(await outcome([source('blog.csv', bytes)]));
    }), { numRuns: 300 });
  });

  it('JSONL with bad lines and CRLF', async () => {
    const options: CorpusReadOptions = { mapping: { author: 'user', text: 'body', meta: [] } };
    await fc.assert(fc.asyncProperty(jsonl.chain((s) => fc.tuple(fc.constant(enc(s)), cuts(enc(s).length))), async ([bytes, cs]) => {
      expect(await outcome([source('t.jsonl', bytes, cs)], options)).toEqual(await outcome([source('t.jsonl', bytes)], options));
    }), { numRuns: 200 });
  });

  it('a zip of blog files', async () => {
    const zipped = fc.tuple(blogXml, blogCsv).map(([x, c]) => zipSync({ 'blogs/7.male.19.Arts.Leo.xml': enc(x), 'blogs/posts.csv': enc(c) }));
    await fc.assert(fc.asyncProperty(zipped.chain((z) => fc.tuple(fc.constant(z), cuts(z.length))), async ([bytes, cs]) => {
      expect(await outcome([source('b.zip', bytes, cs)])).toEqual(await outcome([source('b.zip', bytes)]));
    }), { numRuns: 100 });
  });
});
