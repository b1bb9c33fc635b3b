// A small multilayer perceptron readout (regression or classification), trained with the library's
// Adam on minibatches. Layers: inputs → hidden… → outputs; hidden activations tanh or ReLU, a
// linear output; loss 'mse' (mean over rows and outputs of (ŷ − y)²) or 'softmax-cross-entropy'
// (mean over rows of −Σ y·log softmax(ŷ), y a probability row, e.g. one-hot). Weights Glorot-uniform
// and biases zero, drawn from (seed, 'mlp', 'init'); each epoch's row order from (seed, 'mlp', epoch).
// Gradients are by hand (backpropagation); the tests check them against finite differences.
import { Rng } from '../rng.js';
import { Adam } from './optim.js';

export type MlpActivation = 'tanh' | 'relu';
export type MlpLoss = 'mse' | 'softmax-cross-entropy';

export interface MlpOptions {
  /** hidden layer widths: [16, 16] is a 3-layer MLP (three weight layers) */
  hidden: number[];
  activation: MlpActivation;
  loss: MlpLoss;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
}

export const DEFAULT_MLP: MlpOptions = { hidden: [16, 16], activation: 'tanh', loss: 'mse', epochs: 20, batchSize: 50, lr: 1e-3, seed: 1 };

export class Mlp {
  readonly sizes: number[];
  readonly params: Float64Array;
  /** offsets of W_l (sizes[l] × sizes[l+1], row-major by input) and b_l in params */
  private readonly wOff: number[] = [];
  private readonly bOff: number[] = [];
  private readonly acts: Float64Array[];
  private readonly deltas: Float64Array[];

  constructor(sizes: number[], readonly activation: MlpActivation = 'tanh', readonly loss: MlpLoss = 'mse') {
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.slice(1).some((s) => s < 1))
      throw new RangeError(`mlp: layer sizes must be integers (inputs ≥ 0, others ≥ 1), got ${sizes.join(',')}`);
    this.sizes = sizes;
    let o = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.wOff.push(o);
      o += sizes[l] * sizes[l + 1];
      this.bOff.push(o);
      o += sizes[l + 1];
    }
    this.params = new Float64Array(o);
    this.acts = sizes.map((s) => new Float64Array(s));
    this.deltas = sizes.map((s) => new Float64Array(s));
  }

  get layers(): number {
    return this.sizes.length - 1;
  }

  /** Glorot-uniform weights U(±sqrt(6/(fan_in + fan_out))), zero biases. */
  init(rng: Rng): this {
    this.params.fill(0);
    for (let l = 0; l < this.layers; l++) {
      const a = this.sizes[l], b = this.sizes[l + 1];
      const lim = Math.sqrt(6 / (a + b));
      for (let k = 0; k < a * b; k++) this.params[this.wOff[l] + k] = lim * (2 * rng.nextDouble() - 1);
    }
    return this;
  }

  /** Forward one row x (length sizes[0]); returns the output layer (a live buffer). */
  forward(x: ArrayLike<number>, xOff = 0): Float64Array {
    const P = this.params;
    const a0 = this.acts[0];
    for (let i = 0; i < a0.length; i++) a0[i] = x[xOff + i];
    for (let l = 0; l < this.layers; l++) {
      const inp = this.acts[l], out = this.acts[l + 1];
      const nIn = inp.length, nOut = out.length, w = this.wOff[l], b = this.bOff[l];
      for (let j = 0; j < nOut; j++) out[j] = P[b + j];
      for (let i = 0; i < nIn; i++) {
        const v = inp[i];
        if (v === 0) continue;
        const r = w + i * nOut;
        for (let j = 0; j < nOut; j++) out[j] += v * P[r + j];
      }
      if (l + 1 < this.layers) {
        if (this.activation === 'tanh') for (let j = 0; j < nOut; j++) out[j] = Math.tanh(out[j]);
        else for (let j = 0; j < nOut; j++) if (out[j] < 0) out[j] = 0;
      }
    }
    return this.acts[this.layers];
  }

  /** The loss of one output row against target row y. */
  private rowLoss(out: Float64Array, y: ArrayLike<number>, yOff: number, delta: Float64Array | null, scale: number): number {
    const q = out.length;
    if (this.loss === 'mse') {
      let s = 0;
      for (let c = 0; c < q; c++) {
        const d = out[c] - y[yOff + c];
        s += d * d;
        if (delta) delta[c] = (2 * d * scale) / q;
      }
      return s / q;
    }
    let mx = -Infinity;
    for (let c = 0; c < q; c++) mx = Math.max(mx, out[c]);
    let z = 0;
    for (let c = 0; c < q; c++) z += Math.exp(out[c] - mx);
    const lz = Math.log(z) + mx;
    let s = 0;
    for (let c = 0; c < q; c++) {
      s -= y[yOff + c] * (out[c] - lz);
      if (delta) delta[c] = (Math.exp(out[c] - lz) * sumRow(y, yOff, q) - y[yOff + c]) * scale;
    }
    return s;
  }

  /**
   * Mean loss over the rows `rows` of X (rows × sizes[0]) against Y (rows × outputs); with `grad`,
   * adds the gradient of that mean loss to grad (zero it first).
   */
  lossAndGradient(X: ArrayLike<number>, Y: ArrayLike<number>, rows: ArrayLike<number>, grad: Float64Array | null): number {
    const f = this.sizes[0], q = this.sizes[this.layers];
    const P = this.params;
    const scale = 1 / rows.length;
    let total = 0;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      const out = this.forward(X, r * f);
      total += this.rowLoss(out, Y, r * q, grad ? this.deltas[this.layers] : null, scale);
      if (!grad) continue;
      for (let l = this.layers - 1; l >= 0; l--) {
        const inp = this.acts[l], dOut = this.deltas[l + 1], dIn = this.deltas[l];
        const nIn = inp.length, nOut = dOut.length, w = this.wOff[l], b = this.bOff[l];
        for (let j = 0; j < nOut; j++) grad[b + j] += dOut[j];
        for (let i = 0; i < nIn; i++) {
          const v = inp[i];
          const r0 = w + i * nOut;
          let s = 0;
          for (let j = 0; j < nOut; j++) {
            grad[r0 + j] += v * dOut[j];
            s += P[r0 + j] * dOut[j];
          }
          // back through the previous layer's activation (not needed for the input layer)
          if (l > 0) dIn[i] = this.activation === 'tanh' ? s * (1 - v * v) : v > 0 ? s : 0;
        }
      }
    }
    return total * scale;
  }

  /** Outputs for n rows of X: n × outputs. */
  predict(X: ArrayLike<number>, n: number): Float64Array {
    const f = this.sizes[0], q = this.sizes[this.layers];
    const out = new Float64Array(n * q);
    for (let r = 0; r < n; r++) out.set(this.forward(X, r * f), r * q);
    return out;
  }
}

