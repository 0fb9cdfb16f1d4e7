import { afterAll, describe, expect, test } from 'vitest';
import type { StoredRun, StoredRunResult } from '../../../src/contracts/run';
import { openAppDb, type AppDb } from '../../../src/storage/db';
import {
  RunStore,
  deleteRun,
  findInterruptedRuns,
  getRun,
  INTERRUPTED_ERROR,
  isRunLocked,
  latestRun,
  listRuns,
  markInterrupted,
  newRunId,
  putRun,
  runLockName,
  withRunLock,
} from '../../../src/storage/run-store';
import { rejection, uniqueDbName } from '../db-helpers';

const opened: AppDb[] = [];
afterAll(() => {
  for (const d of opened) d.close();
});
async function fresh(): Promise<AppDb> {
  const d = await openAppDb(uniqueDbName('runs'));
  opened.push(d);
  return d;
}

function diag(energy: number) {
  return { perTrait: [], energy, energySubsampled: false, slicedW1: energy / 2, corrFrobenius: 0.1, weights: { ess: 10, designEffect: 1, maxOverMean: 1 } };
}

function result(n: number): StoredRunResult {
  const points = new Float32Array(n * 5).map((_, i) => 1 + (i % 40) / 10);
  return {
    manifest: { format: 'persona-align/align-run@1', seed: 3 },
    poolIds: Array.from({ length: n }, (_, i) => `p${i}`),
    pool: { points, weights: new Float64Array(n).fill(1 / n), n },
    reference: { points: points.slice(0, 10), weights: new Float64Array(2).fill(0.5), n: 2 },
    selected: Int32Array.from([1, 4, 7]),
    randomIndices: Int32Array.from([0, 2, 9]),
    importanceWeights: new Float64Array(n).fill(2),
    ess: 12.5,
    diagnostics: { pool: diag(0.3), random: diag(0.2), selected: diag(0.05), floor: diag(0.04), unit: 'reference SD' } as StoredRunResult['diagnostics'],
  };
}

function run(id: string, createdAt: string, over: Partial<StoredRun> = {}): StoredRun {
  return { id, kind: 'align', status: 'running', title: `run ${id}`, createdAt, updatedAt: createdAt, request: { pool: { kind: 'demo' }, options: { size: 3, seed: 3 } }, ...over };
}

