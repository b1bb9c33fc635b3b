// The NALSM readout, as in the authors' code (Ivanov & Michmizos 2021):
//   features  batch-normalised spike counts (features.ts), computed once
//   model     logits = X W + b, W (NL x 10) and b (10) initialised to 0
//   loss      mean over the batch of softmax cross-entropy against soft targets softmax(+-1)
//             (targets.ts), plus l2 * 0.5 * ||W||^2 (not divided by the batch size; b is not
//             regularised)
//   batches   consecutive batches of batchSize samples in dataset order, the same every epoch,
//             one optimizer step per training batch (the last batch is smaller when batchSize
//             does not divide n: its loss is the mean over its own rows)
//   optimizer TF1 Adadelta (lr 0.1, rho 0.95, eps 1e-8) by default; Adam (TF1 form) as option
//   selection after each epoch, accuracy on val and test; the result is the test accuracy at
//             the FIRST epoch with the maximum validation accuracy (W, b of that epoch are kept)
// Closed-form ridge regression is the alternative (ridge.ts).

import { LANES, NUM_CLASSES, createBackend, type Backend, type BackendChoice } from './kernels.js';
import { batchRowScales, checkBatchSize, checkSplit, type CountSplit } from './features.js';
import { softTargets } from './targets.js';
import { Adadelta, Adam, type Optimizer } from './optim.js';
import { confusionMatrix } from './metrics.js';
import { countCorrect } from './evaluate.js';
import { trainRidge, type RidgeInfo } from './ridge.js';

export type ReadoutOptimizer = 'adadelta' | 'adam' | 'ridge';

/** rows per evaluation call (at least; the buffers hold max(batchSize, this) rows) */
const EVAL_ROWS = 256;

export interface ReadoutOptions {
  /** 'adadelta' (default, the authors' code), 'adam' (the paper's wording) or 'ridge' (closed form) */
  optimizer?: ReadoutOptimizer;
  /** training epochs (gradient optimizers); default 5000 as in the original */
  epochs?: number;
  /** batch size for both the normalisation and the optimizer steps; default 250 */
  batchSize?: number;
  /** learning rate; default 0.1 for Adadelta, 1e-3 for Adam */
  lr?: number;
  /** L2 coefficient on W: loss += l2 * 0.5 * ||W||^2; default 5e-10 */
  l2?: number;
  /** Adadelta rho (0.95) and eps (1e-8); Adam beta1 (0.9), beta2 (0.999), eps (1e-8) */
  rho?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /**
   * early stop: stop when validation accuracy has not improved for this many epochs
   * (0/undefined = off, run all epochs)
   */
  patience?: number;
  /** progress callback after each epoch (1-based); returning false stops training */
  onEpoch?: (epoch: number, valAcc: number, testAcc: number) => void | boolean;
  /** 'auto' (default: wasm SIMD when available, else JS), 'wasm' (throws if unavailable) or 'js' */
  backend?: BackendChoice;
  /** ridge only: lambda grid relative to trace(X^T X)/NL; default [1e-4, 1e-3, ..., 1e2] */
  ridgeGrid?: number[];
}

export interface ReadoutResult {
  optimizer: ReadoutOptimizer;
  /** 'wasm' or 'js': the backend that ran (both give identical numbers) */
  backend: 'wasm' | 'js';
  nl: number;
  batchSize: number;
  /** epochs actually run (0 for ridge) */
  epochs: number;
  /** 1-based epoch whose weights were selected (first max of val accuracy); 0 for ridge or epochs = 0 */
  bestEpoch: number;
  /** accuracy of the selected weights */
  accuracy: { val: number; test: number };
  /** per-epoch accuracy: history.val[e-1] is after epoch e */
  history: { val: number[]; test: number[] };
  /** test confusion matrix of the selected weights, 10x10, rows = true class */
  confusion: number[][];
  /** rows with no spikes at all (kept as zero features; NaN in the original), all splits */
  zeroSpikeRows: number;
  zeroSpikeRowsBySplit: { train: number; val: number; test: number };
  /** whether training ended before `epochs` (patience or onEpoch returning false) */
  stoppedEarly: boolean;
  /** selected weights, NL x 10 row-major (weights[j*10 + c]); trained in f64, rounded here */
  weights: Float32Array;
  /** selected bias, 10 */
  bias: Float32Array;
  /** ridge details (optimizer 'ridge' only) */
  ridge?: RidgeInfo;
}

