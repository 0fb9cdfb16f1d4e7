/**
 * Stored references in real IndexedDB, written by the real reference worker (ReferenceService) or
 * by the API object in the page: kept/dropped counts against the core importer, cancel leaves the
 * store unchanged, country subsets, deterministic built-in samples, CSV import, the v1 → v2 upgrade.
 */
import { strToU8, zipSync } from 'fflate';
import { unwrap } from 'idb';
import { describe, expect, test } from 'vitest';
import type { Progress } from '../../../src/contracts/progress';
import type { ReferenceInfo } from '../../../src/contracts/reference-store';
import { AppError } from '../../../src/core/errors';
import { ReferenceService } from '../../../src/services/reference-service';
import { DB_VERSION, openAppDb, STORE_NAMES } from '../../../src/storage/db';
import { createReferenceImportApi } from '../../../src/storage/reference-import';
import { deleteReference, getReferenceData, getReferenceInfo, listReferences, loadReferenceCloud, ReferenceStore } from '../../../src/storage/reference-store';
import { rejection, serviceFixture } from '../db-helpers';
import { bigFfmFile, dump, expectedImport, ffmFile, freshDbName, req, sha256Hex } from './helpers';

const { setup, dbs } = serviceFixture(freshDbName, (dbName) => new ReferenceService({ dbName }));

const COUNTRIES = ['US', 'GB', 'JP', 'KR', 'CN', 'DE', 'NONE'];

describe('schema v2', () => {
  test('a version-1 database with a corpus upgrades to v2 and keeps it', async () => {
    const name = freshDbName();
    const corpus = { id: 'c1', name: 'v1 corpus', createdAt: 1, status: 'ready', files: [], formats: ['blog-xml'], authors: 1, posts: 1, words: 3, dateMin: null, dateMax: null, metaKeys: [], skippedCount: 0, skipped: [] };
    const author = { corpusId: 'c1', key: 'a', meta: { gender: 'female' }, posts: 1, words: 3, dateMin: null, dateMax: null };
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.open(name, 1);
      r.onupgradeneeded = () => {
        const db = r.result;
        db.createObjectStore('corpora', { keyPath: 'id' }).put(corpus);
        db.createObjectStore('authors', { keyPath: ['corpusId', 'key'] }).put(author);
        db.createObjectStore('posts').put({ d: null, t: 'one two three', f: 'a.xml', l: 1 }, ['c1', 'a', 0]);
      };
      r.onsuccess = () => {
        r.result.close();
        resolve();
      };
      r.onerror = () => reject(r.error);
    });
    const db = await openAppDb(name);
    dbs.push(db);
    const raw = unwrap(db);
    expect(raw.version).toBe(DB_VERSION);
    expect(DB_VERSION).toBeGreaterThanOrEqual(2);
    expect([...raw.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    const tx = raw.transaction(['corpora', 'authors', 'posts', 'references', 'referenceData']);
    expect(await req(tx.objectStore('corpora').getAll())).toEqual([corpus]);
    expect(await req(tx.objectStore('authors').getAll())).toEqual([author]);
    expect(await req(tx.objectStore('posts').get(['c1', 'a', 0]))).toEqual({ d: null, t: 'one two three', f: 'a.xml', l: 1 });
    expect(tx.objectStore('references').keyPath).toBe('id');
    expect(tx.objectStore('referenceData').keyPath).toBeNull();
    expect(await req(tx.objectStore('references').count())).toBe(0);
    expect(await listReferences(db)).toEqual([]);
  });
});

