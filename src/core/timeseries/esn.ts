// The echo state network baseline: a leaky tanh rate reservoir,
//   x[t] = (1 − a)·x[t−1] + a·tanh(W·x[t−1] + W_in·u[t] + b),
// with a sparse random W rescaled to a target spectral radius, read out by ridge regression on x.
// The spectral radius is measured, not assumed: Gelfand's formula ρ = lim ‖Wᵏv‖^{1/k}, as the mean
// log growth of a normalised power iteration (valid when the leading eigenvalues are a complex pair).
import { Rng } from '../rng.js';
import type { DrivenReservoir } from '../astro-units/reservoir.js';

export interface EsnParams {
  units: number;
  /** connection probability of W */
  density: number;
  spectralRadius: number;
  leak: number;
  /** W_in ~ U(−inputScale, inputScale), dense */
  inputScale: number;
  /** b ~ U(−biasScale, biasScale) */
  biasScale: number;
}

export const DEFAULT_ESN: Omit<EsnParams, 'units'> = { density: 0.1, spectralRadius: 0.9, leak: 0.3, inputScale: 0.5, biasScale: 0.2 };

interface Csr {
  rowStart: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

function matVec(W: Csr, x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = W.rowStart[i]; k < W.rowStart[i + 1]; k++) s += W.val[k] * x[W.col[k]];
    out[i] = s;
  }
}

/** ρ(W) by Gelfand's formula: the mean log growth of ‖Wᵏv‖ over `iters` steps after `burn`. */
export function spectralRadius(W: Csr, n: number, rng: Rng, iters = 400, burn = 100): number {
  if (n === 0 || W.val.length === 0) return 0;
  let v = new Float64Array(n);
  let w = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  let logSum = 0;
  for (let k = 0; k < burn + iters; k++) {
    matVec(W, v, w);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let i = 0; i < n; i++) w[i] /= norm;
    if (k >= burn) logSum += Math.log(norm);
    [v, w] = [w, v];
  }
  return Math.exp(logSum / iters);
}

export class EchoStateNetwork implements DrivenReservoir {
  readonly size: number;
  readonly x: Float64Array;
  private readonly pre: Float64Array;
  private readonly W: Csr;
  private readonly inW: Float64Array;
  private readonly bias: Float64Array;
  /** the measured spectral radius before rescaling */
  readonly rawRadius: number;
  readonly synapses: number;

  constructor(readonly params: EsnParams, readonly seed: number) {
    const { units: n, density, spectralRadius: rho, inputScale, biasScale } = params;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`esn: units must be a non-negative integer, got ${n}`);
    if (!(density >= 0 && density <= 1)) throw new RangeError(`esn: density must be in [0, 1], got ${density}`);
    this.size = n;
    this.x = new Float64Array(n);
    this.pre = new Float64Array(n);
    const rw = new Rng(seed, 'esn', 'W');
    const rowStart = new Int32Array(n + 1);
    const col: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) if (rw.next() < density) {
        col.push(j);
        val.push(rw.normal());
      }
      rowStart[i + 1] = col.length;
    }
    this.W = { rowStart, col: Int32Array.from(col), val: Float64Array.from(val) };
    this.synapses = col.length;
    this.rawRadius = spectralRadius(this.W, n, new Rng(seed, 'esn', 'radius'));
    if (this.rawRadius > 0) for (let k = 0; k < this.W.val.length; k++) this.W.val[k] *= rho / this.rawRadius;
    const ri = new Rng(seed, 'esn', 'input');
    this.inW = new Float64Array(n * 3);
    for (let k = 0; k < n * 3; k++) this.inW[k] = inputScale * (2 * ri.nextDouble() - 1);
    const rb = new Rng(seed, 'esn', 'bias');
    this.bias = new Float64Array(n);
    for (let k = 0; k < n; k++) this.bias[k] = biasScale * (2 * rb.nextDouble() - 1);
  }

  step(u: ArrayLike<number>): void {
    const { x, pre, inW, bias } = this;
    const a = this.params.leak;
    matVec(this.W, x, pre);
    for (let i = 0; i < this.size; i++) {
      const z = pre[i] + inW[i * 3] * u[0] + inW[i * 3 + 1] * u[1] + inW[i * 3 + 2] * u[2] + bias[i];
      x[i] = (1 - a) * x[i] + a * Math.tanh(z);
    }
  }

  features(): Float64Array {
    return this.x;
  }

  snapshot(): Float64Array[] {
    return [Float64Array.from(this.x)];
  }

  restore(s: Float64Array[]): void {
    this.x.set(s[0]);
  }
}
