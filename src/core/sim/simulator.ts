// The simulator: clock-driven 1 ms neuron updates, event-driven spike propagation over
// CSR synapses, no allocation inside the time loop. Follows spec §2.2 exactly:
//   1 register spikes (R ≤ 0 and V ≥ 20)   2 reset V to 0   3 count
//   5 Δ ← 0 for spikers                     6 V ← V + Σ W·e^{−Δ} + Iext − V/64
//   7 Δ ← Δ + 1                             8 refractory counter
//   9 STDP  10 trace  11 astrocyte  12 decays
//
// The synaptic term Σ_j W_ij·e^{−Δ_j} is kept as a running current I_i: every step it decays by
// e^{−1} (item 7); when j spikes its old residue W·e^{−Δ_old} is replaced, i.e. I_i += W·(1 − e^{−Δ_old});
// when STDP changes W_ij by δ, I_i moves by δ·e^{−Δ_j} (collected in J and added after the V update,
// which must not see it). Spikes of step t+1 are registered in the same sweep that finishes step t.
import { NEURON, STDP, ASTRO } from '../params.js';
import type { Pulses } from '../encode/pulses.js';
import type { CompiledNetwork } from './compiled.js';

const EK_MAX = 1023;
/** e^{−k}: Δ is an integer number of steps */
const EK = (() => {
  const t = new Float64Array(EK_MAX + 1);
  for (let k = 0; k <= EK_MAX; k++) t[k] = Math.exp(-k);
  return t;
})();
const E1 = EK[1];

export interface PlasticityConfig {
  /** 'astro': depression at the astrocyte's rate A (NALSM); 'stdp': depression = potentiation = A+ */
  rule: 'astro' | 'stdp';
  /** spike-count phase: A+, A, w, b decay by lrDecay after every step; phase-A snapshots: no decay */
  decay: boolean;
  aPlus?: number;
  lrDecay?: number;
  /** astrocyte weight w_astro (0.015 for 1,000 neurons) */
  astroW?: number;
  astroTau?: number;
  astroBiasOffset?: number;
}

export interface SampleStats {
  liquidSpikes: number;
  inputSpikes: number;
  /** synaptic events: Σ over spikes of the spiking neuron's out-degree */
  synapticEvents: number;
  /** weight updates attempted by STDP (synapses touched) */
  stdpUpdates: number;
  /** astrocyte state at the end of the sample or snapshot */
  astroA: number;
  aPlus: number;
}

/** Optional per-spike recording: every spike as (t, global neuron index). */
export class Raster {
  t: Int32Array;
  n: Int32Array;
  length = 0;
  constructor(capacity = 1 << 14) {
    this.t = new Int32Array(capacity);
    this.n = new Int32Array(capacity);
  }
  clear(): void {
    this.length = 0;
  }
  push(t: number, n: number): void {
    if (this.length === this.t.length) {
      const t2 = new Int32Array(this.t.length * 2);
      const n2 = new Int32Array(this.t.length * 2);
      t2.set(this.t);
      n2.set(this.n);
      this.t = t2;
      this.n = n2;
    }
    this.t[this.length] = t;
    this.n[this.length++] = n;
  }
}

export class Simulator {
  readonly c: CompiledNetwork;
  /** working weights, by synapse id */
  readonly W: Float64Array;
  /** per-post Σ_j W_ij, kept current so a sample can start with the e^{−20} residues */
  private readonly rowSum: Float64Array;
  /** weights and row sums that runSample restores in the spike-count phase */
  private readonly W0: Float64Array;
  private readonly rowSum0: Float64Array;

  readonly V: Float64Array;
  readonly trace: Float64Array;
  /** liquid spike counts of the last sample */
  readonly counts: Int32Array;
  /** astrocyte mask: +1 liquid, −1 input, 0 not connected to the astrocyte */
  readonly astroMask: Int8Array;
  private readonly I: Float64Array;
  private readonly J: Float64Array;
  private readonly R: Int32Array;
  private readonly last: Int32Array;
  private readonly ext: Float64Array;
  private spk: Int32Array;
  private spkNext: Int32Array;
  private fac: Float64Array;
  private facNext: Float64Array;
  private readonly activeInputs: Int32Array;
  private readonly inputMark: Uint8Array;

