import { unwrap } from 'idb';
import { afterEach, describe, expect, test } from 'vitest';
import type { AuthorSummary } from '../../../src/contracts/corpus-store';
import {
  CorpusStore,
  cleanupInterrupted,
  countMatching,
  deleteCorpus,
  getCorpus,
  getPosts,
  listAuthors,
  listCorpora,
} from '../../../src/storage/corpus-store';
import { DB_VERSION, openAppDb, STORE_NAMES, type AppDb } from '../../../src/storage/db';
import { withCorpusLock } from '../../../src/storage/locks';
import { estimateStorage, isPersisted } from '../../../src/storage/quota';
import { corpusInfo, dump, freshDb, freshDbName, seedCorpus } from './helpers';

const opened: AppDb[] = [];
async function db(): Promise<AppDb> {
  const { db } = await freshDb();
  opened.push(db);
  return db;
}
afterEach(() => {
  for (const d of opened.splice(0)) d.close();
});

/** One persona, one job and its item for author '0' of a corpus, as the persona pipeline writes them. */
async function seedMined(d: AppDb, corpusId: string): Promise<void> {
  const id = `${corpusId}/0`;
  const now = 1;
  await d.put('personas', {
    id, corpusId, status: 'mined', text: 'A persona.', meta: {}, stages: {},
    source: { kind: 'mined', corpusId, author: '0' },
  });
  const jobId = `run-${corpusId}:mine`;
  await d.put('jobs', { id: jobId, stage: 'mine', corpusId, createdAt: now, updatedAt: now, status: 'done', options: {}, total: 1 });
  await d.put('jobItems', { jobId, key: '0', order: 0, state: 'done', attempts: 1, updatedAt: now });
}

function authorsOf(corpusId: string, n: number): AuthorSummary[] {
  return Array.from({ length: n }, (_, i) => ({
    corpusId,
    key: String(i),
    meta: { gender: i % 2 ? 'male' : 'female', age: String(13 + (i % 30)) },
    posts: 1 + (i % 40),
    words: 100 * (1 + ((i * 7) % 50)),
    dateMin: i % 10 === 0 ? null : `2002-${String(1 + (i % 12)).padStart(2, '0')}-01`,
    dateMax: i % 10 === 0 ? null : `2004-${String(1 + (i % 12)).padStart(2, '0')}-01`,
  }));
}

