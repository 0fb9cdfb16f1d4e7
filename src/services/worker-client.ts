/**
 * The worker lifecycle the services share: start one Worker on first use, comlink-wrap it, send
 * one setup call (e.g. `useDatabase`) that every later call waits for, race each call against the
 * worker dying, rebuild errors as AppError by their stable `name`, and start a fresh worker on the
 * next call after the current one crashed or was killed.
 *
 * Usage (inside a service):
 *   private readonly client = new WorkerClient<AlignApi>({
 *     create: () => new Worker(new URL('../../workers/align.worker.ts', import.meta.url), { type: 'module', name: 'align' }),
 *     crashError: (detail) => new AppError('GpuError', `The alignment worker stopped unexpectedly${detail}. ...`),
 *     failureError: (message) => new AppError('NumericError', `The alignment failed: ${message}.`),
 *   });
 *   align(job) { return this.client.call((api) => api.align(job, proxy(onProgress))); }
 *
 * Cancel stays with each service (`client.current?.api.cancel()`): what "cancel" means differs.
 *
 * Restart policy (once, here): `callRestarting` re-runs a job from its start on a fresh worker when
 * the worker crashed mid-job ('error'/'messageerror' event: an uncaught error, a failed clone, a
 * killed worker that reported it), at most `retries` times (default DEFAULT_RESTARTS). Before each
 * re-run the service's `onCrash` undoes what the dead worker left (the import rolls back its
 * partial corpus) and tells the user. A deliberate terminate() or a cancel is never restarted.
 */
import { wrap, type Remote } from 'comlink';
import { AppError, isAppError } from '../core/errors';

/** How many times a crashed job is restarted before its error is reported (3 attempts in all). */
export const DEFAULT_RESTARTS = 2;

export interface RestartPolicy {
  /** Restarts after a crash; default DEFAULT_RESTARTS; 0 = report the first crash. */
  retries?: number;
  /** A cancel: once aborted, a crash is reported instead of restarted. */
  signal?: AbortSignal | undefined;
  /**
   * Called after every crash, before the next attempt (`restarting`) or before the error is
   * reported (`!restarting`): clean up what the dead worker left and tell the user. A rejection
   * (e.g. the cleanup failed) is reported instead of restarting.
   */
  onCrash?: (info: { attempt: number; retries: number; restarting: boolean; error: AppError }) => void | Promise<void>;
}

export interface WorkerClientOptions<Api> {
  /** Creates the worker (the service keeps `new Worker(new URL(..., import.meta.url))` so Vite bundles it). */
  create: () => Worker;
  /** First call on every new worker; all calls wait for it, so they reach the worker in order. */
  setup?: (api: Remote<Api>) => Promise<unknown>;
  /** The error a crashed worker ('error' or 'messageerror' event) rejects its calls with; `detail` is ` (message)` or ''. */
  crashError: (detail: string) => AppError;
  /** Wraps an error that is not an AppError by name (a bug, a DOM error); gets its message. */
  failureError: (message: string) => AppError;
}

/** One started worker. */
export interface WorkerSession<Api> {
  api: Remote<Api>;
  /** Settles once `setup` finished (at once without one); rejects as `died` does if the worker dies first. */
  ready: Promise<void>;
  /** Rejects when the worker crashes or is killed; never resolves. */
  died: Promise<never>;
  /** Terminates this worker: its pending calls reject with `reason`, and the next call starts a new one. */
  kill: (reason: AppError) => void;
  /** True once the worker died by itself ('error' or 'messageerror'), not by kill()/terminate(). */
  readonly crashed: boolean;
}

export class WorkerClient<Api> {
  private session: WorkerSession<Api> | undefined;

  constructor(private readonly options: WorkerClientOptions<Api>) {}

  /** The running worker, if any (does not start one). */
  get current(): WorkerSession<Api> | undefined {
    return this.session;
  }

  /** The running worker, starting one when none runs (its `ready` may still be pending). */
  start(): WorkerSession<Api> {
    if (this.session) return this.session;
    const worker = this.options.create();
    let kill!: (reason: AppError) => void;
    let killed = false;
    const died = new Promise<never>((_, reject) => {
      kill = (reason) => {
        killed = true;
        if (this.session === session) this.session = undefined;
        worker.terminate();
        reject(reason);
      };
    });
    died.catch(() => {}); // observed through Promise.race by whoever is waiting
    const onError = (ev: ErrorEvent | MessageEvent): void => {
      const detail = ev instanceof ErrorEvent && ev.message ? ` (${ev.message})` : '';
      if (!killed) session.crashed = true;
      kill(this.options.crashError(detail));
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
    const api = wrap<Api>(worker);
    const setup = this.options.setup;
    const ready = setup === undefined ? Promise.resolve() : Promise.race([setup(api).then(() => {}), died]);
    ready.catch(() => {}); // reported to each caller
    const session: { -readonly [K in keyof WorkerSession<Api>]: WorkerSession<Api>[K] } = { api, ready, died, kill, crashed: false };
    this.session = session;
    return session;
  }

  /** Starts the worker when needed and waits for its setup; a setup error is thrown as it came. */
  async started(): Promise<WorkerSession<Api>> {
    const session = this.start();
    await session.ready;
    return session;
  }

  /**
   * Runs `run` on `session` (default: the running worker, started when none runs) once its setup
   * finished, racing it against the worker dying. Rejects with an AppError only.
   */
  async call<T>(run: (api: Remote<Api>) => Promise<T>, session: WorkerSession<Api> = this.start()): Promise<T> {
    try {
      await session.ready;
      return await Promise.race([run(session.api), session.died]);
    } catch (e) {
      throw this.toAppError(e);
    }
  }

  /**
   * `call` with the restart policy: when the worker crashes during the job, starts a fresh one and
   * runs `run` again from its start (after `policy.onCrash`), at most `policy.retries` times. The
   * job must be repeatable: same request, same result. Rejects with an AppError only.
   */
  async callRestarting<T>(run: (api: Remote<Api>) => Promise<T>, policy: RestartPolicy = {}): Promise<T> {
    const retries = policy.retries ?? DEFAULT_RESTARTS;
    for (let attempt = 1; ; attempt++) {
      const session = this.start();
      try {
        return await this.call(run, session);
      } catch (e) {
        const error = this.toAppError(e);
        if (!session.crashed) throw error;
        const restarting = attempt <= retries && !policy.signal?.aborted;
        try {
          await policy.onCrash?.({ attempt, retries, restarting, error });
        } catch (cleanup) {
          throw this.toAppError(cleanup);
        }
        if (!restarting) {
          if (attempt === 1) throw error;
          throw new AppError(error.name, `${error.message} (It stopped ${attempt} times in a row; restarting did not help.)`);
        }
      }
    }
  }

  /** Stops the running worker (no-op when none runs); its pending calls reject with `reason`. */
  terminate(reason: AppError): void {
    this.session?.kill(reason);
  }

  /** Rebuilds a worker's error as an AppError by its stable name (comlink keeps name, message, stack). */
  toAppError(e: unknown): AppError {
    if (e instanceof AppError) return e;
    if (isAppError(e)) {
      const out = new AppError(e.name as AppError['name'], e.message);
      if (e.stack) out.stack = e.stack;
      return out;
    }
    return this.options.failureError(e instanceof Error ? e.message : String(e));
  }
}
