/**
 * Imports through the real worker (via ImportService) into real IndexedDB, and the all-or-nothing
 * guarantee: cancel, a full disk and a killed worker leave the database exactly as before.
 */
import { describe, expect, test } from 'vitest';
import type { CorpusInfo } from '../../../src/contracts/corpus-store';
import type { Progress } from '../../../src/contracts/progress';
import { AppError } from '../../../src/core/errors';
import { ImportService } from '../../../src/services/import-service';
import { cleanupInterrupted, getPosts, listAuthors, listCorpora } from '../../../src/storage/corpus-store';
import { openAppDb, type AppDb } from '../../../src/storage/db';
import { createImportApi } from '../../../src/storage/import-job';
import { rejection, serviceFixture } from '../db-helpers';
import { blogCsvFile, blogXmlFiles, dump, freshDbName, generateAuthors, isoDate, type GenAuthor } from './helpers';

const { setup, dbs } = serviceFixture(freshDbName, (dbName) => new ImportService({ dbName }));

async function expectMatchesGenerated(db: AppDb, info: CorpusInfo, gen: GenAuthor[], wordsPerPost: number): Promise<void> {
  const totalPosts = gen.reduce((s, a) => s + a.posts.length, 0);
  expect(info.status).toBe('ready');
  expect(info.authors).toBe(gen.length);
  expect(info.posts).toBe(totalPosts);
  expect(info.words).toBe(totalPosts * wordsPerPost);
  const dates = gen.flatMap((a) => a.posts.map(isoDate)).sort();
  expect(info.dateMin).toBe(dates[0]);
  expect(info.dateMax).toBe(dates[dates.length - 1]);
  expect(info.metaKeys).toEqual(expect.arrayContaining(['gender', 'age']));

  const authors = await listAuthors(db, info.id, { sort: 'key' });
  expect(authors.map((a) => a.key)).toEqual(gen.map((a) => a.id).sort((x, y) => Number(x) - Number(y)));
  for (const g of gen.slice(0, 5)) {
    const a = authors.find((x) => x.key === g.id)!;
    expect(a.posts).toBe(g.posts.length);
    expect(a.words).toBe(g.posts.length * wordsPerPost);
    expect(a.meta.gender).toBe(g.gender);
    expect(a.meta.age).toBe(String(g.age));
    const posts = await getPosts(db, info.id, g.id);
    expect(posts.map((p) => p.text)).toEqual(g.posts.map((p) => p.text));
    expect(posts.map((p) => p.date)).toEqual(g.posts.map(isoDate));
    expect(posts.map((p) => p.seq)).toEqual(g.posts.map((_, i) => i));
  }
}

