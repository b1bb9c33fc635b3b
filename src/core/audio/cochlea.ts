// A 64-channel cochlear front end in the spirit of the silicon cochlea behind N-TIDIGITS (CochLP):
// a bank of band-pass filters (log-spaced centres, each a cascade of RBJ biquads), half-wave
// rectification, and one integrate-and-fire neuron per channel that emits an event each time the
// rectified output's integral crosses its threshold. Channel 0 is the lowest centre frequency.
// It is a model for SYNTHETIC data, not a reproduction of the chip.
import { Rng } from '../rng.js';
import type { AudioEvents } from '../fixed-lsm/rasters.js';

export interface CochleaParams {
  channels: number;
  /** centre of the lowest and highest channel, Hz (log-spaced between) */
  fLow: number;
  fHigh: number;
  /** quality factor of each biquad */
  q: number;
  /** biquads in cascade per channel */
  stages: number;
  /** integrate-and-fire threshold, in (unit-RMS input) · seconds */
  threshold: number;
  /** dead time after an event, ms */
  refractoryMs: number;
  /** relative σ of the per-channel threshold mismatch (fixed from the seed) */
  mismatch: number;
}

export const COCHLEA_DEFAULTS: Readonly<CochleaParams> = Object.freeze({
  channels: 64,
  fLow: 100,
  fHigh: 8000,
  q: 4,
  stages: 2,
  threshold: 0.002,
  refractoryMs: 1,
  mismatch: 0.1,
});

/** Centre frequencies, Hz, log-spaced from fLow to fHigh. */
export function centreFrequencies(p: Pick<CochleaParams, 'channels' | 'fLow' | 'fHigh'>): Float64Array {
  const f = new Float64Array(p.channels);
  for (let c = 0; c < p.channels; c++) f[c] = p.fLow * Math.pow(p.fHigh / p.fLow, p.channels > 1 ? c / (p.channels - 1) : 0);
  return f;
}

export class Cochlea {
  readonly p: CochleaParams;
  readonly centres: Float64Array;
  private readonly thresholds: Float64Array;

  constructor(
    readonly sampleRate: number,
    seed: number,
    params: Partial<CochleaParams> = {},
  ) {
    const p: CochleaParams = { ...COCHLEA_DEFAULTS, ...params };
    const bad = (what: string): never => {
      throw new RangeError(`cochlea: ${what}`);
    };
    if (!(sampleRate > 0)) bad(`sample rate must be positive, got ${sampleRate}`);
    if (!Number.isInteger(p.channels) || p.channels < 1 || p.channels > 256) bad(`channels must be an integer 1..256, got ${p.channels}`);
    if (!(p.fLow > 0 && p.fHigh >= p.fLow && p.fHigh < sampleRate / 2)) bad(`need 0 < fLow ≤ fHigh < sampleRate/2 (${sampleRate / 2} Hz), got ${p.fLow}, ${p.fHigh}`);
    if (!(p.q > 0) || !Number.isInteger(p.stages) || p.stages < 1) bad('q must be positive and stages a positive integer');
    if (!(p.threshold > 0) || !(p.refractoryMs >= 0) || !(p.mismatch >= 0 && p.mismatch < 0.5)) bad('threshold > 0, refractoryMs ≥ 0 and 0 ≤ mismatch < 0.5 are required');
    this.p = p;
    this.centres = centreFrequencies(p);
    const rng = new Rng(seed, 'cochlea', 'mismatch');
    this.thresholds = new Float64Array(p.channels);
    for (let c = 0; c < p.channels; c++) this.thresholds[c] = p.threshold * Math.max(0.25, 1 + p.mismatch * rng.normal());
  }

  /**
   * Events of one waveform (normalised to unit RMS first, so the level of a recording does not
   * matter), sorted by time, then channel.
   */
  events(signal: Float32Array | Float64Array): AudioEvents {
    const { p, sampleRate: fs } = this;
    let ss = 0;
    for (const v of signal) ss += v * v;
    const rms = Math.sqrt(ss / Math.max(1, signal.length));
    const gain = rms > 0 ? 1 / rms : 0;
    const dt = 1 / fs;
    const refr = Math.round((p.refractoryMs / 1000) * fs);
    const times: number[] = [];
    const chans: number[] = [];
    const y = new Float64Array(signal.length);
    for (let c = 0; c < p.channels; c++) {
      for (let k = 0; k < signal.length; k++) y[k] = signal[k] * gain;
      // RBJ band-pass, constant 0 dB peak gain: b = [α, 0, −α], a = [1 + α, −2 cos w0, 1 − α]
      const w0 = (2 * Math.PI * this.centres[c]) / fs;
      const alpha = Math.sin(w0) / (2 * p.q);
      const a0 = 1 + alpha;
      const b0 = alpha / a0;
      const a1 = (-2 * Math.cos(w0)) / a0;
      const a2 = (1 - alpha) / a0;
      for (let s = 0; s < p.stages; s++) {
        let x1 = 0;
        let x2 = 0;
        let y1 = 0;
        let y2 = 0;
        for (let k = 0; k < y.length; k++) {
          const x0 = y[k];
          const out = b0 * x0 - b0 * x2 - a1 * y1 - a2 * y2;
          x2 = x1;
          x1 = x0;
          y2 = y1;
          y1 = out;
          y[k] = out;
        }
      }
      const th = this.thresholds[c];
      let acc = 0;
      let dead = 0;
      for (let k = 0; k < y.length; k++) {
        if (dead > 0) {
          dead--;
          continue;
        }
        if (y[k] > 0) acc += y[k] * dt;
        if (acc >= th) {
          times.push(k * dt);
          chans.push(c);
          acc -= th;
          dead = refr;
        }
      }
    }
    const order = times.map((_, i) => i).sort((i, j) => times[i] - times[j] || chans[i] - chans[j]);
    const n = order.length;
    const out: AudioEvents = { n, channel: new Uint8Array(n), tSec: new Float64Array(n) };
    order.forEach((i, r) => {
      out.channel[r] = chans[i];
      out.tSec[r] = times[i];
    });
    return out;
  }
}

/** A pure tone (for tests and calibration). */
export function tone(freq: number, seconds: number, sampleRate: number, amplitude = 1): Float64Array {
  const n = Math.round(seconds * sampleRate);
  const s = new Float64Array(n);
  for (let k = 0; k < n; k++) s[k] = amplitude * Math.sin((2 * Math.PI * freq * k) / sampleRate);
  return s;
}
