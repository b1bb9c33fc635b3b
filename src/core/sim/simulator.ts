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
import { activeListBases, type CompiledNetwork } from './compiled.js';
import { LearningRates } from '../plasticity/learning-rates.js';
import type { SimulatorLike } from './types.js';
import { EK, EK_MAX, E1 } from './kernel-constants.js';

export interface PlasticityConfig {
  /**
   * 'astro': depression at the astrocyte's rate A (NALSM); 'stdp': depression = potentiation = A+
   * (LSM+STDP); 'apstdp': A+ both ways, each term gated by the post's calcium (LSM+AP-STDP, spec §7)
   */
  rule: 'astro' | 'stdp' | 'apstdp';
  /** AP-STDP: potentiation only while C_post ∈ (θ, θ+Δ), depression only while C_post ∈ (θ−Δ, θ) */
  calcium?: CalciumGate;
  /** spike-count phase: A+, A, w, b decay by lrDecay after every step; phase-A snapshots: no decay */
  decay: boolean;
  aPlus?: number;
  lrDecay?: number;
  /** astrocyte weight w_astro (0.015 for 1,000 neurons) */
  astroW?: number;
  astroTau?: number;
  astroBiasOffset?: number;
  /**
   * Keep rowSum (Σ of each post's in-weights, which seeds the next sample's current) up to date
   * while W changes [true]. False skips that upkeep, ~8 % of a plastic sample, for callers that
   * call restoreWeights() before the next sample anyway (the spike-count phase); rowSum is then
   * recomputed from W if a sample or commitWeights() needs it without a restore.
   */
  keepRowSums?: boolean;
}

export interface CalciumGate {
  /** C_θ in Hz (spec §7.4: 37 for MNIST) */
  threshold: number;
  /** ΔC (spec §7.4: 19–25 for MNIST) */
  range: number;
  /** τ_C in ms (1000) */
  tau?: number;
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

export class Simulator implements SimulatorLike {
  readonly c: CompiledNetwork;
  /** working weights, by synapse id */
  readonly W: Float64Array;
  /** per-post Σ_j W_ij, kept current so a sample can start with the e^{−20} residues */
  readonly rowSum: Float64Array;
  /** weights and row sums that runSample restores in the spike-count phase */
  private readonly W0: Float64Array;
  private readonly rowSum0: Float64Array;
  /** where the kernels' rowSum upkeep goes in a run with keepRowSums: false */
  private readonly rowSumScratch: Float64Array;
  private rowSumStale = false;

  readonly V: Float64Array;
  readonly trace: Float64Array;
  /** liquid spike counts of the last sample */
  readonly counts: Int32Array;
  /** astrocyte mask: +1 liquid, −1 input, 0 not connected to the astrocyte */
  readonly astroMask: Int8Array;
  /** AP-STDP calcium per liquid neuron; like W and the trace it is never reset by a sample */
  readonly calcium: Float64Array;
  private readonly I: Float64Array;
  private readonly J: Float64Array;
  private readonly R: Int32Array;
  private readonly last: Int32Array;
  private readonly activeInputs: Int32Array;
  private readonly inputMark: Uint8Array;
  private readonly st: State;

  constructor(c: CompiledNetwork) {
    this.c = c;
    const { N, NL, NX, S } = c;
    this.W = new Float64Array(S);
    this.W0 = new Float64Array(S);
    this.rowSum = new Float64Array(NL);
    this.rowSum0 = new Float64Array(NL);
    this.rowSumScratch = new Float64Array(NL);
    this.V = new Float64Array(N);
    this.trace = new Float64Array(N);
    this.counts = new Int32Array(NL);
    this.astroMask = new Int8Array(N);
    this.astroMask.fill(1, 0, NL);
    this.astroMask.fill(-1, NL, N);
    this.calcium = new Float64Array(NL);
    this.I = new Float64Array(NL);
    this.J = new Float64Array(NL);
    this.R = new Int32Array(N);
    this.last = new Int32Array(N);
    this.activeInputs = new Int32Array(NX);
    this.inputMark = new Uint8Array(NX);
    this.st = new State(c, this, {
      rowSum: this.rowSum,
      I: this.I,
      J: this.J,
      R: this.R,
      last: this.last,
      ext: new Float64Array(NX),
      activeInputs: this.activeInputs,
    });
  }

