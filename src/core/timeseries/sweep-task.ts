// The unit of parallel work of an N:A sweep: one (N, A, seed) network of astro-units, or one ESN of
// a given size and seed, run through the prediction protocol. Its numbers depend on the task and
// the configuration only, so a sweep gives the same results whatever the number of workers.
import { astroParams, type AstroReservoirParams } from '../astro-units/params.js';
import { generateAstroNetwork } from '../astro-units/network.js';
import { AstroReservoir } from '../astro-units/reservoir.js';
import { EchoStateNetwork, type EsnParams } from './esn.js';
import { runPrediction, type PredictionResult, type ReadoutSettings } from './experiment.js';
import type { Protocol, ProtocolData } from './protocol.js';

export const YANG_LABEL = 'after Yang et al. 2025; parameters ours';

export interface SweepConfig {
  params: Omit<AstroReservoirParams, 'N' | 'A'>;
  esn: Omit<EsnParams, 'units'>;
  protocol: Protocol;
  readouts: ReadoutSettings;
}

export interface SweepTask {
  kind: 'astro' | 'esn';
  N: number;
  A: number;
  seed: number;
}

export interface TaskResult extends PredictionResult {
  kind: 'astro' | 'esn';
  N: number;
  A: number;
  seed: number;
  /** spikes per unit per step over the teacher-forced run and the free run, per population */
  spikeRate: { N: number | null; A: number | null } | null;
  synapses: number;
  seconds: number;
}

export function runSweepTask(cfg: SweepConfig, data: ProtocolData, task: SweepTask): TaskResult {
  const t0 = performance.now();
  if (task.kind === 'esn') {
    const esn = new EchoStateNetwork({ ...cfg.esn, units: task.N + task.A }, task.seed);
    const r = runPrediction(esn, data, cfg.protocol, cfg.readouts, task.seed);
    return { ...task, ...r, spikeRate: null, synapses: esn.synapses, seconds: (performance.now() - t0) / 1000 };
  }
  const net = generateAstroNetwork(astroParams(task.N, task.A, cfg.params), task.seed);
  const res = new AstroReservoir(net);
  const r = runPrediction(res, data, cfg.protocol, cfg.readouts, task.seed);
  const rate = (spikes: number, n: number): number | null => (n > 0 && res.steps > 0 ? spikes / n / res.steps : null);
  const spikeRate = { N: rate(res.spikesN, task.N), A: cfg.params.astroOutput === 'spikes' ? rate(res.spikesA, task.A) : null };
  return { ...task, ...r, spikeRate, synapses: net.pre.length, seconds: (performance.now() - t0) / 1000 };
}
