// One run, end to end: data → network → (phase A) → spike counts over workers → readout →
// results JSON. The CLI is a thin layer over this; tests call it directly.
import { join } from 'node:path';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import type { Network } from '../core/network/network.js';
import { decodeNetwork } from '../core/network/format.js';
import { decodeWeights, encodeWeights } from '../core/network/weights.js';
import type { SplitName, JobTotals } from '../core/job.js';
import type { ReadoutOptions, ReadoutResult } from '../core/readout/index.js';
import { TIMING } from '../core/params.js';
import { WorkerPool, makeJobs } from './pool.js';
import { writeFileAtomic, writeJsonAtomic } from './results.js';
import { newRunId, existingArtifacts, clearArtifacts, RunExistsError } from './run-identity.js';
import { writeNetwork } from './network-file.js';
import { nmnistDatasetLabel } from '../data/nmnist.js';
import { writeCounts, type CountMatrix } from './counts-file.js';
import { writeRasters } from './rasters-file.js';
import { writeReadout } from './readout-file.js';
import { loadSplits, initPhase, finishRun, runModel, COUNT_ORDER, CHUNK_SAMPLES, type RunSpec, type InitResult, type LoadedSplits } from './phases.js';
import { runKey, encodeInit, decodeInit, encodeChunk, decodeChunk } from './phase-payloads.js';

export { loadDataset, DATASETS, DEFAULT_INIT_SNAPSHOTS, type DatasetName } from './phases.js';
import { DEFAULT_INIT_SNAPSHOTS, type DatasetName } from './phases.js';

export interface RunOptions extends RunSpec {
  workers: number;
  readout: ReadoutOptions;
  /** results folder: the run writes <outDir>/<name>.json */
  outDir: string;
  /** artifacts folder (network, W_INI, rasters, counts) [<outDir>/<name>] */
  artifactsDir?: string;
  /** run name [defaultRunName(): model, data, size, seed, and the sizes and options given] */
  name?: string;
  /** replace an earlier run of the same name (its results JSON and artifacts); without it that is an error */
  force?: boolean;
  /** the run's id [a new one, or the id of the killed run this one resumes]; stamped into every artifact and the results */
  runId?: string;
  /** keep the spike counts (artifacts/counts.bin) for `nalsm readout` */
  saveCounts?: boolean;
  command: string;
  onProgress?: (phase: 'init' | 'spikes' | 'readout', done: number, total: number) => void;
  log?: (line: string) => void;
}


/** The label a run's data carries in names and results: synthetic event data is never called nmnist. */
export function datasetLabelOf(dataset: DatasetName, dataDir: string | undefined): string {
  return dataset === 'nmnist' && dataDir !== undefined ? nmnistDatasetLabel(dataDir) : dataset;
}

/**
 * The default run name: model, data, liquid size and seed, then whatever was given that changes the
 * result (sample sizes, phase-A snapshots, weight, w_astro, astrocyte density), so that two different
 * runs do not share a name: `nalsm-mnist-1000-s1`, `nalsm-mnist-1000-s1-n300-100-100-init300`.
 */
export function defaultRunName(o: Pick<RunOptions, 'model' | 'dataset' | 'dataDir' | 'dims' | 'seed' | 'sizes' | 'initSnapshots' | 'weight' | 'astroW' | 'modelOptions'>): string {
  const NL = o.dims[0] * o.dims[1] * o.dims[2];
  const parts = [o.model, datasetLabelOf(o.dataset, o.dataDir), String(NL), `s${o.seed}`];
  const { train, val, test } = o.sizes;
  if (train !== undefined || val !== undefined || test !== undefined) parts.push(`n${train ?? 'all'}-${val ?? 'all'}-${test ?? 'all'}`);
  if (o.initSnapshots !== undefined && o.initSnapshots !== DEFAULT_INIT_SNAPSHOTS && o.model !== 'lsm') parts.push(`init${o.initSnapshots}`);
  if (o.weight !== undefined) parts.push(`w${o.weight}`);
  if (o.astroW !== undefined) parts.push(`aw${o.astroW}`);
  if (o.modelOptions?.astroDensity !== undefined) parts.push(`ad${o.modelOptions.astroDensity}`);
  return parts.join('-');
}


