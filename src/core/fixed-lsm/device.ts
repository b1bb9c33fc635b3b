// A resistive-memory model of the liquid's weights (Lin et al. store them as RRAM conductances):
// quantisation to k levels, a programming spread fixed per device, and noise on every read.
// All three are relative to g_max, the largest |w| of the ideal weights.
import type { Rng } from '../rng.js';

export interface DeviceModel {
  /** conductance levels spanning [−g_max, g_max] (0: no quantisation); 2 or more */
  levels?: number;
  /** σ of the programming error (fixed per device), relative to g_max */
  spread?: number;
  /** σ of the read noise (new for every read: every sample), relative to g_max */
  readNoise?: number;
}

/** Validates a device model and returns its spread σ (0 if none). */
export function deviceSpread(d: DeviceModel): number {
  const bad = (what: string): never => {
    throw new RangeError(`device model: ${what}`);
  };
  if (d.levels !== undefined && d.levels !== 0 && (!Number.isInteger(d.levels) || d.levels < 2)) bad(`levels must be 0 (off) or an integer ≥ 2, got ${d.levels}`);
  if (d.spread !== undefined && !(d.spread >= 0 && Number.isFinite(d.spread))) bad(`spread must be a non-negative number, got ${d.spread}`);
  if (d.readNoise !== undefined && !(d.readNoise >= 0 && Number.isFinite(d.readNoise))) bad(`readNoise must be a non-negative number, got ${d.readNoise}`);
  return d.spread ?? 0;
}

/** Nearest of k evenly spaced levels on [−g_max, g_max]. */
export function quantise(w: number, levels: number, gmax: number): number {
  if (gmax === 0) return 0;
  const step = (2 * gmax) / (levels - 1);
  const q = Math.round((Math.min(gmax, Math.max(-gmax, w)) + gmax) / step);
  return q * step - gmax;
}

/** In place: quantise, then add the programming spread (one draw per weight, from `rng`). */
export function applyDevice(w: Float64Array, d: DeviceModel, gmax: number, rng: Rng): void {
  const levels = d.levels ?? 0;
  const sigma = deviceSpread(d) * gmax;
  for (let k = 0; k < w.length; k++) {
    let g = levels >= 2 ? quantise(w[k], levels, gmax) : w[k];
    if (sigma > 0) g += sigma * rng.normal();
    w[k] = g;
  }
}
