// The branching factor σ_BF exactly as the authors' compute_branching_factor.py computes it
// (spec §8.2, notes item 3):
//   per recorded sample, keep the liquid spikes with buffer ≤ t < duration − buffer (25 ≤ t < 225);
//   for each liquid neuron n and each step t ∈ [buffer + Δ, duration − buffer − Δ] (= [29, 220]) at which n spikes:
//     anc  = spikes of pre(n)  (its liquid ancestors in the static connectivity) in [t − Δ, t − 1]
//     desc = spikes of post(n) (its liquid descendants)                          in [t + 1, t + Δ]
//     ratio = desc / max(anc, 1)
//   σ_n = mean of n's ratios (NaN when it has none), σ_sample = nanmean over neurons,
//   σ_BF = nanmean over samples.
// Weights and signs are ignored; E and I neurons count alike; input neurons are on neither side.
//
// Cost: one pass over the spikes to fill per-neuron cumulative spike counts (NL × (T+1) int32),
// then per qualifying spike a sum over its in- and out-neighbours (CSR lists) of two window
// differences, i.e. O(spikes × mean degree). A 1,000-neuron sample takes well under a millisecond.

/** The liquid's static connectivity: liquid→liquid synapse lists (network.llPre / llPost). */
export interface LiquidGraph {
  NL: number;
  llPre: ArrayLike<number>;
  llPost: ArrayLike<number>;
}

/** One sample's spikes: parallel lists of step t and global neuron index (liquid 0..NL−1; others ignored). */
export interface SampleSpikes {
  t: ArrayLike<number>;
  n: ArrayLike<number>;
}

export interface BranchingOptions {
  /** steps dropped at each end (the script's `buffer`)          [25] */
  buffer?: number;
  /** sample length in steps (the script's `duration`)            [250] */
  duration?: number;
  /** window Δ for ancestors and descendants (the script's `dt`) [4] */
  window?: number;
}

export interface SampleBranching {
  /** nanmean over neurons of σ_n (NaN if no neuron had a qualifying spike) */
  sigma: number;
  /** neurons with at least one qualifying spike */
  neurons: number;
  /** qualifying spikes (events whose ratio entered a σ_n) */
  events: number;
}

export interface BranchingResult {
  /** σ_BF: nanmean over samples (NaN if no sample had a qualifying spike) */
  sigma: number;
  perSample: SampleBranching[];
  options: Required<BranchingOptions>;
}

/** Compressed adjacency: for neuron n, pre(n) = preIdx[preOff[n]..preOff[n+1]), post(n) likewise. */
export interface Adjacency {
  NL: number;
  preOff: Int32Array;
  preIdx: Int32Array;
  postOff: Int32Array;
  postIdx: Int32Array;
}

/** Build both CSR lists (in- and out-neighbours) from the synapse lists; duplicates and self-loops are rejected. */
export function liquidAdjacency(g: LiquidGraph): Adjacency {
  const { NL, llPre, llPost } = g;
  const m = llPre.length;
  if (llPost.length !== m) throw new Error(`branching factor: llPre has ${m} entries but llPost has ${llPost.length}`);
  const preOff = new Int32Array(NL + 1);
  const postOff = new Int32Array(NL + 1);
  for (let k = 0; k < m; k++) {
    const a = llPre[k];
    const b = llPost[k];
    if (!(a >= 0 && a < NL && b >= 0 && b < NL)) throw new Error(`branching factor: synapse ${k} (${a}→${b}) is outside the liquid 0..${NL - 1}`);
    if (a === b) throw new Error(`branching factor: synapse ${k} connects neuron ${a} to itself`);
    preOff[b + 1]++;
    postOff[a + 1]++;
  }
  for (let n = 0; n < NL; n++) {
    preOff[n + 1] += preOff[n];
    postOff[n + 1] += postOff[n];
  }
  const preIdx = new Int32Array(m);
  const postIdx = new Int32Array(m);
  const pf = preOff.slice(0, NL);
  const qf = postOff.slice(0, NL);
  for (let k = 0; k < m; k++) {
    const a = llPre[k];
    const b = llPost[k];
    preIdx[pf[b]++] = a;
    postIdx[qf[a]++] = b;
  }
  // the mask is binary: a repeated (pre, post) pair would count twice here but once in the original
  const seen = new Int32Array(NL).fill(-1);
  for (let n = 0; n < NL; n++) {
    for (let e = preOff[n]; e < preOff[n + 1]; e++) {
      if (seen[preIdx[e]] === n) throw new Error(`branching factor: synapse ${preIdx[e]}→${n} appears twice`);
      seen[preIdx[e]] = n;
    }
  }
  return { NL, preOff, preIdx, postOff, postIdx };
}

