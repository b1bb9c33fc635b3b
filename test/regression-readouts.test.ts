// Regression readouts: ridge against the normal equations, the MLP's gradients against finite
// differences, and the MLP's training being seeded.
import test from 'node:test';
import assert from 'node:assert/strict';
import { regressionGram, ridgeSolve, ridgePredict, RidgeRegressionProblem } from '../src/core/readout/ridge-regression.js';
import { Mlp, trainMlp, standardizeColumns } from '../src/core/readout/mlp.js';
import { Rng } from '../src/core/rng.js';

/** Gaussian elimination with partial pivoting (dense, for the test only). */
function solve(A: number[][], B: number[][]): number[][] {
  const n = A.length;
  const M = A.map((r, i) => [...r, ...B[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k < M[r].length; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((r, i) => r.slice(n).map((v) => v / M[i][i]));
}

test('ridge regression solves (ZᵀZ + λD)[W; b] = ZᵀY with an unregularised bias', () => {
  const rng = new Rng(5);
  const n = 40, f = 4, q = 2, lambda = 0.7;
  const X = Float64Array.from({ length: n * f }, () => rng.normal() + 0.5);
  const Y = Float64Array.from({ length: n * q }, () => rng.normal());
  const Wb = ridgeSolve(regressionGram(X, f, Y, q, 0, n), lambda)!;
  // the normal equations, built directly from the rows
  const Z = Array.from({ length: n }, (_, r) => [...Array.from(X.subarray(r * f, r * f + f)), 1]);
  const A = Array.from({ length: f + 1 }, (_, a) => Array.from({ length: f + 1 }, (_, b) => Z.reduce((s, z) => s + z[a] * z[b], 0) + (a === b && a < f ? lambda : 0)));
  const B = Array.from({ length: f + 1 }, (_, a) => Array.from({ length: q }, (_, c) => Z.reduce((s, z, r) => s + z[a] * Y[r * q + c], 0)));
  const ref = solve(A, B);
  for (let a = 0; a <= f; a++) for (let c = 0; c < q; c++) assert.ok(Math.abs(Wb[a * q + c] - ref[a][c]) < 1e-10, `W[${a}][${c}]`);
  // predictions use the bias row
  const p = ridgePredict(Wb, X, f, q, 3, 4);
  for (let c = 0; c < q; c++) assert.ok(Math.abs(p[c] - Z[3].reduce((s, z, a) => s + z * ref[a][c], 0)) < 1e-10);
});

test('ridge λ is chosen on the held-out tail, then refitted on every row', () => {
  const rng = new Rng(6);
  const n = 200, f = 3;
  const X = Float64Array.from({ length: n * f }, () => rng.normal());
  const Y = Float64Array.from({ length: n }, (_, r) => X[r * 3] - 2 * X[r * 3 + 1] + 0.1 * rng.normal());
  const prob = new RidgeRegressionProblem(X, f, n, 0.25);
  assert.equal(prob.nVal, 50);
  const fit = prob.fit(Y, 1, [1e-6, 1e-2, 1e2]);
  const best = fit.grid.reduce((a, b) => (b.validationMse < a.validationMse ? b : a));
  assert.equal(fit.relLambda, best.rel);
  assert.equal(fit.relLambda, 1e-6); // a near-noiseless linear target wants little shrinkage
  const direct = ridgeSolve(regressionGram(X, f, Y, 1, 0, n), fit.lambda)!;
  for (let k = 0; k < direct.length; k++) assert.ok(Math.abs(direct[k] - fit.Wb[k]) < 1e-9);
  assert.ok(Math.abs(fit.Wb[0] - 1) < 0.05 && Math.abs(fit.Wb[1] + 2) < 0.05);
});

function gradientCheck(activation: 'tanh' | 'relu', loss: 'mse' | 'softmax-cross-entropy'): void {
  const rng = new Rng(11, activation, loss);
  const f = 5, q = 3, n = 7;
  const mlp = new Mlp([f, 4, 3, q], activation, loss).init(rng);
  for (let k = 0; k < mlp.params.length; k++) mlp.params[k] += 0.1 * rng.normal(); // non-zero biases too
  const X = Float64Array.from({ length: n * f }, () => rng.normal());
  const Y = new Float64Array(n * q);
  for (let r = 0; r < n; r++) {
    if (loss === 'mse') for (let c = 0; c < q; c++) Y[r * q + c] = rng.normal();
    else Y[r * q + rng.int(q)] = 1;
  }
  const rows = [0, 2, 3, 6];
  const grad = new Float64Array(mlp.params.length);
  mlp.lossAndGradient(X, Y, rows, grad);
  const h = 1e-6;
  let worst = 0;
  for (let k = 0; k < mlp.params.length; k++) {
    const keep = mlp.params[k];
    mlp.params[k] = keep + h;
    const up = mlp.lossAndGradient(X, Y, rows, null);
    mlp.params[k] = keep - h;
    const down = mlp.lossAndGradient(X, Y, rows, null);
    mlp.params[k] = keep;
    const fd = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - grad[k]) / Math.max(1e-3, Math.abs(fd) + Math.abs(grad[k])));
  }
  assert.ok(worst < 1e-6, `${activation}/${loss}: worst relative gradient error ${worst}`);
}

test('MLP gradients match central finite differences (tanh and ReLU; MSE and softmax cross-entropy)', () => {
  gradientCheck('tanh', 'mse');
  gradientCheck('tanh', 'softmax-cross-entropy');
  gradientCheck('relu', 'mse');
  gradientCheck('relu', 'softmax-cross-entropy');
});

test('MLP training: the loss falls, and the same seed gives the same weights', () => {
  const rng = new Rng(2);
  const n = 300, f = 2;
  const X = Float64Array.from({ length: n * f }, () => 3 * rng.normal() + 1);
  const Y = Float64Array.from({ length: n }, (_, r) => Math.sin(X[r * 2]) + 0.5 * X[r * 2 + 1]);
  standardizeColumns(X, f, n);
  const a = trainMlp(X, f, Y, 1, n, { hidden: [8, 8], epochs: 30, batchSize: 20, lr: 0.01, seed: 4 });
  const b = trainMlp(X, f, Y, 1, n, { hidden: [8, 8], epochs: 30, batchSize: 20, lr: 0.01, seed: 4 });
  assert.deepEqual(a.mlp.params, b.mlp.params);
  assert.deepEqual(a.trainLoss, b.trainLoss);
  assert.equal(a.trainLoss.length, 31);
  assert.ok(a.trainLoss[30] < 0.2 * a.trainLoss[0], `loss ${a.trainLoss[0]} → ${a.trainLoss[30]}`);
  const c = trainMlp(X, f, Y, 1, n, { hidden: [8, 8], epochs: 2, batchSize: 20, lr: 0.01, seed: 5 });
  assert.notDeepEqual(c.mlp.params, a.mlp.params);
});
