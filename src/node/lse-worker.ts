/**
 * worker_threads side of NodeLsePool: holds the shared point buffers and runs lseRows on a row
 * range, writing into a shared output. Messages: load, release, run (see lse-pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { lseRows } from '../core/lse';

export type PoolMessage =
  | { type: 'load'; handle: number; points: Float32Array }
  | { type: 'release'; handle: number }
  | { type: 'run'; id: number; x: number; y: number; d: number; alpha: Float64Array; s: number; out: Float64Array; rowStart: number; rowEnd: number };

export type PoolReply = { id: number; ok: true } | { id: number; ok: false; message: string };

const points = new Map<number, Float32Array>();

parentPort?.on('message', (msg: PoolMessage) => {
  if (msg.type === 'load') points.set(msg.handle, msg.points);
  else if (msg.type === 'release') points.delete(msg.handle);
  else {
    try {
      const x = points.get(msg.x);
      const y = points.get(msg.y);
      if (!x || !y) throw new Error(`unknown handle ${msg.x}/${msg.y}`);
      lseRows(x, y, msg.d, msg.alpha, msg.s, msg.out, msg.rowStart, msg.rowEnd);
      parentPort!.postMessage({ id: msg.id, ok: true } satisfies PoolReply);
    } catch (e) {
      parentPort!.postMessage({ id: msg.id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies PoolReply);
    }
  }
});
