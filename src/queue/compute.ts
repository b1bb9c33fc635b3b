// What a queue worker computes for each job kind, on bytes in and bytes out (run in a compute thread,
// so the worker's main thread keeps renewing its job locks). The data are loaded once per thread and
// checked against the job's fingerprint; a count chunk's simulator is kept for the next chunk of the run.
import { hostname } from 'node:os';
import { decodeNetwork } from '../core/network/format.js';
import type { SplitName, JobTotals } from '../core/job.js';
import { loadSplits, initPhase, chunkCounter, finishRun, runModel, COUNT_ORDER, type LoadedSplits, type RunSpec, type ChunkCounter } from '../pipeline/phases.js';
import { canonicalJson, encodeInit, decodeInit, encodeChunk, decodeChunk } from '../pipeline/phase-payloads.js';
import type { CountMatrix } from '../pipeline/counts-file.js';
import { encodeRasters } from '../pipeline/rasters-file.js';
import { encodeReadout } from '../pipeline/readout-file.js';
import { countsSha256, sigmaBF } from '../sweep/record.js';
import type { ReadoutOptions } from '../core/readout/index.js';
import { dataFingerprint } from './fingerprint.js';

/** What every task carries: the run, its data fingerprint, and this worker's own folder for the dataset (nalsm worker --data), if any. */
interface TaskBase {
  spec: RunSpec;
  key: string;
  fingerprint: string;
  dataDir?: string;
}

export type ComputeTask =
  | (TaskBase & { kind: 'init' })
  | (TaskBase & { kind: 'count'; init: Uint8Array; initHash: string; split: SplitName; start: number; end: number })
  | (TaskBase & { kind: 'finish'; init: Uint8Array; chunks: Uint8Array[]; name: string; artifacts: string; command: string; readout: ReadoutOptions });

export type ComputeResult =
  | { kind: 'init'; bytes: Uint8Array; seconds: number }
  | { kind: 'count'; bytes: Uint8Array }
  | { kind: 'finish'; json: Record<string, unknown>; rasters: Uint8Array; readout: Uint8Array; sigmaBF: number | null; countsSha256: string };

const loadedCache = new Map<string, { loaded: LoadedSplits; fingerprint: string }>();
let counterCache: { hash: string; counter: ChunkCounter } | null = null;

function dataFor(spec: RunSpec, fingerprint: string, ownDir: string | undefined): LoadedSplits {
  const dataDir = ownDir ?? spec.dataDir;
  const k = canonicalJson({ dataset: spec.dataset, dataDir, sizes: spec.sizes });
  let d = loadedCache.get(k);
  if (!d) {
    const loaded = loadSplits({ ...spec, dataDir }, () => {});
    // results name the sweep's data folder, as a local run's do: the fingerprint says the data are the same
    if (ownDir !== undefined && 'dir' in loaded.encoding) loaded.encoding = { ...loaded.encoding, dir: spec.dataDir };
    d = { loaded, fingerprint: dataFingerprint(loaded) };
    if (loadedCache.size > 2) loadedCache.clear();
    loadedCache.set(k, d);
  }
  if (d.fingerprint !== fingerprint)
    throw new Error(`the ${spec.dataset} data on worker ${hostname()}${dataDir ? ` (${dataDir})` : ''} differ from the sweep's: fingerprint ${d.fingerprint.slice(0, 12)}…, the job expects ${fingerprint.slice(0, 12)}…`);
  return d.loaded;
}

export function compute(t: ComputeTask): ComputeResult {
  const loaded = dataFor(t.spec, t.fingerprint, t.dataDir);
  if (t.kind === 'init') {
    const init = initPhase(t.spec, loaded);
    return { kind: 'init', bytes: encodeInit(init, t.key), seconds: init.initSeconds };
  }
  if (t.kind === 'count') {
    if (counterCache?.hash !== t.initHash) {
      const init = decodeInit(t.init, t.key, `init payload ${t.initHash}`);
      counterCache = { hash: t.initHash, counter: chunkCounter(init.network, init.weights, runModel(t.spec), t.spec.seed, loaded.NX, t.spec.backend) };
    }
    const t0 = performance.now();
    const { counts, totals } = counterCache.counter.count(loaded.data[t.split], { split: t.split, start: t.start, end: t.end });
    return { kind: 'count', bytes: encodeChunk({ split: t.split, start: t.start, end: t.end, counts, totals, seconds: (performance.now() - t0) / 1000 }, t.key) };
  }
  const init = decodeInit(t.init, t.key, `init payload of ${t.name}`);
  const NL = t.spec.dims[0] * t.spec.dims[1] * t.spec.dims[2];
  const counts = {} as Record<SplitName, CountMatrix>;
  for (const s of COUNT_ORDER) counts[s] = { counts: new Uint16Array(loaded.data[s].n * NL), labels: loaded.labels[s], n: loaded.data[s].n };
  const totals: JobTotals = { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 };
  const filled = { train: 0, val: 0, test: 0 };
  let spikeSeconds = 0;
  for (const [i, b] of t.chunks.entries()) {
    const c = decodeChunk(b, t.key, `count chunk ${i} of ${t.name}`);
    counts[c.split].counts.set(c.counts, c.start * NL);
    filled[c.split] += c.end - c.start;
    for (const k of Object.keys(totals) as Array<keyof JobTotals>) totals[k] += c.totals[k];
    spikeSeconds += c.seconds;
  }
  for (const s of COUNT_ORDER) if (filled[s] !== loaded.data[s].n) throw new Error(`${t.name}: count chunks cover ${filled[s]} of ${loaded.data[s].n} ${s} samples`);
  const done = finishRun(t.spec, loaded, {
    name: t.name,
    artifacts: t.artifacts,
    network: init.network,
    weights: init.weights,
    init,
    counts,
    totals,
    spikeSeconds,
    // seconds are compute seconds: phase A, the chunks summed over workers, the readout
    workers: 'queue',
    t0: performance.now() - 1000 * (init.initSeconds + spikeSeconds),
    command: t.command,
    readout: t.readout,
  });
  const net = decodeNetwork(init.network, `${t.name} network`);
  return {
    kind: 'finish',
    json: done.json,
    rasters: encodeRasters(done.rasters),
    // the meta of a local run's readout.bin; the coordinator adds the run's id and name
    readout: encodeReadout(NL, done.readout, counts.train, { model: t.spec.model, dataset: t.spec.dataset, seed: t.spec.seed }),
    sigmaBF: sigmaBF(net, done.rasters),
    countsSha256: countsSha256(counts),
  };
}
