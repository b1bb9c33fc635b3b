import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { parseFlags, intFlag, floatFlag, choiceFlag, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { writeJsonAtomic, gitProvenance, machineInfo } from '../../pipeline/results.js';
import { loadRun, loadRunNetwork, loadRunRasters, loadRunCounts, simulateImages, simulateEvents, type ExistingRun } from '../../pipeline/existing-run.js';
import type { Network } from '../../core/network/network.js';
import { loadNmnistSplits } from '../../data/nmnist.js';
import { jitterSet, NMNIST_NOISE_SIGMA_MS, NMNIST_COUNT_STEPS } from '../../core/encode/events.js';
import { parallelShuffleRanks } from '../../pipeline/kq-pool.js';
import { loadDataset, type DatasetName } from '../../pipeline/run.js';
import { standardSplit } from '../../data/images.js';
import { branchingFactor, splitSamples } from '../../core/analysis/branching.js';
import { rateStatistics, countsFromRasters, type CountsView, type RateStatistics } from '../../core/analysis/rates.js';
import { planShuffles, summariseRanks, kernelQualityScore, classMembers, KQ_RESCALE, RANK_METHODS, FLOAT32_EPS, type RankMethod, type RankSummary } from '../../core/analysis/kernel-quality.js';
import { addPixelNoise, MNIST_NOISE_SIGMA } from '../../core/encode/noise.js';
import { maxNormalisedPixel } from '../../core/encode/bernoulli.js';

export const ANALYZE_HELP = `nalsm analyze: measures of a finished run (nalsm run).

Usage: nalsm analyze bf RUN [options]      branching factor σ_BF from the run's rasters (spec §8.2)
       nalsm analyze rates RUN [options]   firing rates: per neuron, E vs I, per sample
       nalsm analyze kq RUN [options]      kernel quality: SP, AP and the paper's KQ score (spec §8.3)

RUN is a results file (results/<name>.json) or a run name looked up in --results.
Each writes <results folder>/<name>-<bf|rates|kq>.json next to the run's results file.

Common options
  --results DIR      where run names are looked up                        [results]
  --quiet            no progress output
  -h, --help         this help

bf: σ_BF exactly as the authors' compute_branching_factor.py: the 20 recorded test samples,
    spikes at 25 ≤ t < 225, a spike of n at t ∈ [29, 220] contributes (spikes of n's liquid
    descendants in t+1..t+4) / max(1, spikes of its ancestors in t−4..t−1); mean per neuron,
    nanmean over neurons, nanmean over samples. Needs runs/<name>/rasters.bin.

rates: from runs/<name>/counts.bin (nalsm run --save-counts) when present, else from rasters.bin.
  --split S          train | val | test | all  (counts.bin only)                [all]

kq: SP = mean rank of NL × k count matrices (k = per-class samples × classes) over random draws
    of the test split's counts (runs/<name>/counts.bin, so the run needs --save-counts); AP = the
    same on counts of the test images with Gaussian pixel noise (σ = 125 grey levels, clipped to
    0..255), simulated again on the run's network from its starting weights (W_INI or the LSM's
    ±w) with its model. Rank as numpy's matrix_rank on float32: tol = fround(σ_max)·max(NL, k)·2^-23.
    KQ = the paper's spreadsheet rescaling (meaningful for 1,000 neurons, 100 × 10 samples).
    Cost at NL = 1,000, k = 1,000: about 0.45 s per shuffle per core, plus a one-off Gram matrix
    of the test split (about 45 s for 10,000 samples); SP and AP each run --shuffles draws, so
    the original's 1,000 take about 8 min each on one core (less with --workers), plus the
    noisy simulation of the test split.
    Event runs (--dataset nmnist, real or saccade-MNIST): the AP noise is the spec's time shift
    instead: one δ ~ N(0, 10 ms) per test recording, t' = round(t + δ) reflected into 0..249
    (the original's get_nmnist_data_point_with_NOISE); the recordings are read again from the
    run's data folder (encoding.dir of its results, or --data DIR).
  --shuffles N       random draws for each of SP and AP                      [1000]
  --per-class N      samples per class in a draw           [100, or the smallest class if fewer]
  --seed S           seed of the draws and of the noise                      [1]
  --method M         inertia (LDLᵀ of G − τI, fast) | eigen (all eigenvalues)  [inertia]
  --no-ap            SP only (no noisy simulation)
  --noise-sigma X    pixel noise standard deviation; event runs: shift σ in ms  [125; 10]
  --noise-mode M     event runs: shift (one δ per sample, the code) | per-event (the paper) [shift]
  --data DIR         the dataset's IDX files, if the run used nalsm run --data DIR
  --workers K        threads for the noisy simulation and the shuffles        [CPU count]
`;

const COMMON = {
  results: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SUBCOMMANDS = ['bf', 'rates', 'kq'] as const;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '-h' || sub === '--help') {
    process.stdout.write(ANALYZE_HELP);
    return 0;
  }
  if (sub === undefined) throw new UsageError(`nalsm analyze needs a measure: ${SUBCOMMANDS.join(', ')} (see nalsm analyze --help)`);
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`nalsm analyze: unknown measure "${sub}"; measures: ${SUBCOMMANDS.join(', ')} (see nalsm analyze --help)`);
  if (sub === 'bf') return analyzeBf(rest);
  if (sub === 'rates') return analyzeRates(rest);
  return analyzeKq(rest);
}

