// Rate encoding of images (spec §3.1): p = (x / Σx) / R, with R the largest x/Σx over the
// split's reference set (all 60k training images for train and validation, the test set for
// test); each step an input pulses with probability p (U < p, i.e. 100·ceil(p − U)).
import type { Rng } from '../rng.js';
import { PulseBuffer } from './pulses.js';
import { WasmBernoulli } from './bernoulli-wasm.js';

/** Largest per-image L1-normalised pixel value over a set of images (the spec's R). */
export function maxNormalisedPixel(images: Uint8Array, pixels: number): number {
  let best = 0;
  const n = images.length / pixels;
  for (let s = 0; s < n; s++) {
    let sum = 0;
    let mx = 0;
    const o = s * pixels;
    for (let k = 0; k < pixels; k++) {
      const v = images[o + k];
      sum += v;
      if (v > mx) mx = v;
    }
    if (sum > 0 && mx / sum > best) best = mx / sum;
  }
  return best;
}

/** Sparse per-image firing probabilities: the non-zero pixels of each image and their p. */
export interface ImageRates {
  n: number;
  pixels: number;
  /** entries of image s: [offset[s], offset[s+1]) */
  offset: Int32Array;
  index: Int32Array;
  p: Float64Array;
}

export function imageRates(images: Uint8Array, pixels: number, R: number, source = 'images'): ImageRates {
  if (!(R > 0)) throw new Error(`${source}: the normaliser R must be positive, got ${R}`);
  const n = images.length / pixels;
  if (!Number.isInteger(n)) throw new Error(`${source}: ${images.length} bytes is not a whole number of ${pixels}-pixel images`);
  let nnz = 0;
  for (let k = 0; k < images.length; k++) if (images[k] !== 0) nnz++;
  const offset = new Int32Array(n + 1);
  const index = new Int32Array(nnz);
  const p = new Float64Array(nnz);
  let m = 0;
  for (let s = 0; s < n; s++) {
    const o = s * pixels;
    let sum = 0;
    for (let k = 0; k < pixels; k++) sum += images[o + k];
    if (sum === 0) throw new Error(`${source}: image ${s} is blank (all pixels 0); the encoding divides by the pixel sum`);
    for (let k = 0; k < pixels; k++) {
      const v = images[o + k];
      if (v === 0) continue;
      index[m] = k;
      p[m] = Math.min(1, v / sum / R);
      m++;
    }
    offset[s + 1] = m;
  }
  return { n, pixels, offset, index, p };
}

/**
 * U < p with U = u/2^32 (rng.next()) is u < ceil(p·2^32) for the integer u: the same draws
 * compared in integers, so a step's m uniforms come from one fillU32 call.
 */
function threshold(p: number): number {
  return Math.ceil(p * 4294967296);
}

/** `steps` ms of pulses: input index[q] pulses when its draw is below thr[q], q < m, drawn in (step, q) order */
export function drawPulses(index: Int32Array, thr: Float64Array, m: number, steps: number, rng: Rng, u: Uint32Array, out: PulseBuffer): PulseBuffer {
  out.reset(steps);
  let e = 0;
  for (let t = 0; t < steps; t++) {
    out.start[t] = e;
    rng.fillU32(u, m);
    for (let q = 0; q < m; q++) if (u[q] < thr[q]) out.push(e++, index[q]);
  }
  out.start[steps] = e;
  return out;
}

/** Draw one sample's Bernoulli pulses for `steps` ms into `out`. */
export function encodeBernoulli(rates: ImageRates, sample: number, steps: number, rng: Rng, out: PulseBuffer): PulseBuffer {
  const a = rates.offset[sample];
  const m = rates.offset[sample + 1] - a;
  const thr = new Float64Array(m);
  for (let q = 0; q < m; q++) thr[q] = threshold(rates.p[a + q]);
  const index = rates.index.subarray(a, a + m);
  const w = sharedWasm();
  return w !== null ? w.draw(index, thr, m, steps, rng, out) : drawPulses(index, thr, m, steps, rng, new Uint32Array(m), out);
}

let shared: WasmBernoulli | null | undefined;

/** One wasm drawer for encodeBernoulli's calls (an instance and its memory per call would cost more than the draws) */
function sharedWasm(): WasmBernoulli | null {
  if (shared === undefined) shared = WasmBernoulli.create();
  return shared;
}

/** Reusable scratch for encoding one image at a time. */
export class ImageEncoder {
  private readonly index: Int32Array;
  private readonly thr: Float64Array;
  private readonly u: Uint32Array;
  private readonly wasm: WasmBernoulli | null;
  /** backend 'js' keeps the draws in JS (the same pulses; for tests and engines without wasm) */
  constructor(
    readonly pixels: number,
    backend: 'auto' | 'js' = 'auto',
  ) {
    this.index = new Int32Array(pixels);
    this.thr = new Float64Array(pixels);
    this.u = new Uint32Array(pixels);
    this.wasm = backend === 'js' ? null : WasmBernoulli.create();
  }

  /**
   * Draw the Bernoulli pulses of image `sample` of `images` (raw 0..255, `pixels` per image),
   * normalised by R, for `steps` ms.
   */
  encode(images: Uint8Array, sample: number, R: number, steps: number, rng: Rng, out: PulseBuffer): PulseBuffer {
    const { pixels, index, thr } = this;
    const o = sample * pixels;
    let sum = 0;
    for (let k = 0; k < pixels; k++) sum += images[o + k];
    if (sum === 0) throw new Error(`image ${sample} is blank (all pixels 0); the encoding divides by the pixel sum`);
    let m = 0;
    for (let k = 0; k < pixels; k++) {
      const v = images[o + k];
      if (v === 0) continue;
      index[m] = k;
      thr[m++] = threshold(Math.min(1, v / sum / R));
    }
    if (this.wasm !== null) return this.wasm.draw(index, thr, m, steps, rng, out);
    return drawPulses(index, thr, m, steps, rng, this.u, out);
  }
}
