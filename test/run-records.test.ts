// Runs are records: each data-loss case that issue 18 found is reproduced here with a tiny run and
// shown to be refused now (an overwrite, stale counts under a new network, a foreign -kq.json in a
// report, another run's artifacts for σ_BF, sweeps of different sizes joined in compare), plus the
// plan (--dry-run) and flags that a model does not use.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline, type RunOptions } from '../src/pipeline/run.js';
import { artifactRunId } from '../src/pipeline/run-identity.js';
import { decodeNetwork } from '../src/core/network/format.js';
import { readNetwork } from '../src/pipeline/network-file.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const nalsm = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd });

const dir = mkdtempSync(join(tmpdir(), 'nalsm-records-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny NALSM run in `cwd`: 125 neurons, 60/20/20 samples, 20 phase-A snapshots (about a second). */
function tiny(cwd: string, o: Partial<RunOptions> = {}): Promise<Awaited<ReturnType<typeof runPipeline>>> {
  return runPipeline({
    model: 'nalsm',
    dataset: 'mnist',
    dims: [5, 5, 5],
    seed: 4,
    sizes: { train: 60, val: 20, test: 20 },
    workers: 1,
    initSnapshots: 20,
    readout: { optimizer: 'adam', epochs: 5 },
    outDir: join(cwd, 'results'),
    artifactsDir: join(cwd, 'runs', o.name ?? 'r'),
    name: 'r',
    command: 'test',
    ...o,
  });
}

test('the overwrite: a finished run is never replaced without --force, and the default name carries the sizes', () => {
  const cwd = mkdtempSync(join(dir, 'overwrite-'));
  const args = ['run', '--model', 'nalsm', '--dims', '5x5x5', '--train', '60', '--val', '20', '--test', '20', '--init-snapshots', '20', '--workers', '1', '--quiet'];
  const first = nalsm(cwd, ...args);
  assert.equal(first.status, 0, first.stderr);
  const name = 'nalsm-mnist-125-s1-n60-20-20-init20';
  const path = join(cwd, 'results', `${name}.json`);
  const before = readFileSync(path, 'utf8');
  const id = JSON.parse(before).runId as string;
  assert.match(id, /^\d{8}-\d{6}-[0-9a-f]{8}$/);
  // the same command again: refused, nothing changed
  const again = nalsm(cwd, ...args);
  assert.equal(again.status, 2, 'refused like a bad flag');
  assert.match(again.stderr, new RegExp(`${name}\\.json exists: .*--force`));
  assert.equal(readFileSync(path, 'utf8'), before);
  assert.equal(artifactRunId(join(cwd, 'runs', name, 'network.bin')), id);
  // a full-size run of the same model and seed has another name: it could never land on the small one
  const dry = nalsm(cwd, 'run', '--model', 'nalsm', '--dims', '5x5x5', '--dry-run');
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /plan: run nalsm-mnist-125-s1\n/);
  // --force replaces it: a new id in the results and in every artifact
  const forced = nalsm(cwd, ...args, '--force');
  assert.equal(forced.status, 0, forced.stderr);
  const id2 = JSON.parse(readFileSync(path, 'utf8')).runId as string;
  assert.notEqual(id2, id);
  for (const f of ['network.bin', 'w-ini.bin', 'rasters.bin']) assert.equal(artifactRunId(join(cwd, 'runs', name, f)), id2, f);
});

test('stale counts under a new network: a rerun clears the old artifacts, and foreign counts are refused', async () => {
  const cwd = mkdtempSync(join(dir, 'stale-'));
  await tiny(cwd, { saveCounts: true, seed: 4 });
  const oldCounts = join(cwd, 'old-counts.bin');
  copyFileSync(join(cwd, 'runs', 'r', 'counts.bin'), oldCounts);
  // the same name again (forced) without --save-counts, on another network: no counts.bin survives
  await tiny(cwd, { seed: 5, force: true });
  assert.deepEqual(readdirSync(join(cwd, 'runs', 'r')).sort(), ['network.bin', 'rasters.bin', 'readout.bin', 'w-ini.bin']);
  // put the old run's counts back by hand: rates and kq refuse them, naming the file and both runs
  copyFileSync(oldCounts, join(cwd, 'runs', 'r', 'counts.bin'));
  for (const args of [['analyze', 'rates', 'r'], ['analyze', 'kq', 'r', '--no-ap', '--shuffles', '2', '--workers', '1', '--quiet']]) {
    const r = nalsm(cwd, ...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, /counts\.bin: belongs to another run \(run id \S+\), but .*r\.json is run id \S+/, args.join(' '));
  }
});

test('a foreign -kq.json is refused by report, and another run\'s artifacts by analyze bf', async () => {
  const cwd = mkdtempSync(join(dir, 'foreign-'));
  await tiny(cwd, { saveCounts: true });
  const kq = nalsm(cwd, 'analyze', 'kq', 'r', '--shuffles', '2', '--workers', '1', '--no-ap', '--quiet');
  assert.equal(kq.status, 0, kq.stderr);
  const kqJson = JSON.parse(readFileSync(join(cwd, 'results', 'r-kq.json'), 'utf8'));
  assert.equal(kqJson.runId, JSON.parse(readFileSync(join(cwd, 'results', 'r.json'), 'utf8')).runId);
  // a new run of the same name: its report must not show the old run's kernel quality
  await tiny(cwd, { force: true, seed: 6 });
  const rep = nalsm(cwd, 'report', 'r', '--quiet');
  assert.notEqual(rep.status, 0);
  assert.match(rep.stderr, /r-kq\.json: computed from another run \(run id \S+, results .*\), not from .*r\.json, which is run id \S+/);
  // the σ_BF case: a results file (here one from before run ids: no runId) read against a later run's artifacts
  const legacy = JSON.parse(readFileSync(join(cwd, 'results', 'r.json'), 'utf8'));
  delete legacy.runId;
  writeFileSync(join(cwd, 'results', 'legacy.json'), JSON.stringify({ ...legacy, name: 'legacy' }));
  const bf = nalsm(cwd, 'analyze', 'bf', 'legacy');
  assert.notEqual(bf.status, 0);
  assert.match(bf.stderr, /(network|rasters)\.bin: belongs to another run \(run id \S+\), but .*legacy\.json has no run id \(written before run ids\)/);
  // two legacy files (neither stamped) are still checked by content: a network of another seed is refused
  const net = readNetwork(join(cwd, 'runs', 'r', 'network.bin'));
  assert.equal(net.seed, 6);
  writeFileSync(join(cwd, 'results', 'legacy2.json'), JSON.stringify({ ...legacy, name: 'legacy2', runId: undefined, seed: 4, network: { ...legacy.network, seed: 4 }, artifacts: join(cwd, 'unstamped') }));
  const { encodeNetwork } = await import('../src/core/network/format.js');
  const { writeFileAtomic } = await import('../src/pipeline/results.js');
  writeFileAtomic(join(cwd, 'unstamped', 'network.bin'), encodeNetwork(net));
  const { readRasters, writeRasters } = await import('../src/pipeline/rasters-file.js');
  const { runId: _stamp, ...rasters } = readRasters(join(cwd, 'runs', 'r', 'rasters.bin'));
  writeRasters(join(cwd, 'unstamped', 'rasters.bin'), rasters);
  const bf2 = nalsm(cwd, 'analyze', 'bf', 'legacy2');
  assert.notEqual(bf2.status, 0);
  assert.match(bf2.stderr, /network\.bin: a network of 125 neurons from seed 6, but .*legacy2\.json ran 125 neurons from seed 4/);
});

test('compare keeps runs of different sample sizes apart and includes readout re-fits', async () => {
  const cwd = mkdtempSync(join(dir, 'compare-'));
  const lsm = (name: string, weight: number, train: number): Promise<unknown> =>
    tiny(cwd, { model: 'lsm', weight, name, sizes: { train, val: 20, test: 20 }, saveCounts: name === 'a-w1' });
  await lsm('a-w0.6', 0.6, 60);
  await lsm('a-w1', 1, 60);
  await lsm('b-w0.6', 0.6, 40);
  await lsm('b-w1', 1, 40);
  const refit = nalsm(cwd, 'readout', '--counts', join('runs', 'a-w1', 'counts.bin'), '--readout', 'adam', '--epochs', '4', '--patience', '0', '--lr', '0.01', '--quiet');
  assert.equal(refit.status, 0, refit.stderr);
  // the file name says what was asked: optimizer, lr, epoch cap (the README cites names of this form)
  const refitPath = join(cwd, 'results', 'a-w1-adam-lr0.01-4.json');
  assert.ok(existsSync(refitPath), refit.stdout);
  const cmp = nalsm(cwd, 'compare', 'a-w0.6', 'a-w1', 'b-w0.6', 'b-w1', refitPath, '--out', 'cmp');
  assert.equal(cmp.status, 0, cmp.stderr);
  const rows = JSON.parse(readFileSync(join(cwd, 'cmp', 'compare.json'), 'utf8')).runs as Array<{ name: string; group: string; accuracy: number; refit: unknown }>;
  assert.equal(rows.length, 5);
  const group = (n: string): string => rows.find((r) => r.name === n)!.group;
  assert.equal(group('a-w0.6'), group('a-w1'));
  assert.equal(group('b-w0.6'), group('b-w1'));
  assert.notEqual(group('a-w1'), group('b-w1'));
  assert.match(group('b-w1'), /n40\/20\/20$/);
  const r = rows.find((x) => x.name === 'a-w1-adam-lr0.01-4')!;
  assert.ok(r.refit, 'the re-fit is a row of its own');
  assert.equal(r.accuracy, JSON.parse(readFileSync(refitPath, 'utf8')).accuracy.test);
  // the same readout command again is refused rather than overwriting
  const again = nalsm(cwd, 'readout', '--counts', join('runs', 'a-w1', 'counts.bin'), '--readout', 'adam', '--epochs', '4', '--patience', '0', '--lr', '0.01', '--quiet');
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /a-w1-adam-lr0\.01-4\.json exists/);
});

