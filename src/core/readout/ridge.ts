// Closed-form ridge regression readout (the usual reservoir-computing alternative to the
// gradient readout), on the same batch-normalised features plus a bias column:
//   solve (Z^T Z + lambda*D) [W; b] = Z^T Y,   Z = [X, 1],  D = diag(1,..,1, 0)
// Targets Y are +-1 (+1 at the true class, -1 elsewhere). The bias is not regularised, and then
// +-1 and one-hot targets give the same predictions (W_pm = 2 W_01, b_pm = 2 b_01 - 1).
// lambda = rel * trace(X^T X)/NL for rel in a small grid (default 1e-4 .. 1e2, decades); the
// chosen lambda is the first grid value (ascending as given) with the best validation accuracy.
//
// Cost (wasm backend, one core of a 2.9 GHz EPYC, 50k training samples): the Gram matrix,
// n*(NL+1)^2/2 multiply-adds, ~4-5 s at NL = 1000 and ~4x that per doubling of NL; then one
// Cholesky factorisation per grid value, (NL+1)^3/6 multiply-adds (~0.25 s at NL = 1000, ~2.7 s
// at 2000, ~8x per doubling: it is memory-bound, not blocked). Measured totals with the default
// 7-value grid: 7 s at NL = 1000, 27 s at NL = 2000; expect ~4 min at 4000 and ~30 min at 8000
// (pass a shorter ridgeGrid there). Memory: the Gram matrix and the factor, 8*(NL+11)^2 bytes
// each, in the wasm memory next to a copy of the counts: 16 MB at NL = 1000, 1 GB at NL = 8000.
// The plain-JS backend gives the same numbers, several times slower.

import { LANES, NUM_CLASSES, type Backend } from './kernels.js';
import type { CountSplit } from './features.js';
import { countCorrect } from './evaluate.js';
import { confusionMatrix } from './metrics.js';
import { choleskySolve } from './cholesky.js';

export const DEFAULT_RIDGE_GRID: readonly number[] = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100];

export interface RidgeInfo {
  /** target coding: +1 true class, -1 others */
  targets: 'pm1';
  /** trace(X^T X)/NL: the unit of the relative grid */
  traceScale: number;
  /** chosen lambda (absolute) and its relative value */
  lambda: number;
  relLambda: number;
  /** every grid value tried; val/test NaN where the factorisation failed */
  grid: Array<{ rel: number; lambda: number; val: number; test: number }>;
}

export interface RidgeFit {
  valAcc: number;
  testAcc: number;
  confusion: number[][];
  weights: Float32Array;
  bias: Float32Array;
  info: RidgeInfo;
}

/** splits: [train, val, test] (backend split indices 0, 1, 2); scales: their row scales. */
export function trainRidge(be: Backend, splits: CountSplit[], scales: Float64Array[], grid: readonly number[] = DEFAULT_RIDGE_GRID): RidgeFit {
  const ws = be.gramWs;
  if (ws === null) throw new Error('readout: ridge needs a backend with a Gram workspace');
  if (grid.length === 0) throw new RangeError('readout: ridgeGrid is empty');
  for (const r of grid) if (!(r > 0)) throw new RangeError(`readout: ridgeGrid values must be > 0, got ${r}`);
  const nl = be.nl;
  const m = nl + 1;
  const { mPad, chunk, Z, gram } = ws;
  const [train, val, test] = splits;
  const sTrain = scales[0];

  // Gram matrix of Z = [X, 1, Y] (upper blocks): its top-left m x m block is Z^T Z for Z = [X, 1],
  // the block right of it is the right-hand side [X, 1]^T Y
  if (mPad < m + NUM_CLASSES) throw new Error('readout: Gram workspace too narrow for the targets');
  gram.fill(0);
  Z.fill(0);
  const panel = chunk * 4;
  for (let i0 = 0; i0 < train.n; i0 += chunk) {
    const k = Math.min(chunk, train.n - i0);
    // Z[r][j] lives at (j >> 2) * panel + r * 4 + (j & 3) (panels of 4 columns, see kernels.ts)
    for (let r = 0; r < k; r++) {
      const i = i0 + r;
      const s = sTrain[i];
      const src = i * nl;
      const dst = r * 4;
      for (let j = 0; j < nl; j++) Z[(j >> 2) * panel + dst + (j & 3)] = train.counts[src + j] * s;
      Z[(nl >> 2) * panel + dst + (nl & 3)] = 1;
      for (let c = 0; c < NUM_CLASSES; c++) {
        const j = m + c;
        Z[(j >> 2) * panel + dst + (j & 3)] = c === train.labels[i] ? 1 : -1;
      }
    }
    ws.accumulate(k);
  }
  let trace = 0;
  for (let j = 0; j < nl; j++) trace += gram[j * mPad + j];
  const traceScale = trace / nl;
  if (!(traceScale > 0)) throw new Error('readout: ridge needs some spikes in the training set');

  // right-hand side, m x 10 row-major
  const rhs = new Float64Array(m * NUM_CLASSES);
  for (let a = 0; a < m; a++) for (let c = 0; c < NUM_CLASSES; c++) rhs[a * NUM_CLASSES + c] = gram[a * mPad + m + c];

  const L = ws.L;
  const sol = new Float64Array(m * NUM_CLASSES);
  const best = new Float64Array(m * NUM_CLASSES);
  const bias = new Float32Array(NUM_CLASSES);
  const info: RidgeInfo = { targets: 'pm1', traceScale, lambda: NaN, relLambda: NaN, grid: [] };
  let bestVal = -Infinity;
  let bestTest = NaN;
  // evaluation uses the f32 kernels: the solution is rounded to f32 for it (and for the result)
  const load = (x: Float64Array): void => {
    const W = be.W;
    W.fill(0);
    for (let j = 0; j < nl; j++) for (let c = 0; c < NUM_CLASSES; c++) W[j * LANES + c] = x[j * NUM_CLASSES + c];
    for (let c = 0; c < NUM_CLASSES; c++) bias[c] = x[nl * NUM_CLASSES + c];
  };

  for (const rel of grid) {
    const lambda = rel * traceScale;
    // lower triangle of Gram + lambda*D (the Gram's upper triangle read transposed)
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) L[i * m + j] = gram[j * mPad + i];
      if (i < nl) L[i * m + i] += lambda;
    }
    let va = NaN;
    let ta = NaN;
    if (ws.cholesky()) {
      choleskySolve(L, m, rhs, sol, NUM_CLASSES);
      load(sol);
      va = countCorrect(be, 1, val.n, val.labels, scales[1], bias) / val.n;
      ta = countCorrect(be, 2, test.n, test.labels, scales[2], bias) / test.n;
      if (va > bestVal) {
        bestVal = va;
        bestTest = ta;
        info.lambda = lambda;
        info.relLambda = rel;
        best.set(sol);
      }
    }
    info.grid.push({ rel, lambda, val: va, test: ta });
  }
  if (!(bestVal >= 0)) throw new Error('readout: ridge failed for every lambda (Cholesky breakdown)');

  load(best);
  const pred = new Uint8Array(test.n);
  countCorrect(be, 2, test.n, test.labels, scales[2], bias, pred);
  return {
    valAcc: bestVal,
    testAcc: bestTest,
    confusion: confusionMatrix(pred, test.labels, test.n),
    weights: Float32Array.from(best.subarray(0, nl * NUM_CLASSES)),
    bias: Float32Array.from(bias),
    info,
  };
}

