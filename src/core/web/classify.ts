// One sample through a trained readout: the features of a lone sample and the ten class
// probabilities. Training normalises features per batch of 250 (count / Σcount / batch max,
// readout/features.ts); a lone sample has no batch, so its divisor is the mean of the training
// batches' maxima, stored in the export (featureDivisor).
import { NUM_CLASSES } from '../readout/kernels.js';
import { argmax10 } from '../readout/metrics.js';
import type { WebReadout } from './export-format.js';

export interface Classification {
  /** softmax of the logits, summing to 1 */
  probabilities: Float64Array;
  logits: Float64Array;
  /** argmax (ties to the lowest class) */
  predicted: number;
  /** the sample had no liquid spike: the logits are the bias alone */
  silent: boolean;
}

export function classifyCounts(r: WebReadout, counts: ArrayLike<number>): Classification {
  const nl = r.weights.length / NUM_CLASSES;
  if (counts.length < nl) throw new RangeError(`classify: ${counts.length} counts for a ${nl}-neuron readout`);
  let sum = 0;
  for (let j = 0; j < nl; j++) sum += counts[j];
  const logits = new Float64Array(NUM_CLASSES);
  for (let c = 0; c < NUM_CLASSES; c++) logits[c] = 0;
  if (sum > 0) {
    const s = 1 / sum / r.featureDivisor;
    for (let j = 0; j < nl; j++) {
      const x = counts[j];
      if (x === 0) continue;
      for (let c = 0; c < NUM_CLASSES; c++) logits[c] += x * r.weights[j * NUM_CLASSES + c];
    }
    for (let c = 0; c < NUM_CLASSES; c++) logits[c] *= s;
  }
  for (let c = 0; c < NUM_CLASSES; c++) logits[c] += r.bias[c];
  let mx = -Infinity;
  for (let c = 0; c < NUM_CLASSES; c++) mx = Math.max(mx, logits[c]);
  const probabilities = new Float64Array(NUM_CLASSES);
  let z = 0;
  for (let c = 0; c < NUM_CLASSES; c++) z += probabilities[c] = Math.exp(logits[c] - mx);
  for (let c = 0; c < NUM_CLASSES; c++) probabilities[c] /= z;
  return { probabilities, logits, predicted: argmax10(logits), silent: sum === 0 };
}