describe('IPIP-FFM import through the worker', () => {
  test('stores the kept rows with the right kept/dropped counts, stats, hash and progress', async () => {
    const { service, db } = await setup();
    const file = ffmFile(1500, { seed: 7, countries: COUNTRIES, missingRate: 0.01, ipcOtherRate: 0.25 });
    const filters = { ipcOne: true, missing: 'min:8', minTestTime: 100 };
    const expected = await expectedImport(file, { ipcOne: true, missing: { kind: 'min', minAnswered: 8 }, minTestTime: 100 });
    const progress: Progress[] = [];
    const info = await service.importFfm({ file, name: 'synthetic FFM', filters }, (p) => progress.push(p));

    expect(info.kind).toBe('ffm');
    expect(info.name).toBe('synthetic FFM');
    expect(info.label).toBeNull();
    expect(info.n).toBe(expected.n);
    expect(info.rows).toEqual({ read: 1500, kept: expected.kept, dropped: expected.dropped, keptWithMissing: expected.keptWithMissing });
    // The generator's mix really exercises the filters.
    expect(info.rows.dropped.ipc).toBeGreaterThan(200);
    expect(info.rows.dropped.testTime).toBeGreaterThan(0);
    expect(info.rows.kept + Object.values(info.rows.dropped).reduce((a, b) => a + b, 0)).toBe(1500);
    expect(info.filters).toEqual({ ipcOne: true, missing: 'min:8', minTestTime: 100, countries: null, countryGroup: null });
    expect(info.perCountry).toEqual(expected.perCountry);
    expect(info.alpha).toEqual(expected.alpha);
    expect(info.alpha!.every((a) => a > 0.6 && a < 1)).toBe(true);
    expect(info.source).toEqual({ kind: 'file', fileName: 'data-final.csv', size: file.size, lastModified: file.lastModified, sha256: await sha256Hex(file) });
    expect(info.mean.every((m) => m > 1 && m < 5)).toBe(true);
    expect(info.sd.every((s) => s > 0.2 && s < 1.5)).toBe(true);
    expect(info.correlation.map((r, a) => r[a])).toEqual([1, 1, 1, 1, 1]);

    // What is stored equals the core importer's scores, row for row.
    expect(await getReferenceInfo(db, info.id)).toEqual(info);
    const data = (await getReferenceData(db, info.id))!;
    expect(data.points).toEqual(expected.scores);
    expect(Array.from(data.countryIndex!)).toEqual(Array.from(expected.countryIndex));
    expect(data.countryNames).toEqual(expected.countryNames);
    expect(data.weights.length).toBe(info.n);

    // Progress: bytes against the file size, with row counts; the last says it is stored.
    expect(progress.length).toBeGreaterThan(0);
    const last = progress[progress.length - 1]!;
    expect(last.total).toBe(file.size);
    expect(last.done).toBe(file.size);
    expect(last.unit).toBe('bytes');
    expect(last.text).toMatch(/^Stored/);
    expect(progress.some((p) => p.counts?.rows !== undefined)).toBe(true);

    expect((await listReferences(db)).map((r) => r.id)).toEqual([info.id]);
  });

  test('a country filter keeps only those countries and records the group', async () => {
    const { service } = await setup();
    const file = ffmFile(800, { seed: 3, countries: COUNTRIES });
    const info = await service.importFfm({
      file,
      filters: { countries: ['jp', 'KR', 'CN'], countryGroup: { id: 'east-asia', name: 'East Asia', basis: 'UN M49' } },
    });
    const expected = await expectedImport(file, { countries: ['JP', 'KR', 'CN'] });
    expect(info.n).toBe(expected.n);
    expect(info.rows.dropped.country).toBe(expected.dropped.country);
    expect(Object.keys(info.perCountry!).sort()).toEqual(['CN', 'JP', 'KR']);
    expect(info.filters.countries).toEqual(['JP', 'KR', 'CN']);
    expect(info.filters.countryGroup?.id).toBe('east-asia');
    expect(info.name).toBe('data-final.csv — East Asia');
  });

  test('the zip as downloaded: data-final.csv is read from inside it, progress counts the zip bytes', async () => {
    const { service } = await setup();
    const plain = ffmFile(700, { seed: 14, countries: COUNTRIES });
    const zipped = zipSync({
      'IPIP-FFM-data-8Nov2018/codebook.txt': strToU8('codebook'),
      '__MACOSX/IPIP-FFM-data-8Nov2018/._data-final.csv': strToU8('resource fork'),
      'IPIP-FFM-data-8Nov2018/data-final.csv': new Uint8Array(await plain.arrayBuffer()),
    });
    const file = new File([zipped], 'IPIP-FFM-data-8Nov2018.zip', { type: 'application/zip' });
    const progress: Progress[] = [];
    const info = await service.importFfm({ file }, (p) => progress.push(p));
    const expected = await expectedImport(plain);
    expect(info.n).toBe(expected.n);
    expect(info.rows.dropped).toEqual(expected.dropped);
    expect(info.source).toMatchObject({ fileName: 'IPIP-FFM-data-8Nov2018.zip', size: file.size, sha256: await sha256Hex(file) });
    expect(info.notes[0]).toMatch(/Read IPIP-FFM-data-8Nov2018\/data-final\.csv from inside the zip/);
    expect(progress.every((p) => p.total === file.size && p.done <= file.size)).toBe(true);
    expect(progress[progress.length - 1]!.done).toBe(file.size);
  });

  test('a zip without data-final.csv, or a truncated one, is an InputError that says what to choose', async () => {
    const { service, db } = await setup();
    const noData = new File([zipSync({ 'a/readme.txt': strToU8('hi') })], 'other.zip');
    const e1 = await rejection(service.importFfm({ file: noData }));
    expect(e1.name).toBe('InputError');
    expect(e1.message).toMatch(/other\.zip: the zip has no data-final\.csv \(it holds a\/readme\.txt\)/);
    const full = zipSync({ 'data-final.csv': new Uint8Array(await ffmFile(400, { seed: 1 }).arrayBuffer()) }, { level: 6 });
    const cut = new File([full.subarray(0, Math.floor(full.length / 2))], 'cut.zip');
    const e2 = await rejection(service.importFfm({ file: cut }));
    expect(e2.name).toBe('InputError');
    expect(e2.message).toMatch(/cut\.zip: .*(truncated|damaged)/);
    // A stored (uncompressed) entry with one answer changed still parses, but fails its CRC-32.
    const text = await ffmFile(200, { seed: 3 }).text();
    const stored = zipSync({ 'data-final.csv': strToU8(text) }, { level: 0 });
    const at = stored.indexOf(0x0a, 30 + 'data-final.csv'.length) + 1; // after the local header: first byte of the first data row, an item answer 1–5
    stored[at] = stored[at] === 0x33 ? 0x34 : 0x33;
    const e3 = await rejection(service.importFfm({ file: new File([stored], 'flipped.zip') }));
    expect(e3.message).toMatch(/flipped\.zip: data-final\.csv fails its CRC-32 check/);
    expect(await listReferences(db)).toEqual([]);
  });

  test('a file that is not the FFM layout fails with a located InputError and stores nothing', async () => {
    const { service, db } = await setup();
    const before = await dump(db);
    const err = await rejection(service.importFfm({ file: new File(['a,b,c\n1,2,3\n'], 'wrong.csv') }));
    expect(err).toBeInstanceOf(AppError);
    expect(err.name).toBe('InputError');
    expect(err.message).toMatch(/wrong\.csv, line 1: .*commas/);
    expect(await dump(db)).toEqual(before);
  });

  test('filters that keep nothing say which filters dropped the rows', async () => {
    const { service, db } = await setup();
    const err = await rejection(service.importFfm({ file: ffmFile(50, { seed: 2, countries: ['US'] }), filters: { ipcOne: false, countries: ['JP'] } }));
    expect(err.name).toBe('InputError');
    expect(err.message).toMatch(/No rows were kept.*country 50.*Loosen the filters/);
    expect(await listReferences(db)).toEqual([]);
  });

  test('cancel mid-import (worker) leaves the store exactly as before', async () => {
    const { service, db } = await setup();
    // One reference already stored, which must survive untouched.
    const kept = await service.importFfm({ file: ffmFile(100, { seed: 1 }) });
    const before = await dump(db);
    const file = bigFfmFile(2000, 40, { seed: 5 }); // ≈ 60 MB, 80,000 rows
    let cancelled = false;
    const progress: Progress[] = [];
    const p = service.importFfm({ file }, (pr) => {
      progress.push(pr);
      if (!cancelled && pr.done > 0 && pr.done < file.size) {
        cancelled = true;
        service.cancel();
      }
    });
    const err = await rejection(p);
    expect(err.name).toBe('AbortError');
    expect(err.message).toMatch(/nothing was stored/);
    expect(cancelled).toBe(true);
    expect(progress[progress.length - 1]!.done).toBeLessThan(file.size);
    expect(await dump(db)).toEqual(before);
    expect((await listReferences(db)).map((r) => r.id)).toEqual([kept.id]);
    // The worker is usable again after a cancel.
    const again = await service.importFfm({ file: ffmFile(60, { seed: 9 }) });
    expect(again.n).toBeGreaterThan(0);
  });

  test('terminating the worker mid-import rejects with AbortError and stores nothing', async () => {
    const { service, db } = await setup();
    const before = await dump(db);
    let killed = false;
    const err = await rejection(
      service.importFfm({ file: bigFfmFile(2000, 30, { seed: 8 }) }, (p) => {
        if (!killed && p.done > 0) {
          killed = true;
          service.terminate();
        }
      }),
    );
    expect(err.name).toBe('AbortError');
    expect(await dump(db)).toEqual(before);
    // A fresh worker starts on the next call.
    expect((await service.importFfm({ file: ffmFile(30, { seed: 1 }) })).n).toBeGreaterThan(0);
  });

  test('cancel while inflating a zip stores nothing and leaves no stream running', async () => {
    const dbName = freshDbName();
    const db = await openAppDb(dbName);
    dbs.push(db);
    const before = await dump(db);
    const big = bigFfmFile(1000, 20, { seed: 2 });
    const zip = new File([zipSync({ 'data-final.csv': new Uint8Array(await big.arrayBuffer()) }, { level: 1 })], 'big.zip');
    const api = createReferenceImportApi({ dbName, progressIntervalMs: 0 });
    // Cancel from the importer's own progress report: that runs inside the inflate pump.
    let rowsAtCancel = 0;
    const err = await rejection(
      api.importFfm({ file: zip }, (p) => {
        if (rowsAtCancel === 0 && (p.counts?.rows ?? 0) > 0) {
          rowsAtCancel = p.counts!.rows!;
          api.cancel();
        }
      }),
    );
    expect(err.name).toBe('AbortError');
    expect(rowsAtCancel).toBeGreaterThan(0);
    expect(rowsAtCancel).toBeLessThan(20_000);
    expect(await dump(db)).toEqual(before);
    // The same API object imports normally afterwards.
    expect((await api.importFfm({ file: zip, hash: false }, () => {})).n).toBeGreaterThan(0);
  });

  test('cancel during the final write (API object, AbortSignal hook) stores nothing', async () => {
    const dbName = freshDbName();
    const db = await openAppDb(dbName);
    dbs.push(db);
    const before = await dump(db);
    const api = createReferenceImportApi({ dbName, afterChunk: () => {} });
    // Cancel as soon as the "Saving" message arrives: the write's transaction is aborted.
    const err = await rejection(
      api.importFfm({ file: ffmFile(300, { seed: 4 }) }, (p) => {
        if (p.text.startsWith('Saving')) api.cancel();
      }),
    );
    expect(err.name).toBe('AbortError');
    expect(await dump(db)).toEqual(before);
  });

  test('cancel between chunks (API object in the page) stores nothing', async () => {
    const dbName = freshDbName();
    const db = await openAppDb(dbName);
    dbs.push(db);
    const before = await dump(db);
    let chunks = 0;
    const api = createReferenceImportApi({
      dbName,
      afterChunk: () => {
        if (++chunks === 2) api.cancel();
      },
    });
    const err = await rejection(api.importFfm({ file: bigFfmFile(500, 10, { seed: 6 }) }, () => {}));
    expect(err.name).toBe('AbortError');
    expect(chunks).toBe(2);
    expect(await dump(db)).toEqual(before);
  });
});

