/**
 * One job at a time, each with its own AbortController: the worker APIs (align, adapter, corpus and
 * persona imports) refuse a second start while one runs, and cancel() aborts the running one
 * (cooperatively: the job checks its signal).
 */
import { AppError } from './errors';

export interface SingleJob {
  /** Whether a job is running now. */
  readonly busy: boolean;
  /** Runs `job` unless one is running, in which case it rejects with InputError(`busyMessage`). */
  run<T>(busyMessage: string, job: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Aborts the running job's signal; a no-op when none runs. */
  cancel(): void;
}

export function singleJob(): SingleJob {
  let running: AbortController | undefined;
  return {
    get busy() {
      return running !== undefined;
    },
    async run(busyMessage, job) {
      if (running) throw new AppError('InputError', busyMessage);
      const controller = new AbortController();
      running = controller;
      try {
        return await job(controller.signal);
      } finally {
        running = undefined;
      }
    },
    cancel() {
      running?.abort();
    },
  };
}
