/**
 * One thread of the browser's CPU log-sum-exp pool (src/gpu/cpu-pool.ts): the core's serveLsePool
 * on this worker's messages. Started by the align worker (nested workers), never by the page.
 */
import { serveLsePool, type LsePoolMessage } from '../src/core/align/lse-pool';

const handle = serveLsePool((reply, transfer) => self.postMessage(reply, { transfer: transfer ?? [] }));
self.addEventListener('message', (e: MessageEvent<LsePoolMessage>) => handle(e.data));
