// One ioredis connection per role (BullMQ wants its own for blocking reads), from a parsed queue URL.
import { Redis } from 'ioredis';
import type { QueueTarget } from './url.js';

export function connect(target: QueueTarget, name: string): Redis {
  const r = new Redis({ ...target.connection, connectionName: name, lazyConnect: false, retryStrategy: (times) => Math.min(200 + times * 200, 2000) });
  // connection errors are retried by ioredis; without a listener Node would print each one as unhandled
  r.on('error', () => {});
  return r;
}
