// Noisy MNIST images for the generalisation property AP (spec §8.3, `assemble_data_w_NOISE`):
// add N(0, σ = 125) to every raw 0–255 pixel (σ is a standard deviation), independently per pixel,
// and clip to [0, 255]; the usual encoding (p = x/Σx/R, with the noisy set's own R) follows.
// The encoder reads 8-bit pixels, so noisy values are rounded to the nearest integer: at most half
// a grey level from the original's float pixels. Each image has its own stream keyed by
// (seed, "noise", split, index), so a noisy image never depends on which images came before it.
import { Rng } from '../rng.js';

/** The original's noise level for MNIST and Fashion-MNIST. */
export const MNIST_NOISE_SIGMA = 125;

export interface NoiseOptions {
  /** standard deviation in grey levels [125] */
  sigma?: number;
  seed: number;
  /** name of the split, part of the stream key ["test"] */
  split?: string;
  /** index of the first image in its split (for subsets) [0] */
  firstIndex?: number;
}

/** Write image `index` of `images` (pixels per image) with noise into out[outOffset ..]. */
export function noisyImage(images: Uint8Array, pixels: number, index: number, rng: Rng, sigma: number, out: Uint8Array, outOffset = 0): void {
  const o = index * pixels;
  for (let k = 0; k < pixels; k++) {
    const v = Math.round(images[o + k] + sigma * rng.normal());
    out[outOffset + k] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

/** A noisy copy of a whole image set (n × pixels bytes). */
export function addPixelNoise(images: Uint8Array, pixels: number, o: NoiseOptions): Uint8Array {
  const sigma = o.sigma ?? MNIST_NOISE_SIGMA;
  if (!(sigma >= 0 && Number.isFinite(sigma))) throw new Error(`noise sigma must be a non-negative number, got ${sigma}`);
  const n = images.length / pixels;
  if (!Number.isInteger(n)) throw new Error(`noise: ${images.length} bytes is not a whole number of ${pixels}-pixel images`);
  const out = new Uint8Array(images.length);
  const split = o.split ?? 'test';
  const first = o.firstIndex ?? 0;
  for (let s = 0; s < n; s++) noisyImage(images, pixels, s, new Rng(o.seed, 'noise', split, first + s), sigma, out, s * pixels);
  return out;
}
