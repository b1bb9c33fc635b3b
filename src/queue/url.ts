// Queue URLs: redis://[user:password@]HOST:PORT[/db] and rediss:// (TLS), as ioredis connection options.
// Loopback only unless the caller allows a remote host: an open Redis is an open door.
import type { RedisOptions } from 'ioredis';

export class QueueUrlError extends Error {}

export interface QueueTarget {
  connection: RedisOptions;
  /** the URL with the password masked, for logs */
  display: string;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;

export function parseQueueUrl(url: string, o: { allowRemote?: boolean } = {}): QueueTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUrlError(`--queue: "${url}" is not a URL; expected redis://[user:password@]HOST:PORT[/db] or rediss://...`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new QueueUrlError(`--queue: scheme "${u.protocol.replace(/:$/, '')}" is not supported; expected redis:// or rediss:// (TLS)`);
  if (!u.hostname) throw new QueueUrlError(`--queue: "${url}" names no host; expected redis://HOST:PORT`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbPart = u.pathname.replace(/^\//, '');
  if (dbPart !== '' && !/^\d+$/.test(dbPart)) throw new QueueUrlError(`--queue: database "${dbPart}" must be a number (redis://HOST:PORT/DB)`);
  const db = dbPart === '' ? 0 : Number(dbPart);
  if (db > 15) throw new QueueUrlError(`--queue: database ${db} is out of range 0..15`);
  if (u.search || u.hash) throw new QueueUrlError(`--queue: "${url}" has query or fragment parts; nalsm takes none`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!o.allowRemote && !LOOPBACK.test(host)) throw new QueueUrlError(`--queue: host ${host} is not on loopback; pass --allow-remote to use a Redis on another machine (protect it with a password and TLS: rediss://user:password@HOST:PORT)`);
  const connection: RedisOptions = {
    host,
    port,
    db,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    // BullMQ workers need commands to wait through a Redis restart rather than fail
    maxRetriesPerRequest: null,
    ...(u.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
  const display = `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}${u.password ? ':***' : ''}@` : u.password ? ':***@' : ''}${u.host}${db ? `/${db}` : ''}`;
  return { connection, display };
}
