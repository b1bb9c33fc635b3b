import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adadelta,
  Adam,
  argmax10,
  batchRowScales,
  cholesky,
  choleskySolve,
  confusionMatrix,
  normalizeFeatures,
  predict,
  predictCounts,
  selectBestEpoch,
  softTargets,
  trainReadout,
  wasmAvailable,
  type CountSplit,
  type ReadoutOptions,
} from '../src/core/readout/index.js';

// ---------------------------------------------------------------------------------------------
// helpers: a local LCG and a Poisson sampler, so the data do not depend on other modules

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function poisson(r: () => number, lambda: number): number {
  const L = Math.exp(-lambda);
  let k = 0;
  let p = r();
  while (p > L) {
    k++;
    p *= r();
  }
  return k;
}

/** 10 classes, nl features; feature j fires at rate `hi` for class j % 10, else `lo`. */
function toy(n: number, nl: number, seed: number, hi = 6, lo = 1): CountSplit {
  const r = lcg(seed);
  const counts = new Uint16Array(n * nl);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const y = Math.floor(r() * 10);
    labels[i] = y;
    for (let j = 0; j < nl; j++) counts[i * nl + j] = poisson(r, j % 10 === y ? hi : lo);
  }
  return { counts, labels, n };
}

const NL = 50;
const TRAIN = toy(2000, NL, 1);
const VAL = toy(500, NL, 2);
const TEST = toy(500, NL, 3);

const backends: Array<'js' | 'wasm'> = wasmAvailable() ? ['js', 'wasm'] : ['js'];

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

// ---------------------------------------------------------------------------------------------

test('soft targets are softmax of the +-1 vector', () => {
  const t = softTargets();
  const ref = softmax([1, -1, -1, -1, -1, -1, -1, -1, -1, -1]);
  assert.ok(Math.abs(t.on - ref[0]) < 1e-15);
  assert.ok(Math.abs(t.off - ref[1]) < 1e-15);
  assert.ok(Math.abs(t.on - 0.450853) < 1e-6, `on = ${t.on}`);
  assert.ok(Math.abs(t.off - 0.061016) < 1e-6, `off = ${t.off}`);
  assert.ok(Math.abs(t.on + 9 * t.off - 1) < 1e-15);
});

test('feature normalisation: per-row L1, then per-batch max; zero rows stay zero and are counted', () => {
  const nl = 4;
  // batch size 2: batches {0,1}, {2,3}, {4} (the last one smaller)
  const counts = Uint16Array.from([
    1, 3, 0, 0, // L1 4 -> .25 .75 0 0
    2, 2, 2, 2, // L1 8 -> .25 x4        batch max .75
    0, 0, 0, 0, // zero row
    0, 5, 0, 5, // L1 10 -> 0 .5 0 .5   batch max .5
    0, 0, 0, 7, // alone: 0 0 0 1
  ]);
  const { features, zeroRows } = normalizeFeatures(counts, 5, nl, 2);
  const expected = [
    1 / 3, 1, 0, 0,
    1 / 3, 1 / 3, 1 / 3, 1 / 3,
    0, 0, 0, 0,
    0, 1, 0, 1,
    0, 0, 0, 1,
  ];
  assert.equal(zeroRows, 1);
  assert.deepEqual(Array.from(features), expected.map(Math.fround));
  for (const v of features) assert.ok(Number.isFinite(v));

  // the trainer's form: counts * per-row scale
  const { scale, zeroRows: z2 } = batchRowScales(counts, 5, nl, 2);
  assert.equal(z2, 1);
  assert.equal(scale[2], 0);
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < nl; j++) assert.ok(Math.abs(counts[i * nl + j] * scale[i] - expected[i * nl + j]) < 1e-15);
  }
});

