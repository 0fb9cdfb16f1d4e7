/**
 * A RowLsePool over any message-passing workers (Web Workers in the browser, worker_threads in
 * Node): the main-thread side (`MessageLsePool`) and the worker side (`serveLsePool`), with no DOM or
 * Node imports. Points are posted once per problem; each call posts alpha and a row range to every
 * worker. When SharedArrayBuffer exists (Node; browsers only when cross-origin isolated) points,
 * alpha and the output live in shared memory and nothing is copied per worker; otherwise the
 * arrays are copied (structured clone) and each worker sends back its rows (transferred).
 *
 * Wiring: worker_threads in src/node/lse-pool.ts + src/node/lse-worker.ts; Web Workers in
 * src/gpu/cpu-pool.ts + workers/lse-pool.worker.ts (there the calling thread takes a share too,
 * through inThreadLseEndpoint).
 */
import { lseRows } from '../lse';
import { rowRanges, type RowLsePool } from './cpu-kernel';

export type LsePoolMessage =
  | { type: 'load'; handle: number; points: Float32Array }
  | { type: 'release'; handle: number }
  | { type: 'run'; id: number; x: number; y: number; d: number; alpha: Float64Array; s: number; out: Float64Array | undefined; rowStart: number; rowEnd: number };

export type LsePoolReply = { id: number; ok: true; rows: Float64Array | undefined } | { id: number; ok: false; message: string };

/** One worker as the pool sees it. */
export interface LseEndpoint {
  post(message: LsePoolMessage, transfer?: ArrayBuffer[]): void;
  listen(onReply: (reply: LsePoolReply) => void): void;
  terminate(): void | Promise<unknown>;
}

/** The worker side: returns the handler for incoming messages; replies through `post`. */
export function serveLsePool(post: (reply: LsePoolReply, transfer?: ArrayBuffer[]) => void): (message: LsePoolMessage) => void {
  const points = new Map<number, Float32Array>();
  return (msg) => {
    if (msg.type === 'load') points.set(msg.handle, msg.points);
    else if (msg.type === 'release') points.delete(msg.handle);
    else {
      try {
        const x = points.get(msg.x);
        const y = points.get(msg.y);
        if (!x || !y) throw new Error(`unknown point handle ${msg.x}/${msg.y}`);
        if (msg.out) {
          lseRows(x, y, msg.d, msg.alpha, msg.s, msg.out, msg.rowStart, msg.rowEnd);
          post({ id: msg.id, ok: true, rows: undefined });
        } else {
          // No shared memory: compute into a local array and send back only this range.
          const local = lseRows(x.subarray(msg.rowStart * msg.d, msg.rowEnd * msg.d), y, msg.d, msg.alpha, msg.s);
          post({ id: msg.id, ok: true, rows: local }, [local.buffer as ArrayBuffer]);
        }
      } catch (e) {
        post({ id: msg.id, ok: false, message: e instanceof Error ? e.message : String(e) });
      }
    }
  };
}

/**
 * An endpoint that computes in the calling thread: synchronously inside post(), replying in a
 * microtask. Put it last among a MessageLsePool's endpoints: the workers receive their row ranges
 * first and run while this thread computes its own, so k workers and this endpoint keep k + 1
 * cores busy (the thread that drives the pool would otherwise only wait).
 */
export function inThreadLseEndpoint(): LseEndpoint {
  let deliver: ((reply: LsePoolReply) => void) | undefined;
  const serve = serveLsePool((reply) => queueMicrotask(() => deliver?.(reply)));
  return {
    post: (message) => serve(message),
    listen: (onReply) => {
      deliver = onReply;
    },
    terminate: () => undefined,
  };
}

const canShare = (): boolean =>
  typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;

/** The main-thread side: splits each call's rows into one contiguous range per worker. */
export class MessageLsePool implements RowLsePool {
  readonly threads: number;
  private readonly loaded = new Map<number, { points: Float32Array; d: number }>();
  private readonly pending = new Map<number, { resolve: (rows: Float64Array | undefined) => void; reject: (e: Error) => void }>();
  private nextHandle = 1;
  private nextId = 1;
  private readonly shared: boolean;

  constructor(private readonly endpoints: LseEndpoint[], options: { shared?: boolean } = {}) {
    if (endpoints.length === 0) throw new RangeError('MessageLsePool needs at least one worker.');
    this.threads = endpoints.length;
    this.shared = options.shared ?? canShare();
    for (const ep of endpoints) {
      ep.listen((r) => {
        const p = this.pending.get(r.id);
        if (!p) return;
        this.pending.delete(r.id);
        if (r.ok) p.resolve(r.rows);
        else p.reject(new Error(`LSE worker: ${r.message}`));
      });
    }
  }

  /** Rejects every call in flight (e.g. when a worker dies). */
  failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async load(points: Float32Array, d: number): Promise<number> {
    const copy = this.shared ? new Float32Array(new SharedArrayBuffer(points.byteLength)) : new Float32Array(points.length);
    copy.set(points);
    const handle = this.nextHandle++;
    this.loaded.set(handle, { points: copy, d });
    for (const ep of this.endpoints) ep.post({ type: 'load', handle, points: copy });
    return handle;
  }

  async lse(x: number, y: number, alpha: Float64Array, s: number): Promise<Float64Array> {
    const px = this.loaded.get(x);
    const py = this.loaded.get(y);
    if (!px || !py) throw new Error(`MessageLsePool: unknown point handle ${x}/${y}`);
    const n = px.points.length / px.d;
    const a = this.shared ? new Float64Array(new SharedArrayBuffer(alpha.byteLength)) : alpha;
    if (a !== alpha) a.set(alpha);
    const out = this.shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : undefined;
    const result = new Float64Array(n);
    await Promise.all(
      rowRanges(n, this.threads).map(([rowStart, rowEnd], k) => {
        const id = this.nextId++;
        return new Promise<void>((resolve, reject) => {
          this.pending.set(id, {
            resolve: (rows) => {
              if (rows) result.set(rows, rowStart);
              resolve();
            },
            reject,
          });
          this.endpoints[k]!.post({ type: 'run', id, x, y, d: px.d, alpha: a, s, out, rowStart, rowEnd });
        });
      }),
    );
    if (out) result.set(out);
    return result;
  }

  release(handle: number): void {
    this.loaded.delete(handle);
    for (const ep of this.endpoints) ep.post({ type: 'release', handle });
  }

  async close(): Promise<void> {
    this.failAll(new Error('LSE pool closed.'));
    await Promise.all(this.endpoints.map((ep) => ep.terminate()));
  }
}
