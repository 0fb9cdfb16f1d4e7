/**
 * Worker crash mid-job, for the three worker services: the worker is terminated and its 'error'
 * event fired (what the page sees when a worker dies by itself), and the service restarts it and
 * runs the job again from its start to the same end result as an uninterrupted run. The import
 * rolls back the partial corpus first; after too many crashes the error is reported and the store
 * is as before. A deliberate terminate() is never restarted (covered in storage/import and
 * reference/store tests: AbortError).
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { Progress } from '../../../src/contracts/progress';
import { syntheticBigFive } from '../../../src/core/align/synthetic';
import { makeCloud } from '../../../src/core/cloud';
import type { AlignJob } from '../../../src/gpu/align-api';
import { AlignService } from '../../../src/services/align-service';
import { ImportService } from '../../../src/services/import-service';
import { ReferenceService } from '../../../src/services/reference-service';
import { listAuthors, listCorpora } from '../../../src/storage/corpus-store';
import { openAppDb, type AppDb } from '../../../src/storage/db';
import { listReferences, loadReferenceCloud } from '../../../src/storage/reference-store';
import { dump, rejection, uniqueDbName } from '../db-helpers';
import { blogXmlFiles, generateAuthors } from '../storage/helpers';
import { bigFfmFile } from '../reference/helpers';

const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** A worker factory that remembers its workers, and a crash: terminate + the 'error' event a dying worker gives. */
function tracked(url: URL, name: string): { create: () => Worker; workers: Worker[] } {
  const workers: Worker[] = [];
  return {
    workers,
    create: () => {
      const w = new Worker(url, { type: 'module', name });
      workers.push(w);
      return w;
    },
  };
}
function crash(w: Worker): void {
  w.terminate();
  w.dispatchEvent(new ErrorEvent('error', { message: 'killed by the test' }));
}

async function db(name: string): Promise<AppDb> {
  const d = await openAppDb(name);
  cleanups.push(() => d.close());
  return d;
}

describe('import worker crash', () => {
  const gen = generateAuthors(600, 30, 60, 21);
  const totalPosts = gen.reduce((s, a) => s + a.posts.length, 0);

  test('killed mid-import: partial corpus rolled back, worker restarted, the import finishes whole, the user is told', async () => {
    const dbName = uniqueDbName('restart-import');
    const w = tracked(new URL('../../../workers/import.worker.ts', import.meta.url), 'import');
    const service = new ImportService({ dbName, createWorker: w.create });
    cleanups.push(() => service.terminate());
    const d = await db(dbName);
    const files = blogXmlFiles(gen);
    const events: Progress[] = [];
    let writtenAtCrash = 0;
    let crashed = false;
    const info = await service.importCorpus({ name: 'big', sources: files }, (p) => {
      events.push(p);
      // Mid-import: after the first written batch, or half-way through the bytes (progress is
      // throttled, so under load the first report with writes can come late). Once only.
      const written = p.counts?.written ?? 0;
      const halfway = (p.total ?? 0) > 0 && p.done / p.total! >= 0.5;
      if (!crashed && w.workers.length === 1 && ((written > 0 && written < totalPosts) || halfway)) {
        crashed = true;
        writtenAtCrash = written;
        crash(w.workers[0]!);
      }
    });
    expect(crashed).toBe(true);
    expect(writtenAtCrash).toBeLessThan(totalPosts);
    expect(w.workers.length).toBe(2);
    const restart = events.filter((e) => e.stage === 'restart');
    expect(restart).toHaveLength(1);
    expect(restart[0]!.text).toMatch(/partial corpus was removed.*attempt 2 of 3/);
    // The same end result as an uninterrupted import: one whole corpus, nothing else stored.
    expect(info.status).toBe('ready');
    expect(info.posts).toBe(totalPosts);
    expect(info.authors).toBe(gen.length);
    expect((await listCorpora(d)).map((c) => c.id)).toEqual([info.id]);
    const stored = await dump(d);
    expect(stored['corpora']!.map(([k]) => k)).toEqual([info.id]);
    expect(new Set(stored['authors']!.map(([k]) => (k as string[])[0]))).toEqual(new Set([info.id]));
    expect(new Set(stored['posts']!.map(([k]) => (k as string[])[0]))).toEqual(new Set([info.id]));
    expect((await listAuthors(d, info.id)).length).toBe(gen.length);
  });

  test('crashing on every attempt: after the retries the crash is reported and the store is as before', async () => {
    const dbName = uniqueDbName('restart-import-fail');
    const w = tracked(new URL('../../../workers/import.worker.ts', import.meta.url), 'import');
    const service = new ImportService({ dbName, createWorker: w.create, restarts: 1 });
    cleanups.push(() => service.terminate());
    const d = await db(dbName);
    await service.importCorpus({ name: 'earlier', sources: blogXmlFiles(generateAuthors(3, 3, 10, 2)) });
    const before = await dump(d);
    const crashed = new Set<Worker>();
    const err = await rejection(
      service.importCorpus({ name: 'doomed', sources: blogXmlFiles(gen) }, (p) => {
        const cur = w.workers.at(-1)!;
        if (!crashed.has(cur) && (p.counts?.written ?? 0) > 0) {
          crashed.add(cur);
          crash(cur);
        }
      }),
    );
    expect(crashed.size).toBe(2);
    expect(err.name).toBe('StorageError');
    expect(err.message).toMatch(/stopped unexpectedly \(killed by the test\).*stopped 2 times in a row/);
    expect(await dump(d)).toEqual(before);
    // The next import starts a fresh worker and works.
    const again = await service.importCorpus({ name: 'after', sources: blogXmlFiles(generateAuthors(2, 2, 5, 9)) });
    expect(again.status).toBe('ready');
  });
});