test('Adadelta: one and two steps equal the TF1 formulas', () => {
  const lr = 0.1;
  const rho = 0.95;
  const eps = 1e-8;
  const theta = Float64Array.from([0.5, -1, 0, 2]);
  const g1 = Float64Array.from([0.3, -0.02, 0, 1e-5]);
  const g2 = Float64Array.from([-0.1, 0.2, 0.5, 1e-5]);
  const opt = new Adadelta(4, { lr, rho, eps });
  const ref = Array.from(theta);
  const acc = [0, 0, 0, 0];
  const accU = [0, 0, 0, 0];
  for (const g of [g1, g2]) {
    opt.step(theta, g);
    for (let k = 0; k < 4; k++) {
      acc[k] = rho * acc[k] + (1 - rho) * g[k] * g[k];
      const upd = (Math.sqrt(accU[k] + eps) / Math.sqrt(acc[k] + eps)) * g[k];
      accU[k] = rho * accU[k] + (1 - rho) * upd * upd;
      ref[k] -= lr * upd;
    }
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(theta[k] - ref[k]) < 1e-12, `k=${k}: ${theta[k]} vs ${ref[k]}`);
  }
  // first step of a parameter with gradient g: -lr*sqrt(eps)/sqrt((1-rho)g^2+eps)*g
  const t = Float64Array.from([0]);
  new Adadelta(1).step(t, Float64Array.from([0.3]));
  assert.ok(Math.abs(t[0] - -0.1 * (Math.sqrt(1e-8) / Math.sqrt(0.05 * 0.09 + 1e-8)) * 0.3) < 1e-15);
});

test('Adam (TF1 form): one step moves by about lr*sign(g), two steps match the formulas', () => {
  const theta = Float64Array.from([1, -1, 0]);
  const g1 = Float64Array.from([0.5, -2, 1e-3]);
  const g2 = Float64Array.from([0.1, 1, -1e-3]);
  const opt = new Adam(3, { lr: 0.01 });
  const ref = Array.from(theta);
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  let t = 0;
  for (const g of [g1, g2]) {
    opt.step(theta, g);
    t++;
    const lrT = (0.01 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
    for (let k = 0; k < 3; k++) {
      m[k] = 0.9 * m[k] + 0.1 * g[k];
      v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
      ref[k] -= (lrT * m[k]) / (Math.sqrt(v[k]) + 1e-8);
    }
    if (t === 1) for (let k = 0; k < 3; k++) assert.ok(Math.abs(theta[k] - (k === 0 ? 1 : k === 1 ? -1 : 0) + 0.01 * Math.sign(g[k])) < 1e-5);
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(theta[k] - ref[k]) < 1e-12);
  }
});

/**
 * Plain f64 reference of the authors' readout (features materialised, straightforward loops),
 * to check the whole training step: normalisation, soft-target cross-entropy gradient, L2,
 * batches and the optimizer.
 */
function referenceTrain(train: CountSplit, nl: number, epochs: number, batchSize: number, l2: number, opt: 'adadelta' | 'adam'): { W: Float64Array; b: Float64Array } {
  const { features: X } = normalizeFeatures(train.counts, train.n, nl, batchSize);
  const { on, off } = softTargets();
  const W = new Float64Array(nl * 10);
  const b = new Float64Array(10);
  const oW = opt === 'adam' ? new Adam(W.length) : new Adadelta(W.length);
  const oB = opt === 'adam' ? new Adam(10) : new Adadelta(10);
  for (let e = 0; e < epochs; e++) {
    for (let b0 = 0; b0 < train.n; b0 += batchSize) {
      const b1 = Math.min(train.n, b0 + batchSize);
      const gW = new Float64Array(nl * 10);
      const gB = new Float64Array(10);
      for (let i = b0; i < b1; i++) {
        const z: number[] = [];
        for (let c = 0; c < 10; c++) {
          let s = b[c];
          for (let j = 0; j < nl; j++) s += X[i * nl + j] * W[j * 10 + c];
          z.push(s);
        }
        const p = softmax(z);
        for (let c = 0; c < 10; c++) {
          const d = (p[c] - (c === train.labels[i] ? on : off)) / (b1 - b0);
          gB[c] += d;
          for (let j = 0; j < nl; j++) gW[j * 10 + c] += X[i * nl + j] * d;
        }
      }
      for (let k = 0; k < W.length; k++) gW[k] += l2 * W[k];
      oW.step(W, gW);
      oB.step(b, gB);
    }
  }
  return { W, b };
}

