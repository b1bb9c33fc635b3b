// Sweep figures and nalsm compare on sweep summaries, on small hand-made summaries: which axes vary, the
// accuracy-against-axis data (means, sd, the paper's references with their lines), the CLI's table and
// figures, a damaged summary's error, and a local sweep over weights drawing its weight figure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { summarise, type RunRecord } from '../src/sweep/summary.js';
import { varyingAxes, axisFigureData, axisValue } from '../src/sweep/figure.js';
import { paperDensityClaim } from '../src/sweep/paper.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const HERE = dirname(fileURLToPath(import.meta.url));

const rec = (model: string, seed: number, test: number, o: { weight?: number; astroDensity?: number; sigma?: number } = {}): RunRecord => {
  const tags = `${o.weight !== undefined ? `-w${o.weight}` : ''}${o.astroDensity !== undefined ? `-ad${o.astroDensity}` : ''}`;
  return {
    name: `${model}-mnist-1000${tags}-s${seed}`, config: `${model}-mnist-1000${tags}`, key: 'k', model, dataset: 'mnist', neurons: 1000, seed,
    weight: o.weight, astroDensity: o.astroDensity, status: 'done', accuracy: { val: test, test }, sigmaBF: o.sigma ?? 1,
  };
};

/** NALSM at densities 0.1 and 1 on 3 networks, the LSM at 0.8 on the same 3, one failed run. */
const densityRecords = (): RunRecord[] => [
  rec('nalsm', 1, 0.957, { astroDensity: 0.1, sigma: 1.1 }),
  rec('nalsm', 2, 0.958, { astroDensity: 0.1, sigma: 1.12 }),
  rec('nalsm', 3, 0.956, { astroDensity: 0.1, sigma: 1.13 }),
  rec('nalsm', 1, 0.961, { astroDensity: 1, sigma: 1.25 }),
  rec('nalsm', 2, 0.963, { astroDensity: 1, sigma: 1.26 }),
  rec('nalsm', 3, 0.962, { astroDensity: 1, sigma: 1.27 }),
  rec('lsm', 1, 0.951, { weight: 0.8, sigma: 1.0 }),
  rec('lsm', 2, 0.952, { weight: 0.8, sigma: 1.05 }),
  rec('lsm', 3, 0.953, { weight: 0.8, sigma: 1.02 }),
  { ...rec('nalsm', 4, 0, { astroDensity: 0.1 }), status: 'failed', accuracy: undefined, sigmaBF: undefined, error: 'worker vm pid 7: data unreadable' },
];

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

// the paper's text, where this checkout sits beside the shared references
const PAPER = [resolve(HERE, '../../../shared/reference/nalsm-paper.txt'), resolve(HERE, '../../shared/reference/nalsm-paper.txt')].find((p) => existsSync(p));

test('the paper\'s astrocyte-density result: 0.36 pp lower at 10 % than at 100 % on MNIST', () => {
  assert.deepEqual(paperDensityClaim('nalsm', 'mnist', 1000), { lowDensity: 0.1, fullDensity: 1, dropPp: 0.36, where: 'nalsm-paper.txt lines 447-450', above: ['lsm', 'lsm-apstdp'] });
  assert.equal(paperDensityClaim('nalsm', 'nmnist', 1000)?.dropPp, 0.14);
  assert.equal(paperDensityClaim('lsm', 'mnist', 1000), null);
});

test('the lines cited for it say so', { skip: PAPER ? false : 'nalsm-paper.txt is not beside this checkout' }, () => {
  const paper = readFileSync(PAPER!, 'utf8').split('\n');
  assert.match(paper.slice(446, 450).join(' '), /At 10% connectivity,\s+average NALSM accuracy decreased by 0\.36% for MNIST and 0\.14% for N-MNIST compared\s+to 100% connection density\. In both cases, average NALSM accuracy was still above LSM and\s+LSM\+APSTDP average accuracy/);
});

