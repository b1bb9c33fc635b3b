// One run, end to end: data → network → (phase A) → spike counts over workers → readout →
// results JSON. The CLI is a thin layer over this; tests call it directly.
import { join } from 'node:path';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import type { Network } from '../core/network/network.js';
import { decodeNetwork } from '../core/network/format.js';
import type { SplitName, JobTotals } from '../core/job.js';
import type { ReadoutOptions, ReadoutResult } from '../core/readout/index.js';
import { TIMING } from '../core/params.js';
import { WorkerPool, makeJobs } from './pool.js';
import { writeFileAtomic, writeJsonAtomic } from './results.js';
import { writeCounts, type CountMatrix } from './counts-file.js';
import { writeRasters } from './rasters-file.js';
import { loadSplits, initPhase, finishRun, runModel, COUNT_ORDER, CHUNK_SAMPLES, type RunSpec, type InitResult, type LoadedSplits } from './phases.js';
import { runKey, encodeInit, decodeInit, encodeChunk, decodeChunk } from './phase-payloads.js';

export { loadDataset, DATASETS, type DatasetName } from './phases.js';

export interface RunOptions extends RunSpec {
  workers: number;
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

export async function runPipeline(o: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const NL = o.dims[0] * o.dims[1] * o.dims[2];
  const loaded = loadSplits(o, log);
  const name = o.name ?? `${o.model}-${loaded.datasetLabel}-${NL}-s${o.seed}`;
  const artifacts = o.artifactsDir ?? join('runs', name);
  // a killed run resumes from its finished phase and chunks, kept here until the results JSON is written
  const resume = new ResumeFiles(join(artifacts, 'resume'), runKey(o), log);

  const init = resume.init() ?? resume.saveInit(initPhase(o, loaded, { log, onProgress: (d, t) => o.onProgress?.('init', d, t), readInit: (p) => new Uint8Array(readFileSync(p)) }));
  writeFileAtomic(join(artifacts, 'network.bin'), init.network);
  if (init.wini) writeFileAtomic(join(artifacts, 'w-ini.bin'), init.wini);

  const { counts, totals, spikeSeconds } = await countOnPool(o, init, loaded, resume);
  const done = finishRun(o, loaded, {
    name,
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
  writeRasters(join(artifacts, 'rasters.bin'), done.rasters);
  if (o.saveCounts) writeCounts(join(artifacts, 'counts.bin'), NL, counts, { model: o.model, dataset: o.dataset, seed: o.seed, name });
  const path = join(o.outDir, `${name}.json`);
  writeJsonAtomic(path, done.json);
  resume.clear();
  return { path, json: done.json, readout: done.readout, counts, network: decodeNetwork(init.network, `${name} network`) };
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