function sumRow(y: ArrayLike<number>, o: number, q: number): number {
  let s = 0;
  for (let c = 0; c < q; c++) s += y[o + c];
  return s;
}

export interface MlpTraining {
  mlp: Mlp;
  /**
   * the training loss as a training log reports it: [0] the mean loss over all rows before
   * training, [e] the mean of the minibatch losses during epoch e (weighted by batch size)
   */
  trainLoss: number[];
}

/** Train on n rows of X (n × f) and Y (n × q) with Adam on shuffled minibatches. */
export function trainMlp(X: ArrayLike<number>, f: number, Y: ArrayLike<number>, q: number, n: number, opts: Partial<MlpOptions> = {}, onEpoch?: (epoch: number, loss: number) => void): MlpTraining {
  const o = { ...DEFAULT_MLP, ...opts };
  if (!Number.isInteger(o.epochs) || o.epochs < 0) throw new RangeError(`mlp: epochs must be a non-negative integer, got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new RangeError(`mlp: batchSize must be a positive integer, got ${o.batchSize}`);
  if (!(o.lr > 0)) throw new RangeError(`mlp: lr must be > 0, got ${o.lr}`);
  const mlp = new Mlp([f, ...o.hidden, q], o.activation, o.loss).init(new Rng(o.seed, 'mlp', 'init'));
  const adam = new Adam(mlp.params.length, { lr: o.lr });
  const grad = new Float64Array(mlp.params.length);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const trainLoss = [mlp.lossAndGradient(X, Y, all, null)];
  for (let e = 1; e <= o.epochs; e++) {
    const order = new Rng(o.seed, 'mlp', e).permutation(n);
    let sum = 0;
    for (let s = 0; s < n; s += o.batchSize) {
      grad.fill(0);
      const rows = order.subarray(s, Math.min(n, s + o.batchSize));
      sum += mlp.lossAndGradient(X, Y, rows, grad) * rows.length;
      adam.step(mlp.params, grad);
    }
    trainLoss.push(sum / n);
    onEpoch?.(e, trainLoss[e]);
  }
  return { mlp, trainLoss };
}

/** Standardise columns in place with the mean and sd of rows [0, nFit) (sd 0 → 1). */
export function standardizeColumns(X: Float64Array, f: number, nFit: number): { mean: Float64Array; sd: Float64Array } {
  const n = f === 0 ? 0 : X.length / f;
  const mean = new Float64Array(f);
  const sd = new Float64Array(f);
  for (let r = 0; r < nFit; r++) for (let a = 0; a < f; a++) mean[a] += X[r * f + a];
  for (let a = 0; a < f; a++) mean[a] /= nFit;
  for (let r = 0; r < nFit; r++) for (let a = 0; a < f; a++) sd[a] += (X[r * f + a] - mean[a]) ** 2;
  for (let a = 0; a < f; a++) sd[a] = Math.sqrt(sd[a] / nFit) || 1;
  for (let r = 0; r < n; r++) for (let a = 0; a < f; a++) X[r * f + a] = (X[r * f + a] - mean[a]) / sd[a];
  return { mean, sd };
}