function oneRun(sub: string, positionals: string[], values: Record<string, unknown>): ExistingRun {
  if (positionals.length !== 1) throw new UsageError(`nalsm analyze ${sub} needs exactly one RUN (a results JSON or a run name), got ${positionals.length} (see nalsm analyze --help)`);
  return loadRun(positionals[0], (values.results as string | undefined) ?? 'results');
}

function outPath(run: ExistingRun, what: string): string {
  return join(dirname(run.path), `${run.json.name}-${what}.json`);
}

/** What every analysis JSON carries: the run it measured (its id, so nothing reads it against another run) and how it was made. */
const provenance = (run: ExistingRun, argv: string[], sub: string): Record<string, unknown> => ({
  runId: run.json.runId ?? null,
  runSamples: run.json.samples,
  command: ['nalsm', 'analyze', sub, ...argv].join(' '),
  ...gitProvenance(),
  machine: machineInfo(),
  finishedAt: new Date().toISOString(),
});

async function analyzeBf(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('analyze bf', argv, COMMON);
  if (values.help) {
    process.stdout.write(ANALYZE_HELP);
    return 0;
  }
  const run = oneRun('bf', positionals, values);
  const rasters = loadRunRasters(run);
  if (!rasters) throw new Error(`${join(run.artifacts, 'rasters.bin')}: missing; σ_BF needs the spikes nalsm run records for 20 test samples (rerun the run with this version)`);
  const net = loadRunNetwork(run);
  if (rasters.NL !== net.NL) throw new Error(`${join(run.artifacts, 'rasters.bin')}: recorded for ${rasters.NL} liquid neurons but the network has ${net.NL}`);
  const t0 = performance.now();
  const bf = branchingFactor(net, splitSamples(rasters.offset, rasters.t, rasters.n), { duration: rasters.steps });
  const ms = performance.now() - t0;
  const perSample = bf.perSample.map((p, q) => ({ sample: rasters.samples[q], label: rasters.labels[q], sigma: p.sigma, neurons: p.neurons, events: p.events }));
  const out = outPath(run, 'bf');
  writeJsonAtomic(out, {
    kind: 'branching-factor',
    run: run.json.name,
    results: run.path,
    model: run.json.model,
    weight: run.json.model_parameters.liquidWeight ?? null,
    sigma: Number.isFinite(bf.sigma) ? bf.sigma : null,
    split: rasters.split,
    samples: perSample.map((p) => ({ ...p, sigma: Number.isFinite(p.sigma) ? p.sigma : null })),
    options: bf.options,
    definition: 'compute_branching_factor.py: per sample spikes with buffer ≤ t < duration − buffer; ratio = desc(t+1..t+Δ) / max(1, anc(t−Δ..t−1)); mean per neuron, nanmean over neurons, nanmean over samples',
    ...provenance(run, argv, 'bf'),
  });
  const lines = [`${run.json.name}: σ_BF = ${fmt(bf.sigma, 4)} over ${perSample.length} recorded ${rasters.split} samples (${ms.toFixed(0)} ms)`];
  for (const p of perSample) lines.push(`  sample ${String(p.sample).padStart(5)} (label ${p.label}): σ = ${fmt(p.sigma, 4)}  (${p.neurons} neurons, ${p.events} spikes)`);
  lines.push(`  written: ${out}`, '');
  process.stdout.write(lines.join('\n'));
  return 0;
}

