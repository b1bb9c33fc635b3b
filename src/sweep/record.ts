// A finished run → its sweep record: accuracy, σ_BF of the recorded rasters, and a hash of the counts,
// the same whichever machine or executor ran it.
import type { Network } from '../core/network/network.js';
import type { SplitName } from '../core/job.js';
import { branchingFactor, splitSamples } from '../core/analysis/branching.js';
import type { CountMatrix } from '../pipeline/counts-file.js';
import type { RecordedRasters } from '../pipeline/rasters-file.js';
import { COUNT_ORDER } from '../pipeline/phases.js';
import { createHash } from 'node:crypto';
import type { SweepRun } from './expand.js';
import type { RunRecord } from './summary.js';

export function countsSha256(counts: Record<SplitName, CountMatrix>): string {
  const h = createHash('sha256');
  for (const s of COUNT_ORDER) h.update(new Uint8Array(counts[s].counts.buffer, counts[s].counts.byteOffset, counts[s].counts.byteLength));
  return h.digest('hex');
}

export function sigmaBF(net: Network, r: RecordedRasters): number | null {
  const bf = branchingFactor(net, splitSamples(r.offset, r.t, r.n), { duration: r.steps });
  return Number.isFinite(bf.sigma) ? Math.round(bf.sigma * 1e6) / 1e6 : null;
}

export function baseRecord(run: SweepRun): Omit<RunRecord, 'status' | 'dataset'> {
  const NL = run.spec.dims[0] * run.spec.dims[1] * run.spec.dims[2];
  return {
    name: run.name,
    config: run.config,
    key: run.key,
    model: run.spec.model,
    neurons: NL,
    seed: run.spec.seed,
    weight: run.spec.weight,
    astroW: run.spec.astroW,
    astroDensity: run.spec.modelOptions?.astroDensity,
  };
}

export function doneRecord(run: SweepRun, json: Record<string, unknown>, counts: Record<SplitName, CountMatrix>, net: Network, rasters: RecordedRasters, results: string): RunRecord {
  const j = json as { dataset: string; accuracy: { val: number; test: number }; seconds: { total: number } };
  return { ...baseRecord(run), dataset: j.dataset, status: 'done', accuracy: j.accuracy, sigmaBF: sigmaBF(net, rasters), countsSha256: countsSha256(counts), results, seconds: j.seconds.total };
}

export function failedRecord(run: SweepRun, error: string): RunRecord {
  return { ...baseRecord(run), dataset: run.spec.dataset, status: 'failed', error };
}
