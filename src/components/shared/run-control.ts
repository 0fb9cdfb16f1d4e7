import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The cancel-and-clock side of a long run in a stage element: one AbortController per run, the
 * elapsed time ticking for the progress panel, a `cancelling` flag for the Cancel button, and an
 * abort when the element leaves the page. The host renders `elapsedMs` and `cancelling`; every
 * change asks it to update.
 */
export class RunControl implements ReactiveController {
  elapsedMs = 0;
  cancelling = false;
  private abort: AbortController | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private t0 = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly tickMs = 500,
  ) {
    host.addController(this);
  }

  /** Starts a run's clock; the returned controller's signal goes to the run. */
  start(): AbortController {
    const abort = new AbortController();
    this.abort = abort;
    this.cancelling = false;
    this.stopTicker();
    const t0 = performance.now();
    this.t0 = t0;
    this.ticker = setInterval(() => {
      this.elapsedMs = performance.now() - t0;
      this.host.requestUpdate();
    }, this.tickMs);
    this.host.requestUpdate();
    return abort;
  }

  /** Ends the run `abort` belongs to (call in `finally`): the clock stops at its final time. */
  finish(abort: AbortController): void {
    this.stopTicker();
    this.elapsedMs = performance.now() - this.t0;
    if (this.abort === abort) this.abort = undefined;
    this.cancelling = false;
    this.host.requestUpdate();
  }

  /** Cancels the running run, if any: it stops at its next check and rejects with AbortError. */
  cancel(): void {
    if (!this.abort) return;
    this.cancelling = true;
    this.abort.abort();
    this.host.requestUpdate();
  }

  /** Aborts the running run, if any, without the Cancel button's `cancelling` (the host moved on). */
  stop(): void {
    this.abort?.abort();
  }

  hostDisconnected(): void {
    this.abort?.abort();
    this.stopTicker();
  }

  private stopTicker(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