describe('schema', () => {
  test('a new database gets every store with its key path at the current version', async () => {
    const d = await db();
    const raw = unwrap(d);
    expect(raw.version).toBe(DB_VERSION);
    expect([...raw.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    expect(STORE_NAMES).toEqual(expect.arrayContaining(['corpora', 'authors', 'posts']));
    const tx = raw.transaction(['corpora', 'authors', 'posts']);
    expect(tx.objectStore('corpora').keyPath).toBe('id');
    expect(tx.objectStore('authors').keyPath).toEqual(['corpusId', 'key']);
    expect(tx.objectStore('posts').keyPath).toBeNull(); // out-of-line key [corpusId, author, seq]
  });

  test('a version-1 database upgrades step by step and keeps its corpora', async () => {
    const name = freshDbName();
    // Build what version 1 created, by hand, with one stored corpus.
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.open(name, 1);
      r.onupgradeneeded = () => {
        const db = r.result;
        db.createObjectStore('corpora', { keyPath: 'id' }).put(corpusInfo('v1'));
        db.createObjectStore('authors', { keyPath: ['corpusId', 'key'] });
        db.createObjectStore('posts').put([{ d: null, t: 'hello', f: 'a.xml', l: 1 }], ['v1', 'a', 0]);
      };
      r.onsuccess = () => {
        r.result.close();
        resolve();
      };
      r.onerror = () => reject(r.error);
    });
    const d = await openAppDb(name);
    opened.push(d);
    expect(unwrap(d).version).toBe(DB_VERSION);
    expect([...unwrap(d).objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    expect((await listCorpora(d)).map((c) => c.id)).toEqual(['v1']);
    expect((await getPosts(d, 'v1', 'a')).map((p) => p.text)).toEqual(['hello']);
  });

  test('reopening an existing database keeps its data', async () => {
    const name = freshDbName();
    const first = await openAppDb(name);
    await seedCorpus(first, corpusInfo('a'), authorsOf('a', 3));
    first.close();
    const second = await openAppDb(name);
    opened.push(second);
    expect((await listCorpora(second)).map((c) => c.id)).toEqual(['a']);
  });
});

describe('reads', () => {
  test('listCorpora lists only ready corpora, newest first; getCorpus hides unfinished ones', async () => {
    const d = await db();
    await seedCorpus(d, corpusInfo('old', { createdAt: 1 }), []);
    await seedCorpus(d, corpusInfo('new', { createdAt: 2 }), []);
    await seedCorpus(d, corpusInfo('half', { status: 'importing', createdAt: 3 }), []);
    await seedCorpus(d, corpusInfo('going', { status: 'deleting', createdAt: 4 }), []);
    expect((await listCorpora(d)).map((c) => c.id)).toEqual(['new', 'old']);
    expect((await getCorpus(d, 'old'))?.id).toBe('old');
    expect(await getCorpus(d, 'half')).toBeUndefined();
    expect(await getCorpus(d, 'nope')).toBeUndefined();
  });

  test('listAuthors sorts and filters within one corpus only; 19,320 authors read in one go', async () => {
    const d = await db();
    const n = 19_320;
    await seedCorpus(d, corpusInfo('big'), authorsOf('big', n), 0);
    await seedCorpus(d, corpusInfo('other'), authorsOf('other', 5), 0);

    const t0 = performance.now();
    const all = await listAuthors(d, 'big', { sort: 'words', desc: true });
    const ms = performance.now() - t0;
    expect(all).toHaveLength(n);
    expect(all.every((a) => a.corpusId === 'big')).toBe(true);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.words).toBeGreaterThanOrEqual(all[i]!.words);
    expect(ms).toBeLessThan(5000); // generous: software rendering and shared CPUs

    const filter = { minPosts: 20, meta: { gender: ['male'] }, dateFrom: '2004-06-01' };
    const expected = authorsOf('big', n).filter(
      (a) => a.posts >= 20 && a.meta.gender === 'male' && a.dateMax !== null && a.dateMax >= '2004-06-01',
    );
    const picked = await listAuthors(d, 'big', { filter, sort: 'key' });
    expect(picked.map((a) => a.key)).toEqual(expected.map((a) => a.key).sort((x, y) => Number(x) - Number(y)));
    expect(await countMatching(d, 'big', filter)).toBe(expected.length);
    expect(await countMatching(d, 'big')).toBe(n);
    expect(await countMatching(d, 'other')).toBe(5);
  });

  test('getPosts flattens one author\'s pages into posts in seq order', async () => {
    const d = await db();
    const authors = authorsOf('c', 12);
    await seedCorpus(d, corpusInfo('c'), authors, 12);
    const posts = await getPosts(d, 'c', '1');
    expect(posts.map((p) => p.seq)).toEqual([...Array(12).keys()]);
    expect(posts[11]).toEqual({ corpusId: 'c', author: '1', seq: 11, date: authors[1]!.dateMin, text: 'post 11 of 1', file: '1.xml', line: 12 });
    // '1' must not pick up author '10' or '11' (prefix ranges are on whole key parts, not strings).
    expect(await getPosts(d, 'c', 'nobody')).toEqual([]);
  });
});

describe('deleteCorpus and cleanupInterrupted', () => {
  test('deleteCorpus removes the record, authors and posts of that corpus only, in chunks', async () => {
    const d = await db();
    await seedCorpus(d, corpusInfo('keep'), authorsOf('keep', 7), 3);
    const before = await dump(d);
    await seedCorpus(d, corpusInfo('drop'), authorsOf('drop', 1200), 10); // 2,400 pages: 3 delete chunks
    await deleteCorpus(d, 'drop');
    expect(await dump(d)).toEqual(before);
    await deleteCorpus(d, 'unknown'); // no-op
    expect(await dump(d)).toEqual(before);
  });

  test('deleteCorpus also removes the personas and jobs mined from that corpus, and only those', async () => {
    const d = await db();
    await seedCorpus(d, corpusInfo('keep'), authorsOf('keep', 3), 2);
    await seedMined(d, 'keep');
    const before = await dump(d);
    await seedCorpus(d, corpusInfo('drop'), authorsOf('drop', 3), 2);
    await seedMined(d, 'drop');
    await deleteCorpus(d, 'drop');
    expect(await dump(d)).toEqual(before);
  });

  test('cleanupInterrupted removes corpora left importing or deleting and nothing else', async () => {
    const d = await db();
    await seedCorpus(d, corpusInfo('keep'), authorsOf('keep', 4), 2);
    const before = await dump(d);
    await seedCorpus(d, corpusInfo('crashed', { status: 'importing' }), [], 0);
    // A crashed import has posts but no authors yet (authors are written at the end).
    await seedCorpus(d, corpusInfo('crashed2', { status: 'importing' }), authorsOf('crashed2', 50), 3);
    await d.delete('authors', IDBKeyRange.bound(['crashed2'], ['crashed2', []]));
    await seedCorpus(d, corpusInfo('halfdeleted', { status: 'deleting' }), authorsOf('halfdeleted', 5), 1);
    expect((await cleanupInterrupted(d)).sort()).toEqual(['crashed', 'crashed2', 'halfdeleted']);
    expect(await dump(d)).toEqual(before);
  });

  test('cleanupInterrupted leaves an import that is still running elsewhere (its lock is held)', async () => {
    const d = await db();
    await seedCorpus(d, corpusInfo('live', { status: 'importing' }), [], 0);
    let release!: () => void;
    let held!: () => void;
    const acquired = new Promise<void>((r) => (held = r));
    const writer = withCorpusLock(d, 'live', () => {
      held();
      return new Promise<void>((r) => (release = r));
    });
    await acquired;
    expect(await cleanupInterrupted(d)).toEqual([]);
    expect((await d.get('corpora', 'live'))?.status).toBe('importing');
    release();
    await writer;
    expect(await cleanupInterrupted(d)).toEqual(['live']);
    expect(await d.get('corpora', 'live')).toBeUndefined();
  });

  test('CorpusStore binds the same functions to a named database', async () => {
    const name = freshDbName();
    const seed = await openAppDb(name);
    await seedCorpus(seed, corpusInfo('s'), authorsOf('s', 2), 1);
    seed.close();
    const store = new CorpusStore(name);
    expect((await store.listCorpora()).map((c) => c.id)).toEqual(['s']);
    expect(await store.countMatching('s')).toBe(2);
    await store.deleteCorpus('s');
    expect(await store.listCorpora()).toEqual([]);
    await store.close();
  });
});

describe('quota', () => {
  test('estimate and persisted report numbers and a boolean in Chromium', async () => {
    const e = await estimateStorage();
    expect(e).not.toBeNull();
    expect(e!.quota).toBeGreaterThan(0);
    expect(e!.available).toBeLessThanOrEqual(e!.quota);
    expect(typeof (await isPersisted())).toBe('boolean');
  });
});
