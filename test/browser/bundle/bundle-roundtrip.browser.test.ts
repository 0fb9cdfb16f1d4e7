// Project bundles in a real browser: export a database with every kind of record, import it into a
// fresh one ("another browser"), and the content hash of a canonical dump of every store is equal;
// conflicts are refused (or replaced on request), and broken bundles or a cancel leave the target
// database exactly as it was.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { unzipSync, zipSync, strFromU8, strToU8 } from 'fflate';
import { exportBundle } from '../../../src/storage/bundle-export';
import { importBundle } from '../../../src/storage/bundle-import';
import { openAppDb, type AppDb } from '../../../src/storage/db';
import { dump, rejection, uniqueDbName } from '../db-helpers';
import { contentHash, populatedDb } from './helpers';

const dbs: AppDb[] = [];
afterAll(() => dbs.forEach((d) => d.close()));
async function fresh(): Promise<AppDb> {
  const db = await openAppDb(uniqueDbName('bundle-target'));
  dbs.push(db);
  return db;
}

let source: AppDb;
let bundle: Uint8Array;
async function setup(): Promise<void> {
  if (source) return;
  source = (await populatedDb()).db;
  dbs.push(source);
  bundle = (await exportBundle(source, { postText: true, embeddings: true })).bytes;
}

