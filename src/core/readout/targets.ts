// Soft targets of the authors' readout: softmax of a +-1 vector (+1 at the true class, -1
// elsewhere). For 10 classes: e/(e + 9/e) = 0.450853... for the true class and
// (1/e)/(e + 9/e) = 0.061016... for each of the others.

import { NUM_CLASSES } from './kernels.js';

export interface SoftTargets {
  /** target probability of the true class */
  on: number;
  /** target probability of each other class */
  off: number;
}

export function softTargets(numClasses: number = NUM_CLASSES): SoftTargets {
  // softmax([+1, -1, ..., -1]), shifted by the max (+1) for form's sake
  const eOn = Math.exp(1 - 1);
  const eOff = Math.exp(-1 - 1);
  const z = eOn + (numClasses - 1) * eOff;
  return { on: eOn / z, off: eOff / z };
}