test('nalsm run --dry-run prints the plan and writes nothing; a flag the model does not use exits 2', () => {
  const cwd = mkdtempSync(join(dir, 'plan-'));
  const r = nalsm(cwd, 'run', '--model', 'nalsm', '--train', '300', '--dry-run');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /plan: run nalsm-mnist-1000-s1-n300-all-all\n/);
  assert.match(r.stdout, /data {6}mnist: train 300, validation all \(10,000 in the standard split\), test all \(10,000 in the standard split\)/);
  assert.match(r.stdout, /phase A {3}50,000 snapshots/);
  assert.match(r.stdout, /readout {3}adam, up to 1,000 epochs, stopping after 30 epochs without a better validation accuracy/);
  assert.match(r.stdout, /note {6}--val and --test not given: full sizes/);
  assert.match(r.stdout, /estimate {2}≈ \d+ (s|min)/);
  assert.deepEqual(readdirSync(cwd), [], 'a dry run writes nothing');
  const cases: Array<[string[], RegExp]> = [
    [['run', '--model', 'nalsm', '--weight', '0.5'], /--weight does not apply to --model nalsm \(it applies to lsm, lsm-apstdp\)/],
    [['run', '--model', 'lsm', '--init-snapshots', '10'], /--init-snapshots does not apply to --model lsm/],
    [['run', '--model', 'lsm', '--astro-w', '0.01'], /--astro-w does not apply to --model lsm \(it applies to nalsm\)/],
    [['run', '--model', 'nalsm', '--ap-threshold', '30'], /--ap-threshold does not apply to --model nalsm/],
    [['run', '--model', 'lsm-apstdp', '--lsm-stdp-phase-b', 'as-run'], /--lsm-stdp-phase-b does not apply to --model lsm-apstdp/],
    [['run', '--readout', 'ridge', '--epochs', '10'], /--epochs does not apply to --readout ridge/],
  ];
  for (const [args, re] of cases) {
    const x = nalsm(cwd, ...args);
    assert.equal(x.status, 2, args.join(' '));
    assert.match(x.stderr, re, args.join(' '));
  }
  assert.deepEqual(readdirSync(cwd), [], 'a refused run writes nothing');
});

test('decoders accept a Node Buffer (a view into a shared pool), and runPipeline honours its folders and a given network', async () => {
  const cwd = mkdtempSync(join(dir, 'api-'));
  const a = await tiny(cwd, { name: 'a', artifactsDir: undefined });
  // no artifactsDir: artifacts go beside the results, <outDir>/<name>/, never to ./runs
  assert.ok(existsSync(join(cwd, 'results', 'a', 'network.bin')));
  assert.ok(!existsSync(join(process.cwd(), 'runs', 'a')));
  const buf = readFileSync(join(cwd, 'results', 'a', 'network.bin'));
  const net = decodeNetwork(buf);
  assert.deepEqual(Array.from(net.llPre), Array.from(a.network.llPre));
  // a run on that network (other pulse seed): the network is the one given
  const b = await tiny(cwd, { name: 'b', network: net, seed: 9, artifactsDir: undefined });
  assert.deepEqual(Array.from(b.network.llPost), Array.from(net.llPost));
  assert.equal((b.json.network as { seed: number; given?: boolean }).seed, 4);
  assert.equal((b.json.network as { given?: boolean }).given, true);
});