describe('bundle round trip', () => {
  it('restores the same state exactly: equal dumps and equal content hashes', async () => {
    await setup();
    const before = await dump(source);
    expect(before.posts!.length).toBeGreaterThan(10);
    expect(before.runs!.length).toBe(1);
    const target = await fresh();
    const progress: number[] = [];
    const summary = await importBundle(target, bundle, { onProgress: (p) => progress.push(p.done) });
    expect(summary.replaced).toBe(0);
    expect(summary.written.posts).toBe(before.posts!.length);
    expect(await contentHash(target)).toBe(await contentHash(source));
    const after = await dump(target);
    expect(after).toStrictEqual(before);
    // Typed arrays come back as typed arrays, the File as a File with its bytes and name.
    const run = after.runs![0]![1] as { result: { pool: { points: Float32Array } }; request: { file: File } };
    expect(run.result.pool.points).toBeInstanceOf(Float32Array);
    expect(run.request.file).toBeInstanceOf(File);
    expect(run.request.file.name).toBe('pool.csv');
    expect(await run.request.file.text()).toBe('id,openness\nx,3\n');
    expect(progress.length).toBeGreaterThan(1);
  });

  it('exporting twice gives the same bytes (a bundle is reproducible)', async () => {
    await setup();
    const at = new Date('2026-01-01T00:00:00Z');
    const a = await exportBundle(source, { postText: true, embeddings: true, createdAt: at });
    const b = await exportBundle(source, { postText: true, embeddings: true, createdAt: at });
    expect(Array.from(a.bytes)).toEqual(Array.from(b.bytes));
  });

  it('without post text: no post text in the zip, every other store identical', async () => {
    await setup();
    const { bytes, manifest } = await exportBundle(source, { postText: false });
    expect(manifest.options).toEqual({ postText: false, embeddings: false });
    const posts = strFromU8(unzipSync(bytes)['stores/posts.jsonl']!);
    const someText = ((await dump(source)).posts![0]![1] as { t: string }[])[0]!.t;
    expect(someText.length).toBeGreaterThan(20);
    expect(posts).not.toContain(someText.slice(0, 20));
    const target = await fresh();
    await importBundle(target, bytes);
    expect(await contentHash(target, ['posts', 'embeddings'])).toBe(await contentHash(source, ['posts', 'embeddings']));
    const page = (await dump(target)).posts![0]![1] as { t: string; h: string }[];
    expect(page[0]!.t).toBe('');
    expect(page[0]!.h).toMatch(/^[0-9a-f]{64}$/);
    expect((await dump(target)).embeddings).toEqual([]);
  });

  it('records that exist already: refused with a clear message and nothing written; replaced on request', async () => {
    await setup();
    const target = await fresh();
    await importBundle(target, bundle);
    await target.put('targets', { id: 't-1', kind: 'target', createdAt: 'changed', updatedAt: 'changed' });
    const before = await dump(target);
    const e = await rejection(importBundle(target, bundle));
    expect(e.name).toBe('InputError');
    expect(e.message).toMatch(/already exist here.*corpora: 1.*Nothing was imported.*Replace existing records/);
    expect(await dump(target)).toStrictEqual(before);
    const s = await importBundle(target, bundle, { onExisting: 'replace' });
    expect(s.replaced).toBeGreaterThan(0);
    expect(await contentHash(target)).toBe(await contentHash(source));
  });

  it('replacing from a bundle without post text keeps the text of posts stored here', async () => {
    await setup();
    const target = await fresh();
    await importBundle(target, bundle);
    const { bytes } = await exportBundle(source, { postText: false });
    const s = await importBundle(target, bytes, { onExisting: 'replace' });
    expect(s.replaced).toBeGreaterThan(0);
    expect(s.written.posts).toBe(0);
    expect(await contentHash(target)).toBe(await contentHash(source));
  });

  it('broken bundles (fast-check: cut, flipped, edited entries) never write anything', async () => {
    await setup();
    const target = await fresh();
    await target.put('targets', { id: 'keep', kind: 'target', createdAt: 'a', updatedAt: 'b' });
    const before = await contentHash(target);
    const files = unzipSync(bundle);
    const edited = (name: string): Uint8Array => zipSync({ ...files, [name]: strToU8(strFromU8(files[name]!).replace(/"/, "'")) });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: 0, max: bundle.length - 1 }).map((n) => bundle.slice(0, n)),
          fc.tuple(fc.integer({ min: 0, max: bundle.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
            const b = bundle.slice();
            b[at]! ^= x;
            return b;
          }),
          fc.constantFrom(...Object.keys(files).filter((n) => n !== 'manifest.json')).map(edited),
        ),
        async (bytes) => {
          try {
            await importBundle(target, bytes);
          } catch (e) {
            expect(['FormatError', 'InputError']).toContain((e as Error).name);
          }
          // Refused: the database is untouched. A flip in zip slack (e.g. an mtime) leaves a valid
          // bundle that imports whole: then the database must be exactly source + 'keep', never in between.
          if ((await contentHash(target)) !== before) {
            expect(await contentHash(target)).toBe(await mergedHash());
            await resetTarget(target);
          }
        },
      ),
      { numRuns: 25 },
    );
    expect(await contentHash(target)).toBe(before);
  });

  it('a full disk while writing (QuotaExceededError) is a QuotaError and leaves the database as it was', async () => {
    await setup();
    const target = await fresh();
    const before = await contentHash(target);
    const e = await rejection(
      importBundle(target, bundle, {
        onProgress: (p) => {
          // Thrown inside the write loop, where a failing put would surface.
          if (p.stage === 'write') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        },
      }),
    );
    expect(e.name).toBe('QuotaError');
    expect(e.message).toMatch(/Browser storage is full.*nothing of it was imported/s);
    expect(await contentHash(target)).toBe(before);
  });

  it('a cancel while writing leaves the database as it was', async () => {
    await setup();
    const target = await fresh();
    const before = await contentHash(target);
    const ctrl = new AbortController();
    const e = await rejection(
      importBundle(target, bundle, {
        signal: ctrl.signal,
        onProgress: (p) => {
          if (p.stage === 'write') ctrl.abort();
        },
      }),
    );
    expect(e.name).toBe('AbortError');
    expect(await contentHash(target)).toBe(before);
  });
});

// A corrupted-but-valid bundle (flip in zip slack) imports whole; the target then equals source + 'keep'.
let merged: string | undefined;
async function mergedHash(): Promise<string> {
  if (merged) return merged;
  const db = await fresh();
  await db.put('targets', { id: 'keep', kind: 'target', createdAt: 'a', updatedAt: 'b' });
  await importBundle(db, bundle);
  merged = await contentHash(db);
  return merged;
}

async function resetTarget(db: AppDb): Promise<void> {
  const names = Array.from(db.objectStoreNames);
  const tx = db.transaction(names as never, 'readwrite');
  await Promise.all([...names.map((n) => tx.objectStore(n as never).clear()), tx.done]);
  await db.put('targets', { id: 'keep', kind: 'target', createdAt: 'a', updatedAt: 'b' });
}