/** Train the readout on train, select on val, report test. See the file comment. */
export function trainReadout(train: CountSplit, val: CountSplit, test: CountSplit, nl: number, opts: ReadoutOptions = {}): ReadoutResult {
  if (!Number.isSafeInteger(nl) || nl < 1) throw new RangeError(`readout: nl must be a positive integer, got ${nl}`);
  checkSplit('train', train, nl);
  checkSplit('val', val, nl);
  checkSplit('test', test, nl);
  if (train.n < 1 || val.n < 1 || test.n < 1) throw new RangeError('readout: train, val and test need at least one sample each');
  const batchSize = opts.batchSize ?? 250;
  checkBatchSize(batchSize);
  const optimizer = opts.optimizer ?? 'adadelta';
  const l2 = opts.l2 ?? 5e-10;

  const scTrain = batchRowScales(train.counts, train.n, nl, batchSize);
  const scVal = batchRowScales(val.counts, val.n, nl, batchSize);
  const scTest = batchRowScales(test.counts, test.n, nl, batchSize);
  const zero = { train: scTrain.zeroRows, val: scVal.zeroRows, test: scTest.zeroRows };
  const common = {
    optimizer,
    nl,
    batchSize,
    zeroSpikeRows: zero.train + zero.val + zero.test,
    zeroSpikeRowsBySplit: zero,
  };

  if (optimizer === 'ridge') {
    const be = createBackend({
      nl,
      splits: [train, val, test],
      choice: opts.backend ?? 'auto',
      rowCap: EVAL_ROWS,
      gram: { chunk: 128, extraCols: NUM_CLASSES },
    });
    const r = trainRidge(be, [train, val, test], [scTrain.scale, scVal.scale, scTest.scale], opts.ridgeGrid);
    return {
      ...common,
      backend: be.kind,
      epochs: 0,
      bestEpoch: 0,
      accuracy: { val: r.valAcc, test: r.testAcc },
      history: { val: [], test: [] },
      confusion: r.confusion,
      stoppedEarly: false,
      weights: r.weights,
      bias: r.bias,
      ridge: r.info,
    };
  }
  if (optimizer !== 'adadelta' && optimizer !== 'adam') throw new RangeError(`readout: unknown optimizer ${String(optimizer)}`);

  const epochs = opts.epochs ?? 5000;
  if (!Number.isSafeInteger(epochs) || epochs < 0) throw new RangeError(`readout: epochs must be a non-negative integer, got ${epochs}`);
  const patience = opts.patience ?? 0;

  const be = createBackend({ nl, splits: [train, val, test], choice: opts.backend ?? 'auto', rowCap: Math.max(batchSize, EVAL_ROWS) });
  const W = be.W;
  W.fill(0);
  const b = new Float32Array(NUM_CLASSES);
  const gb = new Float64Array(NUM_CLASSES);
  // W: the backend's optimizer (with the L2 term); b: a plain one, not regularised
  let optB: Optimizer;
  if (optimizer === 'adam') {
    const o = { lr: opts.lr ?? 1e-3, beta1: opts.beta1 ?? 0.9, beta2: opts.beta2 ?? 0.999, eps: opts.eps ?? 1e-8 };
    be.initOptimizer({ kind: 'adam', ...o, l2 });
    optB = new Adam(NUM_CLASSES, o);
  } else {
    const o = { lr: opts.lr ?? 0.1, rho: opts.rho ?? 0.95, eps: opts.eps ?? 1e-8 };
    be.initOptimizer({ kind: 'adadelta', ...o, l2 });
    optB = new Adadelta(NUM_CLASSES, o);
  }
  const tgt = softTargets(NUM_CLASSES);
  const step = makeStepper(be, train, scTrain.scale, b, gb, tgt.on, tgt.off);

  const bestW = new Float32Array(W.length);
  const bestB = new Float32Array(NUM_CLASSES);
  const history = { val: [] as number[], test: [] as number[] };
  let bestEpoch = 0;
  let bestVal = -Infinity;
  let stoppedEarly = false;

  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let b0 = 0; b0 < train.n; b0 += batchSize) {
      step(b0, Math.min(train.n, b0 + batchSize));
      be.stepW(); // W -= update(G + l2*W)
      optB.step(b, gb); // b is not regularised
    }
    const va = countCorrect(be, 1, val.n, val.labels, scVal.scale, b) / val.n;
    const ta = countCorrect(be, 2, test.n, test.labels, scTest.scale, b) / test.n;
    history.val.push(va);
    history.test.push(ta);
    if (va > bestVal) {
      bestVal = va;
      bestEpoch = epoch;
      bestW.set(W);
      bestB.set(b);
    }
    const cont = opts.onEpoch?.(epoch, va, ta);
    if (epoch < epochs && (cont === false || (patience > 0 && epoch - bestEpoch >= patience))) {
      stoppedEarly = true;
      break;
    }
  }

  // the selected weights (epoch 0 = the zero initialisation when no epoch ran)
  if (bestEpoch > 0) {
    W.set(bestW);
    b.set(bestB);
  }
  const predTest = new Uint8Array(test.n);
  const valAcc = countCorrect(be, 1, val.n, val.labels, scVal.scale, b) / val.n;
  const testAcc = countCorrect(be, 2, test.n, test.labels, scTest.scale, b, predTest) / test.n;
  return {
    ...common,
    backend: be.kind,
    epochs: history.val.length,
    bestEpoch,
    accuracy: { val: valAcc, test: testAcc },
    history,
    confusion: confusionMatrix(predTest, test.labels, test.n),
    stoppedEarly,
    weights: unpad(W, nl),
    bias: Float32Array.from(b),
  };
}