describe('full disk and failed writes', () => {
  /** Makes IDBObjectStore.put throw QuotaExceededError for one store while `fn` runs (page only). */
  async function withFullStore<T>(storeName: string, fn: () => Promise<T>): Promise<T> {
    const original = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === storeName) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.apply(this, args);
    };
    try {
      return await fn();
    } finally {
      IDBObjectStore.prototype.put = original;
    }
  }

  for (const storeName of ['referenceData', 'references']) {
    test(`QuotaExceededError on the ${storeName} put → QuotaError saying what to do, nothing half-written`, async () => {
      const dbName = freshDbName();
      const db = await openAppDb(dbName);
      dbs.push(db);
      const api = createReferenceImportApi({ dbName });
      await api.createBuiltinSample({ builtinId: 'global', n: 10, seed: 1 }, await (await fetch('/reference/builtin-reference.json')).json(), () => {});
      const before = await dump(db);
      const err = await withFullStore(storeName, () => rejection(api.importFfm({ file: ffmFile(100, { seed: 2 }) }, () => {})));
      expect(err.name).toBe('QuotaError');
      expect(err.message).toMatch(/Browser storage is full.*Free space.*nothing was stored/);
      expect(await dump(db)).toEqual(before);
    });
  }

  test('hash: false skips the SHA-256 and says so', async () => {
    const { service } = await setup();
    const info = await service.importFfm({ file: ffmFile(40, { seed: 1 }), hash: false });
    expect(info.source.kind === 'file' && info.source.sha256).toBeNull();
    expect(info.notes.join(' ')).toMatch(/SHA-256 not computed/);
  });
});

