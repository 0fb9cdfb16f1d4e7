/**
 * Runs one stage over its items as a resumable job. Generic over the item worker and the store, so
 * Node (in-memory or file-backed store, src/pipeline/stages/memory-store.ts) and the browser
 * (IndexedDB, src/storage/job-store.ts) share this one implementation.
 *
 * Guarantees (what the tests check):
 * - Resumable: every item has a state (pending → running → done | failed). At start-up, items a
 *   crash, a closed tab or a lost GPU left 'running' go back to 'pending'.
 * - No duplicates: the store writes an item's result in the same atomic step that marks it done
 *   (`JobStore.complete`), so a done item is never redone and a result never written twice.
 * - Cancel, pause: through an AbortSignal. `abortJob(ctrl, 'pause')` stops after the current item's
 *   model call is aborted (status 'paused', resumable); 'cancel' gives status 'cancelled'. Both
 *   put the interrupted item back to 'pending'; running the job again resumes it.
 * - Failures: an item whose work throws InputError/FormatError/NumericError (or a non-app error)
 *   is marked 'failed' with the reason after `retries` retries, and the job goes on. GpuError,
 *   ModelError, StorageError and QuotaError stop the job (status 'failed', item back to pending):
 *   they are about the model or the disk, not the item, and would fail every item alike.
 * - Single writer: `lock` (Web Locks in the browser, src/storage/job-store.ts) is held for the
 *   run; a second runner of the same job is refused at once instead of interleaving writes.
 * - Pilot runs: `limit` caps the job's finished (done + failed) items; reaching it pauses the job
 *   (stoppedBy 'limit'), and running again with a larger limit continues where it stopped.
 */
import type { ProgressCallback } from '../contracts/progress';
import { AppError, isAppError, type AppErrorName } from '../core/errors';

export type ItemState = 'pending' | 'running' | 'done' | 'failed';
export type JobStatus = 'pending' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  /** Stage name ('mine', 'quality', 'profile', ...). */
  stage: string;
  corpusId: string;
  createdAt: number;
  updatedAt: number;
  status: JobStatus;
  /** Why the last run stopped: 'limit', 'pause', 'cancel', 'error' (see `error`), or absent. */
  stoppedBy?: 'limit' | 'pause' | 'cancel' | 'error';
  error?: string;
  /** Stage options and provenance the job runs with (JSON), shown with its results. */
  options: Record<string, unknown>;
  /** Items in the job (fixed at creation). */
  total: number;
}

export interface JobItem {
  jobId: string;
  /** The item's key, e.g. an author key. */
  key: string;
  /** Position in the job's item order (processing order). */
  order: number;
  state: ItemState;
  /** Why it failed (the error message), for 'failed' items. */
  reason?: string;
  attempts: number;
  updatedAt: number;
  promptTokens?: number;
  completionTokens?: number;
  ms?: number;
}

/** Where jobs, their items and their results live. Implementations: memory/file (Node), IndexedDB (browser). */
export interface JobStore<TOut> {
  /**
   * Creates the job with all `keys` pending; when a job with this id exists, appends the keys it
   * does not have yet as pending (a later pilot run, newly kept personas) and leaves the rest as is.
   */
  createJob(job: JobRecord, keys: readonly string[]): Promise<JobRecord>;
  getJob(id: string): Promise<JobRecord | undefined>;
  putJob(job: JobRecord): Promise<void>;
  /** The job's items in `order`. */
  listItems(jobId: string): Promise<JobItem[]>;
  /** Puts items left 'running' back to 'pending'; returns how many. */
  recoverRunning(jobId: string): Promise<number>;
  /** Writes an item's state (running, failed, back to pending). */
  putItem(item: JobItem): Promise<void>;
  /** Writes `output` and the item as done in ONE atomic step (one IDB transaction, one journal line). */
  complete(item: JobItem, output: TOut): Promise<void>;
}

/** The stage's work on one item. */
export interface ItemWorker<TOut> {
  process(key: string, signal: AbortSignal): Promise<ItemResult<TOut>>;
}

export interface ItemResult<TOut> {
  output: TOut;
  promptTokens: number;
  completionTokens: number;
}

/** Exclusive lock on a name; throws (or rejects) when another runner holds it. */
export type JobLock = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/**
 * A lock within one process (Node, tests): a second runner of the same job is refused at once.
 * The browser uses Web Locks instead (webLocksJobLock in src/storage/job-store.ts), which also
 * covers other tabs and workers.
 */
