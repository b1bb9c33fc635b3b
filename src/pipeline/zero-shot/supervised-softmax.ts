// A supervised linear softmax over any number of classes (the library's 10-class readout cannot take
// N-TIDIGITS' 11 words): z-scored counts (training statistics) → the library's MLP with no hidden
// layer, softmax cross-entropy, Adam, batch 32; the last 10 % of the training rows are held out.
import { trainMlp } from '../../core/readout/mlp.js';
import { fitStandardiser, standardise } from './protocol.js';
import type { ModalityFeatures, SupervisedResult } from './protocol.js';

/** The supervised readout's result, over any number of classes (no early stopping, so no best epoch). */
export interface SoftmaxResult extends Omit<SupervisedResult, 'bestEpoch'> {
  classes: number;
}

export function supervisedSoftmax(f: ModalityFeatures, epochs: number, classes: number, seed: number): SoftmaxResult {
  const { dim } = f.train;
  const nVal = Math.max(1, Math.round(f.train.n / 10));
  const nTr = f.train.n - nVal;
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
  const std = fitStandardiser(f.train, range(0, nTr));
  const X = standardise(f.train, range(0, nTr), std);
  const Y = new Float64Array(nTr * classes);
  for (let i = 0; i < nTr; i++) {
    const l = f.train.labels[i];
    if (l >= classes) throw new RangeError(`supervised softmax: training row ${i} has label ${l}, expected 0..${classes - 1}`);
    Y[i * classes + l] = 1;
  }
  const { mlp } = trainMlp(X, dim, Y, classes, nTr, { hidden: [], loss: 'softmax-cross-entropy', epochs, batchSize: 32, lr: 1e-3, seed });
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const acc = (rows: number[], split: 'train' | 'test', tally: boolean): number => {
    const src = f[split];
    const P = mlp.predict(standardise(src, rows, std), rows.length);
    let right = 0;
    rows.forEach((r, i) => {
      let best = 0;
      for (let c = 1; c < classes; c++) if (P[i * classes + c] > P[i * classes + best]) best = c;
      if (best === src.labels[r]) right++;
      if (tally) confusion[src.labels[r]][best]++;
    });
    return right / Math.max(1, rows.length);
  };
  return { classes, val: acc(range(nTr, f.train.n), 'train', false), test: acc(range(0, f.test.n), 'test', true), epochs, samples: { train: nTr, val: nVal, test: f.test.n }, confusion };
}
