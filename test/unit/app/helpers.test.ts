import { describe, expect, it } from 'vitest';
import type { AuthorSummary, CorpusInfo } from '../../../src/contracts/corpus-store';
import { stageStatuses } from '../../../src/app/stage-status';
import { defaultMapping, validateMapping } from '../../../src/app/column-mapping';
import { importProgressFigures } from '../../../src/app/import-figures';
import { authorColumns, metaValues, nextSort, selectForTable } from '../../../src/app/author-view';
import { maybeGeneric, needsMapping } from '../../../src/app/import-plan';
import { parseDemoIndex } from '../../../src/components/import-panel/demo-corpus';
import { filterFiles, isIgnorableFile, suggestCorpusName } from '../../../src/components/import-panel/collect-files';

function corpus(id: string, authors: number): CorpusInfo {
  return {
    id, name: id, createdAt: 0, status: 'ready', files: [], formats: ['blog-xml'], authors, posts: 0, words: 0,
    dateMin: null, dateMax: null, metaKeys: [], skippedCount: 0, skipped: [],
  };
}

function author(key: string, posts: number, dateMin: string | null, dateMax: string | null, meta: Record<string, string> = {}): AuthorSummary {
  return { corpusId: 'c', key, meta, posts, words: posts * 10, dateMin, dateMax };
}

describe('stageStatuses', () => {
  it('says what each stage needs before any corpus exists', () => {
    const s = stageStatuses({ corpora: [], activeCorpusId: null });
    expect(s.corpus).toEqual({ state: 'ready', text: 'not started' });
    expect(s.personas).toEqual({ state: 'blocked', text: 'needs a corpus' });
    expect(s.results.text).toBe('needs an alignment');
    // Align never waits: the shipped demo personas are always there to align.
    expect(s.align).toEqual({ state: 'ready', text: 'demo data ready' });
  });
  it('counts profiled personas for Align once there are some', () => {
    const s = stageStatuses({ corpora: [], activeCorpusId: null, personas: { mined: 0, kept: 1, rejected: 2, profiled: 1234 } });
    expect(s.align).toEqual({ state: 'ready', text: '1,234 profiled' });
  });
  it('counts the active corpus’s authors', () => {
    const s = stageStatuses({ corpora: [corpus('a', 10), corpus('b', 19320)], activeCorpusId: 'b' });
    expect(s.corpus).toEqual({ state: 'done', text: '19,320 authors' });
    expect(s.personas.state).toBe('ready');
  });
  it('falls back to the newest corpus when the active one is gone', () => {
    expect(stageStatuses({ corpora: [corpus('a', 10)], activeCorpusId: 'zzz' }).corpus.text).toBe('10 authors');
  });
});

describe('column mapping', () => {
  it('uses the preview’s suggestion when its columns exist', () => {
    const m = defaultMapping({
      format: 'csv', columns: ['u', 'body', 'when', 'country'], rows: [],
      suggested: { author: 'u', text: 'body', date: 'when', meta: ['country', 'gone'] },
    });
    expect(m).toEqual({ author: 'u', text: 'body', date: 'when', meta: ['country'] });
  });
  it('guesses from common column names otherwise', () => {
    expect(defaultMapping({ format: 'jsonl', columns: ['Author', 'selftext', 'created_utc', 'score'], rows: [] })).toEqual({
      author: 'Author', text: 'selftext', date: 'created_utc', meta: [],
    });
    expect(defaultMapping({ format: 'csv', columns: ['a', 'b'], rows: [] })).toEqual({ author: '', text: '', meta: [] });
  });
  it('validates', () => {
    const cols = ['a', 'b', 'c'];
    expect(validateMapping({ author: 'a', text: 'b', meta: [] }, cols)).toEqual([]);
    expect(validateMapping({ author: '', text: 'b', meta: [] }, cols)).toEqual(['Choose the author column.']);
    expect(validateMapping({ author: 'a', text: 'a', meta: [] }, cols)).toContain('Author and text must be different columns.');
    expect(validateMapping({ author: 'a', text: 'zz', meta: [] }, cols)).toEqual(['There is no column “zz”.']);
    expect(validateMapping({ author: 'a', text: 'b', date: 'a', meta: [] }, cols)).toHaveLength(1);
  });
});

