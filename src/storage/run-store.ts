/**
 * Stored Align and Target runs (store `runs`, v4; contract src/contracts/run.ts), and the Web Lock a
 * run holds while it is computed, so a reload can tell a run whose tab died (resumable) from one
 * another tab is still computing (running elsewhere).
 *
 * Usage (the Align stage; the pipeline only sees the structural RunRecorder):
 *   const runs = new RunStore();                         // or functions with an AppDb (tests)
 *   await runs.withRunLock(id, async () => {             // throws StorageError when held elsewhere
 *     await runs.putRun({ ...run, status: 'running' });
 *     ...compute...
 *     await runs.putRun({ ...run, status: 'done', result });
 *   });
 *   const stale = await runs.findInterruptedRuns('align'); // 'running' with no live lock: offer Resume
 *   await runs.markInterrupted(stale[0].id);               // the user declined: 'failed', says why
 *
 * Functions take the database first (tests use their own); RunStore binds one for the UI.
 */
import type { RunKind, RunStatus, StoredRun } from '../contracts/run';
import { AppError } from '../core/errors';
import type { AppDb } from './db';
import { toStorageError } from './errors';
import { LazyDb } from './lazy-db';

/** The AppError name and message a run gets when its tab closed or crashed while computing it. */
export const INTERRUPTED_ERROR = {
  name: 'InterruptedError',
  message: 'The tab was closed or crashed while this run was computed; run it again (same inputs and seed give the same selection).',
} as const;

export async function putRun(db: AppDb, run: StoredRun): Promise<void> {
  checkRun(run);
  try {
    await db.put('runs', run);
  } catch (e) {
    throw toStorageError(e, `save the run "${run.title}"`);
  }
}

export async function getRun(db: AppDb, id: string): Promise<StoredRun | undefined> {
  try {
    return await db.get('runs', id);
  } catch (e) {
    throw toStorageError(e, 'read a run');
  }
}

/** Runs newest first (by createdAt, then id), optionally of one kind. */
export async function listRuns(db: AppDb, kind?: RunKind): Promise<StoredRun[]> {
  try {
    // The createdAt index walked backwards gives newest first without sorting in JS.
    const out: StoredRun[] = [];
    const tx = db.transaction('runs', 'readonly');
    for (let c = await tx.store.index('createdAt').openCursor(null, 'prev'); c; c = await c.continue()) {
      if (kind === undefined || c.value.kind === kind) out.push(c.value);
    }
    await tx.done;
    return out;
  } catch (e) {
    throw toStorageError(e, 'list runs');
  }
}

export async function deleteRun(db: AppDb, id: string): Promise<void> {
  try {
    await db.delete('runs', id);
  } catch (e) {
    throw toStorageError(e, 'delete a run');
  }
}

/** The newest run (of `kind`, with `status`), or undefined. */
export async function latestRun(db: AppDb, kind?: RunKind, status?: RunStatus): Promise<StoredRun | undefined> {
  return (await listRuns(db, kind)).find((r) => status === undefined || r.status === status);
}

/**
 * Marks a run that is still 'running' as failed with INTERRUPTED_ERROR (the user chose not to
 * resume it). Returns false, changing nothing, when the run is gone or no longer running.
 */
export async function markInterrupted(db: AppDb, id: string): Promise<boolean> {
  try {
    const tx = db.transaction('runs', 'readwrite');
    const run = await tx.store.get(id);
    if (!run || run.status !== 'running') {
      await tx.done;
      return false;
    }
    await Promise.all([tx.store.put({ ...run, status: 'failed', error: { ...INTERRUPTED_ERROR }, updatedAt: new Date().toISOString() }), tx.done]);
    return true;
  } catch (e) {
    throw toStorageError(e, 'mark a run as interrupted');
  }
}

/**
 * Runs left 'running' whose computing tab is gone: no live Web Lock holds them. A run another tab
 * (or window) is computing is not listed: resuming it here would compute it twice. Without the
 * Locks API every 'running' run is listed (nothing else can be computing one then is assumed).
 */
