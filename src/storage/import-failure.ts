/**
 * What the all-or-nothing imports (corpus: import-job.ts, persona set: persona-set-import.ts) tell
 * the user when they fail: every path ends in "nothing was imported", since the partial import is
 * rolled back; and their throttled progress.
 */
import type { Progress, ProgressCallback } from '../contracts/progress';
import { AppError, isAppError } from '../core/errors';
import { isQuotaExceeded, toStorageError } from './errors';

export interface ImportFailureText {
  /** The QuotaError message: what did not fit and what to free, ending in "nothing was imported." */
  quota: string;
  /** For toStorageError: what the import was storing ("store the imported corpus"). */
  storing: string;
}

/** The user's words for what went wrong, always ending in "nothing was imported". */
export function importFailure(e: unknown, signal: AbortSignal, text: ImportFailureText): AppError {
  if (signal.aborted) return new AppError('AbortError', 'Import cancelled; nothing was imported.');
  if (isQuotaExceeded(e)) return new AppError('QuotaError', text.quota);
  if (isAppError(e)) {
    // isAppError also accepts a plain Error carrying a known name (e.g. from another realm).
    const name = (e as Error).name as AppError['name'];
    if (name === 'StorageError' || name === 'AbortError') return e instanceof AppError ? e : new AppError(name, (e as Error).message);
    // The message already names the location; keep the structured one for the UI.
    const out = new AppError(name, `${(e as Error).message} Nothing was imported.`);
    const location = (e as { location?: unknown }).location;
    if (location !== undefined) Object.defineProperty(out, 'location', { value: location });
    return out;
  }
  return toStorageError(e, text.storing);
}

/**
 * At most one message per `intervalMs` (the main thread only needs a few a second); `force` sends
 * at once (final states). A comlink proxy returns a promise: failures to deliver are ignored.
 */
export function throttleProgress(cb: ProgressCallback, intervalMs: number): (p: Progress, force?: boolean) => void {
  let lastSent = -Infinity;
  return (p, force = false) => {
    const now = performance.now();
    if (!force && now - lastSent < intervalMs) return;
    lastSent = now;
    try {
      const r: unknown = cb(p);
      if (r instanceof Promise) r.catch(() => {});
    } catch {
      // A progress listener that throws must not fail the import.
    }
  };
}
