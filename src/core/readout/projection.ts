// One modality's projection head of the contrastive readout: e = normalise(GELU(x W + b)).
// W is din × dout row-major, initialised as PyTorch's nn.Linear (U(±1/√din) for W and b).
// A plain linear head (e = x W + b, no GELU, no normalisation) is the episode-trained prototypical
// baseline's (their nn.Linear backbone); retrieval normalises its embeddings (l2Normalise).
import { Rng } from '../rng.js';
import { gelu, geluGrad } from './gelu.js';

export class ProjectionHead {
  readonly W: Float64Array;
  readonly b: Float64Array;
  readonly gW: Float64Array;
  readonly gb: Float64Array;

  constructor(
    readonly din: number,
    readonly dout: number,
    rng: Rng,
    /** 'gelu-normalised' (the contrastive head) or 'linear' */
    readonly kind: HeadKind = 'gelu-normalised',
  ) {
    if (!Number.isInteger(din) || din < 1 || !Number.isInteger(dout) || dout < 1) throw new RangeError(`projection head: dimensions must be positive integers, got ${din} → ${dout}`);
    const bound = 1 / Math.sqrt(din);
    this.W = new Float64Array(din * dout);
    this.b = new Float64Array(dout);
    for (let k = 0; k < this.W.length; k++) this.W[k] = bound * (2 * rng.nextDouble() - 1);
    for (let k = 0; k < dout; k++) this.b[k] = bound * (2 * rng.nextDouble() - 1);
    this.gW = new Float64Array(din * dout);
    this.gb = new Float64Array(dout);
  }

  /** Forward pass of n rows; keeps what backward needs. Returns the L2-normalised embeddings (n × dout). */
  forward(X: ArrayLike<number>, n: number): ProjectionPass {
    const { din, dout, W, b } = this;
    if (X.length < n * din) throw new RangeError(`projection head: ${X.length} inputs for ${n} rows of ${din}`);
    const Z = new Float64Array(n * dout);
    const E = new Float64Array(n * dout);
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const zi = i * dout;
      for (let c = 0; c < dout; c++) Z[zi + c] = b[c];
      const xi = i * din;
      for (let k = 0; k < din; k++) {
        const x = X[xi + k];
        if (x === 0) continue;
        const wk = k * dout;
        for (let c = 0; c < dout; c++) Z[zi + c] += x * W[wk + c];
      }
      if (this.kind === 'linear') {
        for (let c = 0; c < dout; c++) E[zi + c] = Z[zi + c];
        norms[i] = 1;
        continue;
      }
      let s = 0;
      for (let c = 0; c < dout; c++) {
        const h = gelu(Z[zi + c]);
        E[zi + c] = h;
        s += h * h;
      }
      // as F.normalize: divide by max(‖h‖, 1e-12)
      const nrm = Math.max(Math.sqrt(s), 1e-12);
      norms[i] = nrm;
      for (let c = 0; c < dout; c++) E[zi + c] /= nrm;
    }
    return { X, n, Z, E, norms };
  }

  /** Accumulates into gW, gb the gradient of a loss whose gradient w.r.t. the embeddings is dE. */
  backward(pass: ProjectionPass, dE: Float64Array): void {
    const { din, dout, gW, gb } = this;
    const { X, n, Z, E, norms } = pass;
    const dz = new Float64Array(dout);
    for (let i = 0; i < n; i++) {
      const zi = i * dout;
      if (this.kind === 'linear') {
        for (let c = 0; c < dout; c++) {
          dz[c] = dE[zi + c];
          gb[c] += dz[c];
        }
        accumulate(X, i * din, din, dout, dz, gW);
        continue;
      }
      // e = h/‖h‖ → dh = (dE − e (e·dE)) / ‖h‖ (the clamp's branch has zero gradient w.r.t. ‖h‖)
      let dot = 0;
      for (let c = 0; c < dout; c++) dot += E[zi + c] * dE[zi + c];
      const clamped = norms[i] <= 1e-12;
      for (let c = 0; c < dout; c++) {
        const dh = clamped ? dE[zi + c] / norms[i] : (dE[zi + c] - E[zi + c] * dot) / norms[i];
        dz[c] = dh * geluGrad(Z[zi + c]);
        gb[c] += dz[c];
      }
      accumulate(X, i * din, din, dout, dz, gW);
    }
  }

  zeroGrad(): void {
    this.gW.fill(0);
    this.gb.fill(0);
  }

  /** L2-normalised embeddings of n rows, for retrieval (no gradient bookkeeping kept by the caller). */
  embed(X: ArrayLike<number>, n: number): Float64Array {
    const E = this.forward(X, n).E;
    return this.kind === 'linear' ? l2Normalise(E, n, this.dout) : E;
  }
}

export type HeadKind = 'gelu-normalised' | 'linear';

/** gW += x_i ⊗ dz (row i of X starts at xi). */
function accumulate(X: ArrayLike<number>, xi: number, din: number, dout: number, dz: Float64Array, gW: Float64Array): void {
  for (let k = 0; k < din; k++) {
    const x = X[xi + k];
    if (x === 0) continue;
    const wk = k * dout;
    for (let c = 0; c < dout; c++) gW[wk + c] += x * dz[c];
  }
}

/** Rows of E (n × d) scaled to unit length in place (as F.normalize), returned. */
export function l2Normalise(E: Float64Array, n: number, d: number): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += E[i * d + c] * E[i * d + c];
    const nrm = Math.max(Math.sqrt(s), 1e-12);
    for (let c = 0; c < d; c++) E[i * d + c] /= nrm;
  }
  return E;
}

export interface ProjectionPass {
  X: ArrayLike<number>;
  n: number;
  Z: Float64Array;
  E: Float64Array;
  norms: Float64Array;
}
