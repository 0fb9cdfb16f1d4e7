/**
 * Web Locks around writes to one corpus, so start-up cleanup in one tab never removes an import
 * that is still running in another tab (or worker). A crashed tab or a terminated worker loses its
 * locks, which is exactly when its leftovers may go. Where the Locks API is missing, writes run
 * unlocked and cleanup assumes nothing else is writing.
 */
import type { AppDb } from './db';

function locks(): LockManager | undefined {
  return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
}

function lockName(db: AppDb, corpusId: string): string {
  return `persona-align/${db.name}/corpus/${corpusId}`;
}

/** Runs `fn` holding the corpus's exclusive lock (waits for it if another context holds it). */
export async function withCorpusLock<T>(db: AppDb, corpusId: string, fn: () => Promise<T>): Promise<T> {
  const lm = locks();
  if (!lm) return fn();
  return lm.request(lockName(db, corpusId), { mode: 'exclusive' }, () => fn()) as Promise<T>;
}

/**
 * Runs `fn` under the corpus's lock if it can be had within `waitMs`, and returns true; returns
 * false without running it when someone keeps holding the lock (a live import elsewhere). A lock
 * freed by a terminated worker is released asynchronously, hence the short wait.
 */
export async function tryWithCorpusLock(db: AppDb, corpusId: string, fn: () => Promise<void>, waitMs = 1000): Promise<boolean> {
  const lm = locks();
  if (!lm) {
    await fn();
    return true;
  }
  try {
    await lm.request(lockName(db, corpusId), { mode: 'exclusive', signal: AbortSignal.timeout(waitMs) }, () => fn());
    return true;
  } catch (e) {
    // The signal fired before the lock was granted ('TimeoutError' or 'AbortError' by browser).
    if (e instanceof DOMException && (e.name === 'TimeoutError' || e.name === 'AbortError')) return false;
    throw e;
  }
}
