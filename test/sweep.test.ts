// Sweeps: the file schema and its errors (nothing written on a bad file), expansion into named runs,
// the statistics against known values, and a killed run resuming from its finished chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, tQuantile, tCdf, pairedDifference } from '../src/sweep/stats.js';
import { validateSweep, SweepFileError } from '../src/sweep/schema.js';
import { expandSweep } from '../src/sweep/expand.js';
import { summarise, type RunRecord } from '../src/sweep/summary.js';
import { runPipeline } from '../src/pipeline/run.js';
import { countsSha256 } from '../src/sweep/record.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

test('Student t quantiles match the tables (df 1, 2, 4, 9, 29)', () => {
  const known: Array<[number, number]> = [[1, 12.7062047362], [2, 4.3026527297], [4, 2.7764451052], [9, 2.2621571628], [29, 2.0452296421]];
  for (const [df, q] of known) assert.ok(Math.abs(tQuantile(0.975, df) - q) < 1e-8, `df ${df}: ${tQuantile(0.975, df)} vs ${q}`);
  assert.ok(Math.abs(tCdf(0, 5) - 0.5) < 1e-15);
  assert.throws(() => tQuantile(1, 3), /0 < p < 1/);
});

test('describe: n, mean, sample sd, min, max', () => {
  assert.deepEqual(describe([2, 4, 4, 4, 5, 5, 7, 9]), { n: 8, mean: 5, sd: Math.sqrt(32 / 7), min: 2, max: 9 });
  assert.deepEqual(describe([3]), { n: 1, mean: 3, sd: null, min: 3, max: 3 });
  assert.equal(describe([]), null);
});

test('paired difference over shared seeds with its 95 % CI', () => {
  const a = new Map([[1, 96.0], [2, 96.2], [3, 95.9], [4, 96.1]]);
  const b = new Map([[1, 95.3], [2, 95.4], [3, 95.4], [5, 99]]);
  const d = pairedDifference(a, b)!;
  assert.deepEqual(d.seeds, [1, 2, 3]);
  // differences 0.7, 0.8, 0.5: mean 2/3, sd sqrt(0.07/3·... ) computed by hand
  const diffs = [0.7, 0.8, 0.5];
  const m = diffs.reduce((x, y) => x + y) / 3;
  const sd = Math.sqrt(diffs.reduce((x, y) => x + (y - m) ** 2, 0) / 2);
  assert.ok(Math.abs(d.mean - m) < 1e-12 && Math.abs(d.sd! - sd) < 1e-12);
  const h = (4.302652729749464 * sd) / Math.sqrt(3);
  assert.ok(Math.abs(d.ci95![0] - (m - h)) < 1e-9 && Math.abs(d.ci95![1] - (m + h)) < 1e-9);
});

test('a sweep file expands into stably named runs; weight and astro axes only where they apply', () => {
  const s = validateSweep(
    { name: 'x', neurons: 1000, weight: 0.8, runs: [{ model: ['lsm', 'nalsm'], seed: { from: 1, to: 3 } }, { model: 'nalsm', astroDensity: [0.1, 1], seed: 4 }] },
    'x.yaml',
  );
  const runs = expandSweep(s, 'x.yaml');
  assert.deepEqual(
    runs.map((r) => r.name),
    ['lsm-mnist-1000-w0.8-s1', 'lsm-mnist-1000-w0.8-s2', 'lsm-mnist-1000-w0.8-s3', 'nalsm-mnist-1000-s1', 'nalsm-mnist-1000-s2', 'nalsm-mnist-1000-s3', 'nalsm-mnist-1000-ad0.1-s4', 'nalsm-mnist-1000-ad1-s4'],
  );
  assert.deepEqual(runs[0].readout, { optimizer: 'adam', epochs: 1000, lr: undefined, patience: 30, batchSize: 250 });
  assert.equal(runs[3].spec.weight, undefined);
  assert.equal(expandSweep(s, 'x.yaml')[5].key, runs[5].key, 'keys are stable');
  assert.notEqual(runs[4].key, runs[5].key);
  assert.throws(() => expandSweep(validateSweep({ name: 'y', runs: [{ model: 'nalsm', weight: 1, seed: 1 }] }, 'y.yaml'), 'y.yaml'), /y\.yaml: runs\.0\.weight: does not apply to model nalsm/);
  assert.throws(() => expandSweep(validateSweep({ name: 'y', runs: [{ model: 'lsm', seed: 1 }, { model: 'lsm', seed: [1, 2] }] }, 'y.yaml'), 'y.yaml'), /run lsm-mnist-1000-s1 is listed twice/);
  assert.throws(() => validateSweep({ name: 'y', model: 'lsm' }, 'y.yaml') && expandSweep(validateSweep({ name: 'y', model: 'lsm' }, 'y.yaml'), 'y.yaml'), /field "seed" is required/);
});