  /** Set the weights every sample starts from (synapse-id order); also the working weights. */
  setWeights(W: Float64Array): void {
    if (W.length !== this.c.S) throw new Error(`expected ${this.c.S} weights, got ${W.length}`);
    this.W0.set(W);
    this.W.set(W);
    this.recomputeRowSums();
    this.rowSum0.set(this.rowSum);
  }

  /** rowSum[i] = Σ W over i's in-list, from 0 in in-list order */
  private recomputeRowSums(): void {
    const { NL, inStart, inSyn } = this.c;
    const W = this.W;
    for (let i = 0; i < NL; i++) {
      let s = 0;
      for (let q = inStart[i]; q < inStart[i + 1]; q++) s += W[inSyn[q]];
      this.rowSum[i] = s;
    }
    this.rowSumStale = false;
  }

  /** Make the working weights the new starting point (e.g. after phase A). */
  commitWeights(): void {
    if (this.rowSumStale) this.recomputeRowSums();
    this.W0.set(this.W);
    this.rowSum0.set(this.rowSum);
  }

  /** Restore the working weights to the starting point. */
  restoreWeights(): void {
    this.W.set(this.W0);
    this.rowSum.set(this.rowSum0);
    this.rowSumStale = false;
  }

  resetTrace(): void {
    this.trace.fill(0);
  }

  resetCalcium(): void {
    this.calcium.fill(0);
  }

  /** Reset V, R, Δ and the running current; collect the inputs this sample can touch. */
  private resetState(p: Pulses, includeTracedInputs: boolean): number {
    const { NL, NX } = this.c;
    this.V.fill(0);
    this.R.fill(0);
    this.last.fill(-NEURON.deltaInit);
    this.counts.fill(0);
    this.J.fill(0);
    if (this.rowSumStale) this.recomputeRowSums();
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
    if (includeTracedInputs) this.buildActiveInLists(m);
    return m;
  }

  /**
   * Per-sample in-lists restricted to input pres that can have a trace (pulsed this sample or
   * carrying one): potentiation then skips the ~85 % of input synapses whose pre is silent.
   * Built by bucketing the active inputs' out-synapses by post, in input order.
   */
  private buildActiveInLists(nActive: number): void {
    const { outStart, outPost, NL } = this.c;
    const st = this.st;
    const { actStart, actPre, actSyn } = st;
    const fill = st.actFill;
    fill.set(actStart.subarray(0, NL));
    for (let a = 0; a < nActive; a++) {
      const n = this.activeInputs[a];
      for (let k = outStart[n]; k < outStart[n + 1]; k++) {
        const q = fill[outPost[k]]++;
        actPre[q] = n;
        actSyn[q] = k;
      }
    }
  }

  /**
   * One sample with static weights (baseline LSM). Counts land in `this.counts`.
   * The working weights are used as they are.
   */
  runStatic(p: Pulses, raster: Raster | null = null, stats?: SampleStats): Int32Array {
    return this.run(p, null, raster, stats);
  }

  /**
   * One sample (spike-count phase, cfg.decay true) or one snapshot (phase A, decay false)
   * with STDP on every input→liquid and liquid→liquid synapse. The working weights carry
   * over between calls: call restoreWeights() first for an independent sample.
   * The trace also carries over (spec §4.1); call resetTrace() to zero it.
   */
  runPlastic(p: Pulses, cfg: PlasticityConfig, raster: Raster | null = null, stats?: SampleStats): Int32Array {
    return this.run(p, cfg, raster, stats);
  }

