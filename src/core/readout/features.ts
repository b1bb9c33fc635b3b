// Batch-dependent feature normalisation, as in the authors' readout:
//   within each batch of B consecutive samples, divide each row (spike counts of the NL liquid
//   neurons) by its own L1 norm (total spikes), then divide the whole batch by its global max.
// Batch k holds samples [kB, (k+1)B); the last batch is smaller when B does not divide n.
//
// A row with no spikes is 0/0 = NaN in the original; here it stays all-zero (its logits are
// then just the bias) and is counted, so callers can warn.
//
// The trainer does not materialise the float matrix: feature row i is counts[i] * scale[i]
// with one f64 scale per row, computed once; the kernels read the u16 counts directly (half
// the memory of a Float32Array). `normalizeFeatures` materialises the matrix for callers
// (and for `predict`).

import { NUM_CLASSES } from './kernels.js';

/** One split: spike counts (row-major n x nl), labels 0..9. */
export interface CountSplit {
  counts: Uint16Array;
  labels: Uint8Array;
  n: number;
}

export interface RowScales {
  /** feature row i = counts[i] * scale[i]; 0 for rows without spikes */
  scale: Float64Array;
  /** rows with zero total spikes (left as zero features) */
  zeroRows: number;
}

export function checkSplit(what: string, s: CountSplit, nl: number): void {
  if (!Number.isSafeInteger(s.n) || s.n < 0) throw new RangeError(`readout: ${what}.n must be a non-negative integer, got ${s.n}`);
  if (s.counts.length < s.n * nl) throw new RangeError(`readout: ${what}.counts has ${s.counts.length} entries, need n*nl = ${s.n * nl}`);
  if (s.labels.length < s.n) throw new RangeError(`readout: ${what}.labels has ${s.labels.length} entries, need n = ${s.n}`);
  for (let i = 0; i < s.n; i++) {
    if (s.labels[i] >= NUM_CLASSES) throw new RangeError(`readout: ${what}.labels[${i}] = ${s.labels[i]} is not a class 0..${NUM_CLASSES - 1}`);
  }
}

export function checkBatchSize(batchSize: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`readout: batchSize must be a positive integer, got ${batchSize}`);
}

/** Per-row scales of the batch normalisation (see the file comment). */
export function batchRowScales(counts: Uint16Array, n: number, nl: number, batchSize: number): RowScales {
  checkBatchSize(batchSize);
  const scale = new Float64Array(n);
  const l1 = new Float64Array(Math.min(batchSize, n));
  let zeroRows = 0;
  for (let b0 = 0; b0 < n; b0 += batchSize) {
    const b1 = Math.min(n, b0 + batchSize);
    let gmax = 0;
    for (let i = b0; i < b1; i++) {
      let sum = 0;
      let mx = 0;
      for (let j = i * nl, e = j + nl; j < e; j++) {
        const c = counts[j];
        sum += c;
        if (c > mx) mx = c;
      }
      l1[i - b0] = sum;
      if (sum === 0) zeroRows++;
      else if (mx / sum > gmax) gmax = mx / sum;
    }
    for (let i = b0; i < b1; i++) {
      const sum = l1[i - b0];
      scale[i] = sum === 0 ? 0 : 1 / sum / gmax;
    }
  }
  return { scale, zeroRows };
}

/**
 * The normalised feature matrix (row-major n x nl, float32), computed literally as
 * (count / rowL1) / batchMax. The trainer's internal counts*scale form equals this up to
 * float rounding.
 */
export function normalizeFeatures(
  counts: Uint16Array,
  n: number,
  nl: number,
  batchSize: number,
): { features: Float32Array; zeroRows: number } {
  checkBatchSize(batchSize);
  const features = new Float32Array(n * nl);
  let zeroRows = 0;
  const l1 = new Float64Array(Math.min(batchSize, n));
  for (let b0 = 0; b0 < n; b0 += batchSize) {
    const b1 = Math.min(n, b0 + batchSize);
    let gmax = 0;
    for (let i = b0; i < b1; i++) {
      let sum = 0;
      let mx = 0;
      for (let j = i * nl, e = j + nl; j < e; j++) {
        sum += counts[j];
        if (counts[j] > mx) mx = counts[j];
      }
      l1[i - b0] = sum;
      if (sum === 0) zeroRows++;
      else if (mx / sum > gmax) gmax = mx / sum;
    }
    for (let i = b0; i < b1; i++) {
      const sum = l1[i - b0];
      if (sum === 0) continue;
      for (let j = i * nl, e = j + nl; j < e; j++) features[j] = counts[j] / sum / gmax;
    }
  }
  return { features, zeroRows };
}