/** nl x 12 padded rows -> nl x 10 */
function unpad(W: Float32Array, nl: number): Float32Array {
  const w = new Float32Array(nl * NUM_CLASSES);
  for (let j = 0; j < nl; j++) for (let c = 0; c < NUM_CLASSES; c++) w[j * NUM_CLASSES + c] = W[j * LANES + c];
  return w;
}

/**
 * Returns step(b0, b1): forward + backward over training rows [b0, b1) (at most be.rowCap rows)
 * with the current W, b, leaving the mean cross-entropy gradient in be.G (weights, f32) and gb
 * (bias, f64).
 */
function makeStepper(
  be: Backend,
  train: CountSplit,
  scale: Float64Array,
  b: Float32Array,
  gb: Float64Array,
  tOn: number,
  tOff: number,
): (b0: number, b1: number) => void {
  const { G, out, d } = be;
  const labels = train.labels;
  const e = new Float64Array(NUM_CLASSES);

  // row r of the batch (off = 12r): d[off + c] = s * (softmax(s*out + b) - target)_c / m and
  // gb += (softmax - target)/m; f64 here, d is rounded to f32 on store
  const rowGrad = (off: number, s: number, label: number, invM: number): void => {
    let mx = -Infinity;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const z = s * out[off + c] + b[c];
      e[c] = z;
      if (z > mx) mx = z;
    }
    let sum = 0;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const v = Math.exp(e[c] - mx);
      e[c] = v;
      sum += v;
    }
    const inv = 1 / sum;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const g = (e[c] * inv - (c === label ? tOn : tOff)) * invM;
      gb[c] += g;
      d[off + c] = g * s;
    }
  };

  return (b0: number, b1: number): void => {
    const m = b1 - b0;
    const invM = 1 / m;
    G.fill(0);
    gb.fill(0);
    be.fwdRows(0, b0, m);
    for (let r = 0; r < m; r++) rowGrad(r * LANES, scale[b0 + r], labels[b0 + r], invM);
    be.accRows(0, b0, m);
  };
}
