// A trained linear readout and prediction with it.

import { NUM_CLASSES } from './kernels.js';
import { argmax10 } from './metrics.js';
import { normalizeFeatures } from './features.js';

export interface ReadoutModel {
  /** number of liquid neurons (features) */
  nl: number;
  /** NL x 10, row-major: weights[j*10 + c] */
  weights: Float32Array;
  /** 10 */
  bias: Float32Array;
  /** the normalisation batch size the model was trained with (predictCounts uses it) */
  batchSize: number;
}

/** logits[i*10 + c] = features[i] . W[:, c] + b[c], in f64. `features` is row-major n x nl (normalised). */
export function readoutLogits(model: ReadoutModel, features: ArrayLike<number>, n = Math.floor(features.length / model.nl)): Float64Array {
  const { nl, weights: W, bias } = model;
  if (features.length < n * nl) throw new RangeError(`readout: features has ${features.length} entries, need n*nl = ${n * nl}`);
  const logits = new Float64Array(n * NUM_CLASSES);
  const acc = new Float64Array(NUM_CLASSES);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let j = 0; j < nl; j++) {
      const x = features[i * nl + j];
      if (x === 0) continue;
      const o = j * NUM_CLASSES;
      for (let c = 0; c < NUM_CLASSES; c++) acc[c] += x * W[o + c];
    }
    for (let c = 0; c < NUM_CLASSES; c++) logits[i * NUM_CLASSES + c] = acc[c] + bias[c];
  }
  return logits;
}

/**
 * Predicted class (argmax of the logits, ties to the lowest index) of each row of a normalised
 * feature matrix (row-major n x nl, e.g. from normalizeFeatures).
 */
export function predict(model: ReadoutModel, features: ArrayLike<number>, n?: number): Uint8Array {
  const logits = readoutLogits(model, features, n);
  const rows = logits.length / NUM_CLASSES;
  const out = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) out[i] = argmax10(logits, i * NUM_CLASSES);
  return out;
}

/**
 * Predict from raw spike counts: normalise in consecutive batches of model.batchSize (dataset
 * order, as in training), then predict. Note the features of a sample depend on the other
 * samples of its batch (the batch max), exactly as in the authors' evaluation.
 */
export function predictCounts(model: ReadoutModel, counts: Uint16Array, n: number): { predicted: Uint8Array; zeroRows: number } {
  const { features, zeroRows } = normalizeFeatures(counts, n, model.nl, model.batchSize);
  return { predicted: predict(model, features, n), zeroRows };
}
