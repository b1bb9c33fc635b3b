// Phase A, liquid initialisation (spec §6.1): from maximal weights, present random training
// images as 20 ms snapshots with STDP on, carrying W and the trace from one snapshot to the
// next (V, R, Δ and the astrocyte are reset per snapshot). The result is W_INI.
import { Rng } from '../rng.js';
import { ImageEncoder } from '../encode/bernoulli.js';
import { PulseBuffer } from '../encode/pulses.js';
import { emptyStats, type PlasticityConfig } from '../sim/simulator.js';
import type { SimulatorLike } from '../sim/types.js';
import { TIMING } from '../params.js';
import type { SplitData } from '../job.js';
import { eventSample, eventsToPulses, snapshotWindow } from '../encode/events.js';

export interface PhaseAOptions {
  snapshots: number;
  steps?: number;
  seed: number;
  plasticity: PlasticityConfig;
  /** called every `every` snapshots with the number done */
  onProgress?: (done: number) => void;
  every?: number;
}

/** Per-snapshot monitors, for the convergence plots: spikes and the astrocyte's final A. */
export interface PhaseATrace {
  liquidSpikes: Int32Array;
  inputSpikes: Int32Array;
  astroA: Float32Array;
  image: Int32Array;
}

/** Runs phase A in place on `sim` (its working weights become W_INI, committed as the start point). */
export function runPhaseA(sim: SimulatorLike, train: SplitData, opts: PhaseAOptions): PhaseATrace {
  const steps = opts.steps ?? TIMING.snapshotMs;
  const n = opts.snapshots;
  const encoder = train.kind === 'events' ? null : new ImageEncoder(train.pixels);
  const pulses = new PulseBuffer(steps);
  const stats = emptyStats();
  const trace: PhaseATrace = {
    liquidSpikes: new Int32Array(n),
    inputSpikes: new Int32Array(n),
    astroA: new Float32Array(n),
    image: new Int32Array(n),
  };
  sim.resetTrace();
  // every training image once per pass, in a seeded random order (sample_random_inputs)
  let order = new Rng(opts.seed, 'phase-a', 'order', 0).permutation(train.n);
  const every = opts.every ?? 1000;
  for (let k = 0; k < n; k++) {
    const pass = Math.floor(k / train.n);
    if (k > 0 && k % train.n === 0) order = new Rng(opts.seed, 'phase-a', 'order', pass).permutation(train.n);
    const img = order[k % train.n];
    const rng = new Rng(opts.seed, 'phase-a', k);
    // images: `steps` ms of Bernoulli pulses; events: a random 20 ms window in 1..297 ms (spec §3.3)
    if (train.kind === 'events') eventsToPulses(eventSample(train.set, img), { ...snapshotWindow(rng), steps }, pulses);
    else encoder!.encode(train.images, img, train.R, steps, rng, pulses);
    sim.runPlastic(pulses, opts.plasticity, null, stats);
    trace.liquidSpikes[k] = stats.liquidSpikes;
    trace.inputSpikes[k] = stats.inputSpikes;
    trace.astroA[k] = stats.astroA;
    trace.image[k] = img;
    if (opts.onProgress && (k + 1) % every === 0) opts.onProgress(k + 1);
  }
  sim.commitWeights();
  return trace;
}
