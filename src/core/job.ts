// The unit of parallel work: "simulate samples start..end of a split with network N from
// weights W and seed S → per-sample liquid spike counts". A worker thread today and a job
// queue across machines later run exactly this; a sample's pulses depend only on
// (seed, split, sample index), so the counts never depend on who ran the job.
import { Rng } from './rng.js';
import { ImageEncoder } from './encode/bernoulli.js';
import { PulseBuffer } from './encode/pulses.js';
import { eventSample, eventsToPulses, type EventSet } from './encode/events.js';
import { emptyStats, type Raster } from './sim/simulator.js';
import type { SimulatorLike } from './sim/types.js';
import type { ModelSpec } from './models.js';
import { astroMask } from './plasticity/astro-mask.js';

export type SplitName = 'train' | 'val' | 'test';

/** An image split as the simulator needs it: raw pixels and the split's normaliser R. */
export interface SplitImages {
  kind?: 'images';
  images: Uint8Array;
  pixels: number;
  n: number;
  /** spec §3.1: max of x/Σx over the reference set (all training images for train and val; the test set for test) */
  R: number;
}

/** An event split (N-MNIST-style): binned events per sample, pulsed as they are (spec §3.2). */
export interface SplitEvents {
  kind: 'events';
  set: EventSet;
  n: number;
}

export type SplitData = SplitImages | SplitEvents;

export interface SampleJob {
  split: SplitName;
  start: number;
  end: number;
}

export interface JobTotals {
  liquidSpikes: number;
  inputSpikes: number;
  synapticEvents: number;
  stdpUpdates: number;
}

/** Everything a job runner keeps between jobs: the simulator (with W_INI loaded) and scratch buffers. */
export class JobRunner {
  private readonly encoder: ImageEncoder;
  private readonly pulses: PulseBuffer;
  private readonly stats = emptyStats();

  constructor(
    readonly sim: SimulatorLike,
    readonly model: ModelSpec,
    readonly seed: number,
    readonly steps: number,
    pixels: number,
  ) {
    this.encoder = new ImageEncoder(pixels);
    sim.astroMask.set(astroMask(sim.c.NL, sim.c.NX, model.astroDensity, seed));
    this.pulses = new PulseBuffer(steps);
  }

  /** Pulses of one sample: events as recorded, or Bernoulli draws from its own stream keyed by (seed, split, index). */
  pulsesFor(data: SplitData, split: SplitName, index: number): PulseBuffer {
    if (data.kind === 'events') return eventsToPulses(eventSample(data.set, index), { from: 0, steps: this.steps }, this.pulses);
    const rng = new Rng(this.seed, 'pulses', split, index);
    return this.encoder.encode(data.images, index, data.R, this.steps, rng, this.pulses);
  }

  /** Simulate one sample; counts are in sim.counts afterwards. */
  runSample(data: SplitData, split: SplitName, index: number, raster: Raster | null = null): Int32Array {
    const p = this.pulsesFor(data, split, index);
    const { sim, model } = this;
    if (model.phaseB === 'static' || index % model.plasticEvery !== 0) return sim.runStatic(p, raster, this.stats);
    // every plastic sample starts again from W_INI (spec §6.2) with a zero trace (the fixture's convention)
    sim.restoreWeights();
    sim.resetTrace();
    const rule = model.phaseB === 'astro' ? 'astro' : 'stdp';
    // W (and with it rowSum) is restored before the next sample: skip the rowSum upkeep
    const counts = sim.runPlastic(p, { rule, decay: true, astroW: model.astroW, keepRowSums: false }, raster, this.stats);
    // static samples that follow read the working weights: put W_INI back
    if (model.plasticEvery > 1) sim.restoreWeights();
    return counts;
  }

  /** Run a job; counts are written row by row into `out` ((end − start) × NL, saturating at 65535). */
  run(data: SplitData, job: SampleJob, out: Uint16Array, totals: JobTotals): void {
    const NL = this.sim.c.NL;
    if (job.start < 0 || job.end > data.n || job.start > job.end)
      throw new Error(`job ${job.split} ${job.start}..${job.end} is outside 0..${data.n}`);
    if (out.length < (job.end - job.start) * NL) throw new Error('job output buffer too small');
    for (let s = job.start; s < job.end; s++) {
      const counts = this.runSample(data, job.split, s);
      const o = (s - job.start) * NL;
      for (let i = 0; i < NL; i++) out[o + i] = counts[i] > 65535 ? 65535 : counts[i];
      totals.liquidSpikes += this.stats.liquidSpikes;
      totals.inputSpikes += this.stats.inputSpikes;
      totals.synapticEvents += this.stats.synapticEvents;
      totals.stdpUpdates += this.stats.stdpUpdates;
    }
  }
}
