// The fixed random liquid of Lin et al. (2025): a discrete-time LIF reservoir whose weights are
// drawn once (Gaussian, times a constant) and never trained. Its features are spike counts over T.
import { Rng } from '../rng.js';
import { applyDevice, deviceSpread, type DeviceModel } from './device.js';

export interface FixedLsmParams {
  /** names the liquid's random stream, so two liquids from one seed differ (e.g. "image", "audio") */
  name: string;
  /** input channels (image: 16×16 = 256; audio: 64) */
  inputs: number;
  /** LIF neurons in the liquid (200 in the paper) */
  neurons: number;
  /** membrane decay per step (image 0.9, audio 0.97) */
  decay: number;
  /** firing threshold (image 5.0, audio 5.3) */
  threshold: number;
  /** the constant that scales the N(0, 1) weights (image 0.07 supervised / 0.3 zero-shot, audio 0.1) */
  scale: number;
  /** every weight flows from this seed */
  seed: number;
  /** optional resistive-memory model of the weights */
  device?: DeviceModel;
}

/** A binary (or graded) input raster, time-major: x[t·inputs + i]. */
export interface InputRaster {
  steps: number;
  data: Uint8Array | Float32Array;
}

/**
 * v_t = decay · v_{t−1} · (1 − s_{t−1}) + W_in·x_t + W_rec·s_{t−1};  s_t = [v_t > threshold].
 * The membrane decays, is reset by its own spike, and sums the input and recurrent terms (no
 * self-connection). Weights are row-major by source: W_in[i·N + j], W_rec[k·N + j].
 */
export class FixedLsm {
  readonly p: FixedLsmParams;
  /** the programmed weights (ideal, or after quantisation and conductance spread) */
  readonly wIn: Float64Array;
  readonly wRec: Float64Array;
  private readonly v: Float64Array;
  private readonly cur: Float64Array;
  private readonly spiked: Int32Array;
  private readonly next: Int32Array;
  // per-read copies when the device model has read noise
  private readonly readIn: Float64Array | null;
  private readonly readRec: Float64Array | null;

  constructor(p: FixedLsmParams, weights?: { wIn: Float64Array; wRec: Float64Array }) {
    checkParams(p);
    this.p = p;
    const N = p.neurons;
    if (weights) {
      if (weights.wIn.length !== p.inputs * N) throw new RangeError(`fixed LSM: wIn has ${weights.wIn.length} entries, expected inputs × neurons = ${p.inputs * N}`);
      if (weights.wRec.length !== N * N) throw new RangeError(`fixed LSM: wRec has ${weights.wRec.length} entries, expected neurons² = ${N * N}`);
      this.wIn = Float64Array.from(weights.wIn);
      this.wRec = Float64Array.from(weights.wRec);
    } else {
      const rng = new Rng(p.seed, 'fixed-lsm', p.name, 'weights');
      this.wIn = new Float64Array(p.inputs * N);
      this.wRec = new Float64Array(N * N);
      for (let k = 0; k < this.wIn.length; k++) this.wIn[k] = p.scale * rng.normal();
      for (let k = 0; k < this.wRec.length; k++) this.wRec[k] = p.scale * rng.normal();
    }
    for (let j = 0; j < N; j++) this.wRec[j * N + j] = 0;
    if (p.device) {
      const d = p.device;
      const gmax = maxAbs(this.wIn, this.wRec);
      applyDevice(this.wIn, d, gmax, new Rng(p.seed, 'fixed-lsm', p.name, 'device', 'in'));
      applyDevice(this.wRec, d, gmax, new Rng(p.seed, 'fixed-lsm', p.name, 'device', 'rec'));
      for (let j = 0; j < N; j++) this.wRec[j * N + j] = 0;
      this.gmax = gmax;
    }
    const noisy = (p.device?.readNoise ?? 0) > 0;
    this.readIn = noisy ? new Float64Array(this.wIn.length) : null;
    this.readRec = noisy ? new Float64Array(this.wRec.length) : null;
    this.v = new Float64Array(N);
    this.cur = new Float64Array(N);
    this.spiked = new Int32Array(N);
    this.next = new Int32Array(N);
  }

  private gmax = 0;

