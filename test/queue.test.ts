// The queue, for real: redis-server (Debian; npm test installs it) on 127.0.0.1 at a free port in its own
// folder with the append-only file on, 3 `nalsm worker` processes, a small sweep (2 models × 2 seeds).
// One worker is SIGKILLed while it holds a job, Redis is restarted once mid-sweep, the coordinator is killed
// and started again; every run's count hash,
// accuracy and σ_BF must equal the same sweep run locally, and its artifacts folder hold the local run's files
// (readout.bin too), stamped with its own run id. Everything started here is stopped whatever happens.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseQueueUrl } from '../src/queue/url.js';
import { checkJob } from '../src/queue/worker.js';
import { NALSM_VERSION } from '../src/queue/version.js';
import { startRedisServer, type RedisServer } from '../bench/redis-server.js';
import { MAIN, requireRedis, processTracker, waitFor, exited, exitedWithin, assertSameArtifacts } from './queue-helpers.js';

const procs = processTracker();
const spawnLogged = procs.spawn;
const dir = mkdtempSync(join(tmpdir(), 'nalsm-queue-'));
let redis: RedisServer | null = null;

after(() => {
  procs.killAll();
  redis?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test('queue URLs: user, password, db, TLS; loopback only unless allowed', () => {
  const a = parseQueueUrl('redis://alice:s%40cret@127.0.0.1:6380/3');
  assert.deepEqual([a.connection.host, a.connection.port, a.connection.db, a.connection.username, a.connection.password, a.connection.tls], ['127.0.0.1', 6380, 3, 'alice', 's@cret', undefined]);
  assert.equal(a.display, 'redis://alice:***@127.0.0.1:6380/3');
  const b = parseQueueUrl('rediss://:pw@queue.example.org:6390', { allowRemote: true });
  assert.deepEqual([b.connection.host, b.connection.port, b.connection.db, b.connection.password, b.connection.tls], ['queue.example.org', 6390, 0, 'pw', { servername: 'queue.example.org' }]);
  assert.equal(parseQueueUrl('redis://localhost').connection.port, 6379);
  assert.equal(parseQueueUrl('redis://[::1]:7000').connection.host, '::1');
  assert.throws(() => parseQueueUrl('redis://10.0.0.5:6379'), /host 10\.0\.0\.5 is not on loopback; pass --allow-remote/);
  assert.throws(() => parseQueueUrl('http://127.0.0.1'), /scheme "http" is not supported/);
  assert.throws(() => parseQueueUrl('redis://127.0.0.1/x'), /database "x" must be a number/);
  assert.throws(() => parseQueueUrl('nonsense'), /is not a URL/);
});

test('a worker refuses unknown job kinds, other versions and payloads off the schema', () => {
  assert.throws(() => checkJob({ id: '1', name: 'exec', data: { version: NALSM_VERSION } }), /unknown kind "exec"; a nalsm worker runs only init, count, finish jobs/);
  assert.throws(() => checkJob({ id: '2', name: 'init', data: { version: '0.0.1' } }), new RegExp(`made by nalsm 0\\.0\\.1; this worker runs nalsm ${NALSM_VERSION.replace(/\./g, '\\.')}`));
  assert.throws(() => checkJob({ id: '3', name: 'init', data: { version: NALSM_VERSION, kind: 'init', run: { name: 'x' }, fingerprint: 'f', code: 'rm -rf /' } }), /job 3: its init payload does not match the schema: .*fingerprint.*code|job 3: its init payload does not match the schema/);
});

test('3 workers, one SIGKILLed mid-job, Redis restarted, coordinator restarted: the same counts, accuracies and σ_BF as a local sweep', { timeout: 240_000 }, async () => {
  requireRedis();
  const sweep = join(dir, 'faults.yaml');
  writeFileSync(
    sweep,
    ['name: faults', 'neurons: 343', 'train: 600', 'val: 200', 'test: 200', 'initSnapshots: 400', 'readout: { optimizer: adam, epochs: 40 }', 'runs:', '  - { model: lsm, weight: 0.8, seed: [1, 2] }', '  - { model: nalsm, seed: [1, 2] }', ''].join('\n'),
  );
  const t0 = Date.now();
  const local = spawnSync(process.execPath, [MAIN, 'sweep', sweep, '--out', join(dir, 'local'), '--runs', join(dir, 'local-runs'), '--workers', '2', '--quiet'], { encoding: 'utf8' });
  assert.equal(local.status, 0, local.stderr);

  console.error(`local sweep ${Date.now() - t0} ms`);
  redis = await startRedisServer(dir);
  const url = redis.url;
  const workers = [0, 1, 2].map(() => spawnLogged(process.execPath, [MAIN, 'worker', '--queue', url, '--threads', '1', '--lock-ms', '2000']));
  let coord = spawnLogged(process.execPath, [MAIN, 'sweep', sweep, '--queue', url, '--out', join(dir, 'queue'), '--runs', join(dir, 'queue-runs')]);

  // SIGKILL worker 0 while it holds a count job
  const held = await waitFor(workers[0].p, workers[0].out, /job (\S+-count-\S+) start/, 60000, 'worker 0 to take a count job');
  workers[0].p.kill('SIGKILL');
  await exited(workers[0].p);
  const killedJob = held[1];
  // Redis restarted once mid-sweep, after another job has finished
  const doneBefore = (workers[1].out.text + workers[2].out.text).split('done').length;
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if ((workers[1].out.text + workers[2].out.text).split('done').length > doneBefore + 1) {
        clearInterval(t);
        resolve();
      }
    }, 50);
    setTimeout(() => (clearInterval(t), reject(new Error('no job finished after the kill'))), 60000).unref();
  });
  console.error(`kill at +${Date.now() - t0} ms`);
  await redis.restart();
  console.error(`redis restarted at +${Date.now() - t0} ms`);
  // the coordinator killed too: the same command (with --resume) picks up the jobs where they are
  coord.p.kill('SIGKILL');
  await exited(coord.p);
  coord = spawnLogged(process.execPath, [MAIN, 'sweep', sweep, '--queue', url, '--out', join(dir, 'queue'), '--runs', join(dir, 'queue-runs'), '--resume']);

  const code = await exitedWithin(coord.p, 180000);
  console.error(`queued sweep done at +${Date.now() - t0} ms`);
  assert.equal(code, 0, `the queued sweep must finish: ${coord.out.text.slice(-3000)}`);
  // the killed worker's job was taken again by another worker
  assert.ok(workers.slice(1).some((w) => w.out.text.includes(`job ${killedJob} start`)), `${killedJob} was taken again after the kill`);

  const rec = (p: string): Array<Record<string, unknown>> => JSON.parse(readFileSync(join(dir, p, 'faults-summary.json'), 'utf8')).records;
  const strip = (rs: Array<Record<string, unknown>>) => rs.map((r) => ({ name: r.name, status: r.status, countsSha256: r.countsSha256, accuracy: r.accuracy, sigmaBF: r.sigmaBF }));
  const a = strip(rec('local'));
  assert.equal(a.length, 4);
  assert.ok(a.every((r) => r.status === 'done' && typeof r.countsSha256 === 'string'));
  assert.deepEqual(strip(rec('queue')), a);
  // the same artifacts as the local runs (readout.bin too), each stamped with its own run's id
  const runId = (p: string, name: string): string => JSON.parse(readFileSync(join(dir, p, 'faults', `${name}.json`), 'utf8')).runId;
  for (const { name } of a)
    assertSameArtifacts(join(dir, 'local-runs', 'faults', String(name)), join(dir, 'queue-runs', 'faults', String(name)), { local: runId('local', String(name)), queue: runId('queue', String(name)) });

  if (process.env.NALSM_QUEUE_TEST_LOG) writeFileSync(process.env.NALSM_QUEUE_TEST_LOG, [coord, ...workers].map((w) => w.out.text).join('\n=====\n'));
  for (const w of workers.slice(1)) w.p.kill('SIGTERM');
  for (const w of workers) assert.notEqual(await exitedWithin(w.p, 15000), 'timeout', 'workers stop on SIGTERM');
  console.error(`workers stopped at +${Date.now() - t0} ms`);
  await redis.stop();
  console.error(`redis stopped at +${Date.now() - t0} ms`);
});

test('a worker whose data differ from the sweep\'s refuses the job, naming the fingerprints', async () => {
  const { compute } = await import('../src/queue/compute.js');
  const spec = { model: 'lsm' as const, dataset: 'mnist' as const, dims: [4, 4, 4] as [number, number, number], seed: 1, sizes: { train: 20, val: 10, test: 10 } };
  assert.throws(() => compute({ kind: 'init', spec, key: '0'.repeat(32), fingerprint: 'a'.repeat(64) }), /the mnist data on worker \S+ differ from the sweep's: fingerprint [0-9a-f]{12}…, the job expects aaaaaaaaaaaa…/);
});
