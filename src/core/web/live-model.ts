// A model of a web export, ready to run single samples: the simulator with the model's start
// weights, the job runner the pipeline's workers use (same pulses, same plasticity per sample),
// and the readout. The page's worker and the Node check both run samples through this, so the
// page computes what `nalsm run` computed for the same network, weights, seed and sample index.
import { compileNetwork, weightsToIds } from '../sim/compiled.js';
import { createSimulator, simulatorBackend, type SimBackend, type SimulatorLike } from '../sim/types.js';
import { Raster } from '../sim/simulator.js';
import { uniformWeights } from '../network/weights.js';
import { JobRunner, type SplitImages } from '../job.js';
import { LearningRates } from '../plasticity/learning-rates.js';
import { branchingFactor, liquidAdjacency, type Adjacency } from '../analysis/branching.js';
import { TIMING } from '../params.js';
import type { ModelSpec } from '../models.js';
import type { WebExport, WebModel } from './export-format.js';
import { classifyCounts, type Classification } from './classify.js';
import { ChunkRaster, type SpikeChunk } from './chunk-raster.js';

export interface LiveOptions {
  backend?: SimBackend;
  /** baseline LSM: liquid weight instead of the run's (the readout was trained at the run's weight) */
  liquidWeight?: number;
  /** NALSM: w_astro while the sample runs, instead of the run's (W_INI stays the run's) */
  astroW?: number;
  /** keys the pulse streams (seed, 'pulses', 'test', index) and the astrocyte mask; default the run's seed */
  inputSeed?: number;
}

export interface LiveSample {
  counts: Int32Array;
  classification: Classification;
  /** every spike: step (1..249) and global neuron (liquid 0..NL−1, input NL..NL+NX−1) */
  raster: { t: Int32Array; n: Int32Array };
  /** liquid spikes counted, and input spikes recorded (0 when the raster was not recorded) */
  spikes: { liquid: number; input: number };
  /** NALSM: the astrocyte's rate A after each step (length = steps); empty for other models */
  astro: Float64Array;
  /** σ_BF of this sample (spec §8.2), NaN when no spike qualified */
  sigmaBF: number;
}

export class LiveModel {
  readonly sim: SimulatorLike;
  readonly spec: ModelSpec;
  readonly seed: number;
  readonly steps = TIMING.sampleMs;
  /** the pipeline's job runner: pulses and per-sample plasticity exactly as nalsm run's workers */
  readonly runner: JobRunner;
  private readonly adjacency: Adjacency;
  private readonly rasterBuf = new Raster();

  constructor(
    readonly exp: WebExport,
    readonly model: WebModel,
    opts: LiveOptions = {},
  ) {
    const net = exp.network;
    const c = compileNetwork(net);
    this.sim = createSimulator(c, { backend: opts.backend ?? 'auto' });
    const spec: ModelSpec = { ...model.spec };
    let start = model.wini;
    if (spec.phaseA === 'none') {
      if (opts.liquidWeight !== undefined) spec.initialWeight = opts.liquidWeight;
      start = uniformWeights(net, spec.initialWeight);
    } else if (opts.liquidWeight !== undefined) throw new Error(`model ${spec.name} starts from W_INI; the liquid weight applies to the baseline LSM`);
    if (opts.astroW !== undefined) {
      if (spec.phaseB !== 'astro') throw new Error(`model ${spec.name} has no astrocyte; w_astro applies to NALSM`);
      if (!(opts.astroW >= 0 && Number.isFinite(opts.astroW))) throw new Error(`w_astro must be a non-negative number, got ${opts.astroW}`);
      spec.astroW = opts.astroW;
    }
    this.spec = spec;
    this.seed = opts.inputSeed ?? model.seed;
    if (!Number.isSafeInteger(this.seed)) throw new Error(`input seed must be an integer, got ${opts.inputSeed}`);
    this.sim.setWeights(weightsToIds(c, start!));
    this.runner = new JobRunner(this.sim, spec, this.seed, this.steps, net.NX);
    this.adjacency = liquidAdjacency(net);
  }

  get backend(): 'wasm' | 'js' {
    return simulatorBackend(this.sim);
  }

  /**
   * Image `index` of `images` (raw bytes, NX per image) encoded with normaliser R; `index` keys the
   * pulses. With `onChunk`, every `chunkSteps` steps of spikes are handed over while the sample runs.
   */
  run(images: Uint8Array, index: number, R: number, record = true, onChunk?: (c: SpikeChunk) => void, chunkSteps = 25): LiveSample {
    const NX = this.exp.network.NX;
    const data: SplitImages = { images, pixels: NX, n: images.length / NX, R };
    const raster = onChunk ? new ChunkRaster(chunkSteps, onChunk) : this.rasterBuf;
    raster.clear();
    const counts = this.runner.runSample(data, 'test', index, record || onChunk ? raster : null).slice();
    if (raster instanceof ChunkRaster) raster.finish(this.steps);
    const spikes = { t: raster.t.slice(0, raster.length), n: raster.n.slice(0, raster.length) };
    const astro = record && this.spec.phaseB === 'astro' ? this.astroSignal(spikes) : new Float64Array(0);
    const sigmaBF = record ? branchingFactor(this.adjacency, [spikes], { duration: this.steps }).sigma : NaN;
    let liquid = 0;
    for (let i = 0; i < counts.length; i++) liquid += counts[i];
    return { counts, classification: classifyCounts(this.model.readout, counts), raster: spikes, spikes: { liquid, input: record ? spikes.t.length - liquid : 0 }, astro, sigmaBF };
  }

  /** The astrocyte's A over the sample, replayed from its raster (see AstroReplay). */
  astroSignal(raster: { t: Int32Array; n: Int32Array }): Float64Array {
    return this.astroReplay().advance(raster.t, raster.n, this.steps);
  }

  astroReplay(): AstroReplay {
    return new AstroReplay(this.sim.astroMask, this.spec.astroW, this.steps);
  }
}

/**
 * The astrocyte's rate A step by step, replayed from spikes with the simulator's own LearningRates:
 * step t integrates the mask-weighted (liquid − input) spikes registered at t (raster time t).
 * Feed the spikes in time order, all at once or chunk by chunk.
 */
export class AstroReplay {
  private readonly lr: LearningRates;
  private readonly input: Float64Array;
  private t = 0;
  constructor(
    private readonly mask: Int8Array,
    astroW: number,
    steps: number,
  ) {
    this.lr = new LearningRates({ rule: 'astro', decay: true, astroW });
    this.input = new Float64Array(steps + 1);
  }

  /** Add spikes (all at steps < to) and return A after each step from the previous `to` up to `to`. */
  advance(t: ArrayLike<number>, n: ArrayLike<number>, to: number): Float64Array {
    for (let k = 0; k < t.length; k++) this.input[t[k]] += this.mask[n[k]];
    const out = new Float64Array(Math.max(0, to - this.t));
    for (let i = 0; this.t < to; this.t++, i++) {
      this.lr.endStep(this.input[this.t]);
      out[i] = this.lr.A;
    }
    return out;
  }
}