  constructor(c: CompiledNetwork) {
    this.c = c;
    const { N, NL, NX, S } = c;
    this.W = new Float64Array(S);
    this.W0 = new Float64Array(S);
    this.rowSum = new Float64Array(NL);
    this.rowSum0 = new Float64Array(NL);
    this.V = new Float64Array(N);
    this.trace = new Float64Array(N);
    this.counts = new Int32Array(NL);
    this.astroMask = new Int8Array(N);
    this.astroMask.fill(1, 0, NL);
    this.astroMask.fill(-1, NL, N);
    this.I = new Float64Array(NL);
    this.J = new Float64Array(NL);
    this.R = new Int32Array(N);
    this.last = new Int32Array(N);
    this.ext = new Float64Array(NX);
    this.spk = new Int32Array(N);
    this.spkNext = new Int32Array(N);
    this.fac = new Float64Array(N);
    this.facNext = new Float64Array(N);
    this.activeInputs = new Int32Array(NX);
    this.inputMark = new Uint8Array(NX);
  }

  /** Set the weights every sample starts from (synapse-id order); also the working weights. */
  setWeights(W: Float64Array): void {
    if (W.length !== this.c.S) throw new Error(`expected ${this.c.S} weights, got ${W.length}`);
    this.W0.set(W);
    this.W.set(W);
    const { NL, inStart, inSyn } = this.c;
    for (let i = 0; i < NL; i++) {
      let s = 0;
      for (let q = inStart[i]; q < inStart[i + 1]; q++) s += W[inSyn[q]];
      this.rowSum0[i] = s;
    }
    this.rowSum.set(this.rowSum0);
  }

  /** Make the working weights the new starting point (e.g. after phase A). */
  commitWeights(): void {
    this.W0.set(this.W);
    this.rowSum0.set(this.rowSum);
  }

  /** Restore the working weights to the starting point. */
  restoreWeights(): void {
    this.W.set(this.W0);
    this.rowSum.set(this.rowSum0);
  }

  resetTrace(): void {
    this.trace.fill(0);
  }

  /** Reset V, R, Δ and the running current; collect the inputs this sample can touch. */
  private resetState(p: Pulses, includeTracedInputs: boolean): number {
    const { NL, NX } = this.c;
    this.V.fill(0);
    this.R.fill(0);
    this.last.fill(-NEURON.deltaInit);
    this.counts.fill(0);
    this.J.fill(0);
    const e20 = EK[NEURON.deltaInit];
    for (let i = 0; i < NL; i++) this.I[i] = e20 * this.rowSum[i];
    // only inputs that receive a pulse (or still carry a trace) can change state
    const mark = this.inputMark;
    mark.fill(0);
    const end = p.start[p.steps];
    for (let k = 0; k < end; k++) {
      const x = p.input[k];
      if (x < 0 || x >= NX) throw new Error(`pulse input ${x} is outside 0..${NX - 1}`);
      mark[x] = 1;
    }
    if (includeTracedInputs) for (let x = 0; x < NX; x++) if (this.trace[NL + x] !== 0) mark[x] = 1;
    let m = 0;
    for (let x = 0; x < NX; x++) if (mark[x]) this.activeInputs[m++] = NL + x;
    return m;
  }

  /**
   * One sample with static weights (baseline LSM). Counts land in `this.counts`.
   * The working weights are used as they are.
   */
  runStatic(p: Pulses, raster: Raster | null = null, stats?: SampleStats): Int32Array {
    const { NL, outStart, outPost } = this.c;
    const T = p.steps;
    const nActive = this.resetState(p, false);
    const { W, V, I, R, last, ext, counts, activeInputs } = this;
    const pStart = p.start;
    const pInput = p.input;
    let spk = this.spk;
    let spkNext = this.spkNext;
    let fac = this.fac;
    let facNext = this.facNext;
    let nSpk = 0;
    let liquidSpikes = 0;
    let inputSpikes = 0;
    let events = 0;
    const inv = 1 / NEURON.tauV;
    const theta = NEURON.threshold;
    const rfr = NEURON.refractory;
    const cur = NEURON.inputCurrent;
    for (let t = 0; t < T; t++) {
      // item 5: spikes of step t act on their targets in this step
      for (let s = 0; s < nSpk; s++) {
        const j = spk[s];
        const f = fac[s];
        const a = outStart[j];
        const b = outStart[j + 1];
        events += b - a;
        for (let k = a; k < b; k++) I[outPost[k]] += W[k] * f;
      }
      for (let k = pStart[t]; k < pStart[t + 1]; k++) ext[pInput[k]] = cur;
      // items 6–8 for step t, then items 1–3 for step t+1
      let nNext = 0;
      const tn = t + 1;
      const countNext = tn < T;
      for (let i = 0; i < NL; i++) {
        let v = V[i];
        v = v + I[i] - v * inv;
        I[i] *= E1;
        const r = last[i] === t ? rfr : R[i] - 1;
        R[i] = r;
        if (r <= 0 && v >= theta) {
          let d = tn - last[i];
          if (d > EK_MAX) d = EK_MAX;
          facNext[nNext] = 1 - EK[d];
          spkNext[nNext++] = i;
          last[i] = tn;
          v = 0;
          if (countNext) {
            counts[i]++;
            liquidSpikes++;
            if (raster !== null) raster.push(tn, i);
          }
        }
        V[i] = v;
      }
      for (let a = 0; a < nActive; a++) {
        const n = activeInputs[a];
        const x = n - NL;
        let v = V[n];
        v = v + ext[x] - v * inv;
        ext[x] = 0;
        const r = last[n] === t ? rfr : R[n] - 1;
        R[n] = r;
        if (r <= 0 && v >= theta) {
          let d = tn - last[n];
          if (d > EK_MAX) d = EK_MAX;
          facNext[nNext] = 1 - EK[d];
          spkNext[nNext++] = n;
          last[n] = tn;
          v = 0;
          if (countNext) {
            inputSpikes++;
            if (raster !== null) raster.push(tn, n);
          }
        }
        V[n] = v;
      }
      const ts = spk;
      spk = spkNext;
      spkNext = ts;
      const tf = fac;
      fac = facNext;
      facNext = tf;
      nSpk = countNext ? nNext : 0;
    }
    this.spk = spk;
    this.spkNext = spkNext;
    this.fac = fac;
    this.facNext = facNext;
    if (stats) {
      stats.liquidSpikes = liquidSpikes;
      stats.inputSpikes = inputSpikes;
      stats.synapticEvents = events;
      stats.stdpUpdates = 0;
      stats.astroA = 0;
      stats.aPlus = 0;
    }
    return counts;
  }