test('which axes vary: a weight or a density at two values or more in one configuration (model defaults count)', () => {
  assert.deepEqual(varyingAxes(densityRecords()), ['astroDensity']);
  assert.deepEqual(varyingAxes([rec('lsm', 1, 0.95, { weight: 0.4 }), rec('lsm', 1, 0.95, { weight: 1.2 }), rec('nalsm', 1, 0.96)]), ['weight']);
  // Table 1: one weight, default density: nothing varies
  assert.deepEqual(varyingAxes([rec('lsm', 1, 0.95, { weight: 0.8 }), rec('lsm', 2, 0.95, { weight: 0.8 }), rec('nalsm', 1, 0.96), rec('lsm-apstdp', 1, 0.95)]), []);
  // NALSM without a density is at 1 (the default), the LSM without a weight at 0.8
  assert.deepEqual(varyingAxes([rec('nalsm', 1, 0.96), rec('nalsm', 1, 0.95, { astroDensity: 0.25 })]), ['astroDensity']);
  assert.equal(axisValue({ model: 'lsm', neurons: 1000 }, 'weight'), 0.8);
  assert.equal(axisValue({ model: 'nalsm', neurons: 1000 }, 'astroDensity'), 1);
  assert.equal(axisValue({ model: 'nalsm', neurons: 1000 }, 'weight'), undefined);
});

test('accuracy against density: each network, mean ± sd per density, the paper\'s drop from our 100 % mean, the LSM references', () => {
  const d = axisFigureData(densityRecords(), 'astroDensity');
  assert.equal(d.points.length, 6, 'the 6 finished NALSM runs (the LSM has no density; the failed run has no accuracy)');
  assert.deepEqual(d.means.map((m) => [m.series, m.x, m.n]), [['nalsm-mnist-1000', 0.1, 3], ['nalsm-mnist-1000', 1, 3]]);
  assert.ok(close(d.means[0].mean, 95.7) && close(d.means[0].sd!, 0.1) && close(d.means[1].mean, 96.2) && close(d.means[1].sd!, 0.1), JSON.stringify(d.means));
  assert.ok(close(d.means[1].lo, 96.1) && close(d.means[1].hi, 96.3));
  assert.equal(d.slopes.length, 1);
  const s = d.slopes[0];
  assert.deepEqual([s.x, s.x2], [1, 0.1]);
  assert.ok(close(s.y, 96.2) && close(s.y2, 96.2 - 0.36));
  assert.match(s.label, /paper: 0\.36 pp lower at 10 % \(drawn from our 100 % mean\)/);
  assert.deepEqual(d.levels.map((l) => l.source), ['sweep', 'paper', 'paper']);
  assert.ok(close(d.levels[0].y, 95.2) && d.levels[1].y === 95.3 && d.levels[2].y === 95.49, JSON.stringify(d.levels));
  assert.match(d.levels[0].label, /^lsm-mnist-1000-w0\.8 \(no astrocyte density\): 95\.20 %, 3 networks$/);
  assert.match(d.levels[2].label, /^paper lsm-apstdp: 95\.49 ± 0\.09 %; the paper has NALSM above it at every density$/);
  assert.deepEqual(d.notes, [
    'paper lsm-mnist-1000: nalsm-paper.txt lines 347-348 (LSM at its best weight per network)',
    'paper lsm-apstdp-mnist-1000: nalsm-paper.txt lines 416-420',
    'paper density result (0.36 pp from 100 % to 10 %): nalsm-paper.txt lines 447-450',
  ]);
});

test('accuracy against weight: the LSM per weight, NALSM (no weight) as a level, the paper\'s LSM at its best weight', () => {
  const d = axisFigureData([rec('lsm', 1, 0.95, { weight: 0.4 }), rec('lsm', 2, 0.952, { weight: 0.4 }), rec('lsm', 1, 0.94, { weight: 1.4 }), rec('nalsm', 1, 0.96), rec('nalsm', 2, 0.962)], 'weight');
  assert.deepEqual(d.means.map((m) => [m.x, m.n, m.sd === null]), [[0.4, 2, false], [1.4, 1, true]]);
  assert.ok(close(d.means[0].mean, 95.1));
  assert.equal(d.slopes.length, 0);
  assert.deepEqual(d.levels.map((l) => l.label), ['nalsm-mnist-1000 (no liquid weight): 96.10 %, 2 networks', 'paper lsm: 95.30 ± 0.11 %, at the best weight per network', 'paper nalsm: 95.96 ± 0.13 %']);
});

