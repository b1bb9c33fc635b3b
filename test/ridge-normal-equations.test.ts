// The ridge readout (core/readout/ridge.ts, through trainReadout) against an independent solve:
// the normal equations (ZᵀZ + λD) [W; b] = ZᵀY, Z = [X, 1], D = diag(1, …, 1, 0), Y = ±1 targets,
// built here in float64 from the library's own batch-normalised features and solved by Gaussian
// elimination with partial pivoting (not the library's Cholesky), for every λ of the grid
// (λ = rel · trace(XᵀX)/NL): the validation and test accuracy of each, the chosen λ (the first grid
// value with the best validation accuracy) and the weights within float32 rounding.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/core/rng.js';
import { DEFAULT_RIDGE_GRID, batchRowScales, normalizeFeatures, trainReadout, wasmAvailable, type CountSplit } from '../src/core/readout/index.js';

const NL = 24;
const C = 10;
const BATCH = 64; // divides none of the split sizes: the last batch of each is normalised on its own

/**
 * SYNTHETIC spike counts: neuron j fires more for classes j % 10 and (j + 3) % 10, with heavy
 * noise, so accuracy is well below 100 % and changes along the λ grid.
 */
function synthetic(n: number, key: string): CountSplit {
  const rng = new Rng(18, 'ridge-synthetic', key);
  const counts = new Uint16Array(n * NL);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const y = rng.int(C);
    labels[i] = y;
    for (let j = 0; j < NL; j++) counts[i * NL + j] = rng.int(j % C === y || (j + 3) % C === y ? 9 : 6);
  }
  return { counts, labels, n };
}

const TRAIN = synthetic(300, 'train');
const VAL = synthetic(130, 'val');
const TEST = synthetic(110, 'test');
// one silent training sample: a zero feature row that still meets the bias column
TRAIN.counts.fill(0, 5 * NL, 6 * NL);

/** X = the library's normalised features in float64 (row i = counts[i] · scale[i]). */
function features(s: CountSplit): Float64Array {
  const { scale } = batchRowScales(s.counts, s.n, NL, BATCH);
  const X = new Float64Array(s.n * NL);
  for (let i = 0; i < s.n; i++) for (let j = 0; j < NL; j++) X[i * NL + j] = s.counts[i * NL + j] * scale[i];
  return X;
}

/** Solve A x = B (A m×m, B m×k, row-major; both copied) by Gaussian elimination with partial pivoting. */
function gaussSolve(A0: Float64Array, B0: Float64Array, m: number, k: number): Float64Array {
  const A = Float64Array.from(A0);
  const B = Float64Array.from(B0);
  for (let p = 0; p < m; p++) {
    let piv = p;
    for (let r = p + 1; r < m; r++) if (Math.abs(A[r * m + p]) > Math.abs(A[piv * m + p])) piv = r;
    if (piv !== p) {
      for (let c = 0; c < m; c++) [A[p * m + c], A[piv * m + c]] = [A[piv * m + c], A[p * m + c]];
      for (let c = 0; c < k; c++) [B[p * k + c], B[piv * k + c]] = [B[piv * k + c], B[p * k + c]];
    }
    for (let r = p + 1; r < m; r++) {
      const f = A[r * m + p] / A[p * m + p];
      if (f === 0) continue;
      for (let c = p; c < m; c++) A[r * m + c] -= f * A[p * m + c];
      for (let c = 0; c < k; c++) B[r * k + c] -= f * B[p * k + c];
    }
  }
  const x = new Float64Array(m * k);
  for (let r = m - 1; r >= 0; r--) {
    for (let c = 0; c < k; c++) {
      let s = B[r * k + c];
      for (let q = r + 1; q < m; q++) s -= A[r * m + q] * x[q * k + c];
      x[r * k + c] = s / A[r * m + r];
    }
  }
  return x;
}

/** The reference fit: ZᵀZ, ZᵀY and trace(XᵀX)/NL in float64, then one solve per λ. */
function reference() {
  const m = NL + 1;
  const X = features(TRAIN);
  const ZtZ = new Float64Array(m * m);
  const ZtY = new Float64Array(m * C);
  const z = new Float64Array(m);
  for (let i = 0; i < TRAIN.n; i++) {
    for (let j = 0; j < NL; j++) z[j] = X[i * NL + j];
    z[NL] = 1;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) ZtZ[a * m + b] += z[a] * z[b];
      for (let c = 0; c < C; c++) ZtY[a * C + c] += z[a] * (c === TRAIN.labels[i] ? 1 : -1);
    }
  }
  let trace = 0;
  for (let j = 0; j < NL; j++) trace += ZtZ[j * m + j];
  const traceScale = trace / NL;
  const solve = (lambda: number): Float64Array => {
    const A = Float64Array.from(ZtZ);
    for (let j = 0; j < NL; j++) A[j * m + j] += lambda; // the bias (row NL) is not regularised
    return gaussSolve(A, ZtY, m, C);
  };
  return { traceScale, solve };
}

/** Accuracy of [W; b] (rows 0..NL-1 and NL of sol, 10 columns) on a split; ties go to the lowest class. */
function accuracy(sol: Float64Array, s: CountSplit): number {
  const X = features(s);
  let correct = 0;
  for (let i = 0; i < s.n; i++) {
    let best = 0;
    let bestZ = -Infinity;
    for (let c = 0; c < C; c++) {
      let zc = sol[NL * C + c];
      for (let j = 0; j < NL; j++) zc += X[i * NL + j] * sol[j * C + c];
      if (zc > bestZ) {
        bestZ = zc;
        best = c;
      }
    }
    if (best === s.labels[i]) correct++;
  }
  return correct / s.n;
}

