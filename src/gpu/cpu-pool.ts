/**
 * The CPU path on every core of the browser: the core's MessageLsePool over Web Workers
 * (workers/lse-pool.worker.ts), plus a share computed in the calling thread (the align worker),
 * so k = hardwareConcurrency − 1 workers and the caller use all cores. Row sums are split by rows;
 * each row is the same lseRows call as single-threaded, so results are bit-identical to
 * cpuKernelFactory().
 *
 * Memory: with SharedArrayBuffer (only when the page is cross-origin isolated) points are shared and
 * nothing is copied per call; otherwise (the default here) each call copies alpha to every worker and
 * each worker sends back its rows (MessageLsePool decides, src/core/align/lse-pool.ts).
 *
 * Workers start on the first create(), not before, and stop on dispose(). If a worker fails (cannot
 * start, crashes), the call is repeated in the calling thread and the factory stays single-threaded
 * from then on: same numbers, only slower.
 */
import { cpuKernel, cpuKernelFactory, pooledKernelFactory } from '../core/align/cpu-kernel';
import type { PairKernel, PairKernelFactory } from '../core/align/kernel';
import { inThreadLseEndpoint, MessageLsePool, type LseEndpoint, type LsePoolReply } from '../core/align/lse-pool';

export interface BrowserCpuPoolOptions {
  /** Worker threads. Default poolWorkers(): hardwareConcurrency − 1, at least 1. */
  workers?: number;
  /** Whether the calling thread computes a share too. Default true. */
  inThread?: boolean;
  /** Creates one pool worker (default: the bundled workers/lse-pool.worker.ts). */
  createWorker?: () => Worker;
}

/** Cores this context reports (navigator.hardwareConcurrency; 1 where unknown). */
export function browserCores(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return n !== undefined && n >= 1 ? Math.floor(n) : 1;
}

/** Pool workers for `cores` cores: one fewer (the calling thread computes a share), at least 1. */
export function poolWorkers(cores = browserCores()): number {
  return Math.max(1, Math.floor(cores) - 1);
}

function startWorker(): Worker {
  return new Worker(new URL('../../workers/lse-pool.worker.ts', import.meta.url), { type: 'module', name: 'lse-pool' });
}

/** MessageLsePool on Web Workers (and, by default, the calling thread). */
export class BrowserLsePool extends MessageLsePool {
  /** Set when a worker reported an error; every later call rejects at once. */
  failure: Error | undefined;
  closed = false;

  constructor(options: BrowserCpuPoolOptions = {}) {
    const workers = Array.from({ length: Math.max(1, Math.floor(options.workers ?? poolWorkers())) }, () => (options.createWorker ?? startWorker)());
    const endpoints: LseEndpoint[] = workers.map((w) => ({
      post: (m, transfer) => w.postMessage(m, { transfer: transfer ?? [] }),
      listen: (cb) => w.addEventListener('message', (e: MessageEvent<LsePoolReply>) => cb(e.data)),
      terminate: () => w.terminate(),
    }));
    if (options.inThread ?? true) endpoints.push(inThreadLseEndpoint()); // last: the workers start first
    super(endpoints);
    const fail = (e: ErrorEvent | MessageEvent): void => {
      e.preventDefault(); // handled: the call is repeated in the calling thread
      this.failure ??= new Error(`an LSE pool worker failed${e instanceof ErrorEvent && e.message ? ` (${e.message})` : ''}`);
      this.failAll(this.failure);
    };
    for (const w of workers) {
      w.addEventListener('error', fail);
      w.addEventListener('messageerror', fail);
    }
  }

  override async lse(x: number, y: number, alpha: Float64Array, s: number): Promise<Float64Array> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('LSE pool closed.');
    return super.lse(x, y, alpha, s);
  }

  override close(): Promise<void> {
    this.closed = true;
    return super.close();
  }
}

/** A CPU PairKernelFactory that may hold workers: `threads` it computes on, dispose() stops them. */
export interface CpuKernels extends PairKernelFactory {
  readonly threads: number;
  dispose(): Promise<void>;
}

/**
 * A CPU PairKernelFactory over a lazily started BrowserLsePool. `backend` is `cpu×T` (T threads,
 * the caller included). dispose() terminates the workers; a later create() starts new ones.
 */
export class BrowserCpuKernels implements CpuKernels {
  private readonly poolThreads: number;
  private pool: BrowserLsePool | undefined;
  private broken = false;

  constructor(private readonly options: BrowserCpuPoolOptions = {}) {
    this.poolThreads = Math.max(1, Math.floor(options.workers ?? poolWorkers())) + (options.inThread ?? true ? 1 : 0);
  }

  /** Threads: the pool's, or 1 after a worker failed. */
  get threads(): number {
    return this.broken ? 1 : this.poolThreads;
  }

  get backend(): string {
    return this.broken ? 'cpu' : `cpu×${this.poolThreads}`;
  }

  async create(x: Float32Array, y: Float32Array, d: number): Promise<PairKernel> {
    const single = cpuKernel(x, y, d);
    if (this.broken) return single;
    let pool: BrowserLsePool;
    try {
      pool = this.pool ??= new BrowserLsePool(this.options);
    } catch {
      // No Worker here (a policy refused the URL, nested workers unsupported): single-threaded.
      this.broken = true;
      return single;
    }
    const pooled = await pooledKernelFactory(pool).create(x, y, d);
    const call = async (which: 'rowLse' | 'colLse', alpha: Float64Array, s: number): Promise<Float64Array> => {
      if (!this.broken && !pool.closed) {
        try {
          return await pooled[which](alpha, s);
        } catch {
          if (!pool.closed) this.breakPool(); // a worker failed (closing is not a failure)
        }
      }
      return single[which](alpha, s);
    };
    return {
      backend: pooled.backend,
      n: single.n,
      m: single.m,
      d,
      rowLse: (alpha, s) => call('rowLse', alpha, s),
      colLse: (alpha, s) => call('colLse', alpha, s),
      dispose: () => pooled.dispose(),
    };
  }

  /** Terminates the workers (kernels still bound finish in the calling thread). */
  async dispose(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.close();
  }

  private breakPool(): void {
    this.broken = true;
    void this.dispose();
  }
}

/**
 * The CPU kernels for this context: the worker pool when it reports more than one core and can
 * start Workers, otherwise the single-threaded float64 kernel. Both give identical numbers.
 */
export function browserCpuKernelFactory(options: BrowserCpuPoolOptions = {}): CpuKernels {
  if (typeof Worker === 'undefined' || (options.workers === undefined && browserCores() < 2)) {
    return { ...cpuKernelFactory(), threads: 1, dispose: () => Promise.resolve() };
  }
  return new BrowserCpuKernels(options);
}