  /**
   * One sample (spike-count phase, cfg.decay true) or one snapshot (phase A, decay false)
   * with STDP on every input→liquid and liquid→liquid synapse. The working weights carry
   * over between calls: call restoreWeights() first for an independent sample.
   * The trace also carries over (spec §4.1); call resetTrace() to zero it.
   */
  runPlastic(p: Pulses, cfg: PlasticityConfig, raster: Raster | null = null, stats?: SampleStats): Int32Array {
    const { NL, NE, outStart, outPost, inStart, inPre, inSyn } = this.c;
    const T = p.steps;
    const nActive = this.resetState(p, true);
    const { W, V, I, J, R, last, ext, counts, activeInputs, trace, rowSum, astroMask } = this;
    const pStart = p.start;
    const pInput = p.input;
    let spk = this.spk;
    let spkNext = this.spkNext;
    let fac = this.fac;
    let facNext = this.facNext;
    let nSpk = 0;
    let liquidSpikes = 0;
    let inputSpikes = 0;
    let events = 0;
    let updates = 0;
    const inv = 1 / NEURON.tauV;
    const theta = NEURON.threshold;
    const rfr = NEURON.refractory;
    const cur = NEURON.inputCurrent;
    const traceA = STDP.a;
    const traceD = STDP.d;
    const wMax = STDP.maxWeight;
    const astro = cfg.rule === 'astro';
    const decay = cfg.decay;
    const lrDecay = cfg.lrDecay ?? STDP.lrDecay;
    const tau = cfg.astroTau ?? ASTRO.tau;
    let aPlus = cfg.aPlus ?? STDP.aPlus;
    let A = aPlus;
    let wA = cfg.astroW ?? ASTRO.w1000;
    let bA = aPlus * (1 + (cfg.astroBiasOffset ?? ASTRO.biasOffset));
    let astroNow = 0;
    for (let t = 0; t < T; t++) {
      const dep = astro ? A : aPlus;
      // items 5 + 9 (depression and the pre-term of spikers), fused in one sweep of each spiker's out-synapses;
      // both STDP terms use the old W and are clipped once
      for (let s = 0; s < nSpk; s++) {
        const j = spk[s];
        const f = fac[s];
        let lp: number, ld: number, lo: number, hi: number;
        if (j < NE) {
          lp = aPlus; ld = -dep; lo = 0; hi = wMax;
        } else if (j < NL) {
          lp = -dep; ld = aPlus; lo = -wMax; hi = 0;
        } else {
          lp = aPlus; ld = -dep; lo = -wMax; hi = wMax;
        }
        const lpt = lp * trace[j];
        const a = outStart[j];
        const b = outStart[j + 1];
        events += b - a;
        updates += b - a;
        for (let k = a; k < b; k++) {
          const i = outPost[k];
          const w = W[k];
          I[i] += w * f;
          const dw = (last[i] === t ? lpt : 0) + ld * trace[i];
          let nw = w + dw;
          if (nw < lo) nw = lo;
          else if (nw > hi) nw = hi;
          if (nw !== w) {
            W[k] = nw;
            const dd = nw - w;
            J[i] += dd * E1;
            rowSum[i] += dd;
          }
        }
      }
      // item 9, potentiation of liquid spikers' in-synapses from pres that did not spike now
      // (those were handled above); a zero trace changes nothing
      for (let s = 0; s < nSpk; s++) {
        const i = spk[s];
        if (i >= NL) continue;
        const tn = t + 1;
        for (let q = inStart[i]; q < inStart[i + 1]; q++) {
          const j = inPre[q];
          const trj = trace[j];
          if (trj === 0 || last[j] === t) continue;
          updates++;
          let lp: number, lo: number, hi: number;
          if (j < NE) {
            lp = aPlus; lo = 0; hi = wMax;
          } else if (j < NL) {
            lp = -dep; lo = -wMax; hi = 0;
          } else {
            lp = aPlus; lo = -wMax; hi = wMax;
          }
          const k = inSyn[q];
          const w = W[k];
          let nw = w + lp * trj;
          if (nw < lo) nw = lo;
          else if (nw > hi) nw = hi;
          if (nw !== w) {
            W[k] = nw;
            const dd = nw - w;
            let d = tn - last[j];
            if (d > EK_MAX) d = EK_MAX;
            J[i] += dd * EK[d];
            rowSum[i] += dd;
          }
        }
      }
      for (let k = pStart[t]; k < pStart[t + 1]; k++) ext[pInput[k]] = cur;
      let nNext = 0;
      let astroNext = 0;
      const tn = t + 1;
      const countNext = tn < T;
      // items 6–8 and 10 for step t, then items 1–3 for step t+1
      for (let i = 0; i < NL; i++) {
        let v = V[i];
        v = v + I[i] - v * inv;
        I[i] = I[i] * E1 + J[i];
        J[i] = 0;
        const spiked = last[i] === t;
        R[i] = spiked ? rfr : R[i] - 1;
        trace[i] = traceD * (spiked ? trace[i] + traceA : trace[i]);
        if (R[i] <= 0 && v >= theta) {
          let d = tn - last[i];
          if (d > EK_MAX) d = EK_MAX;
          facNext[nNext] = 1 - EK[d];
          spkNext[nNext++] = i;
          last[i] = tn;
          v = 0;
          if (countNext) {
            counts[i]++;
            liquidSpikes++;
            astroNext += astroMask[i];
            if (raster !== null) raster.push(tn, i);
          }
        }
        V[i] = v;
      }
      for (let a = 0; a < nActive; a++) {
        const n = activeInputs[a];
        const x = n - NL;
        let v = V[n];
        v = v + ext[x] - v * inv;
        ext[x] = 0;
        const spiked = last[n] === t;
        R[n] = spiked ? rfr : R[n] - 1;
        let tr = traceD * (spiked ? trace[n] + traceA : trace[n]);
        if (tr < 1e-30) tr = 0; // lets long-silent inputs drop out of the active set
        trace[n] = tr;
        if (R[n] <= 0 && v >= theta) {
          let d = tn - last[n];
          if (d > EK_MAX) d = EK_MAX;
          facNext[nNext] = 1 - EK[d];
          spkNext[nNext++] = n;
          last[n] = tn;
          v = 0;
          if (countNext) {
            inputSpikes++;
            astroNext += astroMask[n];
            if (raster !== null) raster.push(tn, n);
          }
        }
        V[n] = v;
      }
      // item 11: the astrocyte integrates this step's (liquid − input) spikes; item 12: decays
      if (astro) A = A + (wA * astroNow + bA - A) / tau;
      if (decay) {
        aPlus *= lrDecay;
        A *= lrDecay;
        wA *= lrDecay;
        bA *= lrDecay;
      }
      astroNow = astroNext;
      const ts = spk;
      spk = spkNext;
      spkNext = ts;
      const tf = fac;
      fac = facNext;
      facNext = tf;
      nSpk = countNext ? nNext : 0;
    }
    this.spk = spk;
    this.spkNext = spkNext;
    this.fac = fac;
    this.facNext = facNext;
    if (stats) {
      stats.liquidSpikes = liquidSpikes;
      stats.inputSpikes = inputSpikes;
      stats.synapticEvents = events;
      stats.stdpUpdates = updates;
      stats.astroA = A;
      stats.aPlus = aPlus;
    }
    return counts;
  }
}

export function emptyStats(): SampleStats {
  return { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0, astroA: 0, aPlus: 0 };
}
