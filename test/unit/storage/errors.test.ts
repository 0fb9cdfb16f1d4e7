import { describe, expect, test } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { isQuotaExceeded, toStorageError } from '../../../src/storage/errors';
import { formatBytes } from '../../../src/storage/quota';

describe('storage error mapping', () => {
  test('QuotaExceededError (standard and legacy Firefox name) becomes QuotaError with advice', () => {
    for (const name of ['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']) {
      const e = toStorageError(new DOMException('full', name), 'store posts');
      expect(e).toBeInstanceOf(AppError);
      expect(e.name).toBe('QuotaError');
      expect(e.message).toMatch(/Browser storage is full: could not store posts\. Free space .* persistent storage/);
    }
    expect(isQuotaExceeded({ name: 'QuotaExceededError' })).toBe(true);
    expect(isQuotaExceeded(new Error('x'))).toBe(false);
    expect(isQuotaExceeded(null)).toBe(false);
  });

  test('AppErrors pass through; plain errors with a known name become that AppError', () => {
    const input = new AppError('InputError', 'bad');
    expect(toStorageError(input, 'x')).toBe(input);
    const crossed = Object.assign(new Error('cancelled'), { name: 'AbortError' });
    const e = toStorageError(crossed, 'x');
    expect(e).toBeInstanceOf(AppError);
    expect(e.name).toBe('AbortError');
  });

  test('anything else is a StorageError naming the action', () => {
    const e = toStorageError(new DOMException('Internal error opening backing store', 'UnknownError'), 'open the database');
    expect(e.name).toBe('StorageError');
    expect(e.message).toMatch(/^Could not open the database: Internal error opening backing store\. If this repeats/);
    expect(toStorageError('weird', 'list corpora').message).toMatch(/Could not list corpora: weird/);
  });
});

test('formatBytes', () => {
  expect(formatBytes(0)).toBe('0 B');
  expect(formatBytes(999)).toBe('999 B');
  expect(formatBytes(1500)).toBe('1.5 KB');
  expect(formatBytes(734_000_000)).toBe('734 MB');
  expect(formatBytes(1.2e9)).toBe('1.2 GB');
});
