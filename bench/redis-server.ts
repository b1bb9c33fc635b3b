// A throwaway redis-server for the queue test and the overhead benchmark: 127.0.0.1 on a free port,
// its own folder, append-only file on (so a restart keeps the queue), stopped by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

export interface RedisServer {
  url: string;
  port: number;
  /** SIGTERM (Redis flushes its append-only file) and start again on the same port and folder */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL, for cleanup paths */
  kill(): void;
}

export async function startRedisServer(dir: string, bin = process.env.NALSM_REDIS_SERVER ?? 'redis-server'): Promise<RedisServer> {
  const port = await freePort();
  let p: ChildProcess;
  const launch = (): Promise<void> =>
    new Promise((resolve, reject) => {
      p = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const to = setTimeout(() => reject(new Error(`redis-server did not start in 10 s: ${out.slice(-1000)}`)), 10000).unref();
      p.on('error', (e) => reject(new Error(`cannot start ${bin} (Debian package redis-server; npm test installs it): ${e.message}`)));
      p.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('Ready to accept connections')) {
          clearTimeout(to);
          resolve();
        }
      });
      p.stderr!.on('data', (d) => (out += d));
    });
  const exited = (): Promise<void> => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r())));
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      p.kill('SIGTERM');
      await exited();
      await launch();
    },
    async stop() {
      p.kill('SIGTERM');
      await exited();
    },
    kill() {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    },
  };
}
