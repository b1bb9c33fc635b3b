// The N:A sweep: the same numbers whatever the worker count, the statistics against known values,
// and the lorenz command's flag and file errors.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweepTasks } from '../src/pipeline/lorenz-pool.js';
import { sweepTasks } from '../src/pipeline/lorenz-sweep.js';
import { DEFAULT_ASTRO_PARAMS } from '../src/core/astro-units/params.js';
import { DEFAULT_ESN } from '../src/core/timeseries/esn.js';
import { DEFAULT_READOUTS } from '../src/core/timeseries/experiment.js';
import { LORENZ_PROTOCOL } from '../src/core/timeseries/protocol.js';
import type { SweepConfig, TaskResult } from '../src/core/timeseries/sweep-task.js';
import { analyseSweep } from '../src/core/timeseries/sweep-analysis.js';
import { mannWhitney, ols, lasso, spearman, normalCdf } from '../src/core/analysis/regression-stats.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const nalsm = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

const SMALL: SweepConfig = {
  params: DEFAULT_ASTRO_PARAMS,
  esn: DEFAULT_ESN,
  protocol: { ...LORENZ_PROTOCOL, washout: 30, train: 300, test: 120 },
  readouts: { ...DEFAULT_READOUTS, mlp: { ...DEFAULT_READOUTS.mlp!, hidden: [6, 6], epochs: 4, slopeEpochs: 3 } },
};

const withoutTime = (rs: TaskResult[]) => rs.map(({ seconds: _s, ...r }) => r);

test('a sweep gives the same numbers with 1, 2 and 3 workers', async () => {
  const tasks = [...sweepTasks([0, 12, 24], [0, 12], [1, 2]), { kind: 'esn' as const, N: 12, A: 12, seed: 1 }];
  const one = withoutTime(await runSweepTasks(SMALL, tasks, 1));
  const two = withoutTime(await runSweepTasks(SMALL, tasks, 2));
  const three = withoutTime(await runSweepTasks(SMALL, tasks, 3));
  assert.deepEqual(two, one);
  assert.deepEqual(three, one);
  assert.equal(one.length, 13);
  assert.deepEqual(one.map((r) => [r.N, r.A, r.seed]).slice(0, 4), [[0, 0, 1], [0, 0, 2], [0, 12, 1], [0, 12, 2]]);
  // seeds differ, so the numbers do
  assert.notEqual(one[4].horizons[0].ridge.nrmse, one[5].horizons[0].ridge.nrmse);
  const a = analyseSweep(await runSweepTasks(SMALL, sweepTasks([0, 12, 24], [0, 12, 24], [1, 2, 3]), 2), 1);
  assert.equal(a.cells.length, 9);
  assert.deepEqual(a.claims.mixedVsPure.bySize.map((b) => b.size), [24]); // 12+12 against 24+0 and 0+24
  assert.equal(a.claims.lasso.olsAllThree.identifiable, false); // N + A is exactly collinear with N and A
});

test('statistics: Mann–Whitney, Spearman, OLS and LASSO against known values', () => {
  // SciPy: mannwhitneyu([1.5,2,3,3,7], [3,4,5,6,8,9], method='asymptotic', use_continuity=False) → U 5, p 0.06539191562183343
  const mw = mannWhitney([1.5, 2, 3, 3, 7], [3, 4, 5, 6, 8, 9]);
  assert.equal(mw.u, 5);
  assert.ok(Math.abs(mw.p - 0.06539191562183343) < 1e-6, `p ${mw.p}`);
  assert.ok(Math.abs(mw.probALower - 25 / 30) < 1e-12);
  // spearmanr([1..8], [2,1,4,3,6,5,8,7]).statistic = 0.9047619047619048
  assert.ok(Math.abs(spearman([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 5, 8, 7]).rho - 0.9047619047619048) < 1e-12);
  assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 2e-7);
  const x = [0, 1, 2, 3, 4, 5];
  const fit = ols(x.map((v) => 2 + 3 * v + (v % 2 ? 0.1 : -0.1)), { x });
  assert.ok(Math.abs(fit.coef[0] - (2 - 0.1 / 7)) < 0.05 && Math.abs(fit.coef[1] - 3) < 0.05);
  assert.ok(fit.identifiable && fit.r2 > 0.99);
  // y driven by N + A only: the LASSO keeps N + A and drops N and A
  const N: number[] = [], A: number[] = [], y: number[] = [], fold: number[] = [];
  const rng = [0.3, -0.2, 0.1, 0.05, -0.4];
  for (const n of [0, 50, 100, 200, 400]) for (const a of [0, 50, 100, 200, 400]) for (let s = 0; s < 5; s++) {
    N.push(n);
    A.push(a);
    y.push(-0.001 * (n + a) + 0.01 * rng[(s + n / 50 + a / 50) % 5]);
    fold.push(s);
  }
  const total = N.map((v, i) => v + A[i]);
  const las = lasso(y, { N, A, 'N+A': total }, fold);
  assert.deepEqual(las.at1se.kept, ['N+A']);
  assert.equal(las.entryOrder[0], 'N+A');
  assert.ok(Math.abs(las.atMin.original[2] + 0.001) < 1e-4);
});

