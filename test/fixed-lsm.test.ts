// The fixed random LSM encoder (Lin et al. 2025): its LIF against closed forms, the device model,
// the input rasters, and determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedLsm, quantise, imageRaster, audioRaster, type FixedLsmParams, type InputRaster } from '../src/core/fixed-lsm/index.js';

const base: FixedLsmParams = { name: 't', inputs: 1, neurons: 1, decay: 0.9, threshold: 2.5, scale: 1, seed: 1 };

function constantInput(steps: number, inputs = 1, value = 1): InputRaster {
  return { steps, data: new Uint8Array(steps * inputs).fill(value) };
}

test('LIF under constant drive fires with the closed-form period', () => {
  // v_k = w (1 − d^k)/(1 − d) until it exceeds θ; the spike resets v, so the sequence repeats
  for (const [w, d, th] of [
    [1, 0.9, 2.5],
    [0.7, 0.97, 5.3],
    [2, 0.5, 3.9],
    [1, 1, 4.5],
  ]) {
    let k = 1;
    const v = (n: number): number => (d === 1 ? w * n : (w * (1 - d ** n)) / (1 - d));
    while (!(v(k) > th)) k++;
    const T = 50;
    const lsm = new FixedLsm({ ...base, decay: d, threshold: th }, { wIn: Float64Array.of(w), wRec: Float64Array.of(0) });
    assert.equal(lsm.encode(constantInput(T))[0], Math.floor(T / k), `w ${w}, decay ${d}, θ ${th}: period ${k}`);
  }
  // 1 − 0.9 − 0.81 ...: w = 1, d = 0.9, θ = 2.5 fires every 3rd step (2.71 > 2.5 > 1.9): 16 spikes in 50
  const lsm = new FixedLsm(base, { wIn: Float64Array.of(1), wRec: Float64Array.of(0) });
  assert.equal(lsm.encode(constantInput(50))[0], 16);
  // below threshold for ever: w/(1 − d) = 10 ≤ θ
  const quiet = new FixedLsm({ ...base, threshold: 10 }, { wIn: Float64Array.of(1), wRec: Float64Array.of(0) });
  assert.equal(quiet.encode(constantInput(500))[0], 0);
});

test('recurrent term arrives one step later; no self-connection', () => {
  // neuron 0 is driven (period 3); neuron 1 only hears neuron 0 through a weight above threshold
  const p = { ...base, neurons: 2 };
  const wIn = Float64Array.of(1, 0);
  const wRec = Float64Array.of(100, 3, 0, 0); // wRec[0→0] = 100 must be ignored
  const lsm = new FixedLsm(p, { wIn, wRec });
  const c = lsm.encode(constantInput(50));
  assert.equal(c[0], 16);
  // neuron 0 spikes at steps 2, 5, ..., 47 (0-based); neuron 1 one step after each, the last at 48
  assert.equal(c[1], 16);
  const short = lsm.encode(constantInput(3));
  assert.deepEqual(Array.from(short), [1, 0]);
});

test('same seed, same weights and features; another seed or name, another liquid', () => {
  const p: FixedLsmParams = { name: 'image', inputs: 16, neurons: 20, decay: 0.9, threshold: 1, scale: 0.5, seed: 7 };
  const x: InputRaster = { steps: 30, data: new Uint8Array(30 * 16).map((_, i) => ((i * 7919) % 5 === 0 ? 1 : 0)) };
  const a = new FixedLsm(p).encode(x);
  const b = new FixedLsm(p).encode(x);
  assert.deepEqual(a, b);
  assert.ok(a.reduce((s, v) => s + v, 0) > 0, 'the liquid fires');
  assert.notDeepEqual(new FixedLsm({ ...p, seed: 8 }).wIn, new FixedLsm(p).wIn);
  assert.notDeepEqual(new FixedLsm({ ...p, name: 'audio' }).wIn, new FixedLsm(p).wIn);
  // weights are N(0, 1) · scale: the sample sd of 16 × 20 + 20 × 20 draws is near the scale
  const w = new FixedLsm({ ...p, scale: 0.3 }).wIn;
  const sd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  assert.ok(Math.abs(sd - 0.3) < 0.05, `sd ${sd}`);
});

