/**
 * Persona-stage jobs in IndexedDB (stores `jobs`, `jobItems`, `personas`; v3) behind the generic
 * JobStore interface of src/pipeline/job-runner.ts, so the browser runs the same job runner as
 * the CLI. `complete` puts the persona and marks its item done in ONE readwrite transaction over
 * ['personas', 'jobItems']: a tab closed or crashed mid-way leaves both or neither.
 *
 * Usage (UI):
 *   const db = await openAppDb();
 *   const store = new IdbPipelineStore(db);
 *   await runPersonaPipeline({ ..., store, lock: webLocksJobLock(db) });
 *   const jobs = await listJobs(db, corpusId);          // for a jobs table
 *   const items = await store.listItems(jobs[0].id);     // per-author state, failure reasons
 */
import type { PersonaStatus, StoredPersona } from '../core/stages/types';
import { AppError } from '../core/errors';
import type { JobItem, JobLock, JobRecord } from '../pipeline/job-runner';
import type { PipelineStore } from '../pipeline/stages/store';
import type { AppDb } from './db';
import { toStorageError } from './errors';
import { deletePersonas, getPersona, listPersonas, putPersonas } from './persona-store';

function jobItemsRange(jobId: string): IDBKeyRange {
  // [jobId, <any string>] sorts below [jobId, []] (arrays sort after strings).
  return IDBKeyRange.bound([jobId], [jobId, []]);
}

export class IdbPipelineStore implements PipelineStore {
  constructor(private readonly db: AppDb) {}

  async createJob(job: JobRecord, keys: readonly string[]): Promise<JobRecord> {
    try {
      const tx = this.db.transaction(['jobs', 'jobItems'], 'readwrite');
      const jobs = tx.objectStore('jobs');
      const items = tx.objectStore('jobItems');
      const existing = await jobs.get(job.id);
      const have = existing ? new Set((await items.getAllKeys(jobItemsRange(job.id))).map((k) => k[1])) : new Set<string>();
      const now = Date.now();
      const fresh = [...new Set(keys)].filter((k) => !have.has(k));
      if (existing && fresh.length === 0) {
        await tx.done;
        return existing;
      }
      const base = existing ? have.size : 0;
      const writes: Promise<unknown>[] = fresh.map((key, i) => items.put({ jobId: job.id, key, order: base + i, state: 'pending', attempts: 0, updatedAt: now }));
      const rec: JobRecord = existing ? { ...existing, total: base + fresh.length, updatedAt: now } : { ...job, total: fresh.length };
      writes.push(jobs.put(rec));
      await Promise.all([...writes, tx.done]);
      return rec;
    } catch (e) {
      throw toStorageError(e, 'create a job');
    }
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    try {
      return await this.db.get('jobs', id);
    } catch (e) {
      throw toStorageError(e, 'read a job');
    }
  }

  async putJob(job: JobRecord): Promise<void> {
    try {
      await this.db.put('jobs', job);
    } catch (e) {
      throw toStorageError(e, 'save a job');
    }
  }

  async listItems(jobId: string): Promise<JobItem[]> {
    try {
      const items = await this.db.getAll('jobItems', jobItemsRange(jobId));
      return items.sort((a, b) => a.order - b.order);
    } catch (e) {
      throw toStorageError(e, 'list job items');
    }
  }

  async recoverRunning(jobId: string): Promise<number> {
    try {
      const tx = this.db.transaction('jobItems', 'readwrite');
      let n = 0;
      for (let c = await tx.store.openCursor(jobItemsRange(jobId)); c; c = await c.continue()) {
        if (c.value.state !== 'running') continue;
        n++;
        await c.update({ ...c.value, state: 'pending', updatedAt: Date.now() });
      }
      await tx.done;
      return n;
    } catch (e) {
      throw toStorageError(e, 'recover interrupted job items');
    }
  }

  async putItem(item: JobItem): Promise<void> {
    try {
      await this.db.put('jobItems', item);
    } catch (e) {
      throw toStorageError(e, 'save a job item');
    }
  }

  async complete(item: JobItem, output: StoredPersona): Promise<void> {
    try {
      const tx = this.db.transaction(['personas', 'jobItems'], 'readwrite');
      await Promise.all([tx.objectStore('personas').put(output), tx.objectStore('jobItems').put(item), tx.done]);
    } catch (e) {
      throw toStorageError(e, 'save a persona');
    }
  }

  getPersona(id: string): Promise<StoredPersona | undefined> {
    return getPersona(this.db, id);
  }

  listPersonas(corpusId: string, status?: PersonaStatus): Promise<StoredPersona[]> {
    return listPersonas(this.db, corpusId, status);
  }

  putPersonas(personas: readonly StoredPersona[]): Promise<void> {
    return putPersonas(this.db, personas);
  }

  deletePersonas(corpusId: string): Promise<number> {
    return deletePersonas(this.db, corpusId);
  }
}

/** Jobs of a corpus, newest first (a jobs table or a "resume" button). */
export async function listJobs(db: AppDb, corpusId?: string): Promise<JobRecord[]> {
  try {
    const all = await db.getAll('jobs');
    return all.filter((j) => corpusId === undefined || j.corpusId === corpusId).sort((a, b) => b.createdAt - a.createdAt);
  } catch (e) {
    throw toStorageError(e, 'list jobs');
  }
}

/** Deletes a job and its items (not its personas). */
export async function deleteJob(db: AppDb, jobId: string): Promise<void> {
  try {
    const tx = db.transaction(['jobs', 'jobItems'], 'readwrite');
    await Promise.all([tx.objectStore('jobs').delete(jobId), tx.objectStore('jobItems').delete(jobItemsRange(jobId)), tx.done]);
  } catch (e) {
    throw toStorageError(e, 'delete a job');
  }
}

/**
 * Jobs a closed tab, crash or lost device left behind: status 'running' but no runner holds the
 * job's Web Lock. Call at start-up to offer "Resume" (run the pipeline again with the same runId;
 * its items left 'running' go back to pending then).
 */
export async function findInterruptedJobs(db: AppDb): Promise<JobRecord[]> {
  const running = (await listJobs(db)).filter((j) => j.status === 'running');
  const lm = typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
  if (!lm || running.length === 0) return running;
  const held = new Set((await lm.query()).held?.map((l) => l.name) ?? []);
  return running.filter((j) => !held.has(jobLockName(db.name, `job/${j.id}`)));
}

function jobLockName(dbName: string, name: string): string {
  return `persona-align/${dbName}/${name}`;
}

/**
 * Single writer per job across tabs and workers: an exclusive Web Lock named after the database
 * and the job, taken with ifAvailable so a second runner fails at once with a clear message
 * instead of waiting. A crashed tab's lock is released by the browser. Without the Locks API
 * (very old browsers) jobs run unlocked.
 */
export function webLocksJobLock(db: AppDb | string): JobLock {
  const dbName = typeof db === 'string' ? db : db.name;
  return async (name, fn) => {
    const lm = typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
    if (!lm) return fn();
    let ran = false;
    const out = await lm.request(jobLockName(dbName, name), { mode: 'exclusive', ifAvailable: true }, async (lock) => {
      if (!lock) return undefined;
      ran = true;
      return fn();
    });
    if (!ran) throw new AppError('StorageError', `Job "${name.replace(/^job\//, '')}" is already running in another tab or window; wait for it to finish or stop it there.`);
    return out as Awaited<ReturnType<typeof fn>>;
  };
}
