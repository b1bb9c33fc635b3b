// Accuracy, confusion matrices and best-epoch selection.

import { NUM_CLASSES } from './kernels.js';

/** Index of the largest of v[off..off+9]; ties go to the lowest index (strict >). NaN never wins. */
export function argmax10(v: ArrayLike<number>, off = 0): number {
  let best = 0;
  let m = v[off];
  for (let c = 1; c < NUM_CLASSES; c++) {
    const x = v[off + c];
    if (x > m || (m !== m && x === x)) {
      m = x;
      best = c;
    }
  }
  return best;
}

/** 10x10 confusion matrix, rows = true class, columns = predicted class. */
export function confusionMatrix(predicted: ArrayLike<number>, labels: ArrayLike<number>, n = labels.length): number[][] {
  const m: number[][] = [];
  for (let r = 0; r < NUM_CLASSES; r++) m.push(new Array<number>(NUM_CLASSES).fill(0));
  for (let i = 0; i < n; i++) m[labels[i]][predicted[i]]++;
  return m;
}

/** Fraction of predictions equal to the labels (NaN for n = 0). */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>, n = labels.length): number {
  let ok = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === labels[i]) ok++;
  return ok / n;
}

/**
 * Model selection of the authors' readout: the FIRST epoch (0-based index into the history)
 * at which validation accuracy reaches its maximum. -1 for an empty history.
 */
export function selectBestEpoch(valHistory: ArrayLike<number>): number {
  let best = -1;
  let m = -Infinity;
  for (let e = 0; e < valHistory.length; e++) {
    if (valHistory[e] > m) {
      m = valHistory[e];
      best = e;
    }
  }
  return best;
}
