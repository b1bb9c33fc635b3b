// The reservoir's dynamics in discrete time, as snnTorch defines its units (one step = one input
// sample). For unit i at step t, with the recurrent input from the previous step's outputs:
//   I[t]   = Σ_j W_ji·out_j[t−1] + W_in,i·u[t] + bias_i
//   neuron (Leaky):       U[t] = β_N·U[t−1] + I[t] − S[t−1]·θ
//   astrocyte (Synaptic): I_syn[t] = α·I_syn[t−1] + I[t];  U[t] = β_A·U[t−1] + I_syn[t] − S[t−1]·θ
//   S[t] = 1 if U[t] > θ (reset by subtraction at the next step)
// An astrocyte with astroOutput 'graded' never resets and sends clamp(U/θ, 0, 1) instead of S.
// The readout features are the membrane potentials U[t] of all units.
import { INPUT_DIM, type AstroNetwork } from './network.js';

/** The state a regression experiment drives: one input vector per step, features read after it. */
export interface DrivenReservoir {
  readonly size: number;
  step(u: ArrayLike<number>): void;
  /** the feature vector after the last step (a live view: copy it to keep it) */
  features(): Float64Array;
  snapshot(): Float64Array[];
  restore(s: Float64Array[]): void;
}

export class AstroReservoir implements DrivenReservoir {
  readonly size: number;
  readonly U: Float64Array;
  readonly Isyn: Float64Array;
  /** each unit's output at the last step: a spike (0/1) or a graded astrocyte output */
  readonly out: Float64Array;
  private readonly cur: Float64Array;
  private readonly rowStart: Int32Array;
  /** spikes emitted so far, per population */
  spikesN = 0;
  spikesA = 0;
  steps = 0;

  constructor(readonly net: AstroNetwork) {
    const n = net.params.N + net.params.A;
    this.size = n;
    this.U = new Float64Array(n);
    this.Isyn = new Float64Array(n);
    this.out = new Float64Array(n);
    this.cur = new Float64Array(n);
    this.rowStart = new Int32Array(n + 1);
    for (let k = 0; k < net.pre.length; k++) this.rowStart[net.pre[k] + 1]++;
    for (let i = 0; i < n; i++) this.rowStart[i + 1] += this.rowStart[i];
  }

  step(u: ArrayLike<number>): void {
    const { size: n, U, Isyn, out, cur, rowStart } = this;
    const { post, weight, inW, bias } = this.net;
    const { N, betaN, betaA, alphaA, threshold: th, astroOutput } = this.net.params;
    const graded = astroOutput === 'graded';
    cur.set(bias);
    // recurrent input from the previous step's outputs (event-driven: silent units cost nothing)
    for (let j = 0; j < n; j++) {
      const o = out[j];
      if (o === 0) continue;
      for (let k = rowStart[j]; k < rowStart[j + 1]; k++) cur[post[k]] += weight[k] * o;
    }
    const u0 = u[0], u1 = u[1], u2 = u[2];
    for (let i = 0; i < n; i++) {
      const r = i * INPUT_DIM;
      const I = cur[i] + inW[r] * u0 + inW[r + 1] * u1 + inW[r + 2] * u2;
      if (i < N) {
        const v = betaN * U[i] + I - (out[i] > 0 ? th : 0);
        U[i] = v;
        out[i] = v > th ? 1 : 0;
        this.spikesN += out[i];
      } else {
        const s = alphaA * Isyn[i] + I;
        Isyn[i] = s;
        if (graded) {
          const v = betaA * U[i] + s;
          U[i] = v;
          out[i] = v <= 0 ? 0 : v >= th ? 1 : v / th;
        } else {
          const v = betaA * U[i] + s - (out[i] > 0 ? th : 0);
          U[i] = v;
          out[i] = v > th ? 1 : 0;
          this.spikesA += out[i];
        }
      }
    }
    this.steps++;
  }

  features(): Float64Array {
    return this.U;
  }

  snapshot(): Float64Array[] {
    return [Float64Array.from(this.U), Float64Array.from(this.Isyn), Float64Array.from(this.out)];
  }

  restore(s: Float64Array[]): void {
    this.U.set(s[0]);
    this.Isyn.set(s[1]);
    this.out.set(s[2]);
  }
}