async function analyzeRates(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('analyze rates', argv, { ...COMMON, split: { type: 'string' } });
  if (values.help) {
    process.stdout.write(ANALYZE_HELP);
    return 0;
  }
  const run = oneRun('rates', positionals, values);
  const split = choiceFlag(values, 'split', 'all', ['train', 'val', 'test', 'all'] as const);
  const net = loadRunNetwork(run);
  const steps = run.json.encoding?.steps ?? 250;
  const c = loadRunCounts(run);
  let view: CountsView;
  let source: string;
  if (c) {
    const parts = split === 'all' ? (['train', 'val', 'test'] as const) : ([split] as const);
    const n = parts.reduce((a, s) => a + c.counts[s].n, 0);
    const counts = new Uint16Array(n * c.nl);
    let o = 0;
    for (const s of parts) {
      counts.set(c.counts[s].counts, o);
      o += c.counts[s].counts.length;
    }
    view = { counts, n, NL: c.nl };
    source = `${c.path} (${split === 'all' ? 'train + val + test' : split}, ${n} samples)`;
  } else {
    if (values.split !== undefined) throw new UsageError(`--split needs counts.bin, and ${join(run.artifacts, 'counts.bin')} is missing (nalsm run --save-counts)`);
    const r = loadRunRasters(run);
    if (!r) throw new Error(`${run.artifacts}: neither counts.bin nor rasters.bin is there; firing rates need one of them`);
    view = countsFromRasters(r.offset, r.n, net.NL);
    source = `${join(run.artifacts, 'rasters.bin')} (${view.n} recorded ${r.split} samples)`;
  }
  const st = rateStatistics(view, net.NE, steps);
  const out = outPath(run, 'rates');
  writeJsonAtomic(out, { kind: 'firing-rates', run: run.json.name, results: run.path, source, ...st, ...provenance(run, argv, 'rates') });
  process.stdout.write(formatRates(run.json.name, source, st) + `  written: ${out}\n`);
  return 0;
}

function formatRates(name: string, source: string, s: RateStatistics): string {
  const q = (x: RateStatistics['perNeuron']): string => `min ${fmt(x.min, 2)}, 5 % ${fmt(x.p5, 2)}, median ${fmt(x.median, 2)}, 95 % ${fmt(x.p95, 2)}, max ${fmt(x.max, 2)}`;
  return [
    `${name}: firing rates from ${source}`,
    `  liquid mean ${fmt(s.meanHz, 2)} Hz: excitatory ${fmt(s.excitatoryHz, 2)} Hz (${s.NE} neurons), inhibitory ${fmt(s.inhibitoryHz, 2)} Hz (${s.NL - s.NE})`,
    `  per neuron (Hz): ${q(s.perNeuron)}; ${s.silentNeurons} silent`,
    `  per sample (Hz): ${q(s.perSample)}  (paper: 12–37 Hz for NALSM)`,
    '',
  ].join('\n');
}