export async function findInterruptedRuns(db: AppDb, kind?: RunKind): Promise<StoredRun[]> {
  const running = (await listRuns(db, kind)).filter((r) => r.status === 'running');
  const lm = lockManager();
  if (!lm || running.length === 0) return running;
  const held = await heldLockNames(lm);
  return running.filter((r) => !held.has(runLockName(db.name, r.id)));
}

/** True when some tab, window or worker holds run `id`'s lock right now. */
export async function isRunLocked(db: AppDb | string, id: string): Promise<boolean> {
  const lm = lockManager();
  if (!lm) return false;
  return (await heldLockNames(lm)).has(runLockName(dbNameOf(db), id));
}

/**
 * Runs `fn` holding run `id`'s exclusive Web Lock, taken with ifAvailable: when another tab holds
 * it, rejects at once with StorageError instead of computing the run a second time. The browser
 * frees the lock when the holding tab closes or crashes. Without the Locks API `fn` runs unlocked.
 */
export async function withRunLock<T>(db: AppDb | string, id: string, fn: () => Promise<T>): Promise<T> {
  const lm = lockManager();
  if (!lm) return fn();
  let ran = false;
  const out = await lm.request(runLockName(dbNameOf(db), id), { mode: 'exclusive', ifAvailable: true }, async (lock) => {
    if (!lock) return undefined;
    ran = true;
    return fn();
  });
  if (!ran) throw new AppError('StorageError', 'This run is being computed in another tab or window; wait for it there, or close that tab and reload this one to resume it.');
  return out as T;
}

/** The lock name of a run (exported for tests that hold it from "another tab"). */
export function runLockName(dbName: string, id: string): string {
  return `persona-align/${dbName}/run/${id}`;
}

/** A run id that sorts by creation and never repeats: `KIND-<ms base36>-<random>`. */
export function newRunId(kind: RunKind): string {
  const rnd = new Uint32Array(2);
  crypto.getRandomValues(rnd);
  return `${kind}-${Date.now().toString(36)}-${rnd[0]!.toString(36)}${rnd[1]!.toString(36)}`;
}

/** The run store over one lazily opened database (the UI's; tests pass their own name). */
export class RunStore {
  private readonly lazy: LazyDb;

  constructor(dbName?: string) {
    this.lazy = new LazyDb(dbName);
  }

  private async db(): Promise<AppDb> {
    return this.lazy.get();
  }

  async putRun(run: StoredRun): Promise<void> {
    return putRun(await this.db(), run);
  }
  async getRun(id: string): Promise<StoredRun | undefined> {
    return getRun(await this.db(), id);
  }
  async listRuns(kind?: RunKind): Promise<StoredRun[]> {
    return listRuns(await this.db(), kind);
  }
  async deleteRun(id: string): Promise<void> {
    return deleteRun(await this.db(), id);
  }
  async latestRun(kind?: RunKind, status?: RunStatus): Promise<StoredRun | undefined> {
    return latestRun(await this.db(), kind, status);
  }
  async markInterrupted(id: string): Promise<boolean> {
    return markInterrupted(await this.db(), id);
  }
  async findInterruptedRuns(kind?: RunKind): Promise<StoredRun[]> {
    return findInterruptedRuns(await this.db(), kind);
  }
  async isRunLocked(id: string): Promise<boolean> {
    return isRunLocked(await this.db(), id);
  }
  async withRunLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return withRunLock(await this.db(), id, fn);
  }
  close(): Promise<void> {
    return this.lazy.close();
  }
}

function checkRun(run: StoredRun): void {
  if (typeof run.id !== 'string' || run.id === '') throw new AppError('InputError', 'A run needs a non-empty id; create one with newRunId().');
  if (run.status === 'done' && !run.result) throw new AppError('InputError', `Run "${run.id}" is marked done but has no result; store the result with it.`);
}

function lockManager(): LockManager | undefined {
  return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
}

async function heldLockNames(lm: LockManager): Promise<Set<string>> {
  const snap = await lm.query();
  return new Set((snap.held ?? []).map((l) => l.name ?? ''));
}

function dbNameOf(db: AppDb | string): string {
  return typeof db === 'string' ? db : db.name;
}
