/** worker_threads side of NodeLsePool: the core's serveLsePool on parentPort. */
import { parentPort } from 'node:worker_threads';
import { serveLsePool, type LsePoolMessage } from '../core/align/lse-pool';

const port = parentPort;
if (port) {
  const handle = serveLsePool((reply, transfer) => port.postMessage(reply, transfer));
  port.on('message', (msg: LsePoolMessage) => handle(msg));
}