test('device model: k levels, spread fixed per device, read noise per read and order-free', () => {
  assert.equal(quantise(0.4, 3, 1), 0);
  assert.equal(quantise(0.6, 3, 1), 1);
  assert.equal(quantise(-2, 3, 1), -1);
  assert.equal(quantise(0.3, 5, 1), 0.5);
  const p: FixedLsmParams = { name: 'image', inputs: 16, neurons: 20, decay: 0.9, threshold: 1, scale: 0.5, seed: 7 };
  const q = new FixedLsm({ ...p, device: { levels: 4 } });
  const distinct = new Set([...q.wIn, ...q.wRec].filter((_, k) => k < q.wIn.length || (k - q.wIn.length) % 21 !== 0));
  assert.ok(distinct.size <= 4, `${distinct.size} distinct weights with 4 levels`);
  const off = new FixedLsm({ ...p, device: { levels: 0, spread: 0, readNoise: 0 } });
  assert.deepEqual(off.wIn, new FixedLsm(p).wIn);
  const x = (k: number): InputRaster => ({ steps: 30, data: new Uint8Array(30 * 16).map((_, i) => ((i * 31 + k) % 4 === 0 ? 1 : 0)) });
  const noisy = { ...p, device: { levels: 16, spread: 0.05, readNoise: 0.05 } };
  const e1 = new FixedLsm(noisy);
  const e2 = new FixedLsm(noisy);
  const a0 = Array.from(e1.encode(x(0), ['test', 0]));
  const a1 = Array.from(e1.encode(x(1), ['test', 1]));
  // the other order on a fresh encoder gives the same counts
  assert.deepEqual(Array.from(e2.encode(x(1), ['test', 1])), a1);
  assert.deepEqual(Array.from(e2.encode(x(0), ['test', 0])), a0);
  assert.throws(() => new FixedLsm({ ...p, device: { levels: 1 } }), /levels must be 0 \(off\) or an integer ≥ 2, got 1/);
  assert.throws(() => new FixedLsm({ ...p, decay: 1.5 }), /decay must be in \[0, 1\], got 1.5/);
  assert.throws(() => new FixedLsm(p).encode({ steps: 3, data: new Uint8Array(5) }), /holds 5 values, expected steps × inputs = 3 × 16/);
});

test('image raster: centre 16×16 crop of 34×34, 50 bins over 300 ms, polarities merged', () => {
  const ev = { n: 5, x: Uint8Array.of(9, 8, 24, 25, 9), y: Uint8Array.of(9, 9, 24, 10, 9), p: Uint8Array.of(1, 1, 0, 1, 0), tUs: Int32Array.of(0, 0, 299_999, 1000, 5999) };
  const r = imageRaster(ev);
  assert.equal(r.steps, 50);
  assert.equal(r.data.length, 50 * 256);
  const on = Array.from(r.data.keys()).filter((k) => r.data[k] === 1);
  // (9,9) at 0 µs and 5,999 µs: bin 0, pixel 0 (once); (24,24) at 299,999 µs: bin 49, pixel 15·16 + 15; x = 8 and x = 25 are outside
  assert.deepEqual(on, [0, 49 * 256 + 255]);
});

test('audio raster: 1 ms bins to the last event, torch.chunk into 129, binary', () => {
  const ev = { n: 4, channel: Uint8Array.of(3, 3, 5, 63), tSec: Float64Array.of(0, 0.0009, 0.25, 0.5) };
  const r = audioRaster(ev);
  // duration = ceil(500) + 1 = 501 ms, chunk = ceil(501/129) = 4 ms: 0 and 0.9 ms → bin 0; 250 ms → 62; 500 ms → 125
  const on = Array.from(r.data.keys()).filter((k) => r.data[k] === 1);
  assert.deepEqual(on, [3, 62 * 64 + 5, 125 * 64 + 63]);
  assert.throws(() => audioRaster({ n: 1, channel: Uint8Array.of(64), tSec: Float64Array.of(0) }), /channel 64, expected 0..63/);
});
