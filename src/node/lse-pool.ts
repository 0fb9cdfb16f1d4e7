/**
 * A RowLsePool on Node worker_threads (SharedArrayBuffer, so points are copied once per problem and
 * alpha/out once per call, not once per worker). Rows are split into one contiguous range per
 * worker. The workers load src/node/lse-worker.ts through tsx's loader API, the same way
 * `npm run align` runs. The browser twin (Web Workers) implements the same core interface.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { rowRanges, type RowLsePool } from '../core/align/cpu-kernel';
import type { PoolMessage, PoolReply } from './lse-worker';

export class NodeLsePool implements RowLsePool {
  readonly threads: number;
  private readonly workers: Worker[];
  private readonly loaded = new Map<number, { points: Float32Array; d: number }>();
  private nextHandle = 1;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(threads = availableParallelism()) {
    this.threads = Math.max(1, Math.floor(threads));
    // Register tsx's loader inside the worker, then load the TypeScript worker module (Node 20's
    // Worker does not apply the parent's --import loaders to a .ts entry point).
    const url = new URL('./lse-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
    this.workers = Array.from({ length: this.threads }, () => {
      const w = new Worker(boot, { eval: true });
      w.on('message', (r: PoolReply) => {
        const p = this.pending.get(r.id);
        if (!p) return;
        this.pending.delete(r.id);
        if (r.ok) p.resolve();
        else p.reject(new Error(r.message));
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      return w;
    });
  }

  async load(points: Float32Array, d: number): Promise<number> {
    const shared = new Float32Array(new SharedArrayBuffer(points.byteLength));
    shared.set(points);
    const handle = this.nextHandle++;
    this.loaded.set(handle, { points: shared, d });
    for (const w of this.workers) w.postMessage({ type: 'load', handle, points: shared } satisfies PoolMessage);
    return handle;
  }

  async lse(x: number, y: number, alpha: Float64Array, s: number): Promise<Float64Array> {
    const px = this.loaded.get(x);
    const py = this.loaded.get(y);
    if (!px || !py) throw new Error(`NodeLsePool: unknown handle ${x}/${y}`);
    const n = px.points.length / px.d;
    const a = new Float64Array(new SharedArrayBuffer(alpha.byteLength));
    a.set(alpha);
    const out = new Float64Array(new SharedArrayBuffer(n * 8));
    await Promise.all(
      rowRanges(n, this.threads).map(([rowStart, rowEnd], k) => {
        const id = this.nextId++;
        return new Promise<void>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          this.workers[k]!.postMessage({ type: 'run', id, x, y, d: px.d, alpha: a, s, out, rowStart, rowEnd } satisfies PoolMessage);
        });
      }),
    );
    return Float64Array.from(out);
  }

  release(handle: number): void {
    this.loaded.delete(handle);
    for (const w of this.workers) w.postMessage({ type: 'release', handle } satisfies PoolMessage);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
