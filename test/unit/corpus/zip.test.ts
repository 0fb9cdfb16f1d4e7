import { Zip, ZipDeflate, zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCorpus } from '../../../src/core/corpus';
import { CollectingSink, enc, FIXTURES, fixtureDir, source } from './helpers';

const file = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, rel)));

describe('zip archives', () => {
  it('gives the same records as the loose files, skipping __MACOSX and dot files', async () => {
    const zip = zipSync({
      'corpus/blogs/1000331.female.37.indUnk.Leo.xml': file('blogs/1000331.female.37.indUnk.Leo.xml'),
      'corpus/blogs/3998465.male.23.Student.Aries.xml': [file('blogs/3998465.male.23.Student.Aries.xml'), { level: 0 }],
      '__MACOSX/corpus/blogs/._1000331.female.37.indUnk.Leo.xml': enc('junk'),
      'corpus/.DS_Store': enc('junk'),
      'corpus/notes.md': enc('# notes'),
    });
    const zipped = new CollectingSink();
    const summary = await readCorpus([source('c.zip', zip, [100, 5000])], zipped);
    const loose = new CollectingSink();
    await readCorpus(fixtureDir('blogs').slice(0, 2), loose);

    const strip = (f: string): string => f.replace(/^.*\//, '');
    expect(zipped.authors).toEqual(loose.authors);
    expect(zipped.posts.map((p) => ({ ...p, file: strip(p.file) }))).toEqual(loose.posts.map((p) => ({ ...p, file: strip(p.file) })));
    expect(zipped.posts[0]?.file).toBe('c.zip/corpus/blogs/1000331.female.37.indUnk.Leo.xml');
    expect(zipped.skips.filter((s) => !s.file.endsWith('notes.md')).map((s) => ({ ...s, file: strip(s.file) })))
      .toEqual(loose.skips.map((s) => ({ ...s, file: strip(s.file) })));
    expect(zipped.skips).toContainEqual({ file: 'c.zip/corpus/notes.md', line: 1, reason: expect.stringContaining('not a corpus file') });
    expect(zipped.skips.some((s) => s.file.includes('__MACOSX') || s.file.includes('.DS_Store'))).toBe(false);
    expect(summary.files).toBe(2);
  });

  it('reads a zip written as a stream (data descriptors, no sizes up front)', async () => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      parts.push(chunk);
    });
    const entry = new ZipDeflate('blogtext.csv', { level: 6 });
    zip.add(entry);
    entry.push(file('blogtext.csv'), true);
    zip.end();
    const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const sink = new CollectingSink();
    const summary = await readCorpus([source('stream.zip', bytes, [17, 300])], sink);
    expect(summary.byFormat['blog-csv']?.posts).toBe(4);
    expect(sink.posts.map((p) => p.line)).toEqual([2, 4, 5, 13]);
  });

  it('reports a truncated archive and keeps what it could read', async () => {
    const big = enc('<Blog>\n' + Array.from({ length: 400 }, (_, i) => `<date>1,May,2004</date>\n<post>post number ${i} ${'x'.repeat(i % 37)}</post>\n`).join(''));
    const zip = zipSync({ '1.male.20.Arts.Leo.xml': [big, { level: 0 }] });
    const sink = new CollectingSink();
    await readCorpus([source('t.zip', zip.slice(0, Math.floor(zip.length / 2)))], sink);
    expect(sink.posts.length).toBeGreaterThan(10);
    expect(sink.posts.length).toBeLessThan(400);
    expect(sink.skips).toContainEqual({ file: 't.zip/1.male.20.Arts.Leo.xml', line: 1, reason: 'the archive ends inside this entry (truncated zip?); kept what was read' });
  });

  it('skips an entry whose compressed data is corrupt and reads the others', async () => {
    const good = enc('<Blog><post>fine</post></Blog>');
    const bad = enc('<Blog>' + '<post>lots of text to compress well</post>'.repeat(200) + '</Blog>');
    const zip = zipSync({ '1.male.20.Arts.Leo.xml': bad, '2.female.30.Law.Leo.xml': good });
    // Scribble over the middle of the first entry's deflate stream.
    const broken = zip.slice();
    for (let i = 60; i < 90; i++) broken[i] = 0xff;
    const sink = new CollectingSink();
    await readCorpus([source('z.zip', broken)], sink);
    expect(sink.posts.map((p) => p.author)).toContain('2');
    expect(sink.skips).toEqual([{ file: 'z.zip/1.male.20.Arts.Leo.xml', line: 1, reason: 'cannot unzip this entry (unexpected EOF); the archive may be damaged' }]);
  });
});
