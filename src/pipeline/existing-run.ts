// An earlier run, found from its results JSON (a path, or a run name in the results folder), with
// loaders for what it left in its artifacts folder (network.bin, w-ini.bin, rasters.bin,
// counts.bin) and a worker pool that simulates new images on its network and starting weights
// (the noisy test set of the kernel-quality AP).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { decodeNetwork, encodeNetwork } from '../core/network/format.js';
import { decodeWeights, uniformWeights, type Weights } from '../core/network/weights.js';
import type { Network } from '../core/network/network.js';
import { compileNetwork, weightsToIds } from '../core/sim/compiled.js';
import type { ModelSpec } from '../core/models.js';
import type { SplitData, SplitName } from '../core/job.js';
import { NMNIST_INPUTS, type EventSet } from '../core/encode/events.js';
import { TIMING } from '../core/params.js';
import { WorkerPool, makeJobs, shareBytes } from './pool.js';
import { readRasters, type RecordedRasters } from './rasters-file.js';
import { readCounts } from './counts-file.js';
import type { CountMatrix } from './counts-file.js';
import { checkArtifactRun } from './run-identity.js';

/** The fields of results/<name>.json that analysis reads (see pipeline/run.ts). */
export interface RunJson {
  name: string;
  /** the run's id (pipeline/run-identity.ts), stamped into its artifacts; absent in results written before run ids */
  runId?: string;
  model: string;
  dataset: string;
  neurons: number;
  dims?: number[];
  seed: number;
  samples: { train: number; val: number; test: number };
  accuracy: { val: number; test: number };
  command?: string;
  model_parameters: Record<string, unknown> & { liquidWeight?: number; initialWeight?: number; initSource?: string };
  activity?: Record<string, number>;
  encoding?: { kind?: 'bernoulli' | 'events'; R_train?: number; R_test?: number; steps?: number; dir?: string };
  network?: { seed?: number; inputs?: number } & Record<string, unknown>;
  phaseA?: {
    snapshots: number;
    liquidRateHzLast1000?: number;
    bfProxyLast1000?: number;
    curve?: { snapshot: number[]; liquidSpikes: number[]; inputSpikes: number[]; bfProxy: number[]; astroA: number[] };
  } | null;
  readout?: { optimizer?: string; epochs?: number; bestEpoch?: number; history?: { val: number[]; test: number[] }; confusion?: number[][] };
  artifacts: string;
  [k: string]: unknown;
}

export interface ExistingRun {
  /** the results JSON */
  path: string;
  json: RunJson;
  /** the artifacts folder, resolved */
  artifacts: string;
}

/** A JSON file that is not a run's results: an analysis output (its `kind`), a readout result, ... */
export class NotARunError extends Error {
  constructor(
    message: string,
    readonly kind: string | undefined,
  ) {
    super(message);
  }
}

/** A run results file, or a weight-sweep summary that lists run results files. */
export type RunOrSweep = { kind: 'run'; run: ExistingRun } | { kind: 'sweep'; path: string; runs: string[] };

const BINARY_KINDS: Record<string, string> = { NALSMNET: 'network', NALSMWTS: 'weights', NALSMRAS: 'rasters', NALSMCNT: 'counts' };

function readJson(path: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  const magic = bytes.subarray(0, 8).toString('latin1');
  if (magic.startsWith('NALSM')) {
    throw new Error(`${path}: a nalsm binary file (${BINARY_KINDS[magic] ?? magic}), not a run's results JSON; give results/<name>.json written by nalsm run`);
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new Error(`${path}: not a JSON file (${(e as Error).message.slice(0, 80)}); expected a run's results/<name>.json`);
  }
}

/** The results JSON a RUN argument names: a path to a file, or a run name looked up as <resultsDir>/<name>.json. */
export function runPath(spec: string, resultsDir = 'results'): string {
  if (existsSync(spec) && statSync(spec).isFile()) return spec;
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    throw new Error(`${spec}: is a folder; give a run's results JSON (results/<name>.json) or its name`);
  }
  const byName = join(resultsDir, spec.endsWith('.json') ? spec : `${spec}.json`);
  if (existsSync(byName)) return byName;
  throw new Error(`run "${spec}" not found: no such file, and no ${byName}`);
}

