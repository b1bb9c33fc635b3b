// The prediction protocol (issue 21): the Lorenz series, each component normalised with the mean
// and sd of the training part, cut into washout, training and test parts in that order. At step t
// the reservoir sees u[t]; the target for horizon k is u[t + k].
import { lorenzSeries, LORENZ_DEFAULTS } from './lorenz.js';

export interface Protocol {
  washout: number;
  train: number;
  test: number;
  horizons: number[];
  dt: number;
  /** steps of the Lorenz transient dropped before step 0 */
  drop: number;
  /** largest Lyapunov exponent of the system, for valid prediction times */
  lyapunov: number;
}

export const LORENZ_PROTOCOL: Protocol = { washout: 500, train: 5000, test: 2000, horizons: [1, 10], dt: LORENZ_DEFAULTS.dt, drop: LORENZ_DEFAULTS.drop, lyapunov: 0.906 };

export interface ProtocolData {
  /** normalised series, (washout + train + test + max horizon) × 3 */
  u: Float64Array;
  length: number;
  /** the training part's per-component mean and sd (the normalisation) */
  mean: [number, number, number];
  sd: [number, number, number];
}

export function validateProtocol(p: Protocol): void {
  for (const k of ['washout', 'train', 'test'] as const)
    if (!Number.isInteger(p[k]) || p[k] < (k === 'washout' ? 0 : 2)) throw new RangeError(`protocol: ${k} must be an integer ≥ ${k === 'washout' ? 0 : 2}, got ${p[k]}`);
  if (p.horizons.length === 0 || p.horizons.some((h) => !Number.isInteger(h) || h < 1 || h > 10000)) throw new RangeError(`protocol: horizons must be integers in 1..10000, got ${p.horizons.join(',')}`);
}

export function protocolData(p: Protocol = LORENZ_PROTOCOL): ProtocolData {
  validateProtocol(p);
  const length = p.washout + p.train + p.test + Math.max(...p.horizons);
  const raw = lorenzSeries(length, { dt: p.dt, drop: p.drop });
  const mean: [number, number, number] = [0, 0, 0];
  const sd: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let t = p.washout; t < p.washout + p.train; t++) s += raw[t * 3 + c];
    const m = s / p.train;
    let v = 0;
    for (let t = p.washout; t < p.washout + p.train; t++) v += (raw[t * 3 + c] - m) ** 2;
    mean[c] = m;
    sd[c] = Math.sqrt(v / p.train);
  }
  const u = new Float64Array(raw.length);
  for (let t = 0; t < length; t++) for (let c = 0; c < 3; c++) u[t * 3 + c] = (raw[t * 3 + c] - mean[c]) / sd[c];
  return { u, length, mean, sd };
}

/** Targets u[t + k] for t in [from, from + n), n × 3. */
export function horizonTargets(u: Float64Array, from: number, n: number, k: number): Float64Array {
  return u.slice((from + k) * 3, (from + k + n) * 3);
}