  // The time loop stays small; the work is in module-level kernels that V8 optimises as whole
  // functions (a long loop compiled on-stack kept deoptimising at the end of every sample).
  private run(p: Pulses, cfg: PlasticityConfig | null, raster: Raster | null, stats?: SampleStats): Int32Array {
    const plastic = cfg !== null;
    const st = this.st;
    st.nActive = this.resetState(p, plastic);
    st.raster = raster;
    st.liquidSpikes = 0;
    st.inputSpikes = 0;
    st.events = 0;
    st.updates = 0;
    st.nSpk = 0;
    const T = p.steps;
    const gated = plastic && cfg.rule === 'apstdp';
    const lr = new LearningRates(cfg);
    const rows = !plastic || cfg.keepRowSums !== false;
    st.rowSum = rows ? this.rowSum : this.rowSumScratch;
    let astroNow = 0;
    for (let t = 0; t < T; t++) {
      if (gated) {
        updateCalcium(st, t, lr.tauC);
        propagateGated(st, t, lr.aPlus, lr);
        potentiateGated(st, t, lr.aPlus, lr);
      } else if (plastic) {
        const dep = lr.depression;
        propagatePlastic(st, t, lr.aPlus, dep);
        potentiate(st, t, lr.aPlus, dep);
      } else {
        propagateStatic(st);
      }
      applyPulses(st, p, t);
      st.astroNext = 0;
      st.nNext = 0;
      if (plastic) updateLiquidPlastic(st, t, T);
      else updateLiquidStatic(st, t, T);
      updateInputs(st, t, T, plastic);
      // item 11: the astrocyte integrates this step's (liquid − input) spikes; item 12: decays
      lr.endStep(astroNow);
      astroNow = st.astroNext;
      st.swap(t + 1 < T);
    }
    st.raster = null;
    if (!rows) this.rowSumStale = true;
    if (stats) {
      stats.liquidSpikes = st.liquidSpikes;
      stats.inputSpikes = st.inputSpikes;
      stats.synapticEvents = st.events;
      stats.stdpUpdates = st.updates;
      stats.astroA = plastic && cfg.rule === 'astro' ? lr.A : 0;
      stats.aPlus = plastic ? lr.aPlus : 0;
    }
    return this.counts;
  }
}

/** Everything the kernels touch, in one monomorphic object. */
class State {
  NL: number;
  NE: number;
  outStart: Int32Array;
  outPost: Int32Array;
  inStart: Int32Array;
  inPre: Int32Array;
  inSyn: Int32Array;
  inLiquidEnd: Int32Array;
  /** fixed starts of the per-post active-input lists (activeListBases); list i ends at actFill[i] */
  actStart: Int32Array;
  actFill: Int32Array;
  actPre: Int32Array;
  actSyn: Int32Array;
  W: Float64Array;
  rowSum: Float64Array;
  V: Float64Array;
  I: Float64Array;
  J: Float64Array;
  R: Int32Array;
  last: Int32Array;
  trace: Float64Array;
  ext: Float64Array;
  counts: Int32Array;
  astroMask: Int8Array;
  calcium: Float64Array;
  activeInputs: Int32Array;
  spk: Int32Array;
  spkNext: Int32Array;
  fac: Float64Array;
  facNext: Float64Array;
  nSpk = 0;
  nNext = 0;
  nActive = 0;
  astroNext = 0;
  liquidSpikes = 0;
  inputSpikes = 0;
  events = 0;
  updates = 0;
  raster: Raster | null = null;

  constructor(c: CompiledNetwork, sim: Simulator, b: Buffers) {
    this.NL = c.NL;
    this.NE = c.NE;
    this.outStart = c.outStart;
    this.outPost = c.outPost;
    this.inStart = c.inStart;
    this.inPre = c.inPre;
    this.inSyn = c.inSyn;
    this.inLiquidEnd = c.inLiquidEnd;
    this.actStart = activeListBases(c);
    this.actFill = new Int32Array(c.NL);
    this.actPre = new Int32Array(c.S - c.llId.length);
    this.actSyn = new Int32Array(c.S - c.llId.length);
    this.W = sim.W;
    this.V = sim.V;
    this.trace = sim.trace;
    this.counts = sim.counts;
    this.astroMask = sim.astroMask;
    this.calcium = sim.calcium;
    this.rowSum = b.rowSum;
    this.I = b.I;
    this.J = b.J;
    this.R = b.R;
    this.last = b.last;
    this.ext = b.ext;
    this.activeInputs = b.activeInputs;
    this.spk = new Int32Array(c.N);
    this.spkNext = new Int32Array(c.N);
    this.fac = new Float64Array(c.N);
    this.facNext = new Float64Array(c.N);
  }

