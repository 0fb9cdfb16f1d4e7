import { describe, expect, test } from 'vitest';
import { isAppError } from '../../../src/core/errors';
import { singleJob } from '../../../src/core/single-job';

describe('singleJob', () => {
  test('refuses a second job while one runs, with the given message, and accepts one after', async () => {
    const jobs = singleJob();
    let release!: (v: number) => void;
    const first = jobs.run('busy 1', () => new Promise<number>((r) => (release = r)));
    expect(jobs.busy).toBe(true);
    const second = jobs.run('Another job runs; cancel it first.', async () => 2);
    await expect(second).rejects.toSatisfy((e: unknown) => isAppError(e, 'InputError') && (e as Error).message === 'Another job runs; cancel it first.');
    release(1);
    await expect(first).resolves.toBe(1);
    expect(jobs.busy).toBe(false);
    await expect(jobs.run('busy 3', async () => 3)).resolves.toBe(3);
  });

  test('cancel aborts only the running job; a failed job frees the slot', async () => {
    const jobs = singleJob();
    jobs.cancel(); // none runs: no-op
    const seen: AbortSignal[] = [];
    const first = jobs.run('busy', (signal) => {
      seen.push(signal);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    jobs.cancel();
    await expect(first).rejects.toThrow('aborted');
    expect(jobs.busy).toBe(false);
    await jobs.run('busy', async (signal) => void seen.push(signal));
    expect(seen.map((s) => s.aborted)).toEqual([true, false]);
  });
});