describe('import through the worker', () => {
  test('blog XML files: counts, authors, posts and metadata as generated; progress reports written posts', async () => {
    const { service, db } = await setup();
    const gen = generateAuthors(40, 12, 30, 7);
    const events: Progress[] = [];
    const info = await service.importCorpus({ name: 'xml', sources: blogXmlFiles(gen) }, (p) => events.push(p));
    expect(info.formats).toEqual(['blog-xml']);
    expect(info.files).toHaveLength(40);
    await expectMatchesGenerated(db, info, gen, 30);
    expect((await listCorpora(db)).map((c) => c.id)).toEqual([info.id]);
    expect(events.length).toBeGreaterThan(0);
    expect(events[events.length - 1]!.counts?.written).toBe(info.posts);
  });

  test('prolific authors span several pages; a post longer than a page gets one of its own', async () => {
    const { service, db } = await setup();
    const gen = generateAuthors(3, 1, 5, 13);
    for (let i = 0; i < 150; i++) gen[0]!.posts.push({ day: 1 + (i % 28), month: i % 12, year: 2003, text: `post number ${i} of the first author` });
    const long = Array.from({ length: 9000 }, (_, i) => `w${i}`).join(' '); // ~50k chars
    gen[1]!.posts.splice(0, 0, { day: 2, month: 1, year: 2002, text: long });
    const info = await service.importCorpus({ name: 'pages', sources: blogXmlFiles(gen) });
    for (const g of gen) {
      const posts = await getPosts(db, info.id, g.id);
      expect(posts.map((p) => p.text)).toEqual(g.posts.map((p) => p.text));
      expect(posts.map((p) => p.seq)).toEqual(g.posts.map((_, i) => i));
    }
    // 151 posts of author 0 at ≤ 64 per page: at least 3 pages; author 1's long post is alone.
    expect(await db.count('posts', IDBKeyRange.bound([info.id, gen[0]!.id], [info.id, gen[0]!.id, []]))).toBeGreaterThanOrEqual(3);
    const firstPage = await db.get('posts', [info.id, gen[1]!.id, 0]);
    expect(firstPage?.map((r) => r.t)).toEqual([long]);
  });

  test('blog CSV file: the same corpus as one CSV gives the same counts', async () => {
    const { service, db } = await setup();
    const gen = generateAuthors(60, 10, 25, 11);
    const info = await service.importCorpus({ name: 'csv', sources: [blogCsvFile(gen)] });
    expect(info.formats).toEqual(['blog-csv']);
    await expectMatchesGenerated(db, info, gen, 25);
  });

  test('generic CSV: preview through the worker suggests a mapping that then imports', async () => {
    const { service, db } = await setup();
    const csv = new File(
      ['user,country,created_at,body\nann,NZ,2020-03-01,"first, with comma"\nbob,FR,2020-03-02,second\nann,NZ,2020-04-01,third\n'],
      'export.csv',
      { type: 'text/csv' },
    );
    const preview = await service.preview(csv);
    expect(preview.format).toBe('csv');
    expect(preview.columns).toEqual(['user', 'country', 'created_at', 'body']);
    expect(preview.rows).toHaveLength(3);
    expect(preview.suggested).toEqual({ author: 'user', text: 'body', date: 'created_at', meta: ['country'] });
    const info = await service.importCorpus({ name: 'generic', sources: [csv], format: 'csv', mapping: preview.suggested });
    expect(info).toMatchObject({ authors: 2, posts: 3, dateMin: '2020-03-01', dateMax: '2020-04-01', metaKeys: ['country'] });
    const ann = await getPosts(db, info.id, 'ann');
    expect(ann.map((p) => p.text)).toEqual(['first, with comma', 'third']);
    expect(ann.map((p) => p.line)).toEqual([2, 4]);
  });

  test('a worker error keeps its name across the boundary and stores nothing', async () => {
    const { service, db } = await setup();
    const before = await dump(db);
    const bad = new File(['author,text\nx,hello\n'], 'generic.csv', { type: 'text/csv' });
    // A generic CSV needs a column mapping; without one the parser refuses with an InputError.
    const err = await rejection(service.importCorpus({ name: 'bad', sources: [bad], format: 'csv' }));
    expect(err).toBeInstanceOf(AppError);
    expect(['InputError', 'FormatError']).toContain(err.name);
    expect(await dump(db)).toEqual(before);
  });
});

describe('service guards', () => {
  test('sources that are not Files, and a second import while one runs, are refused with InputError', async () => {
    const { service, db } = await setup();
    const notAFile = { name: 'x.csv', size: 1, stream: () => new Blob(['x']).stream() };
    const err = await rejection(service.importCorpus({ name: 'x', sources: [notAFile] }));
    expect(err.name).toBe('InputError');
    const first = service.importCorpus({ name: 'one', sources: blogXmlFiles(generateAuthors(300, 20, 40, 21)) });
    const second = await rejection(service.importCorpus({ name: 'two', sources: blogXmlFiles(generateAuthors(2, 2, 5, 22)) }));
    expect(second.name).toBe('InputError');
    expect(second.message).toMatch(/already running/);
    const info = await first;
    expect((await listCorpora(db)).map((c) => c.id)).toEqual([info.id]);
  });
});