test('nalsm compare on a sweep summary: the table (mean ± sd, min–max, paper), paired differences, failures, the figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-compare-sweep-'));
  try {
    const records = densityRecords();
    const summary = { kind: 'sweep-summary', sweep: 'density-test', runs: { total: 10, done: 9, failed: 1 }, ...summarise(records), records };
    const path = join(dir, 'density-test-summary.json');
    writeFileSync(path, JSON.stringify(summary));
    const out = join(dir, 'figs');
    const r = spawnSync(process.execPath, [MAIN, 'compare', path, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'sweep density-test: 9 of 10 runs done, 1 failed');
    assert.match(r.stdout, /\nnalsm-mnist-1000-ad0\.1 +3 +95\.70 ± 0\.10 \(95\.60–95\.80\) +1\.117 ± 0\.015 \(1\.100–1\.130\)\n/);
    // full density is the paper's Table 1 configuration: its figure beside it
    assert.match(r.stdout, /\nnalsm-mnist-1000-ad1 +3 +96\.20 ± 0\.10 \(96\.10–96\.30\) +1\.260 ± 0\.010 \(1\.250–1\.270\) +95\.96 ± 0\.13 \(96\.15\)\n/);
    // differences 0.6, 0.6, 0.3 and 1.0, 1.1, 0.9 pp: CI = mean ± t(0.975, 2) sd / √3
    assert.match(r.stdout, /\nnalsm-mnist-1000-ad0\.1 − lsm-mnist-1000-w0\.8: 0\.50 pp \(95 % CI 0\.07 to 0\.93, n 3\)\nnalsm-mnist-1000-ad1 − lsm-mnist-1000-w0\.8: 1\.00 pp \(95 % CI 0\.75 to 1\.25, n 3\)\n/);
    assert.match(r.stdout, /\nFAILED nalsm-mnist-1000-ad0\.1-s4: worker vm pid 7: data unreadable\n/);
    assert.deepEqual(readdirSync(out).sort(), ['density-test-accuracy-astroDensity.svg', 'density-test-accuracy-sigma.svg']);
    const svg = readFileSync(join(out, 'density-test-accuracy-astroDensity.svg'), 'utf8');
    assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);
    for (const text of ['astrocyte density', 'paper: 0.36 pp lower at 10 % (drawn from our 100 % mean)', 'paper lsm: 95.30 ± 0.11 %', 'nalsm-paper.txt lines 447-450']) assert.ok(svg.includes(text), `the figure shows "${text}"`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nalsm compare on a damaged sweep summary: an error naming the file and the field, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-compare-bad-'));
  try {
    const path = join(dir, 'x-summary.json');
    writeFileSync(path, JSON.stringify({ kind: 'sweep-summary', sweep: 'x', runs: { total: 1, done: 1, failed: 0 }, configurations: [], paired: [], failures: [], records: [{ name: 'a', status: 'done' }] }));
    const r = spawnSync(process.execPath, [MAIN, 'compare', path, '--out', join(dir, 'out')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a valid sweep summary \\(nalsm sweep writes <sweep>-summary\\.json\\): field records\\.0\\.config: `));
    assert.ok(!existsSync(join(dir, 'out')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a local sweep over liquid weights draws <sweep>-accuracy-weight.svg beside its summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-sweep-weight-'));
  try {
    const file = join(dir, 'w.yaml');
    writeFileSync(file, ['name: w', 'neurons: 64', 'train: 100', 'val: 50', 'test: 50', 'readout: { optimizer: adam, epochs: 5 }', 'runs:', '  - { model: lsm, weight: [0.6, 1.0], seed: 1 }', ''].join('\n'));
    const r = spawnSync(process.execPath, [MAIN, 'sweep', file, '--out', join(dir, 'out'), '--runs', join(dir, 'runs'), '--workers', '1', '--quiet'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.svg')).sort(), ['w-accuracy-sigma.svg', 'w-accuracy-weight.svg']);
    assert.ok(readFileSync(join(dir, 'out', 'w-accuracy-weight.svg'), 'utf8').includes('liquid weight'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