describe('run store', () => {
  test('a done run round-trips with its typed arrays and a Blob in its request', async () => {
    const d = await fresh();
    const blob = new Blob(['{"id":"a"}\n'], { type: 'application/x-ndjson' });
    const r = run('a', '2026-01-01T00:00:00.000Z', { status: 'done', result: result(12), request: { pool: { kind: 'jsonl', name: 'a.jsonl', data: blob } } });
    await putRun(d, r);
    const back = (await getRun(d, 'a'))!;
    expect(back.result!.selected).toBeInstanceOf(Int32Array);
    expect(Array.from(back.result!.selected)).toEqual([1, 4, 7]);
    expect(back.result!.pool.points).toBeInstanceOf(Float32Array);
    expect(Array.from(back.result!.pool.points)).toEqual(Array.from(r.result!.pool.points));
    expect(back.result!.importanceWeights).toBeInstanceOf(Float64Array);
    expect(back.result!.diagnostics.floor!.energy).toBe(0.04);
    const data = (back.request as { pool: { data: Blob } }).pool.data;
    expect(data).toBeInstanceOf(Blob);
    expect(await data.text()).toBe('{"id":"a"}\n');
    expect(await getRun(d, 'missing')).toBeUndefined();
  });

  test('a run marked done without a result is refused, nothing stored', async () => {
    const d = await fresh();
    const e = await rejection(putRun(d, run('x', '2026-01-01T00:00:00.000Z', { status: 'done' })));
    expect(e.name).toBe('InputError');
    expect(await getRun(d, 'x')).toBeUndefined();
  });

  test('listRuns is newest first and filters by kind; latestRun by kind and status; deleteRun', async () => {
    const d = await fresh();
    await putRun(d, run('old', '2026-01-01T00:00:00.000Z', { status: 'done', result: result(4) }));
    await putRun(d, run('mid', '2026-01-02T00:00:00.000Z', { kind: 'target', status: 'failed', error: { name: 'NumericError', message: 'x' } }));
    await putRun(d, run('new', '2026-01-03T00:00:00.000Z'));
    expect((await listRuns(d)).map((r) => r.id)).toEqual(['new', 'mid', 'old']);
    expect((await listRuns(d, 'align')).map((r) => r.id)).toEqual(['new', 'old']);
    expect((await listRuns(d, 'target')).map((r) => r.id)).toEqual(['mid']);
    expect((await latestRun(d))!.id).toBe('new');
    expect((await latestRun(d, 'align', 'done'))!.id).toBe('old');
    expect(await latestRun(d, 'target', 'done')).toBeUndefined();
    await deleteRun(d, 'new');
    expect((await listRuns(d)).map((r) => r.id)).toEqual(['mid', 'old']);
  });

  test('markInterrupted fails a running run with the interrupted error, and leaves finished runs alone', async () => {
    const d = await fresh();
    await putRun(d, run('r', '2026-01-01T00:00:00.000Z'));
    await putRun(d, run('f', '2026-01-01T00:00:01.000Z', { status: 'done', result: result(4) }));
    expect(await markInterrupted(d, 'r')).toBe(true);
    const r = (await getRun(d, 'r'))!;
    expect(r.status).toBe('failed');
    expect(r.error).toEqual(INTERRUPTED_ERROR);
    expect(r.updatedAt > r.createdAt).toBe(true);
    expect(await markInterrupted(d, 'r')).toBe(false);
    expect(await markInterrupted(d, 'f')).toBe(false);
    expect((await getRun(d, 'f'))!.status).toBe('done');
    expect(await markInterrupted(d, 'nope')).toBe(false);
  });

  test('interrupted = running with no live lock; a run locked elsewhere is not resumable, and cannot be started twice', async () => {
    const d = await fresh();
    await putRun(d, run('a', '2026-01-01T00:00:00.000Z'));
    await putRun(d, run('b', '2026-01-01T00:00:01.000Z'));
    await putRun(d, run('c', '2026-01-01T00:00:02.000Z', { status: 'cancelled' }));
    expect((await findInterruptedRuns(d, 'align')).map((r) => r.id)).toEqual(['b', 'a']);

    // "Another tab": a lock held through the Locks API under the same name, released on demand.
    let release!: () => void;
    const held = new Promise<void>((res) => (release = res));
    const granted = new Promise<void>((res) => {
      void navigator.locks.request(runLockName(d.name, 'b'), { mode: 'exclusive' }, async () => {
        res();
        await held;
      });
    });
    await granted;
    expect(await isRunLocked(d, 'b')).toBe(true);
    expect(await isRunLocked(d, 'a')).toBe(false);
    expect((await findInterruptedRuns(d, 'align')).map((r) => r.id)).toEqual(['a']);
    let ran = false;
    const e = await rejection(withRunLock(d, 'b', async () => void (ran = true)));
    expect(e.name).toBe('StorageError');
    expect(e.message).toMatch(/another tab/);
    expect(ran).toBe(false);
    release();
    await expect.poll(() => isRunLocked(d, 'b')).toBe(false);
    expect(await withRunLock(d, 'b', async () => 42)).toBe(42);
    expect((await findInterruptedRuns(d)).map((r) => r.id)).toEqual(['b', 'a']);
  });

  test('while withRunLock runs, the run is locked; a second withRunLock in the same tab is refused', async () => {
    const d = await fresh();
    let inner: Error | undefined;
    await withRunLock(d, 'z', async () => {
      expect(await isRunLocked(d, 'z')).toBe(true);
      inner = await rejection(withRunLock(d, 'z', async () => 1));
    });
    expect(inner!.name).toBe('StorageError');
    expect(await isRunLocked(d, 'z')).toBe(false);
  });

  test('RunStore binds a database by name; newRunId is unique and carries the kind', async () => {
    const name = uniqueDbName('runstore');
    const store = new RunStore(name);
    const ids = new Set(Array.from({ length: 50 }, () => newRunId('align')));
    expect(ids.size).toBe(50);
    const id = [...ids][0]!;
    expect(id.startsWith('align-')).toBe(true);
    await store.putRun(run(id, new Date().toISOString()));
    expect((await store.getRun(id))!.id).toBe(id);
    expect((await store.findInterruptedRuns('align')).map((r) => r.id)).toEqual([id]);
    expect(await store.withRunLock(id, () => store.findInterruptedRuns('align'))).toEqual([]);
    await store.close();
  });
});
