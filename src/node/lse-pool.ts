/**
 * The core's MessageLsePool on Node worker_threads (SharedArrayBuffer: points are copied once per
 * problem, alpha and the output once per call, whatever the number of workers). Each worker runs
 * src/node/lse-worker.ts through tsx's loader API, the way `npm run align` runs.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { MessageLsePool, type LsePoolReply } from '../core/align/lse-pool';

export class NodeLsePool extends MessageLsePool {
  constructor(threads = availableParallelism()) {
    // Register tsx inside the worker, then load the TypeScript module (Node 20's Worker does not
    // apply the parent's --import loaders to a .ts entry point).
    const url = new URL('./lse-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
    const workers = Array.from({ length: Math.max(1, Math.floor(threads)) }, () => new Worker(boot, { eval: true }));
    super(
      workers.map((w) => ({
        post: (m, t) => w.postMessage(m, t),
        listen: (cb) => w.on('message', (r: LsePoolReply) => cb(r)),
        terminate: () => w.terminate(),
      })),
    );
    for (const w of workers) w.on('error', (e) => this.failAll(e));
  }
}