describe('all-or-nothing', () => {
  test('cancel after the first progress event with committed posts leaves the database exactly as before (earlier corpus kept)', async () => {
    const { service, db } = await setup();
    const earlier = await service.importCorpus({ name: 'earlier', sources: blogXmlFiles(generateAuthors(10, 5, 10, 3)) });
    const before = await dump(db);
    const big = blogXmlFiles(generateAuthors(3000, 40, 80, 5)); // ~60k posts, ~30 MB
    let cancelledAt: Progress | undefined;
    const err = await rejection(
      service.importCorpus({ name: 'big', sources: big }, (p) => {
        // The first event that reports committed posts, so the rollback has rows to remove.
        if (!cancelledAt && (p.counts?.written ?? 0) > 0) {
          cancelledAt = p;
          service.cancel();
        }
      }),
    );
    expect(err.name).toBe('AbortError');
    expect(err.message).toMatch(/nothing was imported/i);
    expect(cancelledAt?.counts?.written).toBeGreaterThan(0);
    expect(cancelledAt!.done).toBeLessThan(cancelledAt!.total!);
    expect(await dump(db)).toEqual(before);
    expect((await listCorpora(db)).map((c) => c.id)).toEqual([earlier.id]);
    // The worker is still usable afterwards.
    const again = await service.importCorpus({ name: 'after', sources: blogXmlFiles(generateAuthors(3, 3, 5, 9)) });
    expect(again.authors).toBe(3);
  });

  test('an AbortSignal fired at the very first progress event cancels like cancel()', async () => {
    const { service, db } = await setup();
    const before = await dump(db);
    const ctl = new AbortController();
    const big = blogXmlFiles(generateAuthors(2000, 40, 80, 6));
    const err = await rejection(service.importCorpus({ name: 'big', sources: big }, () => ctl.abort(), ctl.signal));
    expect(err.name).toBe('AbortError');
    expect(await dump(db)).toEqual(before);
  });

  test('a full disk midway (QuotaExceededError on the third batch) rolls back and yields QuotaError', async () => {
    const dbName = freshDbName();
    const db = await openAppDb(dbName);
    dbs.push(db);
    const api = createImportApi({
      dbName,
      progressIntervalMs: 0,
      writer: {
        maxBatchPosts: 100,
        beforeBatchWrite: ({ index }) => {
          if (index === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        },
      },
    });
    const first = await createImportApi({ dbName }).importCorpus({ name: 'earlier', sources: blogXmlFiles(generateAuthors(5, 4, 10, 1)) }, () => {});
    const before = await dump(db);
    let written = 0;
    const err = await rejection(
      api.importCorpus({ name: 'too big', sources: blogXmlFiles(generateAuthors(200, 20, 20, 2)) }, (p) => {
        written = Math.max(written, p.counts?.written ?? 0);
      }),
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err.name).toBe('QuotaError');
    expect(err.message).toMatch(/Browser storage is full.*nothing was imported/s);
    expect(written).toBe(200); // two batches had been committed before the failure, and were removed
    expect(await dump(db)).toEqual(before);
    expect((await listCorpora(db)).map((c) => c.id)).toEqual([first.id]);
  });

  test('a worker killed mid-import leaves an invisible remainder that cleanupInterrupted removes', async () => {
    const { service, db } = await setup();
    await service.importCorpus({ name: 'earlier', sources: blogXmlFiles(generateAuthors(4, 4, 10, 4)) });
    const before = await dump(db);
    let seenWritten = false;
    const done = service.importCorpus({ name: 'big', sources: blogXmlFiles(generateAuthors(3000, 40, 80, 8)) }, (p) => {
      if (!seenWritten && (p.counts?.written ?? 0) > 0) {
        seenWritten = true;
        service.terminate(); // as if the tab crashed: no rollback runs
      }
    });
    const err = await rejection(done);
    expect(err.name).toBe('AbortError');
    expect(seenWritten).toBe(true);
    const leftover = await dump(db);
    expect(leftover).not.toEqual(before); // rows of the interrupted import are there...
    expect((await listCorpora(db)).length).toBe(1); // ...but invisible
    expect((await cleanupInterrupted(db)).length).toBe(1);
    expect(await dump(db)).toEqual(before);
    // The service starts a fresh worker on the next call.
    const again = await service.importCorpus({ name: 'after', sources: blogXmlFiles(generateAuthors(2, 2, 5, 9)) });
    expect(again.status).toBe('ready');
  });
});
