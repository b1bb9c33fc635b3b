// Exact values for what the analysis figures rest on:
// - `nalsm analyze bf` and `nalsm analyze rates` on one fixed small run (NALSM, 5x5x5 = 125 neurons,
//   seed 3, MNIST 40/20/20, 20 phase-A snapshots, one worker). The simulation is deterministic
//   (same seed, same counts on any worker count or backend), so every number is too. The expected
//   values below were computed once, by running this very run and these commands with the code of
//   commit 4360819 and printing the JSONs that the CLI wrote; the spike totals pin the run itself,
//   so a change in the simulation shows there first. The mean rate is also re-derived here from
//   the totals (spikes · 1000 / (samples · NL · 250 ms)).
// - An exact known rank: counts built from r linearly independent patterns, classes sharing them,
//   give kernel-quality SP (planShuffles / shuffleRanks / summariseRanks) of exactly r in every draw.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../src/pipeline/run.js';
import { readCounts } from '../src/pipeline/counts-file.js';
import { Rng } from '../src/core/rng.js';
import { planShuffles, shuffleRanks, summariseRanks, RANK_METHODS } from '../src/core/analysis/kernel-quality.js';
import type { SplitName } from '../src/core/job.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const nalsm = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd });

const dir = mkdtempSync(join(tmpdir(), 'nalsm-exact-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Liquid spikes per split of the fixed run (sums of its counts.bin). */
const SPIKES: Record<SplitName, number> = { train: 146471, val: 72354, test: 84225 };

/** analyze bf: σ_BF and the 20 recorded test samples (sample index, label, σ, neurons with a ratio, spikes). */
const BF_SIGMA = 1.4385827699906766;
const BF_SAMPLES: Array<[number, number, number, number, number]> = [
  [0, 7, 1.3367011026625075, 84, 2905],
  [1, 2, 1.4751141054907526, 101, 3969],
  [2, 1, 1.3930138583998624, 101, 3761],
  [3, 0, 1.5779322084587326, 90, 3125],
  [4, 4, 1.311853644788181, 83, 3066],
  [5, 1, 1.410335031355453, 94, 3538],
  [6, 4, 1.3876242476524374, 86, 3201],
  [7, 9, 1.2778258730401937, 98, 4151],
  [8, 5, 1.5030108955461112, 80, 2488],
  [9, 9, 1.4422584305068964, 88, 3452],
  [10, 0, 1.5232718163500505, 91, 2793],
  [11, 6, 1.5019741206345911, 89, 3040],
  [12, 9, 1.5964711553750341, 91, 3410],
  [13, 0, 1.5941327425799425, 82, 3204],
  [14, 1, 1.4158132478932195, 94, 3580],
  [15, 5, 1.484727082796573, 88, 3249],
  [16, 9, 1.4074282711415076, 80, 3124],
  [17, 7, 1.3532499893287984, 76, 2714],
  [18, 3, 1.4600197717193826, 103, 4249],
  [19, 4, 1.3188978040933055, 92, 3450],
];

/** analyze rates (Hz) on all 80 samples, and on the 20 test samples (--split test). */
const RATES_ALL = {
  samples: 80,
  NL: 125,
  NE: 100,
  durationMs: 250,
  meanHz: 121.22,
  excitatoryHz: 125.19650000000003,
  inhibitoryHz: 105.31400000000004,
  silentNeurons: 0,
  perNeuron: { mean: 121.22000000000003, std: 68.89865688095814, min: 8.8, p5: 19.710000000000004, median: 118.55000000000001, p95: 243.8, max: 300 },
  perSample: { mean: 121.22000000000003, std: 20.77208118605356, min: 74.144, p5: 86.7616, median: 121.312, p95: 158.0944, max: 172.64000000000001 },
};
const RATES_TEST = {
  samples: 20,
  NL: 125,
  NE: 100,
  durationMs: 250,
  meanHz: 134.76000000000002,
  excitatoryHz: 135.32400000000004,
  inhibitoryHz: 132.504,
  silentNeurons: 0,
  perNeuron: { mean: 134.76000000000002, std: 76.85856100656584, min: 5.2, p5: 19.4, median: 134, p95: 271.15999999999997, max: 322.40000000000003 },
  perSample: { mean: 134.76000000000002, std: 18.05938328958107, min: 101.34400000000001, p5: 109.61280000000001, median: 131.952, p95: 166.71200000000002, max: 172.64000000000001 },
};

const pick = (j: Record<string, unknown>, keys: string[]): Record<string, unknown> => Object.fromEntries(keys.map((k) => [k, j[k]]));

test('analyze bf and analyze rates on a fixed small run: exact values', async () => {
  await runPipeline({
    model: 'nalsm',
    dataset: 'mnist',
    dims: [5, 5, 5],
    seed: 3,
    sizes: { train: 40, val: 20, test: 20 },
    workers: 1,
    initSnapshots: 20,
    readout: { optimizer: 'adam', epochs: 3 },
    outDir: join(dir, 'results'),
    artifactsDir: join(dir, 'runs', 'fixed'),
    name: 'fixed',
    saveCounts: true,
    command: 'test',
  });
  const counts = readCounts(join(dir, 'runs', 'fixed', 'counts.bin'));
  for (const s of ['train', 'val', 'test'] as SplitName[]) assert.equal(counts.counts[s].counts.reduce((a, b) => a + b, 0), SPIKES[s], `${s} spikes`);
  const run = JSON.parse(readFileSync(join(dir, 'results', 'fixed.json'), 'utf8'));

  const bf = nalsm(dir, 'analyze', 'bf', 'fixed');
  assert.equal(bf.status, 0, bf.stderr);
  assert.match(bf.stdout, /^fixed: σ_BF = 1\.4386 over 20 recorded test samples/);
  assert.match(bf.stdout, /\n {2}sample {5}7 \(label 9\): σ = 1\.2778 {2}\(98 neurons, 4151 spikes\)\n/);
  const bfJson = JSON.parse(readFileSync(join(dir, 'results', 'fixed-bf.json'), 'utf8'));
  assert.equal(bfJson.sigma, BF_SIGMA);
  assert.deepEqual(
    bfJson.samples.map((p: { sample: number; label: number; sigma: number; neurons: number; events: number }) => [p.sample, p.label, p.sigma, p.neurons, p.events]),
    BF_SAMPLES,
  );
  // σ_BF is the mean over the samples (none is NaN here)
  assert.equal(bfJson.sigma, BF_SAMPLES.reduce((a, p) => a + p[2], 0) / BF_SAMPLES.length);
  assert.equal(bfJson.runId, run.runId);
  // the labels are the test split's, at the recorded indices
  for (const [q, label] of BF_SAMPLES) assert.equal(counts.counts.test.labels[q], label);

  const keys = Object.keys(RATES_ALL);
  const all = nalsm(dir, 'analyze', 'rates', 'fixed');
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout, /liquid mean 121\.22 Hz: excitatory 125\.20 Hz \(100 neurons\), inhibitory 105\.31 Hz \(25\)/);
  const ratesAll = JSON.parse(readFileSync(join(dir, 'results', 'fixed-rates.json'), 'utf8'));
  assert.deepEqual(pick(ratesAll, keys), RATES_ALL);
  assert.match(ratesAll.source, /counts\.bin \(train \+ val \+ test, 80 samples\)$/);
  // re-derived from the spike totals, and the run's own liquid rate
  const total = SPIKES.train + SPIKES.val + SPIKES.test;
  assert.equal(ratesAll.meanHz, (total * 1000) / (80 * 125 * 250));
  assert.equal(run.activity.liquidRateHz, 121.22);

  const onTest = nalsm(dir, 'analyze', 'rates', 'fixed', '--split', 'test');
  assert.equal(onTest.status, 0, onTest.stderr);
  const ratesTest = JSON.parse(readFileSync(join(dir, 'results', 'fixed-rates.json'), 'utf8'));
  assert.deepEqual(pick(ratesTest, keys), RATES_TEST);
  assert.ok(Math.abs(ratesTest.meanHz - (SPIKES.test * 1000) / (20 * 125 * 250)) < 1e-12);
  // the per-sample maximum is a test sample: the same in both
  assert.equal(ratesTest.perSample.max, ratesAll.perSample.max);
});

/**
 * SYNTHETIC spike counts of known rank r: r patterns over NL neurons, independent by construction
 * (pattern i has 5 at neuron i and 0 at the other first r neurons; the remaining neurons are random
 * 0..3). Class c (0..classes-1) shares patterns c mod r and (c+1) mod r with its neighbours; its
 * sample j is (j+1)·p_c + (perClassSamples−j)·p_{c+1}, so any two samples of one class span both of
 * its patterns, and any draw of two or more per class spans all r.
 */
function patternCounts(r: number, NL: number, classes: number, perClassSamples: number): { counts: Uint16Array; labels: Uint8Array } {
  const rng = new Rng(18, 'rank-patterns', r);
  const p: Uint16Array[] = [];
  for (let i = 0; i < r; i++) {
    const v = new Uint16Array(NL);
    v[i] = 5;
    for (let j = r; j < NL; j++) v[j] = rng.int(4);
    p.push(v);
  }
  const n = classes * perClassSamples;
  const counts = new Uint16Array(n * NL);
  const labels = new Uint8Array(n);
  // interleave the classes, as a dataset would
  for (let s = 0; s < n; s++) {
    const c = s % classes;
    const j = Math.floor(s / classes);
    labels[s] = c;
    const a = p[c % r];
    const b = p[(c + 1) % r];
    for (let k = 0; k < NL; k++) counts[s * NL + k] = (j + 1) * a[k] + (perClassSamples - j) * b[k];
  }
  return { counts, labels };
}

test('kernel quality: counts from r independent patterns have SP exactly r in every draw', () => {
  const NL = 30;
  const classes = 6;
  const shuffles = 12;
  // r = 4 and 7 (classes 0..5 use patterns c, c+1: all of them); k = 2·6 = 12 < NL (samples' Gram)
  // and k = 6·6 = 36 > NL (neurons' Gram); with and without the precomputed split Gram; both rank methods
  for (const r of [4, 7]) {
    const { counts, labels } = patternCounts(r, NL, classes, 10);
    for (const perClass of [2, 6]) {
      for (const method of RANK_METHODS) {
        for (const precompute of [false, true]) {
          const what = `r ${r}, ${perClass} per class, ${method}, precompute ${precompute}`;
          const plan = planShuffles(counts, labels, NL, { perClass, seed: 5, method, shuffles, precompute });
          assert.equal(plan.k, classes * perClass, what);
          assert.equal(plan.features, classes * perClass > NL, what);
          assert.equal(plan.gram !== null, precompute && !plan.features, what);
          const ranks = shuffleRanks(plan, 0, shuffles);
          assert.deepEqual([...ranks], new Array(shuffles).fill(r), what);
          assert.deepEqual(summariseRanks(ranks, perClass, plan.k, NL), { mean: r, std: 0, min: r, max: r, shuffles, perClass, k: plan.k, NL }, what);
        }
      }
    }
  }
  // one sample per class with r = 7: class c brings a·p_c + b·p_{c+1} (a, b > 0); in the basis
  // p_0..p_5 these 6 vectors form a bidiagonal matrix with a non-zero diagonal, so every draw has
  // rank exactly 6 (fewer columns than patterns)
  const { counts, labels } = patternCounts(7, NL, classes, 10);
  for (const method of RANK_METHODS) {
    const plan = planShuffles(counts, labels, NL, { perClass: 1, seed: 5, method, shuffles });
    assert.deepEqual([...shuffleRanks(plan, 0, shuffles)], new Array(shuffles).fill(6), method);
  }
});
