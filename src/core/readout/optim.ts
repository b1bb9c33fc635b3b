// Optimizers, one state object per parameter tensor, updating in place. The state and the update
// arithmetic are f64; a Float32Array parameter is rounded to f32 on store (as a TF1 f32 variable).
// An optional L2 coefficient adds l2*theta to the gradient (the gradient of l2 * 0.5*||theta||^2,
// i.e. the loss term, not decoupled weight decay).
//
// The wasm backend runs the same updates for W in SIMD (wasm.ts); the operations and their order
// are identical to the code here, so both give the same bits.

/** parameters and gradients: f32 (the readout's W, b) or f64 */
export type FloatArray = Float32Array | Float64Array;

export interface Optimizer {
  /** theta -= update(grad + l2*theta), element-wise over theta[0..size) */
  step(theta: FloatArray, grad: FloatArray): void;
}

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  l2?: number;
}

/**
 * TF1 Adadelta (tf.train.AdadeltaOptimizer), accumulators starting at 0:
 *   acc = rho*acc + (1-rho)*g^2
 *   upd = sqrt(accUpd + eps) / sqrt(acc + eps) * g      (computed as sqrt((accUpd+eps)/(acc+eps))*g)
 *   accUpd = rho*accUpd + (1-rho)*upd^2
 *   theta -= lr*upd
 * Defaults: lr 0.1 (the authors' value), rho 0.95, eps 1e-8, l2 0.
 */
export class Adadelta implements Optimizer {
  readonly lr: number;
  readonly rho: number;
  readonly eps: number;
  readonly l2: number;
  private readonly acc: Float64Array;
  private readonly accUpd: Float64Array;

  constructor(size: number, opts: AdadeltaOptions = {}) {
    this.lr = opts.lr ?? 0.1;
    this.rho = opts.rho ?? 0.95;
    this.eps = opts.eps ?? 1e-8;
    this.l2 = opts.l2 ?? 0;
    this.acc = new Float64Array(size);
    this.accUpd = new Float64Array(size);
  }

  step(theta: FloatArray, grad: FloatArray): void {
    const { lr, rho, eps, l2, acc, accUpd } = this;
    const r1 = 1 - rho;
    for (let k = 0; k < acc.length; k++) {
      const g = grad[k] + l2 * theta[k];
      const a = rho * acc[k] + r1 * g * g;
      acc[k] = a;
      // sqrt(accUpd + eps)/sqrt(acc + eps) as one sqrt (equal up to rounding; ~1.5x faster)
      const u = Math.sqrt((accUpd[k] + eps) / (a + eps)) * g;
      accUpd[k] = rho * accUpd[k] + r1 * u * u;
      theta[k] -= lr * u;
    }
  }
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  l2?: number;
}

/** TF1 Adam's step size at step t (1-based): lr*sqrt(1-beta2^t)/(1-beta1^t) */
export function adamStepSize(lr: number, beta1: number, beta2: number, t: number): number {
  return (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
}

/**
 * Adam in the TF1 form (tf.train.AdamOptimizer): bias correction folded into the step size,
 * eps added to sqrt(v) without correction:
 *   t += 1; lr_t = lr*sqrt(1-beta2^t)/(1-beta1^t)
 *   m = beta1*m + (1-beta1)*g;  v = beta2*v + (1-beta2)*g^2
 *   theta -= lr_t * m / (sqrt(v) + eps)
 * (the textbook form puts eps on sqrt(v_hat); the two differ only while sqrt(v) ~ eps).
 * Defaults: lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, l2 0.
 */
export class Adam implements Optimizer {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly l2: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(size: number, opts: AdamOptions = {}) {
    this.lr = opts.lr ?? 1e-3;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.l2 = opts.l2 ?? 0;
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  step(theta: FloatArray, grad: FloatArray): void {
    const { beta1, beta2, eps, l2, m, v } = this;
    this.t++;
    const lrT = adamStepSize(this.lr, beta1, beta2, this.t);
    const c1 = 1 - beta1;
    const c2 = 1 - beta2;
    for (let k = 0; k < m.length; k++) {
      const g = grad[k] + l2 * theta[k];
      const mk = beta1 * m[k] + c1 * g;
      const vk = beta2 * v[k] + c2 * g * g;
      m[k] = mk;
      v[k] = vk;
      theta[k] -= (lrT * mk) / (Math.sqrt(vk) + eps);
    }
  }
}