export function processJobLock(): JobLock {
  const held = new Set<string>();
  return async (name, fn) => {
    if (held.has(name)) throw new AppError('StorageError', `Job "${name.replace(/^job\//, '')}" is already running; wait for it to finish or stop it first.`);
    held.add(name);
    try {
      return await fn();
    } finally {
      held.delete(name);
    }
  };
}

export interface RunJobOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  lock?: JobLock;
  /** Extra attempts per item for item-level errors (default 0). */
  retries?: number;
  /** Cap on the job's finished (done + failed) items: a pilot run (default: no cap). */
  limit?: number;
  /** Progress at most this often (ms; default 250). Every item end is reported when 0. */
  progressEveryMs?: number;
}

export interface JobSummary {
  job: JobRecord;
  counts: Record<ItemState, number>;
  promptTokens: number;
  completionTokens: number;
  /** Items finished in this run, and its wall time. */
  runItems: number;
  runMs: number;
}

/** Fatal error names: the job stops and the item goes back to pending. */
const FATAL: ReadonlySet<AppErrorName> = new Set(['GpuError', 'ModelError', 'StorageError', 'QuotaError']);

export type StopReason = 'pause' | 'cancel';

/** Aborts a run with a reason the runner understands: 'pause' (resumable later) or 'cancel'. */
export function abortJob(ctrl: AbortController, reason: StopReason): void {
  ctrl.abort(reason);
}

function stopReason(signal: AbortSignal | undefined): StopReason {
  return signal?.reason === 'pause' ? 'pause' : 'cancel';
}

export function countItems(items: readonly JobItem[]): Record<ItemState, number> {
  const c: Record<ItemState, number> = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const it of items) c[it.state]++;
  return c;
}

/** Job state and totals from its items (the items are the source of truth). */
export async function summarizeJob<T>(store: JobStore<T>, jobId: string): Promise<JobSummary> {
  const job = await store.getJob(jobId);
  if (!job) throw new AppError('InputError', `No job "${jobId}".`);
  const items = await store.listItems(jobId);
  return {
    job,
    counts: countItems(items),
    promptTokens: items.reduce((s, i) => s + (i.promptTokens ?? 0), 0),
    completionTokens: items.reduce((s, i) => s + (i.completionTokens ?? 0), 0),
    runItems: 0,
    runMs: 0,
  };
}

/** Puts a job's failed items back to pending so the next run retries them. Returns how many. */
export async function retryFailed<T>(store: JobStore<T>, jobId: string): Promise<number> {
  const items = (await store.listItems(jobId)).filter((i) => i.state === 'failed');
  for (const it of items) {
    const { reason: _drop, ...rest } = it;
    await store.putItem({ ...rest, state: 'pending', updatedAt: Date.now() });
  }
  return items.length;
}

/** Runs (or resumes) job `jobId` until every item is done or failed, the limit is hit, or it is stopped. */
export async function runJob<TOut>(store: JobStore<TOut>, jobId: string, worker: ItemWorker<TOut>, options: RunJobOptions = {}): Promise<JobSummary> {
  const run = (): Promise<JobSummary> => runUnlocked(store, jobId, worker, options);
  return options.lock ? options.lock(`job/${jobId}`, run) : run();
}