function resolve(o: BranchingOptions): Required<BranchingOptions> {
  const r = { buffer: o.buffer ?? 25, duration: o.duration ?? 250, window: o.window ?? 4 };
  for (const [k, v] of Object.entries(r)) if (!Number.isInteger(v) || v < 0) throw new Error(`branching factor: ${k} must be a non-negative integer, got ${v}`);
  if (r.window < 1) throw new Error(`branching factor: window must be at least 1, got ${r.window}`);
  return r;
}

/** Reusable scratch for one sample (cumulative counts, spike flags), sized for NL neurons and T steps. */
class Scratch {
  readonly cum: Int32Array;
  readonly spikes: Uint8Array;
  constructor(
    readonly NL: number,
    readonly T: number,
  ) {
    this.cum = new Int32Array(NL * (T + 1));
    this.spikes = new Uint8Array(NL * T);
  }
}

/**
 * σ of one sample. `cum[n·(T+1) + s]` = spikes of n at steps < s (after the buffer filter), so a
 * window count [a, b] is cum[b+1] − cum[a].
 */
function sampleSigma(adj: Adjacency, s: SampleSpikes, o: Required<BranchingOptions>, sc: Scratch): SampleBranching {
  const { NL, preOff, preIdx, postOff, postIdx } = adj;
  const T = o.duration;
  const W = T + 1;
  const { cum, spikes } = sc;
  cum.fill(0);
  spikes.fill(0);
  const lo = o.buffer;
  const hi = o.duration - o.buffer; // keep lo ≤ t < hi
  const len = s.t.length;
  if (s.n.length !== len) throw new Error(`branching factor: a sample has ${len} spike times but ${s.n.length} neuron indices`);
  for (let k = 0; k < len; k++) {
    const n = s.n[k];
    const t = s.t[k];
    if (n < 0 || n >= NL) continue; // input neurons (and anything else) are not part of the liquid
    if (t < lo || t >= hi) continue;
    // the original's spike store is binary: a repeated (t, n) is one spike
    spikes[n * T + t] = 1;
  }
  for (let n = 0; n < NL; n++) {
    const row = n * W;
    const srow = n * T;
    let c = 0;
    for (let t = 0; t < T; t++) {
      cum[row + t] = c;
      c += spikes[srow + t];
    }
    cum[row + T] = c;
  }
  const D = o.window;
  const tFrom = lo + D;
  const tTo = hi - D; // t ∈ [tFrom, tTo)  (Python: range(25 + 4, 225 − 4))
  let sum = 0;
  let neurons = 0;
  let events = 0;
  for (let n = 0; n < NL; n++) {
    const srow = n * T;
    let rs = 0;
    let rc = 0;
    for (let t = tFrom; t < tTo; t++) {
      if (spikes[srow + t] === 0) continue;
      let anc = 0;
      for (let e = preOff[n]; e < preOff[n + 1]; e++) {
        const r = preIdx[e] * W;
        anc += cum[r + t] - cum[r + t - D]; // steps t−D .. t−1
      }
      let desc = 0;
      for (let e = postOff[n]; e < postOff[n + 1]; e++) {
        const r = postIdx[e] * W;
        desc += cum[r + t + D + 1] - cum[r + t + 1]; // steps t+1 .. t+D
      }
      rs += desc / (anc > 1 ? anc : 1);
      rc++;
    }
    if (rc > 0) {
      sum += rs / rc;
      neurons++;
      events += rc;
    }
  }
  return { sigma: neurons > 0 ? sum / neurons : NaN, neurons, events };
}

/** σ_BF over samples (spec §8.2). */
export function branchingFactor(g: LiquidGraph | Adjacency, samples: readonly SampleSpikes[], opts: BranchingOptions = {}): BranchingResult {
  const o = resolve(opts);
  if (o.duration - 2 * o.buffer - 2 * o.window <= 0) throw new Error(`branching factor: duration ${o.duration} leaves no steps after buffer ${o.buffer} and window ${o.window}`);
  const adj = 'preOff' in g ? g : liquidAdjacency(g);
  const sc = new Scratch(adj.NL, o.duration);
  const perSample = samples.map((s) => sampleSigma(adj, s, o, sc));
  return { sigma: nanmean(perSample.map((p) => p.sigma)), perSample, options: o };
}

/** Split rasters stored as one list with per-sample offsets (rasters.bin) into per-sample views. */
export function splitSamples(offset: ArrayLike<number>, t: Int32Array, n: Int32Array): SampleSpikes[] {
  const out: SampleSpikes[] = [];
  for (let k = 0; k + 1 < offset.length; k++) out.push({ t: t.subarray(offset[k], offset[k + 1]), n: n.subarray(offset[k], offset[k + 1]) });
  return out;
}

/** Mean of the non-NaN values; NaN when there are none (numpy's nanmean, without its warning). */
export function nanmean(a: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isNaN(v)) {
      s += v;
      c++;
    }
  }
  return c > 0 ? s / c : NaN;
}
