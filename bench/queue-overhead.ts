// Overhead of the queue: the same small sweep run locally (2 worker threads) and through BullMQ with
// 2 `nalsm worker` processes of 1 thread each, alternating, on this machine. Per-job overhead is the
// wall-time difference divided by the jobs (inits, count chunks, finishes); jobs/s is the queue's rate.
//   npm run build && node dist/bench/queue-overhead.js [--rounds 2] [--out results/queue-overhead.json]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeJsonAtomic, gitCommit, machineInfo } from '../src/pipeline/results.js';
import { startRedisServer } from './redis-server.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const { values } = parseArgs({ options: { rounds: { type: 'string' }, out: { type: 'string' } } });
const rounds = Number(values.rounds ?? 2);
const outPath = values.out ?? 'results/queue-overhead.json';
// the README's small queue sweep: 2 models × 2 seeds, 343 neurons, reduced MNIST sizes
const SWEEP_FILE = 'sweeps/queue-demo.yaml';

const dir = mkdtempSync(join(tmpdir(), 'nalsm-overhead-'));
const file = SWEEP_FILE;
const redis = await startRedisServer(dir);
const workers: ChildProcess[] = [];
try {
  const local: number[] = [];
  const queue: number[] = [];
  let jobs = 0;
  const gaps: number[] = [];
  let hashes: string[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    const l = spawnSync(process.execPath, [MAIN, 'sweep', file, '--out', join(dir, `l${r}`), '--runs', join(dir, `lr${r}`), '--workers', '2', '--quiet'], { encoding: 'utf8' });
    if (l.status !== 0) throw new Error(`local sweep failed: ${l.stderr}`);
    local.push((performance.now() - t) / 1000);
    // a fresh queue each round (no finished jobs to reuse); workers started and connected before the clock
    spawnSync('redis-cli', ['-p', String(redis.port), 'flushall']);
    const logs: string[] = ['', ''];
    for (let k = 0; k < 2; k++) {
      const w = spawn(process.execPath, [MAIN, 'worker', '--queue', redis.url, '--threads', '1'], { stdio: ['ignore', 'pipe', 'ignore'] });
      w.stdout!.on('data', (d) => (logs[k] += d));
      workers.push(w);
    }
    await new Promise((res) => setTimeout(res, 3000));
    t = performance.now();
    // asynchronous, so the workers' log lines are read while the sweep runs
    const coord = spawn(process.execPath, [MAIN, 'sweep', file, '--queue', redis.url, '--out', join(dir, `q${r}`), '--runs', join(dir, `qr${r}`), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    coord.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((res) => coord.on('exit', res));
    if (code !== 0) throw new Error(`queued sweep failed: ${err}`);
    queue.push((performance.now() - t) / 1000);
    await Promise.all(workers.splice(0).map((w) => new Promise((res) => (w.on('exit', res), w.kill('SIGTERM')))));
    // dispatch gaps: from a worker's "done" to its next "start" while jobs were waiting (the queue's own cost
    // per job: fetching, lock, schema check, payload reads and writes outside the compute)
    for (const text of logs) {
      const ev = [...text.matchAll(/^(\S+) job \S+ (start|done)/gm)].map((m) => ({ t: Date.parse(m[1]), kind: m[2] }));
      for (let i = 1; i < ev.length; i++) if (ev[i - 1].kind === 'done' && ev[i].kind === 'start') gaps.push(ev[i].t - ev[i - 1].t);
    }
    const recs = (p: string): Array<{ countsSha256: string; accuracy: unknown }> => JSON.parse(readFileSync(join(dir, p, 'queue-demo-summary.json'), 'utf8')).records;
    const lh = recs(`l${r}`).map((x) => `${x.countsSha256} ${JSON.stringify(x.accuracy)}`);
    const qh = recs(`q${r}`).map((x) => `${x.countsSha256} ${JSON.stringify(x.accuracy)}`);
    if (JSON.stringify(lh) !== JSON.stringify(qh)) throw new Error('local and queued sweeps gave different counts or accuracies');
    hashes = lh;
    // 4 runs × (init + finish + chunks of 100 over 600 + 200 + 200 samples)
    jobs = 4 * (2 + 10);
    process.stderr.write(`round ${r + 1}: local ${local[r].toFixed(1)} s, queue ${queue[r].toFixed(1)} s\n`);
  }
  const med = (a: number[]): number => {
    const s = [...a].sort((x, y) => x - y);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const L = med(local);
  const Q = med(queue);
  const result = {
    kind: 'queue-overhead',
    command: ['node', 'dist/bench/queue-overhead.js', ...process.argv.slice(2)].join(' '),
    commit: gitCommit(),
    machine: machineInfo(),
    loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    note: 'the machine is shared with other work: the load average says how busy it was; local and queue alternate so both see the same conditions',
    sweep: SWEEP_FILE,
    seeds: [1, 2],
    rounds,
    jobs,
    seconds: { local, queue, localMedian: L, queueMedian: Q },
    queueOverLocal: Math.round((Q / L) * 1000) / 1000,
    perJobOverheadMs: Math.round(((Q - L) * 1000) / jobs),
    perJobOverheadDefinition: '(queue wall − local wall) / jobs, medians over rounds; negative when the queue overlaps runs (a local sweep runs phase A on one thread while the other core idles)',
    dispatchGapMs: { median: gaps.length ? med(gaps) : null, max: gaps.length ? Math.max(...gaps) : null, n: gaps.length, definition: 'per worker, from one job done to its next job started (includes waiting for the next ready job when none was ready)' },
    jobsPerSecond: Math.round((jobs / Q) * 100) / 100,
    identical: true,
    records: hashes,
  };
  writeJsonAtomic(outPath, result);
  process.stdout.write(`local ${L.toFixed(1)} s, queue ${Q.toFixed(1)} s (×${result.queueOverLocal}), ${result.perJobOverheadMs} ms per job, ${result.jobsPerSecond} jobs/s; ${outPath}\n`);
} finally {
  for (const w of workers) w.kill('SIGKILL');
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