for (const backend of backends) {
  for (const opt of ['adadelta', 'adam'] as const) {
    test(`${backend} ${opt}: training steps match a plain f64 reference (odd n, last batch smaller, L2)`, () => {
      const nl = 13;
      const tr = toy(107, nl, 11, 5, 1); // batches of 20: 5 full + one of 7; pairs + an odd row
      // a zero row in the training data must not produce NaN
      tr.counts.fill(0, 3 * nl, 4 * nl);
      const va = toy(9, nl, 12);
      const te = toy(9, nl, 13);
      const l2 = 1e-3; // large enough to matter
      const epochs = 3;
      const r = trainReadout(tr, va, te, nl, { optimizer: opt, epochs, batchSize: 20, l2, backend, patience: 0 });
      assert.equal(r.backend, backend);
      assert.equal(r.zeroSpikeRowsBySplit.train, 1);
      // compare the weights of the last epoch: force selection of it by using the full history
      const ref = referenceTrain(tr, nl, epochs, 20, l2, opt);
      // the readout keeps the best-val epoch: rerun with the reference for that epoch count
      const refBest = r.bestEpoch === epochs ? ref : referenceTrain(tr, nl, r.bestEpoch, 20, l2, opt);
      let maxAbs = 0;
      for (const v of refBest.W) maxAbs = Math.max(maxAbs, Math.abs(v));
      assert.ok(maxAbs > 1e-4, 'weights moved');
      for (let j = 0; j < nl; j++) {
        for (let c = 0; c < 10; c++) {
          const got = r.weights[j * 10 + c];
          const want = refBest.W[j * 10 + c];
          assert.ok(Number.isFinite(got));
          assert.ok(Math.abs(got - want) <= 1e-5 * maxAbs, `W[${j}][${c}] = ${got}, reference ${want}`);
        }
      }
      for (let c = 0; c < 10; c++) assert.ok(Math.abs(r.bias[c] - refBest.b[c]) <= 1e-5 * maxAbs, `b[${c}]`);
    });
  }

  test(`${backend}: one Adadelta step of the trainer equals a hand computation`, () => {
    const nl = 5;
    const counts = Uint16Array.from([3, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1, 1, 0, 0, 3, 0, 0, 4, 1, 1]);
    const labels = Uint8Array.from([0, 1, 2, 3]);
    const s: CountSplit = { counts, labels, n: 4 };
    const l2 = 0.5; // no effect on the first step: W starts at 0
    const r = trainReadout(s, s, s, nl, { epochs: 1, batchSize: 4, l2, backend });
    // W = 0, b = 0: p = 0.1 for every class
    const { scale } = batchRowScales(counts, 4, nl, 4);
    const { on, off } = softTargets();
    const step = (g: number): number => -0.1 * (Math.sqrt(1e-8) / Math.sqrt(0.05 * g * g + 1e-8)) * g;
    for (let j = 0; j < nl; j++) {
      for (let c = 0; c < 10; c++) {
        let g = 0;
        for (let i = 0; i < 4; i++) g += (counts[i * nl + j] * scale[i] * (0.1 - (labels[i] === c ? on : off))) / 4;
        assert.ok(Math.abs(r.weights[j * 10 + c] - step(g)) < 1e-6 * 4.5e-5 + 1e-12, `W[${j}][${c}]`);
      }
    }
    for (let c = 0; c < 10; c++) {
      let g = 0;
      for (let i = 0; i < 4; i++) g += (0.1 - (labels[i] === c ? on : off)) / 4;
      assert.ok(Math.abs(r.bias[c] - step(g)) < 1e-10, `b[${c}]`);
    }
  });

  test(`${backend}: learns a separable toy problem (Adadelta, Adam, ridge)`, () => {
    const cases: Array<[string, ReadoutOptions]> = [
      ['adadelta', { optimizer: 'adadelta', epochs: 50, batchSize: 50 }],
      ['adam', { optimizer: 'adam', epochs: 10, batchSize: 50 }],
      ['ridge', { optimizer: 'ridge' }],
    ];
    for (const [name, o] of cases) {
      const r = trainReadout(TRAIN, VAL, TEST, NL, { ...o, backend });
      assert.ok(r.accuracy.test > 0.95, `${name}: test accuracy ${r.accuracy.test}`);
      assert.equal(r.zeroSpikeRows, 0);
      // the confusion matrix is of the selected model on the test set
      let total = 0;
      let diag = 0;
      for (let y = 0; y < 10; y++) {
        for (let p = 0; p < 10; p++) total += r.confusion[y][p];
        diag += r.confusion[y][y];
      }
      assert.equal(total, TEST.n);
      assert.equal(diag / TEST.n, r.accuracy.test);
      // predict() on the materialised features agrees with the trainer's evaluation
      const { features } = normalizeFeatures(TEST.counts, TEST.n, NL, r.batchSize);
      // (up to float rounding: (count*scale).W vs scale*(count.W), so allow a near-tie or two)
      const pred = predict(r, features);
      const conf = confusionMatrix(pred, TEST.labels);
      let diff = 0;
      for (let y = 0; y < 10; y++) for (let p = 0; p < 10; p++) diff += Math.abs(conf[y][p] - r.confusion[y][p]);
      assert.ok(diff <= 4, `${name}: predict() confusion differs in ${diff / 2} samples`);
      assert.deepEqual(predictCounts(r, TEST.counts, TEST.n).predicted, pred);
      if (name === 'ridge') {
        assert.ok(r.ridge !== undefined);
        assert.equal(r.ridge.grid.length, 7);
        assert.equal(r.ridge.targets, 'pm1');
        assert.equal(r.epochs, 0);
      }
    }
  });
}