/** Load a run, or a sweep summary (kind "sweep"); anything else is rejected with a message naming the file. */
export function loadRunOrSweep(spec: string, resultsDir = 'results'): RunOrSweep {
  const path = runPath(spec, resultsDir);
  const j = readJson(path) as Record<string, unknown> | null;
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new NotARunError(`${path}: not a run results file (the JSON is not an object)`, undefined);
  if (j.kind === 'sweep' && Array.isArray(j.sweep)) {
    const runs = (j.sweep as Array<{ results?: string }>).map((e) => e.results).filter((r): r is string => typeof r === 'string');
    return { kind: 'sweep', path, runs: runs.map((r) => (existsSync(r) ? r : join(dirname(path), r.split('/').pop()!))) };
  }
  const what = typeof j.kind === 'string' ? ` (it is a "${j.kind}" file)` : '';
  for (const f of ['name', 'model', 'artifacts', 'accuracy', 'model_parameters']) {
    if (!(f in j)) throw new NotARunError(`${path}: not a run results file${what}: it has no "${f}" field; give results/<name>.json written by nalsm run`, typeof j.kind === 'string' ? j.kind : undefined);
  }
  const json = j as unknown as RunJson;
  return { kind: 'run', run: { path, json, artifacts: resolveArtifacts(path, json.artifacts) } };
}

export function loadRun(spec: string, resultsDir = 'results'): ExistingRun {
  const r = loadRunOrSweep(spec, resultsDir);
  if (r.kind === 'sweep') throw new Error(`${r.path}: a weight-sweep summary, not one run; give one of its runs: ${r.runs.join(', ')}`);
  return r.run;
}

/** The artifacts folder: as recorded (relative to the working folder), else relative to the results folder's parent. */
function resolveArtifacts(resultsPath: string, artifacts: string): string {
  if (isAbsolute(artifacts)) return artifacts;
  const candidates = [resolve(artifacts), resolve(dirname(resultsPath), '..', artifacts), resolve(dirname(resultsPath), artifacts)];
  return candidates.find((c) => existsSync(join(c, 'network.bin'))) ?? candidates[0];
}

export function artifactPath(run: ExistingRun, file: string): string {
  return join(run.artifacts, file);
}

/** The run's network.bin, checked to be the one this run wrote (its stamp, size and seed). */
export function loadRunNetwork(run: ExistingRun): Network {
  const p = artifactPath(run, 'network.bin');
  if (!existsSync(p)) throw new Error(`${p}: cannot read the run's network (no such file); the results file ${run.path} points to artifacts ${run.json.artifacts}`);
  checkArtifactRun(run, p);
  const net = decodeNetwork(readFileSync(p), p);
  const seed = run.json.network?.seed ?? run.json.seed;
  if (net.NL !== run.json.neurons || net.seed !== seed)
    throw new Error(`${p}: a network of ${net.NL} neurons from seed ${net.seed}, but ${run.path} ran ${run.json.neurons} neurons from seed ${seed}: these artifacts are another run's`);
  return net;
}

/** rasters.bin of the run (checked to be this run's), or null when the run has none (runs made before rasters were recorded). */
export function loadRunRasters(run: ExistingRun): RecordedRasters | null {
  const p = artifactPath(run, 'rasters.bin');
  if (!existsSync(p)) return null;
  checkArtifactRun(run, p);
  const r = readRasters(p);
  if (r.NL !== run.json.neurons) throw new Error(`${p}: recorded on ${r.NL} liquid neurons, but ${run.path} ran ${run.json.neurons}: these rasters are another run's`);
  return r;
}

/** counts.bin of the run (nalsm run --save-counts; checked to be this run's, with its sample sizes), or null. */
export function loadRunCounts(run: ExistingRun): { nl: number; counts: Record<SplitName, CountMatrix>; meta: Record<string, unknown>; path: string } | null {
  const p = artifactPath(run, 'counts.bin');
  if (!existsSync(p)) return null;
  checkArtifactRun(run, p);
  const c = readCounts(p);
  const s = run.json.samples;
  const got = `${c.counts.train.n}/${c.counts.val.n}/${c.counts.test.n}`;
  if (c.nl !== run.json.neurons || got !== `${s.train}/${s.val}/${s.test}`)
    throw new Error(`${p}: counts of ${got} train/val/test samples on ${c.nl} neurons, but ${run.path} ran ${s.train}/${s.val}/${s.test} on ${run.json.neurons}: these counts are another run's`);
  return { ...c, path: p };
}