/**
 * Where a run will write, checked before any work: an earlier run's results JSON or artifacts under
 * the same name are an error unless `force` (then its artifacts are removed first, so files of two
 * runs never mix in one folder).
 */
export function runTargets(o: Pick<RunOptions, 'outDir' | 'artifactsDir' | 'force'> & { name: string; resumeKey?: string }): { results: string; artifacts: string; resuming: boolean } {
  const results = join(o.outDir, `${o.name}.json`);
  const artifacts = o.artifactsDir ?? join(o.outDir, o.name);
  const old = existingArtifacts(artifacts);
  // the same run killed before its results were written left its resume files: it goes on from them
  const keyFile = join(artifacts, RESUME_DIR, 'key');
  const resuming = !o.force && !existsSync(results) && o.resumeKey !== undefined && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === o.resumeKey;
  if (!o.force && !resuming) {
    if (existsSync(results)) throw new RunExistsError(`${results} exists: a finished run named "${o.name}" is there; give another --name, or --force to replace it (its artifacts in ${artifacts} go too)`);
    if (old.length) throw new RunExistsError(`${artifacts} holds files of an earlier run (${old.join(', ')}); give another --name or --artifacts, or --force to remove them first`);
  }
  return { results, artifacts, resuming };
}

/** Where a run keeps what a killed run needs to go on: the init payload, finished count chunks, its run id. */
export const RESUME_DIR = 'resume';

export interface RunResult {
  path: string;
  json: Record<string, unknown>;
  readout: ReadoutResult;
  counts: Record<SplitName, CountMatrix>;
  network: Network;
}

export async function runPipeline(o: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const startedAt = new Date();
  const log = o.log ?? (() => {});
  const NL = o.dims[0] * o.dims[1] * o.dims[2];
  const name = o.name ?? defaultRunName(o);
  const key = runKey(o);
  const { results: resultsPath, artifacts, resuming } = runTargets({ ...o, name, resumeKey: key });
  // --force: the earlier run's artifacts go before this run writes any, so the two never mix in one folder;
  // its results JSON stays until ours replaces it (atomically), and no longer matches these artifacts' id
  if (o.force) {
    clearArtifacts(artifacts);
    rmSync(join(artifacts, RESUME_DIR), { recursive: true, force: true });
  }
  const loaded = loadSplits(o, log);
  // a killed run resumes from its finished phase and chunks, kept here until the results JSON is written
  const resume = new ResumeFiles(join(artifacts, RESUME_DIR), key, log);
  const runId = resume.runId(o.runId ?? newRunId(startedAt));
  const stamp = { runId, name };
  log(`run ${name} (id ${runId}${resuming ? ', resuming a killed run' : ''}): results ${resultsPath}, artifacts ${artifacts}`);

  const init = resume.init() ?? resume.saveInit(initPhase(o, loaded, { log, onProgress: (d, t) => o.onProgress?.('init', d, t), readInit: (p) => new Uint8Array(readFileSync(p)) }));
  // the artifacts carry the run's id in their headers; the bytes the workers and the queue share do not
  const net = decodeNetwork(init.network, `${name} network`);
  writeNetwork(join(artifacts, 'network.bin'), net, stamp);
  if (init.wini) {
    const w = decodeWeights(init.wini, net, `${name} W_INI`);
    writeFileAtomic(join(artifacts, 'w-ini.bin'), encodeWeights(net, w, { ...w.meta, ...stamp }));
  }

  const { counts, totals, spikeSeconds } = await countOnPool(o, init, loaded, resume);
  const done = finishRun(o, loaded, {
    name,
    runId,
    startedAt: startedAt.toISOString(),
    artifacts,
    network: init.network,
    weights: init.weights,
    init,
    counts,
    totals,
    spikeSeconds,
    workers: o.workers,
    t0,
    command: o.command,
    readout: o.readout,
    onReadout: (d, t) => o.onProgress?.('readout', d, t),
  });
  writeRasters(join(artifacts, 'rasters.bin'), { ...done.rasters, runId });
  writeReadout(join(artifacts, 'readout.bin'), NL, done.readout, counts.train, { model: o.model, dataset: o.dataset, seed: o.seed, ...stamp });
  if (o.saveCounts) writeCounts(join(artifacts, 'counts.bin'), NL, counts, { model: o.model, dataset: o.dataset, seed: o.seed, ...stamp });
  // checked again at the end: another process may have finished a run of the same name meanwhile
  if (!o.force && existsSync(resultsPath)) throw new RunExistsError(`${resultsPath} appeared while this run was running (another process?); not replacing it. This run's artifacts are in ${artifacts}`);
  writeJsonAtomic(resultsPath, done.json);
  resume.clear();
  return { path: resultsPath, json: done.json, readout: done.readout, counts, network: net };
}