test('best-val selection: the FIRST epoch with the maximum validation accuracy', () => {
  assert.equal(selectBestEpoch([0.1, 0.5, 0.3, 0.5, 0.4]), 1);
  assert.equal(selectBestEpoch([0.2, 0.2, 0.2]), 0);
  assert.equal(selectBestEpoch([0.1, 0.2, 0.3]), 2);
  assert.equal(selectBestEpoch([]), -1);

  // in the trainer: the reported accuracies are the history entries of the selected epoch
  const r = trainReadout(TRAIN, VAL, TEST, NL, { optimizer: 'adam', epochs: 12, batchSize: 50 });
  assert.equal(r.epochs, 12);
  assert.equal(r.history.val.length, 12);
  assert.equal(r.bestEpoch, selectBestEpoch(r.history.val) + 1);
  assert.equal(r.accuracy.val, r.history.val[r.bestEpoch - 1]);
  assert.equal(r.accuracy.test, r.history.test[r.bestEpoch - 1]);
  // this problem saturates: later epochs tie with the best one and must not be selected
  assert.ok(r.history.val.lastIndexOf(Math.max(...r.history.val)) > r.bestEpoch - 1, 'history has a later tie');
});

test('early stopping (patience) and the onEpoch callback', () => {
  const seen: number[] = [];
  const r = trainReadout(TRAIN, VAL, TEST, NL, {
    optimizer: 'adam',
    epochs: 100,
    batchSize: 50,
    patience: 3,
    onEpoch: (e, v, t) => {
      seen.push(e);
      assert.ok(v >= 0 && v <= 1 && t >= 0 && t <= 1);
    },
  });
  assert.ok(r.stoppedEarly);
  assert.equal(r.epochs, r.bestEpoch + 3);
  assert.deepEqual(seen, Array.from({ length: r.epochs }, (_, i) => i + 1));
  // onEpoch returning false stops too
  const r2 = trainReadout(TRAIN, VAL, TEST, NL, { optimizer: 'adam', epochs: 100, batchSize: 50, onEpoch: (e) => e < 2 });
  assert.equal(r2.epochs, 2);
  assert.ok(r2.stoppedEarly);
});

