// Firing statistics of the liquid from per-sample spike counts (counts.bin) or from recorded rasters:
// per-neuron rates, E vs I means, the per-sample liquid rate (the paper quotes 12–37 Hz for NALSM:
// the mean rate of the liquid's neurons during one sample) and a histogram helper.

/** A split's counts: n samples × NL neurons, row-major. */
export interface CountsView {
  counts: ArrayLike<number>;
  n: number;
  NL: number;
}

/** Mean rate of each neuron over the samples, in Hz (a sample lasts `durationMs`). */
export function neuronRates(c: CountsView, durationMs = 250): Float64Array {
  const { counts, n, NL } = c;
  check(c);
  const r = new Float64Array(NL);
  for (let s = 0; s < n; s++) {
    const o = s * NL;
    for (let i = 0; i < NL; i++) r[i] += counts[o + i];
  }
  const f = n > 0 ? 1000 / (n * durationMs) : 0;
  for (let i = 0; i < NL; i++) r[i] *= f;
  return r;
}

/** Mean liquid rate of each sample (all liquid neurons), in Hz. */
export function sampleRates(c: CountsView, durationMs = 250): Float64Array {
  const { counts, n, NL } = c;
  check(c);
  const r = new Float64Array(n);
  const f = 1000 / (NL * durationMs);
  for (let s = 0; s < n; s++) {
    const o = s * NL;
    let t = 0;
    for (let i = 0; i < NL; i++) t += counts[o + i];
    r[s] = t * f;
  }
  return r;
}

function check(c: CountsView): void {
  if (c.counts.length !== c.n * c.NL) throw new Error(`firing rates: ${c.counts.length} counts for ${c.n} samples × ${c.NL} neurons`);
}

/** Per-sample liquid spike counts from rasters (spikes with neuron index < NL), n samples × NL. */
export function countsFromRasters(offset: ArrayLike<number>, neuron: ArrayLike<number>, NL: number): CountsView {
  const n = offset.length - 1;
  const counts = new Uint32Array(Math.max(0, n) * NL);
  for (let s = 0; s < n; s++) {
    const o = s * NL;
    for (let k = offset[s]; k < offset[s + 1]; k++) {
      const i = neuron[k];
      if (i >= 0 && i < NL) counts[o + i]++;
    }
  }
  return { counts, n: Math.max(0, n), NL };
}

export interface Summary {
  mean: number;
  std: number;
  min: number;
  p5: number;
  median: number;
  p95: number;
  max: number;
}

/** Mean, standard deviation and quantiles (linear interpolation, numpy's default). */
export function summarise(values: ArrayLike<number>): Summary {
  const a = Float64Array.from(values).sort();
  const n = a.length;
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, p5: NaN, median: NaN, p95: NaN, max: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / n), min: a[0], p5: quantile(a, 0.05), median: quantile(a, 0.5), p95: quantile(a, 0.95), max: a[n - 1] };
}

/** Quantile q of sorted values. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const x = q * (n - 1);
  const i = Math.floor(x);
  const f = x - i;
  return i + 1 < n ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[n - 1];
}

export interface RateStatistics {
  samples: number;
  NL: number;
  NE: number;
  durationMs: number;
  /** mean rate over all liquid neurons and samples, Hz */
  meanHz: number;
  excitatoryHz: number;
  inhibitoryHz: number;
  /** neurons that never fired in any sample */
  silentNeurons: number;
  /** per-neuron mean rates (Hz) */
  perNeuron: Summary;
  /** per-sample liquid rates (Hz): the paper's "12–37 Hz" range for NALSM is min–max of these */
  perSample: Summary;
}

/** Firing statistics; neurons [0, NE) are excitatory. */
export function rateStatistics(c: CountsView, NE: number, durationMs = 250): RateStatistics {
  const nr = neuronRates(c, durationMs);
  const sr = sampleRates(c, durationMs);
  let e = 0;
  let i = 0;
  let silent = 0;
  for (let k = 0; k < c.NL; k++) {
    if (k < NE) e += nr[k];
    else i += nr[k];
    if (nr[k] === 0) silent++;
  }
  const NI = c.NL - NE;
  let all = 0;
  for (let k = 0; k < c.NL; k++) all += nr[k];
  return {
    samples: c.n,
    NL: c.NL,
    NE,
    durationMs,
    meanHz: c.NL ? all / c.NL : NaN,
    excitatoryHz: NE ? e / NE : NaN,
    inhibitoryHz: NI ? i / NI : NaN,
    silentNeurons: silent,
    perNeuron: summarise(nr),
    perSample: summarise(sr),
  };
}

export interface Histogram {
  /** bins + 1 edges; bin b is [edges[b], edges[b+1]) and the last bin includes its right edge */
  edges: number[];
  counts: number[];
  /** values outside [min, max] or NaN, not counted */
  outside: number;
}

/** Histogram on `bins` equal bins over [min, max] (default: the data's range). */
export function histogram(values: ArrayLike<number>, o: { bins?: number; min?: number; max?: number } = {}): Histogram {
  const bins = o.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogram: bins must be a positive integer, got ${bins}`);
  let lo = o.min;
  let hi = o.max;
  if (lo === undefined || hi === undefined) {
    let mn = Infinity;
    let mx = -Infinity;
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    if (mn === Infinity) {
      mn = 0;
      mx = 1;
    }
    lo ??= mn;
    hi ??= mx;
  }
  if (!(hi > lo)) {
    // a single value: one bin of width 1 centred on it
    lo = lo - 0.5;
    hi = lo + 1;
  }
  const w = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, b) => lo! + b * w);
  edges[bins] = hi;
  const counts = new Array<number>(bins).fill(0);
  let outside = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v >= lo && v <= hi)) {
      outside++;
      continue;
    }
    let b = Math.floor((v - lo) / w);
    if (b >= bins) b = bins - 1;
    counts[b]++;
  }
  return { edges, counts, outside };
}
