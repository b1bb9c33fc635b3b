// A job that fails for good, end to end through the queue: redis-server on a free loopback port in its own
// folder, 2 `nalsm worker` processes whose Fashion-MNIST folder (--data fashion-mnist=DIR) is corrupt, and a
// small sweep of 2 MNIST runs and 1 Fashion-MNIST run. The Fashion-MNIST run fails after its 3 attempts with
// the worker's message, the MNIST runs give the local sweep's numbers and artifacts, the summary lists the
// failure, the sweep exits 1 saying runs failed. With a worker whose data are readable, the same command
// then finishes the failed run and keeps the others. Nothing started here is left running.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startRedisServer, type RedisServer } from '../bench/redis-server.js';
import { MAIN, requireRedis, processTracker, exitedWithin, isRunning, assertSameArtifacts } from './queue-helpers.js';

const procs = processTracker();
const dir = mkdtempSync(join(tmpdir(), 'nalsm-queue-failure-'));
let redis: RedisServer | null = null;

after(() => {
  procs.killAll();
  redis?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test('a job that fails for good: its run fails after 3 attempts with the worker\'s message, the others finish, the summary lists it, exit 1; a rerun retries it', { timeout: 150_000 }, async () => {
  requireRedis();
  const sweep = join(dir, 'failing.yaml');
  writeFileSync(
    sweep,
    ['name: failing', 'neurons: 125', 'train: 300', 'val: 100', 'test: 100', 'readout: { optimizer: adam, epochs: 20 }', 'runs:', '  - { model: lsm, weight: 0.8, seed: [1, 2] }', '  - { model: lsm, weight: 0.8, dataset: fashion-mnist, seed: 1 }', ''].join('\n'),
  );
  const failing = 'lsm-fashion-mnist-125-w0.8-s1';
  const good = ['lsm-mnist-125-w0.8-s1', 'lsm-mnist-125-w0.8-s2'];
  // here every run's data are readable: all three finish
  const local = spawnSync(process.execPath, [MAIN, 'sweep', sweep, '--out', join(dir, 'local'), '--runs', join(dir, 'local-runs'), '--workers', '2', '--quiet'], { encoding: 'utf8' });
  assert.equal(local.status, 0, local.stderr);

  // the workers' own Fashion-MNIST folder: official IDX names, the training images cut short
  const bad = join(dir, 'fashion-corrupt');
  mkdirSync(bad);
  const idxHead = Buffer.from([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]); // uint8, 3-D, 60000 × 28 × 28
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(bad, f), Buffer.concat([idxHead, Buffer.alloc(1000)]));

  redis = await startRedisServer(dir);
  const workers = [0, 1].map(() => procs.spawn(process.execPath, [MAIN, 'worker', '--queue', redis!.url, '--threads', '1', '--data', `fashion-mnist=${bad}`]));
  const coord = procs.spawn(process.execPath, [MAIN, 'sweep', sweep, '--queue', redis.url, '--out', join(dir, 'queue'), '--runs', join(dir, 'queue-runs')]);
  const code = await exitedWithin(coord.p, 120_000);
  assert.equal(code, 1, `the sweep exits 1 when a run failed: ${coord.out.text.slice(-3000)}`);
  assert.match(coord.out.text, /1 of 3 runs failed/);

  // bounded: the failing init job was tried exactly 3 times, over the workers
  const logs = workers.map((w) => w.out.text).join('\n');
  const attempts = [...logs.matchAll(new RegExp(`start \\(init of ${failing}, attempt (\\d)\\)`, 'g'))].map((m) => Number(m[1])).sort();
  assert.deepEqual(attempts, [1, 2, 3], `3 attempts of the failing init job:\n${logs.slice(-3000)}`);
  const pids = workers.map((w) => w.p.pid);

  const s = JSON.parse(readFileSync(join(dir, 'queue', 'failing-summary.json'), 'utf8'));
  assert.deepEqual(s.runs, { total: 3, done: 2, failed: 1 });
  assert.equal(s.failures.length, 1);
  assert.equal(s.failures[0].name, failing);
  // the worker's own message: which worker, which file, what is wrong with it
  const m = /^init job failed after 3 attempts: worker \S+ pid (\d+): (\S+): IDX data truncated/.exec(s.failures[0].error);
  assert.ok(m, `the failure carries the worker's message: ${s.failures[0].error}`);
  assert.ok(pids.includes(Number(m[1])), `it names one of the workers (${pids}): ${m[1]}`);
  assert.equal(m[2], join(bad, 'train-images-idx3-ubyte'));
  assert.ok(coord.out.text.includes(`FAILED ${failing}: ${s.failures[0].error}`), 'the sweep prints the failure');
  assert.ok(!existsSync(join(dir, 'queue', 'failing', `${failing}.json`)) && !existsSync(join(dir, 'queue-runs', 'failing', failing)), 'a failed run writes no results and no artifacts');

  // the other runs: the local sweep's counts, accuracies, σ_BF and artifacts
  const records = (p: string): Map<string, Record<string, unknown>> => new Map(JSON.parse(readFileSync(join(dir, p, 'failing-summary.json'), 'utf8')).records.map((r: Record<string, unknown>) => [r.name, r]));
  const strip = (r: Record<string, unknown> | undefined) => r && { status: r.status, countsSha256: r.countsSha256, accuracy: r.accuracy, sigmaBF: r.sigmaBF };
  const [lr, qr] = [records('local'), records('queue')];
  assert.equal(lr.get(failing)?.status, 'done', 'the same run finishes where its data are readable');
  for (const name of good) {
    assert.equal(qr.get(name)?.status, 'done', name);
    assert.deepEqual(strip(qr.get(name)), strip(lr.get(name)), name);
    const runId = (p: string): string => JSON.parse(readFileSync(join(dir, p, 'failing', `${name}.json`), 'utf8')).runId;
    assertSameArtifacts(join(dir, 'local-runs', 'failing', name), join(dir, 'queue-runs', 'failing', name), { local: runId('local'), queue: runId('queue') });
  }

  if (process.env.NALSM_QUEUE_TEST_LOG) writeFileSync(process.env.NALSM_QUEUE_TEST_LOG, [coord, ...workers].map((w) => w.out.text).join('\n=====\n'));
  // the workers stop on SIGTERM
  for (const w of workers) w.p.kill('SIGTERM');
  for (const w of workers) assert.notEqual(await exitedWithin(w.p, 15000), 'timeout', 'workers stop on SIGTERM');

  // the data fixed (a worker with the npm package), the same command again: the failed run is tried afresh,
  // the finished ones are kept, and the run gives the local sweep's numbers
  const fixed = procs.spawn(process.execPath, [MAIN, 'worker', '--queue', redis.url, '--threads', '1']);
  const again = procs.spawn(process.execPath, [MAIN, 'sweep', sweep, '--queue', redis.url, '--out', join(dir, 'queue'), '--runs', join(dir, 'queue-runs')]);
  assert.equal(await exitedWithin(again.p, 60_000), 0, `the rerun finishes: ${again.out.text.slice(-3000)}`);
  assert.match(again.out.text, /sweep failing: 3 runs, 2 already done, 1 to run/);
  assert.match(again.out.text, new RegExp(`${failing}: failed in an earlier session; trying it afresh`));
  const rerun = records('queue');
  assert.deepEqual(strip(rerun.get(failing)), strip(lr.get(failing)));
  for (const name of good) assert.equal(rerun.get(name)?.results, qr.get(name)?.results, `${name} is kept`);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'queue', 'failing-summary.json'), 'utf8')).failures, []);

  // nothing left running
  fixed.p.kill('SIGTERM');
  assert.notEqual(await exitedWithin(fixed.p, 15000), 'timeout', 'the worker stops on SIGTERM');
  await redis.stop();
  assert.ok(procs.all.every((p) => !isRunning(p)), 'no process of this test is running');
});