  /** The spikes registered for step t+1 become the current ones (none past the last step). */
  swap(more: boolean): void {
    const s = this.spk;
    this.spk = this.spkNext;
    this.spkNext = s;
    const f = this.fac;
    this.fac = this.facNext;
    this.facNext = f;
    this.nSpk = more ? this.nNext : 0;
  }
}

interface Buffers {
  rowSum: Float64Array;
  I: Float64Array;
  J: Float64Array;
  R: Int32Array;
  last: Int32Array;
  ext: Float64Array;
  activeInputs: Int32Array;
}

/** Item 5 for static weights: each spike of step t adds W·(1 − e^{−Δ_old}) to its targets. */
function propagateStatic(st: State): void {
  const { spk, fac, outStart, outPost, W, I } = st;
  const n = st.nSpk;
  let events = 0;
  for (let s = 0; s < n; s++) {
    const j = spk[s];
    const f = fac[s];
    const a = outStart[j];
    const b = outStart[j + 1];
    events += b - a;
    // unrolled by 4: V8 pays a per-iteration loop cost that matters at ~800k events per sample
    let k = a;
    for (const e = b - 3; k < e; k += 4) {
      I[outPost[k]] += W[k] * f;
      I[outPost[k + 1]] += W[k + 1] * f;
      I[outPost[k + 2]] += W[k + 2] * f;
      I[outPost[k + 3]] += W[k + 3] * f;
    }
    for (; k < b; k++) I[outPost[k]] += W[k] * f;
  }
  st.events += events;
}

/**
 * Items 5 + 9 fused: one sweep over each spiker's out-synapses applies its current (old W)
 * and both STDP terms that involve it (depression; potentiation where the post spiked too),
 * summed from the old W and clipped once.
 */
function propagatePlastic(st: State, t: number, aPlus: number, dep: number): void {
  const { spk, fac, outStart, outPost, W, I, J, rowSum, last, trace, NE, NL } = st;
  const n = st.nSpk;
  const wMax = STDP.maxWeight;
  let events = 0;
  for (let s = 0; s < n; s++) {
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
    for (let k = a; k < b; k++) {
      const i = outPost[k];
      const w = W[k];
      I[i] += w * f;
      let nw = w + ((last[i] === t ? lpt : 0) + ld * trace[i]);
      if (nw < lo) nw = lo;
      else if (nw > hi) nw = hi;
      if (nw !== w) {
        W[k] = nw;
        const dd = nw - w;
        J[i] += dd * E1; // Δ_j is 1 after this step's advance
        rowSum[i] += dd;
      }
    }
  }
  st.events += events;
  st.updates += events;
}

/** Item 9, the pre-before-post term for liquid spikers' in-synapses whose pre did not spike now. */
function potentiate(st: State, t: number, aPlus: number, dep: number): void {
  const { spk, inStart, inPre, inSyn, inLiquidEnd, actStart, actPre, actSyn, NL } = st;
  const n = st.nSpk;
  let updates = 0;
  for (let s = 0; s < n; s++) {
    const i = spk[s];
    if (i >= NL) continue;
    // liquid pres (every in-synapse), then the input pres that can carry a trace this sample
    updates += potentiateRange(st, i, t, aPlus, dep, inPre, inSyn, inStart[i], inLiquidEnd[i]);
    updates += potentiateRange(st, i, t, aPlus, dep, actPre, actSyn, actStart[i], st.actFill[i]);
  }
  st.updates += updates;
}

function potentiateRange(
  st: State, i: number, t: number, aPlus: number, dep: number,
  pres: Int32Array, syns: Int32Array, from: number, to: number,
): number {
  const { W, J, rowSum, last, trace, NE, NL } = st;
  const wMax = STDP.maxWeight;
  const tn = t + 1;
  let updates = 0;
  let dJ = 0;
  let dRow = 0;
  for (let q = from; q < to; q++) {
    const j = pres[q];
    const trj = trace[j];
    if (trj === 0 || last[j] === t) continue; // nothing to add, or already done in propagatePlastic
    updates++;
    let lp: number, lo: number, hi: number;
    if (j < NE) {
      lp = aPlus; lo = 0; hi = wMax;
    } else if (j < NL) {
      lp = -dep; lo = -wMax; hi = 0;
    } else {
      lp = aPlus; lo = -wMax; hi = wMax;
    }
    const k = syns[q];
    const w = W[k];
    let nw = w + lp * trj;
    if (nw < lo) nw = lo;
    else if (nw > hi) nw = hi;
    if (nw !== w) {
      W[k] = nw;
      const dd = nw - w;
      let d = tn - last[j];
      if (d > EK_MAX) d = EK_MAX;
      dJ += dd * EK[d];
      dRow += dd;
    }
  }
  J[i] += dJ;
  rowSum[i] += dRow;
  return updates;
}

/** Calcium gate windows, as open intervals (the original's ceil masks); see LearningRates. */
interface Gate {
  readonly ltpLo: number;
  readonly ltpHi: number;
  readonly ltdLo: number;
  readonly ltdHi: number;
}

/** Item 4 (AP-STDP): C ← C − C/τ_C + S, including this step's spike, before the weight update. */
function updateCalcium(st: State, t: number, tau: number): void {
  const { calcium, last, NL } = st;
  for (let i = 0; i < NL; i++) {
    const c = calcium[i];
    calcium[i] = c - c / tau + (last[i] === t ? 1 : 0);
  }
}

/** One STDP term through the post's calcium gate: increases need the LTP window, decreases the LTD window. */
function gated(x: number, ltp: boolean, ltd: boolean): number {
  return x > 0 ? (ltp ? x : 0) : x < 0 ? (ltd ? x : 0) : 0;
}

/** As propagatePlastic for AP-STDP: rates ±A+, both terms gated by the post's calcium, summed, clipped once. */
function propagateGated(st: State, t: number, aPlus: number, g: Gate): void {
  const { spk, fac, outStart, outPost, W, I, J, rowSum, last, trace, calcium, NE, NL } = st;
  const n = st.nSpk;
  const wMax = STDP.maxWeight;
  let events = 0;
  for (let s = 0; s < n; s++) {
    const j = spk[s];
    const f = fac[s];
    const inh = j >= NE && j < NL;
    const lp = inh ? -aPlus : aPlus;
    const ld = inh ? aPlus : -aPlus;
    const lo = j < NE ? 0 : -wMax;
    const hi = inh ? 0 : wMax;
    const lpt = lp * trace[j];
    const a = outStart[j];
    const b = outStart[j + 1];
    events += b - a;
    for (let k = a; k < b; k++) {
      const i = outPost[k];
      const w = W[k];
      I[i] += w * f;
      const c = calcium[i];
      const ltp = c > g.ltpLo && c < g.ltpHi;
      const ltd = c > g.ltdLo && c < g.ltdHi;
      let nw = w + (gated(last[i] === t ? lpt : 0, ltp, ltd) + gated(ld * trace[i], ltp, ltd));
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
  st.events += events;
  st.updates += events;
}

/** As potentiate for AP-STDP. */
function potentiateGated(st: State, t: number, aPlus: number, g: Gate): void {
  const { spk, inStart, inPre, inSyn, inLiquidEnd, actStart, actPre, actSyn, calcium, NL } = st;
  const n = st.nSpk;
  let updates = 0;
  for (let s = 0; s < n; s++) {
    const i = spk[s];
    if (i >= NL) continue;
    const c = calcium[i];
    const ltp = c > g.ltpLo && c < g.ltpHi;
    const ltd = c > g.ltdLo && c < g.ltdHi;
    // a term of sign ±: E and input pres potentiate (+A+), I pres depress (−A+)
    const dep = ltd ? aPlus : 0;
    const pot = ltp ? aPlus : 0;
    updates += potentiateRange(st, i, t, pot, dep, inPre, inSyn, inStart[i], inLiquidEnd[i]);
    updates += potentiateRange(st, i, t, pot, dep, actPre, actSyn, actStart[i], st.actFill[i]);
  }
  st.updates += updates;
}

function applyPulses(st: State, p: Pulses, t: number): void {
  const { ext } = st;
  const cur = NEURON.inputCurrent;
  const input = p.input;
  for (let k = p.start[t], e = p.start[t + 1]; k < e; k++) ext[input[k]] = cur;
}

/** Register a spike of neuron n for step tn (items 1–3); returns nothing, updates lists. */
function registerSpike(st: State, n: number, tn: number): void {
  let d = tn - st.last[n];
  if (d > EK_MAX) d = EK_MAX;
  st.facNext[st.nNext] = 1 - EK[d];
  st.spkNext[st.nNext++] = n;
  st.last[n] = tn;
}

/** Items 6–8 of step t for the liquid, then items 1–3 of step t+1. */
function updateLiquidStatic(st: State, t: number, T: number): void {
  const { V, I, R, last, counts, NL } = st;
  const inv = 1 / NEURON.tauV;
  const theta = NEURON.threshold;
  const rfr = NEURON.refractory;
  const tn = t + 1;
  const counted = tn < T;
  for (let i = 0; i < NL; i++) {
    let v = V[i];
    v = v + I[i] - v * inv;
    I[i] *= E1;
    const r = last[i] === t ? rfr : R[i] - 1;
    R[i] = r;
    if (r <= 0 && v >= theta) {
      registerSpike(st, i, tn);
      v = 0;
      if (counted) {
        counts[i]++;
        st.liquidSpikes++;
        if (st.raster !== null) st.raster.push(tn, i);
      }
    }
    V[i] = v;
  }
}

/** As updateLiquidStatic, plus the STDP trace (item 10), the J correction and the astrocyte count. */
function updateLiquidPlastic(st: State, t: number, T: number): void {
  const { V, I, J, R, last, counts, trace, astroMask, NL } = st;
  const inv = 1 / NEURON.tauV;
  const theta = NEURON.threshold;
  const rfr = NEURON.refractory;
  const traceA = STDP.a;
  const traceD = STDP.d;
  const tn = t + 1;
  const counted = tn < T;
  for (let i = 0; i < NL; i++) {
    let v = V[i];
    v = v + I[i] - v * inv;
    I[i] = I[i] * E1 + J[i];
    J[i] = 0;
    const spiked = last[i] === t;
    const r = spiked ? rfr : R[i] - 1;
    R[i] = r;
    trace[i] = traceD * (spiked ? trace[i] + traceA : trace[i]);
    if (r <= 0 && v >= theta) {
      registerSpike(st, i, tn);
      v = 0;
      if (counted) {
        counts[i]++;
        st.liquidSpikes++;
        st.astroNext += astroMask[i];
        if (st.raster !== null) st.raster.push(tn, i);
      }
    }
    V[i] = v;
  }
}

/** Items 6–8 (and 10 when plastic) for the input neurons this sample can touch, then items 1–3 of t+1. */
function updateInputs(st: State, t: number, T: number, plastic: boolean): void {
  const { V, R, last, ext, trace, astroMask, activeInputs, NL } = st;
  const inv = 1 / NEURON.tauV;
  const theta = NEURON.threshold;
  const rfr = NEURON.refractory;
  const traceA = STDP.a;
  const traceD = STDP.d;
  const tn = t + 1;
  const counted = tn < T;
  const m = st.nActive;
  for (let a = 0; a < m; a++) {
    const n = activeInputs[a];
    const x = n - NL;
    let v = V[n];
    v = v + ext[x] - v * inv;
    ext[x] = 0;
    const spiked = last[n] === t;
    const r = spiked ? rfr : R[n] - 1;
    R[n] = r;
    if (plastic) {
      let tr = traceD * (spiked ? trace[n] + traceA : trace[n]);
      if (tr < 1e-30) tr = 0; // lets long-silent inputs drop out of the active set
      trace[n] = tr;
    }
    if (r <= 0 && v >= theta) {
      registerSpike(st, n, tn);
      v = 0;
      if (counted) {
        st.inputSpikes++;
        st.astroNext += astroMask[n];
        if (st.raster !== null) st.raster.push(tn, n);
      }
    }
    V[n] = v;
  }
}

export function emptyStats(): SampleStats {
  return { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0, astroA: 0, aPlus: 0 };
}