/** Phase B: spike counts in parallel over samples, chunk by chunk; chunks already on disk are not recomputed. */
async function countOnPool(o: RunOptions, init: InitResult, loaded: LoadedSplits, resume: ResumeFiles): Promise<{ counts: Record<SplitName, CountMatrix>; totals: JobTotals; spikeSeconds: number }> {
  const { data, labels, NX } = loaded;
  const NL = o.dims[0] * o.dims[1] * o.dims[2];
  const tSpikes = performance.now();
  const counts = {} as Record<SplitName, CountMatrix>;
  const totals: JobTotals = { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 };
  const totalSamples = COUNT_ORDER.reduce((a, s) => a + data[s].n, 0);
  for (const s of COUNT_ORDER) counts[s] = { counts: new Uint16Array(data[s].n * NL), labels: labels[s], n: data[s].n };
  let done = 0;
  const add = (split: SplitName, start: number, end: number, c: Uint16Array, t: JobTotals): void => {
    counts[split].counts.set(c, start * NL);
    for (const k of Object.keys(totals) as Array<keyof JobTotals>) totals[k] += t[k];
    done += end - start;
    o.onProgress?.('spikes', done, totalSamples);
  };
  const jobs = COUNT_ORDER.flatMap((s) => makeJobs(s, data[s].n, CHUNK_SAMPLES)).filter((j) => {
    const c = resume.chunk(j.split, j.start, j.end);
    if (c) add(j.split, j.start, j.end, c.counts, c.totals);
    return !c;
  });
  if (jobs.length) {
    const pool = new WorkerPool(o.workers, {
      network: init.network,
      weights: init.weights,
      model: runModel(o),
      seed: o.seed,
      steps: TIMING.sampleMs,
      pixels: NX,
      splits: data,
      backend: o.backend,
    });
    try {
      await pool.runAll(jobs, (job, reply) => {
        resume.saveChunk({ split: job.split, start: job.start, end: job.end, counts: reply.counts!, totals: reply.totals!, seconds: 0 });
        add(job.split, job.start, job.end, reply.counts!, reply.totals!);
      });
    } finally {
      await pool.close();
    }
  }
  return { counts, totals, spikeSeconds: (performance.now() - tSpikes) / 1000 };
}

/** A run's resume files: the init payload and the finished count chunks, valid only for the same run key. */
class ResumeFiles {
  constructor(
    readonly dir: string,
    readonly key: string,
    log: (s: string) => void,
  ) {
    const keyFile = join(dir, 'key');
    if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') !== key) {
      log(`${dir}: left by a different run; starting afresh`);
      rmSync(dir, { recursive: true, force: true });
    }
    writeFileAtomic(keyFile, key);
  }

  private read<T>(file: string, decode: (b: Uint8Array, key: string, src: string) => T): T | null {
    const path = join(this.dir, file);
    if (!existsSync(path)) return null;
    try {
      return decode(new Uint8Array(readFileSync(path)), this.key, path);
    } catch {
      return null; // a damaged resume file is recomputed, never trusted
    }
  }

  /** The id of the run these files belong to: the killed run's when resuming, else `fresh` (recorded). */
  runId(fresh: string): string {
    const file = join(this.dir, 'run-id');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    writeFileAtomic(file, fresh);
    return fresh;
  }

  init(): InitResult | null {
    return this.read('init.bin', decodeInit);
  }

  saveInit(init: InitResult): InitResult {
    writeFileAtomic(join(this.dir, 'init.bin'), encodeInit(init, this.key));
    return init;
  }

  chunk(split: SplitName, start: number, end: number) {
    const c = this.read(`${split}-${start}-${end}.bin`, decodeChunk);
    return c && c.split === split && c.start === start && c.end === end ? c : null;
  }

  saveChunk(c: Parameters<typeof encodeChunk>[0]): void {
    writeFileAtomic(join(this.dir, `${c.split}-${c.start}-${c.end}.bin`), encodeChunk(c, this.key));
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