describe('importProgressFigures', () => {
  it('derives bytes, counts, rate, ETA and percent from a bytes progress', () => {
    const f = importProgressFigures({
      stage: 'import', unit: 'bytes', done: 5e6, total: 20e6, elapsedMs: 2000, text: '',
      counts: { posts: 1234, authors: 56, skipped: 2, written: 1000 },
    });
    expect(f).toEqual({
      bytes: '5.0 MB of 20.0 MB', posts: '1,234', authors: '56', skipped: '2', rate: '2.5 MB/s', eta: '6 s',
      percent: 25, valueText: '25%, 5.0 MB of 20.0 MB',
    });
  });
  it('copes with no progress yet and with an unknown total', () => {
    expect(importProgressFigures(undefined).percent).toBeUndefined();
    const f = importProgressFigures({ stage: 'import', unit: 'bytes', done: 1000, elapsedMs: 0, text: '' });
    expect(f).toMatchObject({ bytes: '1.0 KB', percent: undefined, eta: '—', rate: '—' });
  });
});

describe('author table model', () => {
  const all = [
    author('1', 5, '2004-01-01', '2004-12-31', { gender: 'male' }),
    author('2', 50, '2004-06-01', '2004-06-02', { gender: 'female' }),
    author('3', 10, null, null, { gender: 'female' }),
    author('10', 10, '2002-01-01', '2004-01-01'),
  ];
  it('has the fixed columns then one per metadata key', () => {
    expect(authorColumns(['age', 'gender']).map((c) => c.key)).toEqual([
      'key', 'posts', 'words', 'dateMin', 'dateMax', 'span', 'meta:age', 'meta:gender',
    ]);
  });
  it('toggles direction on the same column; numbers start descending', () => {
    expect(nextSort({ key: 'posts', desc: true }, 'posts', true)).toEqual({ key: 'posts', desc: false });
    expect(nextSort({ key: 'posts', desc: true }, 'words', true)).toEqual({ key: 'words', desc: true });
    expect(nextSort({ key: 'posts', desc: true }, 'meta:gender', false)).toEqual({ key: 'meta:gender', desc: false });
  });
  it('sorts by store keys and by date span (undated last both ways)', () => {
    expect(selectForTable(all, {}, { key: 'posts', desc: true }).map((a) => a.key)).toEqual(['2', '3', '10', '1']);
    expect(selectForTable(all, {}, { key: 'span', desc: true }).map((a) => a.key)).toEqual(['10', '1', '2', '3']);
    expect(selectForTable(all, {}, { key: 'span', desc: false }).map((a) => a.key)).toEqual(['2', '1', '10', '3']);
  });
  it('filters with the store’s semantics', () => {
    expect(selectForTable(all, { minPosts: 10, meta: { gender: ['female'] } }, { key: 'key', desc: false }).map((a) => a.key)).toEqual(['2', '3']);
  });
  it('collects distinct metadata values, numerically ordered and capped', () => {
    const ages = [author('a', 1, null, null, { age: '9' }), author('b', 1, null, null, { age: '23' }), author('c', 1, null, null, { age: '100' })];
    expect(metaValues(ages, ['age'])).toEqual({ age: { values: ['9', '23', '100'], truncated: false } });
    expect(metaValues(ages, ['age'], 2)).toEqual({ age: { values: ['9', '23'], truncated: true } });
  });
});

describe('import plan', () => {
  it('asks for a preview only for table-like files', () => {
    expect(maybeGeneric('posts.csv')).toBe(true);
    expect(maybeGeneric('dump.JSONL')).toBe(true);
    expect(maybeGeneric('1234.male.25.Student.Leo.xml')).toBe(false);
    expect(needsMapping('csv')).toBe(true);
    expect(needsMapping('blog-csv')).toBe(false);
  });
});

describe('demo index and file lists', () => {
  it('accepts the index shapes and rejects path escapes', () => {
    expect(parseDemoIndex(['a.xml'])).toEqual(['a.xml']);
    expect(parseDemoIndex({ files: ['a.xml', '../etc/passwd'] })).toEqual(['a.xml']);
    expect(parseDemoIndex({ files: [{ name: 'b.xml', size: 3 }] })).toEqual(['b.xml']);
    expect(() => parseDemoIndex({})).toThrow(/unexpected shape/);
    expect(() => parseDemoIndex([])).toThrow(/no files/);
  });
  it('ignores system files and names a corpus after its folder or file', () => {
    expect(isIgnorableFile('.DS_Store')).toBe(true);
    expect(isIgnorableFile('blogs/__MACOSX/x.xml')).toBe(true);
    expect(isIgnorableFile('blogs/1.male.20.Arts.Leo.xml')).toBe(false);
    const files = [new File(['x'], 'b.xml'), new File(['x'], '.hidden'), new File(['x'], 'a.xml')];
    expect(filterFiles(files).map((f) => f.name)).toEqual(['a.xml', 'b.xml']);
    expect(suggestCorpusName([new File(['x'], 'blogtext.csv')])).toBe('blogtext');
    expect(suggestCorpusName(filterFiles(files))).toBe('2 files');
    expect(suggestCorpusName([])).toBe('');
  });
});
