import { describe, expect, it } from 'vitest';
import { parseBlogFileName, readCorpus } from '../../../src/core/corpus';
import { CollectingSink, enc, fixture, fixtureDir, latin1, source } from './helpers';

const LEO = 'blogs/1000331.female.37.indUnk.Leo.xml';
const ARIES = 'blogs/3998465.male.23.Student.Aries.xml';

describe('blog XML', () => {
  it('parses the file name into the author and metadata', () => {
    expect(parseBlogFileName('x/1000331.female.37.indUnk.Leo.xml')).toEqual({ id: '1000331', gender: 'female', age: '37', industry: 'indUnk', sign: 'Leo' });
    expect(parseBlogFileName('notes.xml')).toBeNull();
  });

  it('keeps recoverable posts, decodes known entities, leaves bare & and unknown entities', async () => {
    const sink = new CollectingSink();
    const summary = await readCorpus([fixture(LEO)], sink);
    expect(sink.authors).toEqual([{ key: '1000331', meta: { gender: 'female', age: '37', industry: 'indUnk', sign: 'Leo' } }]);
    expect(sink.posts.map((p) => [p.date, p.line, p.text])).toEqual([
      ['2004-05-31', 4, 'Went to the farmers market & bought peaches. Tom & Jerry were on TV\u00a0later &foo; too.'],
      ['2004-06-01', 12, 'Café au lait and a long walk.'],
      [null, 19, 'Ein Tag im Park.'],
      [null, 23, 'A post with no date at all.'],
    ]);
    expect(sink.skips).toEqual([
      { file: LEO, line: 28, reason: 'empty post' },
      { file: LEO, line: 33, reason: 'duplicate post (same author, date and text as an earlier one)' },
      { file: LEO, line: 18, reason: '1 date not understood (first: "02,Mai,2004"); kept that post without a date' },
    ]);
    expect(summary).toMatchObject({ authors: 1, posts: 4, undatedPosts: 2, dateMin: '2004-05-31', dateMax: '2004-06-01', skippedCount: 3 });
    expect(summary.words).toBe(sink.posts.reduce((s, p) => s + p.text.split(/\s+/).filter(Boolean).length, 0));
  });

  it('reads a Latin-1 file cut off mid-post and says so', async () => {
    const sink = new CollectingSink();
    await readCorpus([fixture(ARIES)], sink);
    expect(sink.posts.map((p) => [p.date, p.text])).toEqual([
      ['2002-08-14', 'Le café était fermé today.'],
      ['2002-08-15', 'Half a thought that never'],
    ]);
    expect(sink.skips).toEqual([
      { file: ARIES, line: 4, reason: 'not valid UTF-8 from byte 49 on; read the rest of the file as windows-1252 (Latin-1)' },
      { file: ARIES, line: 7, reason: 'file ends inside this post (truncated file?); kept the text read so far' },
    ]);
  });

  it('reports empty files and authors without posts, and emits nothing for them', async () => {
    const sink = new CollectingSink();
    const summary = await readCorpus(fixtureDir('blogs'), sink);
    expect(sink.authors.map((a) => a.key)).toEqual(['1000331', '3998465']);
    expect(sink.skips).toContainEqual({ file: 'blogs/7000.male.40.Arts.Virgo.xml', line: 1, reason: 'empty file' });
    expect(sink.skips).toContainEqual({ file: 'blogs/5114.female.17.Student.Gemini.xml', line: 1, reason: 'author has no posts: 5114' });
    expect(sink.skips.filter((s) => s.file.includes('7000'))).toHaveLength(1);
    expect(summary).toMatchObject({ files: 3, authors: 2, posts: 6 });
    expect(summary.byFormat['blog-xml']).toEqual({ files: 3, authors: 2, posts: 6, words: summary.words });
  });

  it('emits each author before its first post', async () => {
    const sink = new CollectingSink();
    await readCorpus(fixtureDir('blogs'), sink);
    expect(sink.events[0]).toBe('author:1000331');
    expect(sink.events.indexOf('author:3998465')).toBeLessThan(sink.events.indexOf('post:3998465'));
  });

  it('closes a post at the next tag when </post> is missing, strips control bytes, tolerates case and spaces', async () => {
    const xml = '<Blog>\n<DATE>1,Jan,2003</DATE>\n<post>\nfirst\x01 post\n<date>2,Jan,2003</date>\n<Post >second</post >\n</blog>';
    const sink = new CollectingSink();
    await readCorpus([source('9.male.20.Arts.Leo.xml', enc(xml))], sink);
    expect(sink.posts.map((p) => [p.date, p.line, p.text])).toEqual([
      ['2003-01-01', 3, 'first post'],
      ['2003-01-02', 6, 'second'],
    ]);
    expect(sink.skips).toEqual([{ file: '9.male.20.Arts.Leo.xml', line: 3, reason: 'post not closed by </post>; kept its text up to the next tag' }]);
  });

  it('reads an .xml file with another name, using the name as author', async () => {
    const sink = new CollectingSink();
    await readCorpus([source('dir/my-blog.xml', latin1('<Blog><post>hi</post></Blog>'))], sink);
    expect(sink.authors).toEqual([{ key: 'my-blog', meta: {} }]);
  });
});