/** The model as the run used it, from model_parameters (ModelSpec fields; older files lack some). */
export function runModelSpec(run: ExistingRun): ModelSpec {
  const m = run.json.model_parameters as Record<string, unknown>;
  const need = (k: string): unknown => {
    if (m[k] === undefined) throw new Error(`${run.path}: model_parameters has no "${k}"`);
    return m[k];
  };
  return {
    name: need('name') as ModelSpec['name'],
    initialWeight: need('initialWeight') as number,
    phaseA: need('phaseA') as ModelSpec['phaseA'],
    phaseB: need('phaseB') as ModelSpec['phaseB'],
    plasticEvery: (m.plasticEvery as number | undefined) ?? 1,
    astroW: need('astroW') as number,
    astroDensity: (m.astroDensity as number | undefined) ?? 1,
    calcium: m.calcium as ModelSpec['calcium'],
  };
}

/** W_INI (w-ini.bin, or the --init file the run reused), or null for models without phase A. */
export function loadRunWini(run: ExistingRun, net: Network): Weights | null {
  const model = runModelSpec(run);
  if (model.phaseA === 'none') return null;
  const p = artifactPath(run, 'w-ini.bin');
  const src = run.json.model_parameters.initSource;
  const file = existsSync(p) ? p : typeof src === 'string' && existsSync(src) ? src : null;
  if (!file) throw new Error(`${p}: missing; the run's model ${model.name} starts every sample from W_INI`);
  // a W_INI reused with --init belongs to the run that made it; the network fingerprint still binds it
  if (file === p) checkArtifactRun(run, p);
  return decodeWeights(readFileSync(file), net, file);
}

/** The weights every sample of the run started from: W_INI, or the LSM's uniform ±w. */
export function runStartWeights(run: ExistingRun, net: Network): Weights {
  return loadRunWini(run, net) ?? uniformWeights(net, runModelSpec(run).initialWeight);
}

export interface SimulateImagesOptions {
  /** n × pixels raw bytes */
  images: Uint8Array;
  pixels: number;
  /** the encoding normaliser of these images (spec §3.1) */
  R: number;
  /** split name: keys the pulse streams (seed, split, index) and the model's per-sample plasticity */
  split: SplitName;
  workers: number;
  onProgress?: (done: number, total: number) => void;
}

/** Simulate images on the run's network from its starting weights with its model and seed: per-sample liquid counts. */
export async function simulateImages(run: ExistingRun, net: Network, o: SimulateImagesOptions): Promise<Uint16Array> {
  const n = o.images.length / o.pixels;
  if (!Number.isInteger(n)) throw new Error(`${o.images.length} bytes is not a whole number of ${o.pixels}-pixel images`);
  if (o.pixels !== net.NX) throw new Error(`${run.path}: the network has ${net.NX} inputs but the images have ${o.pixels} pixels`);
  return simulateSplit(run, net, { images: shareBytes(o.images), pixels: o.pixels, n, R: o.R }, o.split, o.workers, o.onProgress);
}

/** As simulateImages for event recordings (an EventSet on shared buffers, N-MNIST's 2 × 34 × 34 inputs). */
export async function simulateEvents(run: ExistingRun, net: Network, set: EventSet, split: SplitName, workers: number, onProgress?: (done: number, total: number) => void): Promise<Uint16Array> {
  if (net.NX !== NMNIST_INPUTS) throw new Error(`${run.path}: the network has ${net.NX} inputs, event data needs ${NMNIST_INPUTS}`);
  return simulateSplit(run, net, { kind: 'events', set, n: set.n }, split, workers, onProgress);
}

async function simulateSplit(run: ExistingRun, net: Network, data: SplitData, split: SplitName, workers: number, onProgress?: (done: number, total: number) => void): Promise<Uint16Array> {
  const n = data.n;
  const pixels = net.NX;
  const c = compileNetwork(net);
  const W0 = weightsToIds(c, runStartWeights(run, net));
  const model = runModelSpec(run);
  const steps = run.json.encoding?.steps ?? TIMING.sampleMs;
  const pool = new WorkerPool(workers, {
    network: encodeNetwork(net),
    weights: W0,
    model,
    seed: run.json.seed,
    steps,
    pixels,
    splits: { [split]: data },
  });
  const out = new Uint16Array(n * net.NL);
  let done = 0;
  try {
    await pool.runAll(makeJobs(split, n, 50), (job, reply) => {
      out.set(reply.counts!, job.start * net.NL);
      done += job.end - job.start;
      onProgress?.(done, n);
    });
  } finally {
    await pool.close();
  }
  return out;
}
