/**
 * Maps what IndexedDB throws (DOMException QuotaExceededError, AbortError, UnknownError, ...) onto
 * the app's AppError names, with messages that say what to do.
 */
import { AppError, isAppError } from '../core/errors';

export function isQuotaExceeded(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const name = (e as { name?: unknown }).name;
  // Firefox used NS_ERROR_DOM_QUOTA_REACHED before it adopted the standard name.
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || name === 'QuotaError';
}

export function quotaError(what: string): AppError {
  return new AppError(
    'QuotaError',
    `Browser storage is full: ${what}. Free space (delete corpora you no longer need, or other sites' data) ` +
      'or request persistent storage in the capability panel, then try again.',
  );
}

/**
 * An AppError for a failure while trying to `action` (e.g. "list corpora"). AppErrors pass through
 * unchanged (a user cancel is already AppError('AbortError')); a DOM AbortError from an aborted
 * transaction is a StorageError, since the cause was a failure, not the user.
 */
export function toStorageError(e: unknown, action: string): AppError {
  if (e instanceof AppError) return e;
  if (isAppError(e)) return new AppError(e.name as AppError['name'], e.message);
  if (isQuotaExceeded(e)) return quotaError(`could not ${action}`);
  const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
  const message = e instanceof Error ? e.message : String(e);
  return new AppError(
    'StorageError',
    `Could not ${action}: ${message || String(name)}. If this repeats, reload the page; private windows and ` +
      'some browser settings disable IndexedDB.',
  );
}
