// Shared by the queue tests: the nalsm CLI as child processes (output collected, every process tracked so a
// test's `after` can stop them all), waiting on their output or exit, and the checks on a run's artifacts
// that hold for local and queue runs alike.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readReadout } from '../src/pipeline/readout-file.js';
import { artifactRunId } from '../src/pipeline/run-identity.js';

export const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
export const REDIS = process.env.NALSM_REDIS_SERVER ?? 'redis-server';

export function requireRedis(): void {
  const which = spawnSync(REDIS, ['--version'], { encoding: 'utf8' });
  assert.equal(which.status, 0, `redis-server is needed (Debian redis-server; npm test installs it via scripts/ensure-test-deps.sh): ${which.error?.message ?? which.stderr}`);
}

export interface Logged {
  p: ChildProcess;
  out: { text: string };
}

/** Child processes started by one test file: spawn() tracks each, killAll() SIGKILLs those still running. */
export function processTracker(): { spawn(cmd: string, args: string[]): Logged; killAll(): void; all: ChildProcess[] } {
  const all: ChildProcess[] = [];
  return {
    all,
    spawn(cmd, args) {
      const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      all.push(p);
      const out = { text: '' };
      p.stdout!.on('data', (d) => (out.text += d));
      p.stderr!.on('data', (d) => (out.text += d));
      return { p, out };
    },
    killAll() {
      for (const p of all) if (isRunning(p)) p.kill('SIGKILL');
    },
  };
}

export const isRunning = (p: ChildProcess): boolean => p.exitCode === null && p.signalCode === null;

/** Resolves with the exit code (null when killed by a signal). */
export const exited = (p: ChildProcess): Promise<number | null> => (!isRunning(p) ? Promise.resolve(p.exitCode) : new Promise((r) => p.on('exit', (code) => r(code))));

/** The exit code, or 'timeout' after `ms`. */
export const exitedWithin = (p: ChildProcess, ms: number): Promise<number | null | 'timeout'> =>
  Promise.race([exited(p), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);

/** Resolves when `re` appears in the process's output (accumulated), rejects on timeout or exit. */
export function waitFor(p: ChildProcess, out: { text: string }, re: RegExp, ms: number, what: string): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = out.text.match(re);
      if (m) {
        clearInterval(timer);
        clearTimeout(to);
        resolve(m);
      }
      return Boolean(m);
    };
    const timer = setInterval(check, 50);
    const to = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`timed out after ${ms} ms waiting for ${what}; output so far:\n${out.text.slice(-2000)}`));
    }, ms).unref();
    p.on('exit', () => setTimeout(() => !check() && reject(new Error(`${what}: process exited first; output:\n${out.text.slice(-2000)}`)), 100));
  });
}

/**
 * A queue run's artifacts folder holds the same files as the local run's, each stamped with its own
 * run's id (the one in its results JSON), and the same trained readout.
 */
export function assertSameArtifacts(localDir: string, queueDir: string, runIds: { local: string; queue: string }): void {
  const files = readdirSync(localDir).sort();
  assert.ok(files.includes('readout.bin') && files.includes('rasters.bin') && files.includes('network.bin'), `${localDir}: ${files}`);
  assert.deepEqual(readdirSync(queueDir).sort(), files, `${queueDir} holds the files of ${localDir}`);
  for (const f of files) {
    assert.equal(artifactRunId(join(localDir, f)), runIds.local, `${localDir}/${f} is stamped with its run id`);
    assert.equal(artifactRunId(join(queueDir, f)), runIds.queue, `${queueDir}/${f} is stamped with its run id`);
  }
  const a = readReadout(join(localDir, 'readout.bin'));
  const b = readReadout(join(queueDir, 'readout.bin'));
  assert.deepEqual([b.weights, b.bias, b.trainBatchMax, b.batchSize, b.nl], [a.weights, a.bias, a.trainBatchMax, a.batchSize, a.nl], 'the same readout');
  assert.deepEqual({ ...b.meta, runId: undefined }, { ...a.meta, runId: undefined });
}