describe('loadReferenceCloud', () => {
  test('subsets by country list and renormalises weights', async () => {
    const { service, db } = await setup();
    const file = ffmFile(1200, { seed: 11, countries: COUNTRIES, countryShift: { JP: [0, 0, -1, 0, 1] } });
    const info = await service.importFfm({ file, filters: { ipcOne: false } });
    const data = (await getReferenceData(db, info.id))!;

    const all = await loadReferenceCloud(db, info.id);
    expect(all.n).toBe(info.n);
    expect(all.d).toBe(5);
    expect(all.points).toEqual(data.points);

    const sub = await loadReferenceCloud(db, info.id, { countries: ['jp', 'KR'] });
    expect(sub.n).toBe(info.perCountry!.JP! + info.perCountry!.KR!);
    expect(sub.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Exactly the JP and KR rows, in stored order.
    const want: number[] = [];
    for (let i = 0; i < info.n; i++) {
      const c = data.countryNames[data.countryIndex![i]!];
      if (c === 'JP' || c === 'KR') want.push(...data.points.subarray(i * 5, i * 5 + 5));
    }
    expect(Array.from(sub.points)).toEqual(want);

    const jp = await loadReferenceCloud(db, info.id, { countries: ['JP'] });
    let meanE = 0;
    for (let i = 0; i < jp.n; i++) meanE += jp.points[i * 5 + 2]! / jp.n;
    expect(meanE).toBeLessThan(info.mean[2]!); // the generator's JP shift shows in the subset

    const none = await rejection(loadReferenceCloud(db, info.id, { countries: ['FR'] }));
    expect(none.name).toBe('InputError');
    expect(none.message).toMatch(/no rows from FR/);
    const missing = await rejection(loadReferenceCloud(db, 'nope'));
    expect(missing.message).toMatch(/No stored reference with id "nope"/);
  });

  test('ReferenceStore (the UI/Align binding) lists, loads and deletes record and points together', async () => {
    const { service, dbName, db } = await setup();
    const a = await service.importFfm({ file: ffmFile(50, { seed: 1 }) });
    const b = await service.createBuiltinSample({ builtinId: 'global', n: 40, seed: 1 });
    const store = new ReferenceStore(dbName);
    expect((await store.listReferences()).map((r) => r.id)).toEqual([b.id, a.id]);
    expect((await store.loadReferenceCloud(b.id)).n).toBe(40);
    await store.deleteReference(a.id);
    expect(await getReferenceInfo(db, a.id)).toBeUndefined();
    expect(await getReferenceData(db, a.id)).toBeUndefined();
    await deleteReference(db, 'unknown'); // no-op
    expect((await store.listReferences()).map((r) => r.id)).toEqual([b.id]);
    await store.close();
  });
});

describe('built-in samples', () => {
  test('same seed → same points after a reload; another seed differs; labelled approximate', async () => {
    const { service, db } = await setup();
    const s1 = await service.createBuiltinSample({ builtinId: 'east-asia', n: 500, seed: 42 });
    const s2 = await service.createBuiltinSample({ builtinId: 'east-asia', n: 500, seed: 42 });
    const s3 = await service.createBuiltinSample({ builtinId: 'east-asia', n: 500, seed: 43 });
    expect(s1.label).toBe('approximate');
    expect(s1.kind).toBe('builtin');
    expect(s1.source).toMatchObject({ kind: 'builtin', builtinId: 'east-asia', seed: 42, n: 500 });
    expect(s1.notes.join(' ')).toMatch(/approximate/);
    expect(s1.notes.join(' ')).toMatch(/IPIP-FFM/); // how to import the real file
    if (s1.source.kind === 'builtin') expect(s1.source.citations.length).toBeGreaterThan(0);
    expect(s1.filters.countries).toContain('JP');
    const c1 = await loadReferenceCloud(db, s1.id);
    const c2 = await loadReferenceCloud(db, s2.id);
    const c3 = await loadReferenceCloud(db, s3.id);
    expect(c1.n).toBe(500);
    expect(c1.points).toEqual(c2.points);
    expect(c1.points).not.toEqual(c3.points);
    // A fresh connection (as after a page reload) reads the same points.
    const db2 = await openAppDb(db.name);
    dbs.push(db2);
    expect((await loadReferenceCloud(db2, s1.id)).points).toEqual(c1.points);
    // The stored stats describe the sample.
    const entry = (await service.builtinReference()).entries.find((e) => e.id === 'east-asia')!;
    s1.mean.forEach((m, t) => expect(Math.abs(m - entry.mean[t]!)).toBeLessThan(0.15));
  });

  test('a builtin sample has no country column to subset', async () => {
    const { service, db } = await setup();
    const s = await service.createBuiltinSample({ builtinId: 'global', n: 10, seed: 1 });
    const err = await rejection(loadReferenceCloud(db, s.id, { countries: ['US'] }));
    expect(err.message).toMatch(/no country column/);
  });

  test('bad sample sizes and unknown entries are InputErrors', async () => {
    const { service } = await setup();
    expect((await rejection(service.createBuiltinSample({ builtinId: 'global', n: 0, seed: 1 }))).name).toBe('InputError');
    expect((await rejection(service.createBuiltinSample({ builtinId: 'atlantis', n: 10, seed: 1 }))).message).toMatch(/No built-in reference "atlantis"/);
  });
});

describe('reference CSV import', () => {
  test('trait columns with weight and country', async () => {
    const { service, db } = await setup();
    const csv = 'openness,conscientiousness,extraversion,agreeableness,neuroticism,weight,country\n' + '3.5,3.2,2.8,4.0,2.5,1,JP\n' + '4.1,3.9,3.3,3.7,2.1,3,US\n' + '2.9,3.0,3.5,3.6,3.0,0,jp\n';
    const info = await service.importCsv({ file: new File([csv], 'mine.csv') });
    expect(info).toMatchObject({ kind: 'csv', n: 3, weighted: true, alpha: null, perCountry: { JP: 2, US: 1 } });
    expect(info.rows).toEqual({ read: 3, kept: 3, dropped: {}, keptWithMissing: 0 });
    // Weighted mean of openness: (3.5·1 + 4.1·3 + 2.9·0) / 4.
    expect(info.mean[0]).toBeCloseTo((3.5 + 4.1 * 3) / 4, 5);
    const jp = await loadReferenceCloud(db, info.id, { countries: ['JP'] });
    expect(jp.n).toBe(2);
    expect(Array.from(jp.weights)).toEqual([1, 0]);
  });

  test('item columns: scored, missing rows dropped and counted, α reported', async () => {
    const { service } = await setup();
    // Reuse the generated FFM rows (item columns only) as a user's comma-separated item file.
    const text = await ffmFile(300, { seed: 12, missingRate: 0.02 }).text();
    const lines = text.trim().split('\n').map((l) => l.split('\t').slice(0, 50).join(','));
    const info = await service.importCsv({ file: new File([lines.join('\n')], 'items.csv') });
    expect(info.filters.missing).toBe('drop');
    expect(info.rows.read).toBe(300);
    expect(info.rows.dropped.missing).toBeGreaterThan(0);
    expect(info.n + info.rows.dropped.missing!).toBe(300);
    expect(info.alpha).toHaveLength(5);
    expect(info.alpha!.every((a) => a > 0.5)).toBe(true);
  });

  test('a CSV with neither traits nor items is an InputError and stores nothing', async () => {
    const { service, db } = await setup();
    const err = await rejection(service.importCsv({ file: new File(['a,b\n1,2\n'], 'bad.csv') }));
    expect(err.name).toBe('InputError');
    expect(err.message).toMatch(/five trait columns/);
    expect(await listReferences(db)).toEqual([] as ReferenceInfo[]);
  });
});