async function runUnlocked<TOut>(store: JobStore<TOut>, jobId: string, worker: ItemWorker<TOut>, options: RunJobOptions): Promise<JobSummary> {
  const { signal, onProgress } = options;
  const retries = options.retries ?? 0;
  const every = options.progressEveryMs ?? 250;
  const started = Date.now();
  let job = await store.getJob(jobId);
  if (!job) throw new AppError('InputError', `No job "${jobId}"; create it first.`);
  await store.recoverRunning(jobId);
  const items = await store.listItems(jobId);
  const counts = countItems(items);
  let promptTokens = items.reduce((s, i) => s + (i.promptTokens ?? 0), 0);
  let completionTokens = items.reduce((s, i) => s + (i.completionTokens ?? 0), 0);
  let runItems = 0;
  let runTokens = 0;
  let lastReport = -Infinity;

  const setJob = async (patch: Partial<JobRecord>): Promise<void> => {
    const next: JobRecord = { ...job!, ...patch, updatedAt: Date.now() };
    if (patch.status === 'running' || patch.status === 'done') {
      delete next.stoppedBy;
      delete next.error;
    }
    job = next;
    await store.putJob(next);
  };
  const report = (text: string, force = false): void => {
    const now = Date.now();
    if (!onProgress || (!force && now - lastReport < every)) return;
    lastReport = now;
    const elapsedMs = now - started;
    const finished = counts.done + counts.failed;
    const perMs = runItems > 0 ? runItems / elapsedMs : 0;
    const remaining = Math.max(0, Math.min(job!.total, options.limit ?? Infinity) - finished);
    const c: Record<string, number> = { ...counts, promptTokens, completionTokens, runItems };
    if (perMs > 0) {
      c['itemsPerHour'] = perMs * 3_600_000;
      c['tokensPerSecond'] = (runTokens * 1000) / elapsedMs;
      c['etaMs'] = remaining / perMs;
    }
    onProgress({ stage: job!.stage, done: finished, total: job!.total, unit: 'items', text, elapsedMs, counts: c });
  };
  const finish = (): JobSummary => ({ job: job!, counts: { ...counts }, promptTokens, completionTokens, runItems, runMs: Date.now() - started });

  await setJob({ status: 'running' });
  report(counts.pending > 0 ? 'Starting' : 'Nothing to do', true);

  const stopped = async (): Promise<JobSummary> => {
    const why = stopReason(signal);
    await setJob({ status: why === 'pause' ? 'paused' : 'cancelled', stoppedBy: why });
    report(why === 'pause' ? 'Paused' : 'Cancelled', true);
    return finish();
  };

  for (const item of items) {
    if (item.state !== 'pending') continue;
    if (signal?.aborted) return stopped();
    if (options.limit !== undefined && counts.done + counts.failed >= options.limit) {
      await setJob({ status: 'paused', stoppedBy: 'limit' });
      report(`Stopped at the pilot limit of ${options.limit}`, true);
      return finish();
    }
    let attempt = 0;
    for (;;) {
      const t0 = Date.now();
      await store.putItem({ ...item, state: 'running', attempts: item.attempts + attempt + 1, updatedAt: t0 });
      counts.pending--;
      counts.running++;
      try {
        const ctrl = new AbortController();
        const forward = (): void => ctrl.abort(signal?.reason);
        signal?.addEventListener('abort', forward, { once: true });
        if (signal?.aborted) forward();
        let r: ItemResult<TOut>;
        try {
          r = await worker.process(item.key, ctrl.signal);
        } finally {
          signal?.removeEventListener('abort', forward);
        }
        // Finished work is kept even if a stop arrived meanwhile: it is written, not redone.
        const done: JobItem = { ...item, state: 'done', attempts: item.attempts + attempt + 1, updatedAt: Date.now(), promptTokens: r.promptTokens, completionTokens: r.completionTokens, ms: Date.now() - t0 };
        delete done.reason;
        await store.complete(done, r.output);
        counts.running--;
        counts.done++;
        runItems++;
        promptTokens += r.promptTokens;
        completionTokens += r.completionTokens;
        runTokens += r.promptTokens + r.completionTokens;
        report(`Done ${item.key}`, every === 0);
        break;
      } catch (e) {
        counts.running--;
        const aborted = signal?.aborted || isAppError(e, 'AbortError') || (e instanceof DOMException && e.name === 'AbortError');
        const fatal = !aborted && isAppError(e) && FATAL.has(e.name as AppErrorName);
        if (aborted || fatal) {
          await store.putItem({ ...item, state: 'pending', attempts: item.attempts + attempt + 1, updatedAt: Date.now() });
          counts.pending++;
          if (aborted) return stopped();
          const err = e as Error;
          await setJob({ status: 'failed', stoppedBy: 'error', error: `${err.name}: ${err.message}` });
          report(`Stopped: ${err.message}`, true);
          throw e;
        }
        if (attempt < retries) {
          attempt++;
          counts.pending++;
          continue;
        }
        const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        await store.putItem({ ...item, state: 'failed', reason, attempts: item.attempts + attempt + 1, updatedAt: Date.now() });
        counts.failed++;
        runItems++;
        report(`Failed ${item.key}: ${reason}`, every === 0);
        break;
      }
    }
  }
  await setJob({ status: 'done' });
  report(`Finished: ${counts.done} done, ${counts.failed} failed`, true);
  return finish();
}