describe('align worker crash', () => {
  test('killed mid-Sinkhorn: restarted, the same job gives the same selection and weights as an uninterrupted run', async () => {
    const w = tracked(new URL('../../../workers/align.worker.ts', import.meta.url), 'align');
    const service = new AlignService({ createWorker: w.create });
    cleanups.push(() => service.terminate());
    const pool = syntheticBigFive({ n: 800, seed: 3, tiltSd: [0.4, -0.3, 0.2, 0, 0.5] });
    const ref = makeCloud(syntheticBigFive({ n: 400, seed: 4 }).points, 5);
    const job: AlignJob = {
      pool: { points: pool.points, d: 5, weights: new Float64Array(pool.n).fill(1 / pool.n) },
      reference: { points: ref.points, d: 5, weights: ref.weights },
      options: { method: 'ot', size: 150, seed: 9, sinkhorn: { tol: 1e-5, maxIter: 5_000 } },
      backend: 'cpu',
    };
    let t0 = performance.now();
    const plain = await service.align(job);
    console.log(`[restart] uninterrupted align ${Math.round(performance.now() - t0)} ms`);
    expect(w.workers.length).toBe(1);
    t0 = performance.now();
    const events: Progress[] = [];
    let crashedAt = '';
    const again = await service.align(job, (p) => {
      events.push(p);
      if (!crashedAt && p.stage === 'sinkhorn' && w.workers.length === 1) {
        crashedAt = `${p.stage} ${p.done}`;
        crash(w.workers[0]!);
      }
    });
    console.log(`[restart] crashed at ${crashedAt}; with the restart ${Math.round(performance.now() - t0)} ms`);
    expect(crashedAt).not.toBe('');
    expect(w.workers.length).toBe(2);
    expect(events.filter((e) => e.stage === 'restart').map((e) => e.text)).toEqual([expect.stringMatching(/restarted.*attempt 2 of 3/)]);
    expect(Array.from(again.result.selected)).toEqual(Array.from(plain.result.selected));
    expect(Array.from(again.result.weights)).toEqual(Array.from(plain.result.weights));
    expect(again.result.sinkhorn?.iterations).toBe(plain.result.sinkhorn?.iterations);
  });

  test('a cancel during the restart is honoured: AbortError, no further attempt', async () => {
    const w = tracked(new URL('../../../workers/align.worker.ts', import.meta.url), 'align');
    const service = new AlignService({ createWorker: w.create });
    cleanups.push(() => service.terminate());
    const pool = syntheticBigFive({ n: 800, seed: 5 });
    const ref = makeCloud(syntheticBigFive({ n: 400, seed: 6 }).points, 5);
    const ac = new AbortController();
    const err = await rejection(
      service.align(
        { pool: { points: pool.points, d: 5, weights: new Float64Array(pool.n).fill(1 / pool.n) }, reference: { points: ref.points, d: 5, weights: ref.weights }, options: { method: 'ot', size: 100, seed: 2, sinkhorn: { tol: 1e-9, maxIter: 50_000 } }, backend: 'cpu' },
        (p) => {
          if (p.stage === 'sinkhorn' && !ac.signal.aborted) {
            ac.abort();
            crash(w.workers[0]!);
          }
        },
        ac.signal,
      ),
    );
    expect(err.name).toBe('GpuError'); // the crash is reported as it came, not restarted after the cancel
    expect(w.workers.length).toBe(1);
  });
});

describe('reference worker crash', () => {
  test('killed mid-import: restarted, the same reference is stored once', async () => {
    const dbName = uniqueDbName('restart-ref');
    const w = tracked(new URL('../../../workers/reference.worker.ts', import.meta.url), 'reference');
    const service = new ReferenceService({ dbName, createWorker: w.create });
    const plainService = new ReferenceService({ dbName: uniqueDbName('restart-ref-plain') });
    cleanups.push(() => service.terminate(), () => plainService.terminate());
    const d = await db(dbName);
    const file = bigFfmFile(2000, 20, { seed: 8 });
    const events: Progress[] = [];
    const info = await service.importFfm({ file }, (p) => {
      events.push(p);
      if (w.workers.length === 1 && p.done > 0 && p.stage !== 'restart') crash(w.workers[0]!);
    });
    expect(w.workers.length).toBe(2);
    expect(events.filter((e) => e.stage === 'restart')).toHaveLength(1);
    const plain = await plainService.importFfm({ file });
    expect(info.n).toBe(plain.n);
    expect((await listReferences(d)).map((r) => r.id)).toEqual([info.id]);
    const cloud = await loadReferenceCloud(d, info.id);
    expect(cloud.n).toBe(plain.n);
  });
});