async function analyzeKq(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('analyze kq', argv, {
    ...COMMON,
    shuffles: { type: 'string' },
    'per-class': { type: 'string' },
    seed: { type: 'string' },
    method: { type: 'string' },
    'no-ap': { type: 'boolean' },
    'noise-sigma': { type: 'string' },
    'noise-mode': { type: 'string' },
    data: { type: 'string' },
    workers: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(ANALYZE_HELP);
    return 0;
  }
  const run = oneRun('kq', positionals, values);
  const shuffles = intFlag(values, 'shuffles', 1000, 1, 1_000_000)!;
  const seed = intFlag(values, 'seed', 1, 0)!;
  const method = choiceFlag<RankMethod>(values, 'method', 'inertia', RANK_METHODS);
  const events = run.json.encoding?.kind === 'events';
  const sigma = floatFlag(values, 'noise-sigma', events ? NMNIST_NOISE_SIGMA_MS : MNIST_NOISE_SIGMA, 0, 10000)!;
  const noiseMode = choiceFlag<'shift' | 'per-event'>(values, 'noise-mode', 'shift', ['shift', 'per-event']);
  if (values['noise-mode'] !== undefined && !events) throw new UsageError('--noise-mode applies to event runs only (this run used images: its AP noise is Gaussian pixel noise)');
  const workers = intFlag(values, 'workers', cpus().length, 1, 256)!;
  const withAp = !values['no-ap'];
  const quiet = Boolean(values.quiet);
  const progress = makeProgress(quiet);
  const log = (s: string): void => {
    if (!quiet) process.stderr.write(s + '\n');
  };
  const c = loadRunCounts(run);
  if (!c) throw new Error(`${join(run.artifacts, 'counts.bin')}: missing; kernel quality needs the run's test counts (rerun with nalsm run --save-counts)`);
  const test = c.counts.test;
  const NL = c.nl;
  const classes = classMembers(test.labels);
  const smallest = Math.min(...classes.map((m) => m.length));
  const perClass = intFlag(values, 'per-class', Math.min(100, smallest), 1)!;
  if (perClass > smallest) throw new UsageError(`--per-class ${perClass} is more than the smallest class of the test split (${smallest} samples)`);
  if (perClass < 100) log(`kq: the test split has only ${smallest} samples in its smallest class: ${perClass} per class instead of 100 (KQ rescaling assumes 100 × 10)`);
  const k = perClass * classes.length;
  const t0 = performance.now();

  const ranksOf = async (counts: Uint16Array, labels: Uint8Array, what: string): Promise<{ summary: RankSummary; ranks: Int32Array; gramSeconds: number; rankSeconds: number }> => {
    const tg = performance.now();
    const plan = planShuffles(counts, labels, NL, { perClass, seed, method, shuffles, shared: workers > 1, onGramRows: (d, n) => progress.update(`${what} Gram`, d, n) });
    progress.stop();
    const gramSeconds = (performance.now() - tg) / 1000;
    const tr = performance.now();
    const ranks = await parallelShuffleRanks(plan, shuffles, workers, (d, n) => progress.update(`${what} ranks`, d, n));
    progress.stop();
    return { summary: summariseRanks(ranks, perClass, k, NL), ranks, gramSeconds, rankSeconds: (performance.now() - tr) / 1000 };
  };

  log(`kq: SP over ${shuffles} draws of ${perClass} × ${classes.length} test samples (${NL} × ${k} matrices, method ${method})`);
  const sp = await ranksOf(test.counts, test.labels, 'SP');
  log(`kq: SP = ${fmt(sp.summary.mean, 2)} (${fmt(sp.rankSeconds / shuffles, 3)} s per draw on ${workers} worker(s))`);

  let ap: typeof sp | null = null;
  let noise: Record<string, unknown> | null = null;
  if (withAp) {
    // the noisy test split of the run's data kind: a simulation to run and what describes the noise
    const onProgress = (d: number, n: number): void => progress.update('spikes', d, n);
    let simulate: (net: Network) => Promise<Uint16Array>;
    let steps: number;
    if (events) {
      const dir = (values.data as string | undefined) ?? (run.json.encoding?.dir as string | undefined);
      if (!dir) throw new UsageError(`${run.path}: the run's results name no data folder (encoding.dir); give it with --data DIR`);
      log(`kq: reading ${test.n} test recordings from ${dir}`);
      const ev = loadNmnistSplits(dir, { train: 1, val: 1, test: test.n }, { maxMs: NMNIST_COUNT_STEPS });
      for (let i = 0; i < test.n; i++) {
        if (ev.test.labels[i] !== test.labels[i]) throw new Error(`${c.path}: test label ${i} is ${test.labels[i]} but recording ${i} of ${dir} is a ${ev.test.labels[i]}; give the run's data with --data DIR`);
      }
      const noisy = jitterSet(ev.test, seed, { sigma, mode: noiseMode }, true);
      log(`kq: simulating ${test.n} time-shifted test recordings (σ = ${sigma} ms, ${noiseMode}) on ${workers} worker(s)`);
      noise = { kind: 'time shift', sigmaMs: sigma, mode: noiseMode, seed, dir };
      steps = NMNIST_COUNT_STEPS;
      simulate = (net) => simulateEvents(run, net, noisy, 'test', workers, onProgress);
    } else {
      const dataset = run.json.dataset as DatasetName;
      const ds = loadDataset(dataset, values.data as string | undefined);
      const split = standardSplit(ds, { test: test.n });
      for (let i = 0; i < test.n; i++) {
        if (split.test.labels[i] !== test.labels[i]) throw new Error(`${c.path}: test label ${i} is ${test.labels[i]} but the ${dataset} test image ${i} is a ${split.test.labels[i]}; give the run's data with --data DIR`);
      }
      const px = split.test.rows * split.test.cols;
      const noisy = addPixelNoise(split.test.images, px, { sigma, seed, split: 'test' });
      const R = maxNormalisedPixel(noisy, px);
      log(`kq: simulating ${test.n} noisy test images (σ = ${sigma}, R = ${R.toPrecision(6)}) on ${workers} worker(s)`);
      noise = { kind: 'pixel', sigma, seed, R_noisy: R };
      steps = run.json.encoding?.steps ?? 250;
      simulate = (net) => simulateImages(run, net, { images: noisy, pixels: px, R, split: 'test', workers, onProgress });
    }
    const ts = performance.now();
    const noisyCounts = await simulate(loadRunNetwork(run));
    progress.stop();
    let total = 0;
    for (const v of noisyCounts) total += v;
    noise = { ...noise, seconds: round((performance.now() - ts) / 1000), liquidRateHz: round(total / test.n / NL / (steps / 1000), 3) };
    ap = await ranksOf(noisyCounts, test.labels, 'AP');
    log(`kq: AP = ${fmt(ap.summary.mean, 2)}`);
  }
  const score = ap ? kernelQualityScore(sp.summary.mean, ap.summary.mean) : null;
  const out = outPath(run, 'kq');
  writeJsonAtomic(out, {
    kind: 'kernel-quality',
    run: run.json.name,
    results: run.path,
    model: run.json.model,
    neurons: NL,
    method,
    tolerance: `fround(sigma_max) * max(${NL}, ${k}) * ${FLOAT32_EPS} (numpy matrix_rank on float32)`,
    SP: sp.summary,
    AP: ap?.summary ?? null,
    ...(score ?? { spr: null, apr: null, diff: null, kq: null }),
    KQ: score?.kq ?? null,
    rescaling: KQ_RESCALE,
    noise,
    seconds: { total: round((performance.now() - t0) / 1000), spGram: round(sp.gramSeconds), spRanks: round(sp.rankSeconds), apGram: ap ? round(ap.gramSeconds) : null, apRanks: ap ? round(ap.rankSeconds) : null },
    workers,
    ranks: { SP: Array.from(sp.ranks), AP: ap ? Array.from(ap.ranks) : null },
    ...provenance(run, argv, 'kq'),
  });
  const lines = [`${run.json.name}: kernel quality over ${shuffles} draws of ${perClass} × ${classes.length} samples (${NL} neurons)`];
  lines.push(`  SP (separation, clean test counts)     ${fmt(sp.summary.mean, 2)}  (std ${fmt(sp.summary.std, 2)}, ${sp.summary.min}–${sp.summary.max})`);
  if (ap && score) {
    lines.push(`  AP (generalisation, noisy test counts) ${fmt(ap.summary.mean, 2)}  (std ${fmt(ap.summary.std, 2)}, ${ap.summary.min}–${ap.summary.max})`);
    lines.push(`  KQ = ${fmt(score.kq, 4)}  (SPr ${fmt(score.spr, 4)}, APr ${fmt(score.apr, 4)}; paper: NALSM .838, LSM .824, AP-STDP .831, LSM+STDP .471)`);
    if (NL !== 1000 || k !== 1000) lines.push(`  note: the KQ rescaling constants come from 1,000-neuron liquids and 100 × 10 samples; with ${NL} neurons and k = ${k} the score is not comparable to the paper's`);
  }
  lines.push(`  written: ${out}`, '');
  process.stdout.write(lines.join('\n'));
  return 0;
}

function fmt(x: number, d: number): string {
  return Number.isFinite(x) ? x.toFixed(d) : 'NaN';
}

function round(x: number, d = 2): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