test('deterministic: same input, identical weights; wasm and js backends agree bit for bit', () => {
  const o: ReadoutOptions = { optimizer: 'adadelta', epochs: 4, batchSize: 64 };
  const a = trainReadout(TRAIN, VAL, TEST, NL, { ...o, backend: 'js' });
  const b = trainReadout(TRAIN, VAL, TEST, NL, { ...o, backend: 'js' });
  assert.deepEqual(a.weights, b.weights);
  assert.deepEqual(a.bias, b.bias);
  assert.deepEqual(a.history, b.history);
  if (wasmAvailable()) {
    const c = trainReadout(TRAIN, VAL, TEST, NL, { ...o, backend: 'wasm' });
    assert.equal(c.backend, 'wasm');
    assert.deepEqual(c.weights, a.weights);
    assert.deepEqual(c.bias, a.bias);
    assert.deepEqual(c.history, a.history);
    const o2: ReadoutOptions = { optimizer: 'adam', epochs: 3, batchSize: 50, l2: 1e-4 };
    const aj = trainReadout(TRAIN, VAL, TEST, NL, { ...o2, backend: 'js' });
    const aw = trainReadout(TRAIN, VAL, TEST, NL, { ...o2, backend: 'wasm' });
    assert.deepEqual(aw.weights, aj.weights);
    assert.deepEqual(aw.bias, aj.bias);
    const rj = trainReadout(TRAIN, VAL, TEST, NL, { optimizer: 'ridge', backend: 'js' });
    const rw = trainReadout(TRAIN, VAL, TEST, NL, { optimizer: 'ridge', backend: 'wasm' });
    assert.deepEqual(rw.weights, rj.weights);
    assert.deepEqual(rw.ridge, rj.ridge);
  }
});

test('argmax ties go to the lowest index', () => {
  assert.equal(argmax10([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 0);
  assert.equal(argmax10([0, 1, 0, 1, 0, 0, 0, 0, 0, 0]), 1);
  assert.equal(argmax10([9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9], 2), 8);
  // untrained model (all zero) predicts class 0
  const r = trainReadout(TRAIN, VAL, TEST, NL, { epochs: 0 });
  assert.equal(r.bestEpoch, 0);
  assert.equal(r.confusion.reduce((s, row) => s + row[0], 0), TEST.n);
});

test('Cholesky solve of a small SPD system', () => {
  const m = 6;
  const r = lcg(5);
  const B = Array.from({ length: m * m }, () => r() - 0.5);
  const A = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = i === j ? 0.1 : 0;
      for (let k = 0; k < m; k++) s += B[i * m + k] * B[j * m + k];
      A[i * m + j] = s;
    }
  }
  const L = Float64Array.from(A);
  assert.ok(cholesky(L, m));
  const rhs = Float64Array.from({ length: m * 2 }, () => r());
  const x = new Float64Array(m * 2);
  choleskySolve(L, m, rhs, x, 2);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += A[i * m + k] * x[k * 2 + c];
      assert.ok(Math.abs(s - rhs[i * 2 + c]) < 1e-10);
    }
  }
  const notPd = Float64Array.from([1, 0, 2, 1]); // [[1,2],[2,1]] lower triangle
  assert.equal(cholesky(notPd, 2), false);
});

test('input validation', () => {
  const bad = { counts: new Uint16Array(10 * NL), labels: new Uint8Array(10).fill(10), n: 10 };
  assert.throws(() => trainReadout(bad, VAL, TEST, NL), /not a class/);
  const short = { counts: new Uint16Array(5), labels: new Uint8Array(10), n: 10 };
  assert.throws(() => trainReadout(short, VAL, TEST, NL), /need n\*nl/);
  assert.throws(() => trainReadout(TRAIN, VAL, TEST, NL, { batchSize: 0 }), /batchSize/);
  const empty = { counts: new Uint16Array(0), labels: new Uint8Array(0), n: 0 };
  assert.throws(() => trainReadout(TRAIN, empty, TEST, NL), /at least one sample/);
});
