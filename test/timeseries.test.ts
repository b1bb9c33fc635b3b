// Time-series pieces: RK4 against an independent reference, the protocol's normalisation, NRMSE,
// the valid prediction time, the ESN's spectral radius and the learning-rate slope.
import test from 'node:test';
import assert from 'node:assert/strict';
import { lorenzRk4Step, lorenzSeries } from '../src/core/timeseries/lorenz.js';
import { protocolData, horizonTargets, LORENZ_PROTOCOL } from '../src/core/timeseries/protocol.js';
import { nrmse, validPredictionTime } from '../src/core/timeseries/metrics.js';
import { EchoStateNetwork, spectralRadius, DEFAULT_ESN } from '../src/core/timeseries/esn.js';
import { logLossSlope } from '../src/core/readout/learning-curve.js';
import { Rng } from '../src/core/rng.js';

// Reference states from (1, 1, 1), computed independently with SciPy's solve_ivp (DOP853, an
// 8th-order adaptive Runge–Kutta, rtol = atol = 1e-13), not with our code:
//   solve_ivp(f, [0, T], [1, 1, 1], method='DOP853', rtol=1e-13, atol=1e-13).y[:, -1]
const REF_T1 = [-9.378570010925383, -8.357033788427014, 29.362325337363757];
const REF_T10 = [-4.902687541136661, -3.7438729218034874, 24.690858102794625];

test('RK4 at dt 0.01 lands on the reference trajectory (t = 1 and t = 10)', () => {
  const s = new Float64Array([1, 1, 1]);
  for (let t = 0; t < 100; t++) lorenzRk4Step(s, 0.01, s);
  // RK4's global error after one time unit is ~1e-4 at dt 0.01 (9.5e-5 in norm)
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(s[c] - REF_T1[c]) < 2e-4, `t=1 component ${c}: ${s[c]} vs ${REF_T1[c]}`);
  for (let t = 100; t < 1000; t++) lorenzRk4Step(s, 0.01, s);
  // chaos amplifies the error by ~e^{0.9·9} over the next 9 time units
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(s[c] - REF_T10[c]) < 0.05, `t=10 component ${c}: ${s[c]} vs ${REF_T10[c]}`);
  // the series starts after the 1,000 dropped steps, i.e. at t = 10
  const series = lorenzSeries(2);
  assert.deepEqual(Array.from(series.subarray(0, 3)), Array.from(s));
});

test('RK4 converges at fourth order (halving dt from 0.005 cuts the error at t = 1 by ~16)', () => {
  const err = (dt: number): number => {
    const s = new Float64Array([1, 1, 1]);
    for (let t = 0; t < Math.round(1 / dt); t++) lorenzRk4Step(s, dt, s);
    return Math.hypot(s[0] - REF_T1[0], s[1] - REF_T1[1], s[2] - REF_T1[2]);
  };
  // at dt 0.01 the error is not yet asymptotic (ratio 37 to dt 0.005); from 0.005 on it is
  const ratio = err(0.005) / err(0.0025);
  assert.ok(ratio > 12 && ratio < 20, `error ratio ${ratio}`);
});

test('protocol: training part normalised to mean 0 and sd 1; targets are k steps ahead', () => {
  const p = LORENZ_PROTOCOL;
  const d = protocolData(p);
  assert.equal(d.length, 500 + 5000 + 2000 + 10);
  for (let c = 0; c < 3; c++) {
    let m = 0;
    let v = 0;
    for (let t = p.washout; t < p.washout + p.train; t++) m += d.u[t * 3 + c] / p.train;
    for (let t = p.washout; t < p.washout + p.train; t++) v += (d.u[t * 3 + c] - m) ** 2 / p.train;
    assert.ok(Math.abs(m) < 1e-12 && Math.abs(v - 1) < 1e-12);
  }
  const y = horizonTargets(d.u, 500, 3, 10);
  assert.deepEqual(Array.from(y), Array.from(d.u.subarray(510 * 3, 513 * 3)));
});

test('NRMSE: 0 for a perfect prediction, 1 for the mean, |c|/sd for an offset', () => {
  const truth = new Float64Array(300);
  for (let t = 0; t < 100; t++) {
    truth[t * 3] = Math.sin(t / 7);
    truth[t * 3 + 1] = t % 2 ? 1 : -1; // sd 1
    truth[t * 3 + 2] = 3 * Math.cos(t / 5);
  }
  assert.equal(nrmse(truth, truth), 0);
  const mean = new Float64Array(300);
  for (let c = 0; c < 3; c++) {
    let m = 0;
    for (let t = 0; t < 100; t++) m += truth[t * 3 + c] / 100;
    for (let t = 0; t < 100; t++) mean[t * 3 + c] = m;
  }
  assert.ok(Math.abs(nrmse(mean, truth) - 1) < 1e-12);
  const off = truth.map((v, i) => (i % 3 === 1 ? v + 0.3 : v));
  assert.ok(Math.abs(nrmse(off, truth) - 0.1) < 1e-12); // (0 + 0.3/1 + 0)/3
});

test('valid prediction time: the steps before the error first exceeds the threshold, in Lyapunov times', () => {
  const truth = new Float64Array(600);
  for (let t = 0; t < 200; t++) for (let c = 0; c < 3; c++) truth[t * 3 + c] = Math.sin(t / 9 + c);
  const pred = Float64Array.from(truth);
  for (let t = 37; t < 200; t++) pred[t * 3] += 5;
  const v = validPredictionTime(pred, truth, 0.01, 0.906);
  assert.equal(v.steps, 37);
  assert.ok(Math.abs(v.lyapunovTimes - 37 * 0.01 * 0.906) < 1e-12);
  assert.equal(validPredictionTime(truth, truth, 0.01, 0.906).steps, 200);
});

test('spectral radius by Gelfand\'s formula: a rotation (complex pair) and the ESN after rescaling', () => {
  // 0.5 × a rotation by 1 rad: eigenvalues 0.5·e^{±i}, where plain power iteration never settles
  const c = 0.5 * Math.cos(1), s = 0.5 * Math.sin(1);
  const W = { rowStart: Int32Array.from([0, 2, 4]), col: Int32Array.from([0, 1, 0, 1]), val: Float64Array.from([c, -s, s, c]) };
  assert.ok(Math.abs(spectralRadius(W, 2, new Rng(1)) - 0.5) < 1e-9);
  const esn = new EchoStateNetwork({ ...DEFAULT_ESN, units: 200 }, 3);
  const scaled = (esn as unknown as { W: typeof W }).W;
  const rho = spectralRadius(scaled, 200, new Rng(9), 2000, 200);
  assert.ok(Math.abs(rho - DEFAULT_ESN.spectralRadius) < 0.03, `measured ${rho}`);
});

test('learning rate: the slope of ln(loss) over epochs 1..K', () => {
  const loss = Array.from({ length: 21 }, (_, e) => 2 * Math.exp(-0.3 * e));
  loss[0] = 100; // epoch 0 (before training) is not in the fit
  assert.ok(Math.abs(logLossSlope(loss, 10) + 0.3) < 1e-12);
  assert.throws(() => logLossSlope(loss, 30), /need the loss after 30 epochs/);
});
