/**
 * CPU PairKernels over the float64 streaming log-sum-exp (src/core/lse.ts).
 *
 * - `cpuKernelFactory()`: single-threaded, in the calling thread (the reference and the fallback).
 * - `pooledKernelFactory(pool)`: splits rows over a `RowLsePool` (worker_threads in Node:
 *   src/node/lse-pool.ts; Web Workers in the browser: src/gpu/cpu-pool.ts). The core stays free of
 *   Node and DOM imports: it only knows the interface.
 */
import { lseRows } from '../lse';
import type { PairKernel, PairKernelFactory } from './kernel';

/** Evaluates lseRows over many threads. Points are loaded once per problem and referenced by handle. */
export interface RowLsePool {
  readonly threads: number;
  /** Copies points (rows of d values) into memory the threads share; returns a handle. */
  load(points: Float32Array, d: number): Promise<number>;
  /** out_i = log Σ_j exp(alpha_j − s‖x_i − y_j‖²) for every row i of `x`. */
  lse(x: number, y: number, alpha: Float64Array, s: number): Promise<Float64Array>;
  /** Forgets a handle's points. */
  release(handle: number): void;
  /** Stops the threads. */
  close(): Promise<void>;
}

/** The float64 single-threaded kernel: exact reference for every other backend. */
export function cpuKernelFactory(): PairKernelFactory {
  return {
    backend: 'cpu',
    create: (x, y, d) => Promise.resolve(cpuKernel(x, y, d)),
  };
}

/** Synchronous twin of the CPU kernel for callers that are not async (tests, diagnostics). */
export function cpuKernel(x: Float32Array, y: Float32Array, d: number): PairKernel {
  checkShapes(x, y, d);
  return {
    backend: 'cpu',
    n: x.length / d,
    m: y.length / d,
    d,
    rowLse: async (alpha, s) => lseRows(x, y, d, checkLen(alpha, y.length / d), s),
    colLse: async (alpha, s) => lseRows(y, x, d, checkLen(alpha, x.length / d), s),
    dispose: () => undefined,
  };
}

/** A kernel factory whose row sums run on a pool of threads. */
export function pooledKernelFactory(pool: RowLsePool): PairKernelFactory {
  const backend = `cpu×${pool.threads}`;
  return {
    backend,
    async create(x, y, d) {
      checkShapes(x, y, d);
      const hx = await pool.load(x, d);
      const hy = await pool.load(y, d);
      return {
        backend,
        n: x.length / d,
        m: y.length / d,
        d,
        rowLse: async (alpha, s) => pool.lse(hx, hy, checkLen(alpha, y.length / d), s),
        colLse: async (alpha, s) => pool.lse(hy, hx, checkLen(alpha, x.length / d), s),
        dispose: () => {
          pool.release(hx);
          pool.release(hy);
        },
      };
    },
  };
}

/** Splits n rows into `parts` contiguous [start, end) ranges of near-equal size. */
export function rowRanges(n: number, parts: number): Array<[number, number]> {
  const p = Math.max(1, Math.min(parts, n));
  const out: Array<[number, number]> = [];
  for (let k = 0; k < p; k++) out.push([Math.floor((k * n) / p), Math.floor(((k + 1) * n) / p)]);
  return out;
}

function checkShapes(x: Float32Array, y: Float32Array, d: number): void {
  if (!(d > 0) || x.length % d !== 0 || y.length % d !== 0) {
    throw new RangeError(`PairKernel: ${x.length} and ${y.length} values do not form rows of ${d}.`);
  }
}

function checkLen(alpha: Float64Array, len: number): Float64Array {
  if (alpha.length !== len) throw new RangeError(`PairKernel: alpha has ${alpha.length} entries, expected ${len}.`);
  return alpha;
}
