/**
 * The load / cancel / folder-import glue shared by the model workers' clients (embedder-service.ts,
 * llm-service.ts). Their libraries (transformers.js, web-llm) have no abort for a download: abort()
 * asks the worker, then, if the load has not settled after a grace period, stops the worker so
 * that the load rejects and the next call starts a fresh one.
 */
import { AppError } from '../core/errors';
import type { WorkerClient } from './worker-client';

/** What a model worker offers for cancelling (both workers' APIs have these). */
export interface CancellableModelApi {
  abort(): Promise<void>;
  cancelImport(): Promise<void>;
}

export class ModelWorkerLoads<Api extends CancellableModelApi> {
  private loadInFlight: Promise<unknown> | undefined;

  /** `graceMs`: how long a cancelled download may take to stop before the worker is terminated. */
  constructor(
    private readonly client: WorkerClient<Api>,
    private readonly graceMs: number,
  ) {}

  /** Runs `start` (the worker's load) as the load in flight; AbortError after abort() or when `signal` fires. */
  async load<T>(start: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new AppError('AbortError', 'Loading cancelled.');
    const onAbort = (): void => void this.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const run = start();
    this.loadInFlight = run;
    try {
      return await run;
    } finally {
      if (this.loadInFlight === run) this.loadInFlight = undefined;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Cancels the call in flight; a download that does not stop within the grace period loses its worker. */
  async abort(): Promise<void> {
    const running = this.client.current;
    if (!running) return;
    const load = this.loadInFlight;
    await Promise.race([running.api.abort().catch(() => {}), delay(1000)]);
    if (load) {
      const settled = await Promise.race([load.then(() => true, () => true), delay(this.graceMs).then(() => false)]);
      if (!settled) running.kill(new AppError('AbortError', 'Loading cancelled.'));
    }
  }

  /** Runs `start` (the worker's folder import); `signal` cancels it in the worker (nothing is kept). */
  async importFolder<T>(start: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new AppError('AbortError', 'Import cancelled.');
    const onAbort = (): void => void this.client.current?.api.cancelImport().catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await start();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