test('lorenz command: bad flags exit 2 naming the flag; a malformed network file is named', () => {
  const cases: Array<[string[], RegExp]> = [
    [['lorenz', 'run', '--neurons=-5', '--astrocytes', '10'], /--neurons must be 0 or more \(a unit count\), got -5/],
    [['lorenz', 'run', '--neurons', '-5', '--astrocytes', '10'], /Option '--neurons' argument is ambiguous/],
    [['lorenz', 'run', '--neurons', '5', '--astrocytes', '1.5'], /--astrocytes must be a whole number of units, got "1\.5"/],
    [['lorenz', 'run', '--neurons', '5', '--astrocytes', '5', '--p-na', '1.5'], /--p-na is a connection probability and must lie in \[0, 1\], got 1\.5/],
    [['lorenz', 'sweep', '--p-aa=-0.1'], /--p-aa is a connection probability and must lie in \[0, 1\], got -0\.1/],
    [['lorenz', 'sweep', '--sizes', '0,-50'], /--sizes: unit counts must be in 0\.\.100000, got -50/],
    [['lorenz', 'run', '--astrocytes', '5'], /--neurons is required/],
    [['lorenz', 'run', '--neurons', '5', '--astrocytes', '5', '--alpha-a', '1'], /--alpha-a must be below 1/],
    [['lorenz', 'run', '--neurons', '5', '--astrocytes', '5', '--epochs', '3', '--slope-epochs', '5'], /--slope-epochs \(5\) cannot exceed --epochs \(3\)/],
    [['lorenz', 'frob'], /unknown lorenz subcommand "frob"/],
    [['lorenz', 'sweep', '--workers', '0'], /--workers must be between 1 and 256/],
  ];
  for (const [args, re] of cases) {
    const r = nalsm(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-lorenz-'));
  const bad = join(dir, 'bad.bin');
  writeFileSync(bad, 'NALSMAST but not really a network');
  const r = nalsm('lorenz', 'run', '--network', bad, '--out', join(dir, 'x.json'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a valid nalsm astro-units network file`));
  assert.equal(existsSync(join(dir, 'x.json')), false);
  const missing = nalsm('lorenz', 'run', '--network', join(dir, 'nope.bin'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--network .*nope\.bin: cannot read the file \(ENOENT\)/);
  assert.equal(nalsm('lorenz', '--help').status, 0);
  assert.match(nalsm('lorenz', 'run', '--help').stdout, /^nalsm lorenz:/);
});

test('lorenz generate, then run on the saved file, gives the numbers of a run that generates it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-lorenz-'));
  const short = ['--washout', '20', '--train', '200', '--test', '80', '--epochs', '3', '--slope-epochs', '2', '--quiet'];
  const g = nalsm('lorenz', 'generate', '--neurons', '15', '--astrocytes', '30', '--seed', '4', '--p-aa', '0.2', '--out', join(dir, 'net.bin'));
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stdout, /15 neurons, 30 astrocytes/);
  const a = nalsm('lorenz', 'run', '--network', join(dir, 'net.bin'), '--seed', '4', ...short, '--out', join(dir, 'a.json'));
  const b = nalsm('lorenz', 'run', '--neurons', '15', '--astrocytes', '30', '--seed', '4', '--p-aa', '0.2', '--esn', ...short, '--out', join(dir, 'b.json'));
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  const ja = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
  const jb = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
  assert.equal(ja.label, 'after Yang et al. 2025; parameters ours');
  assert.equal(ja.protocolShortened, true);
  assert.deepEqual(ja.spiking, jb.spiking);
  assert.equal(jb.parameters.p.AA, 0.2);
  assert.equal(jb.esn.units, 45);
  assert.match(b.stdout, /ESN 45 units: k=1: NRMSE ridge/);
});

test('lorenz sweep writes results and heatmaps; analyse redoes the analysis from the saved runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-lorenz-'));
  const out = join(dir, 'sweep.json');
  const r = nalsm('lorenz', 'sweep', '--sizes', '0,8,16', '--seeds', '2', '--workers', '2', '--washout', '20', '--train', '200', '--test', '80', '--epochs', '3', '--slope-epochs', '2', '--hidden', '4,4', '--quiet', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(j.label, 'after Yang et al. 2025; parameters ours');
  assert.equal(j.runs.length, 18);
  assert.equal(j.esnRuns.length, 2);
  assert.deepEqual(j.config.readouts.mlp.hidden, [4, 4]);
  for (const k of [1, 10]) for (const f of ['learning-rate', 'nrmse']) assert.match(readFileSync(join(dir, `sweep-${f}-k${k}.svg`), 'utf8'), /^<svg/);
  const again = join(dir, 'again.json');
  const a = nalsm('lorenz', 'analyse', out, '--out', again, '--no-figures');
  assert.equal(a.status, 0, a.stderr);
  const ja = JSON.parse(readFileSync(again, 'utf8'));
  assert.deepEqual(ja.analyses, j.analyses);
  assert.deepEqual(ja.summary, j.summary);
  assert.match(ja.reanalysed.command, /^nalsm lorenz analyse /);
  const bad = nalsm('lorenz', 'analyse', join(dir, 'sweep-nrmse-k1.svg'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /sweep-nrmse-k1\.svg: cannot read a sweep results JSON/);
});