  /**
   * Spike counts of every neuron over the raster's steps (written into `out`). `readKey` names the
   * read (e.g. split and sample index): with read noise, each read draws its own noise from
   * (seed, readKey), so features never depend on the order samples are encoded in.
   */
  encode(x: InputRaster, readKey: Array<number | string> = [], out = new Uint16Array(this.p.neurons)): Uint16Array {
    const { inputs, neurons: N, decay, threshold } = this.p;
    if (x.data.length !== x.steps * inputs) throw new RangeError(`fixed LSM: the raster holds ${x.data.length} values, expected steps × inputs = ${x.steps} × ${inputs}`);
    let wIn = this.wIn;
    let wRec = this.wRec;
    if (this.readIn && this.readRec) {
      const sigma = this.p.device!.readNoise! * this.gmax;
      const rng = new Rng(this.p.seed, 'fixed-lsm', this.p.name, 'read', ...readKey);
      for (let k = 0; k < wIn.length; k++) this.readIn[k] = wIn[k] + sigma * rng.normal();
      for (let k = 0; k < wRec.length; k++) this.readRec[k] = wRec[k] + sigma * rng.normal();
      for (let j = 0; j < N; j++) this.readRec[j * N + j] = 0;
      wIn = this.readIn;
      wRec = this.readRec;
    }
    const { v, cur } = this;
    let spiked = this.spiked;
    let next = this.next;
    let nSpiked = 0;
    v.fill(0);
    out.fill(0);
    for (let t = 0; t < x.steps; t++) {
      cur.fill(0);
      const row = t * inputs;
      for (let i = 0; i < inputs; i++) {
        const xi = x.data[row + i];
        if (xi === 0) continue;
        const o = i * N;
        for (let j = 0; j < N; j++) cur[j] += xi * wIn[o + j];
      }
      for (let s = 0; s < nSpiked; s++) {
        const o = spiked[s] * N;
        for (let j = 0; j < N; j++) cur[j] += wRec[o + j];
      }
      // reset: a neuron that spiked at t−1 starts from 0
      for (let s = 0; s < nSpiked; s++) v[spiked[s]] = 0;
      let nNext = 0;
      for (let j = 0; j < N; j++) {
        const vj = decay * v[j] + cur[j];
        v[j] = vj;
        if (vj > threshold) {
          next[nNext++] = j;
          if (out[j] < 65535) out[j]++;
        }
      }
      const tmp = spiked;
      spiked = next;
      next = tmp;
      nSpiked = nNext;
    }
    return out;
  }

  /** Counts of n rasters, row-major n × neurons; `keyOf(s)` names each read. */
  encodeAll(n: number, rasterOf: (s: number) => InputRaster, keyOf: (s: number) => Array<number | string>, onEach?: (s: number) => void): Uint16Array {
    const N = this.p.neurons;
    const all = new Uint16Array(n * N);
    for (let s = 0; s < n; s++) {
      this.encode(rasterOf(s), keyOf(s), all.subarray(s * N, (s + 1) * N));
      onEach?.(s);
    }
    return all;
  }
}

function maxAbs(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (const w of a) m = Math.max(m, Math.abs(w));
  for (const w of b) m = Math.max(m, Math.abs(w));
  return m;
}

function checkParams(p: FixedLsmParams): void {
  const bad = (what: string): never => {
    throw new RangeError(`fixed LSM parameters: ${what}`);
  };
  if (!Number.isInteger(p.inputs) || p.inputs < 1) bad(`inputs must be a positive integer, got ${p.inputs}`);
  if (!Number.isInteger(p.neurons) || p.neurons < 1) bad(`neurons must be a positive integer, got ${p.neurons}`);
  if (!(p.decay >= 0 && p.decay <= 1)) bad(`decay must be in [0, 1], got ${p.decay}`);
  if (!Number.isFinite(p.threshold)) bad(`threshold must be a number, got ${p.threshold}`);
  if (!(p.scale >= 0 && Number.isFinite(p.scale))) bad(`scale must be a non-negative number, got ${p.scale}`);
  if (!Number.isSafeInteger(p.seed) || p.seed < 0) bad(`seed must be a non-negative integer, got ${p.seed}`);
  if (p.device) deviceSpread(p.device);
}