test('bad sweep files: clear errors naming file, field, value; exit 2; nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-sweep-bad-'));
  try {
    const cases: Array<[string, string, RegExp]> = [
      ['unknown-model.yaml', 'model: lstm\nseed: 1\n', /unknown-model\.yaml: invalid sweep file:\n {2}model\.0: Invalid option: expected one of "lsm"\|"lsm-stdp"\|"lsm-apstdp"\|"nalsm"; got "lstm"/],
      ['negative-seed.yaml', 'model: lsm\nseed: [1, -2]\n', /negative-seed\.yaml: invalid sweep file:\n {2}seed\.1: seeds are integers >= 0; got -2/],
      ['empty-axis.yaml', 'model: []\nseed: 1\n', /empty-axis\.yaml: invalid sweep file:\n {2}model: an axis needs at least one value; got \[\]/],
      ['syntax.yaml', 'model: [lsm\nseed: 1\n', /syntax\.yaml: YAML syntax error: /],
      ['unknown-field.json', '{"model": "lsm", "seed": 1, "sead": 2}', /unknown-field\.json: invalid sweep file:\n {2}\(top level\): Unrecognized key: "sead"/],
    ];
    for (const [file, text, re] of cases) {
      const path = join(dir, file);
      writeFileSync(path, text);
      const out = join(dir, 'out');
      const r = spawnSync(process.execPath, [MAIN, 'sweep', path, '--out', out, '--runs', join(dir, 'runs'), '--quiet'], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${file}: exit ${r.status}, stderr ${r.stderr}`);
      assert.match(r.stderr, re, file);
      assert.ok(!existsSync(out) && !existsSync(join(dir, 'runs')), `${file}: nothing may be written`);
    }
    assert.deepEqual(readdirSync(dir).sort(), cases.map((c) => c[0]).sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('summary: configurations, the paper beside them, paired NALSM − LSM, failures listed', () => {
  const rec = (model: string, config: string, seed: number, test: number, sigma: number): RunRecord => ({
    name: `${config}-s${seed}`, config, key: 'k', model, dataset: 'mnist', neurons: 1000, seed, status: 'done', accuracy: { val: test, test }, sigmaBF: sigma,
  });
  const s = summarise([
    rec('lsm', 'lsm-mnist-1000-w0.8', 1, 0.95, 1.0),
    rec('lsm', 'lsm-mnist-1000-w0.8', 2, 0.953, 1.1),
    rec('nalsm', 'nalsm-mnist-1000', 1, 0.96, 1.2),
    rec('nalsm', 'nalsm-mnist-1000', 2, 0.962, 1.3),
    { name: 'nalsm-mnist-1000-s3', config: 'nalsm-mnist-1000', key: 'k', model: 'nalsm', dataset: 'mnist', neurons: 1000, seed: 3, status: 'failed', error: 'boom' },
  ]);
  assert.equal(s.configurations.length, 2);
  const n = s.configurations[1];
  assert.deepEqual(n.testAccuracy, { n: 2, mean: 96.1, sd: 0.1414, min: 96, max: 96.2 });
  assert.equal(n.paper?.mean, 95.96);
  assert.equal(s.paired.length, 1);
  assert.equal(s.paired[0].a, 'nalsm-mnist-1000');
  assert.equal(s.paired[0].testAccuracy.mean, 0.95);
  assert.deepEqual(s.failures, [{ name: 'nalsm-mnist-1000-s3', error: 'boom' }]);
});

test('summary: within one model, each density or weight against the model default on the same networks', () => {
  const rec = (model: string, config: string, seed: number, test: number, extra: Partial<RunRecord>): RunRecord => ({
    name: `${config}-s${seed}`, config, key: 'k', model, dataset: 'mnist', neurons: 1000, seed, status: 'done', accuracy: { val: test, test }, sigmaBF: 1, ...extra,
  });
  const s = summarise([
    rec('nalsm', 'nalsm-mnist-1000-ad0.1', 1, 0.955, { astroDensity: 0.1 }),
    rec('nalsm', 'nalsm-mnist-1000-ad0.1', 2, 0.957, { astroDensity: 0.1 }),
    rec('nalsm', 'nalsm-mnist-1000-ad0.5', 1, 0.958, { astroDensity: 0.5 }),
    rec('nalsm', 'nalsm-mnist-1000-ad0.5', 2, 0.96, { astroDensity: 0.5 }),
    rec('nalsm', 'nalsm-mnist-1000-ad1', 1, 0.96, { astroDensity: 1 }),
    rec('nalsm', 'nalsm-mnist-1000-ad1', 2, 0.963, { astroDensity: 1 }),
    // the LSM at its default weight (0.8) without a weight given, and at 1.2
    rec('lsm', 'lsm-mnist-1000', 1, 0.95, {}),
    rec('lsm', 'lsm-mnist-1000', 2, 0.952, {}),
    rec('lsm', 'lsm-mnist-1000-w1.2', 1, 0.945, { weight: 1.2 }),
    rec('lsm', 'lsm-mnist-1000-w1.2', 2, 0.944, { weight: 1.2 }),
  ]);
  const within = s.paired.filter((p) => p.a.split('-')[0] === p.b.split('-')[0]).map((p) => [p.a, p.b, p.testAccuracy.mean]);
  // a − default: −0.55 and −0.25 pp for the densities (0.5 vs 0.1 is no default pair), −0.65 pp for weight 1.2
  assert.deepEqual(within, [
    ['nalsm-mnist-1000-ad0.1', 'nalsm-mnist-1000-ad1', -0.55],
    ['nalsm-mnist-1000-ad0.5', 'nalsm-mnist-1000-ad1', -0.25],
    ['lsm-mnist-1000-w1.2', 'lsm-mnist-1000', -0.65],
  ]);
});

test('a killed run resumes from its finished chunks with the same counts and results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-resume-'));
  try {
    const base = {
      model: 'nalsm' as const, dataset: 'mnist' as const, dims: [6, 6, 6] as [number, number, number], seed: 3, sizes: { train: 300, val: 100, test: 100 },
      initSnapshots: 200, workers: 2, readout: { optimizer: 'adam' as const, epochs: 10 }, command: 'test',
    };
    const whole = await runPipeline({ ...base, outDir: join(dir, 'a'), artifactsDir: join(dir, 'a-runs'), name: 'r' });
    let chunks = 0;
    const crash = runPipeline({
      ...base, outDir: join(dir, 'b'), artifactsDir: join(dir, 'b-runs'), name: 'r',
      onProgress: (phase) => {
        if (phase === 'spikes' && ++chunks === 3) throw new Error('killed');
      },
    });
    await assert.rejects(crash, /killed/);
    const kept = readdirSync(join(dir, 'b-runs', 'resume')).filter((f) => f.endsWith('.bin') && f !== 'init.bin');
    assert.ok(kept.length >= 3, `finished chunks are kept: ${kept}`);
    let fresh = 0;
    const resumed = await runPipeline({ ...base, outDir: join(dir, 'b'), artifactsDir: join(dir, 'b-runs'), name: 'r', onProgress: (p) => void (p === 'spikes' && fresh++) });
    assert.equal(countsSha256(resumed.counts), countsSha256(whole.counts));
    assert.deepEqual(resumed.json.accuracy, whole.json.accuracy);
    assert.ok(fresh === 5, `5 chunks in all, ${kept.length} reused from disk, progress reports each once: ${fresh}`);
    assert.ok(!existsSync(join(dir, 'b-runs', 'resume')), 'resume files go once the results are written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every sweep file under sweeps/ is valid and expands', async () => {
  const { loadSweep } = await import('../src/sweep/sweep.js');
  const root = fileURLToPath(new URL('../../sweeps/', import.meta.url));
  const files = readdirSync(root).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.includes('table1-mnist-1000.yaml'));
  const counts = Object.fromEntries(files.map((f) => [f, loadSweep(join(root, f)).runs.length]));
  assert.deepEqual(counts, { 'astro-density-mnist-1000.yaml': 12, 'fig2-mnist-1000.yaml': 21, 'queue-demo.yaml': 4, 'table1-mnist-1000.yaml': 30 });
});

test('a run that fails is listed with its message; the other runs finish; exit 1; a rerun keeps the finished run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-sweep-fail-'));
  try {
    const file = join(dir, 'mixed.yaml');
    writeFileSync(
      file,
      ['name: mixed', 'neurons: 64', 'train: 100', 'val: 50', 'test: 50', 'readout: { optimizer: adam, epochs: 5 }', 'runs:', '  - { model: lsm, seed: 1 }', `  - { model: lsm, dataset: nmnist, data: ${join(dir, 'no-such-folder')}, seed: 1 }`, ''].join('\n'),
    );
    const args = [MAIN, 'sweep', file, '--out', join(dir, 'out'), '--runs', join(dir, 'runs'), '--workers', '1', '--quiet'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /FAILED lsm-nmnist-64-s1: .*no-such-folder/);
    const s = JSON.parse(readFileSync(join(dir, 'out', 'mixed-summary.json'), 'utf8'));
    assert.deepEqual(s.runs, { total: 2, done: 1, failed: 1 });
    assert.equal(s.records[0].status, 'done');
    assert.match(s.failures[0].error, /no-such-folder/);
    assert.match(readFileSync(join(dir, 'out', 'mixed-accuracy-sigma.svg'), 'utf8'), /^<svg[\s\S]*σ_BF[\s\S]*<\/svg>\s*$/);
    const again = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(again.status, 1);
    const s2 = JSON.parse(readFileSync(join(dir, 'out', 'mixed-summary.json'), 'utf8'));
    assert.equal(s2.records[0].results, s.records[0].results);
    assert.equal(s2.records[0].countsSha256, s.records[0].countsSha256);
    assert.equal(s2.startedAt !== s.startedAt, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