/** |got − want| within one float32 ulp of want (the library solves in float64 and rounds to float32). */
function withinF32(got: Float32Array, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const ulp = 2 ** (Math.floor(Math.log2(Math.abs(w))) - 23);
    assert.ok(Math.abs(got[i] - w) <= ulp, `${what}[${i}]: ${got[i]} vs ${w} (ulp ${ulp})`);
  }
}

const REF = reference();

test('the library\'s features: normalizeFeatures (float32) is counts · batchRowScales rounded, and the silent row is zero', () => {
  const { features: F, zeroRows } = normalizeFeatures(TRAIN.counts, TRAIN.n, NL, BATCH);
  assert.equal(zeroRows, 1);
  const X = features(TRAIN);
  for (let i = 0; i < X.length; i++) assert.ok(Math.abs(F[i] - X[i]) <= 2 ** -24 * X[i], `feature ${i}: ${F[i]} vs ${X[i]}`);
  for (let j = 0; j < NL; j++) assert.equal(F[5 * NL + j], 0);
});

for (const backend of wasmAvailable() ? (['js', 'wasm'] as const) : (['js'] as const)) {
  test(`${backend}: every λ of the grid matches the normal equations (accuracy, weights, bias); the first best validation λ is chosen`, () => {
    const ref = DEFAULT_RIDGE_GRID.map((rel) => {
      const lambda = rel * REF.traceScale;
      const sol = REF.solve(lambda);
      return { rel, lambda, sol, val: accuracy(sol, VAL), test: accuracy(sol, TEST) };
    });
    // the grid as the library tried it: λ, and the accuracy of each solution
    const full = trainReadout(TRAIN, VAL, TEST, NL, { optimizer: 'ridge', batchSize: BATCH, backend });
    assert.equal(full.backend, backend);
    const info = full.ridge!;
    assert.equal(info.targets, 'pm1');
    assert.ok(Math.abs(info.traceScale - REF.traceScale) <= 1e-12 * REF.traceScale, `trace scale ${info.traceScale} vs ${REF.traceScale}`);
    assert.equal(info.grid.length, DEFAULT_RIDGE_GRID.length);
    for (let g = 0; g < ref.length; g++) {
      const got = info.grid[g];
      assert.equal(got.rel, ref[g].rel);
      assert.ok(Math.abs(got.lambda - ref[g].lambda) <= 1e-12 * ref[g].lambda, `λ[${g}]`);
      assert.equal(got.val, ref[g].val, `validation accuracy at rel ${ref[g].rel}`);
      assert.equal(got.test, ref[g].test, `test accuracy at rel ${ref[g].rel}`);
    }
    // the choice: first grid value with the maximum validation accuracy
    const bestVal = Math.max(...ref.map((r) => r.val));
    const chosen = ref.find((r) => r.val === bestVal)!;
    assert.equal(info.relLambda, chosen.rel);
    assert.equal(info.lambda, info.grid.find((g) => g.rel === chosen.rel)!.lambda);
    assert.deepEqual(full.accuracy, { val: chosen.val, test: chosen.test });
    withinF32(full.weights, chosen.sol.subarray(0, NL * C), 'weights');
    withinF32(full.bias, chosen.sol.subarray(NL * C), 'bias');
    // the accuracy changes along the grid (else the choice would test nothing), and here the best
    // validation accuracy is shared by rel 1e-4 and 1e-3: the first, 1e-4, is the one chosen
    assert.ok(new Set(ref.map((r) => r.val)).size >= 3, `validation accuracies ${ref.map((r) => r.val)}`);
    assert.ok(ref[ref.length - 1].val < bestVal);
    assert.equal(ref[1].val, bestVal);
    assert.equal(info.relLambda, 1e-4);

    // each λ alone (a one-value grid) returns that λ's weights: all of them within float32 rounding
    for (const r of ref) {
      const one = trainReadout(TRAIN, VAL, TEST, NL, { optimizer: 'ridge', batchSize: BATCH, backend, ridgeGrid: [r.rel] });
      assert.equal(one.ridge!.relLambda, r.rel);
      assert.deepEqual(one.accuracy, { val: r.val, test: r.test }, `rel ${r.rel}`);
      withinF32(one.weights, r.sol.subarray(0, NL * C), `weights at rel ${r.rel}`);
      withinF32(one.bias, r.sol.subarray(NL * C), `bias at rel ${r.rel}`);
    }
  });
}

test('ties in validation accuracy go to the first grid value in the order given, ascending or not', () => {
  // the reference accuracies on a grid with a repeated value and a reversed order
  const grid = [1e-2, 1e-3, 1e-2, 1e-4];
  const vals = grid.map((rel) => accuracy(REF.solve(rel * REF.traceScale), VAL));
  const best = Math.max(...vals);
  const r = trainReadout(TRAIN, VAL, TEST, NL, { optimizer: 'ridge', batchSize: BATCH, ridgeGrid: grid });
  assert.deepEqual(r.ridge!.grid.map((g) => g.val), vals);
  assert.equal(r.ridge!.relLambda, grid[vals.indexOf(best)]);
  // on these data 1e-3 and 1e-4 tie for the best: the first given (1e-3) wins, not the smallest λ
  assert.equal(vals[1], best);
  assert.equal(vals[3], best);
  assert.equal(r.ridge!.relLambda, 1e-3);
  // the same value twice: the second never displaces the first (its accuracy is only equal)
  assert.equal(vals[0], vals[2]);
});
