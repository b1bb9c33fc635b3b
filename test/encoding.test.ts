// Bernoulli rate encoding: the wasm draws equal the JS draws pulse for pulse, and both follow
// the rule U < p with U = nextU32/2^32.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ImageEncoder, imageRates, encodeBernoulli, drawPulses } from '../src/core/encode/bernoulli.js';
import { PulseBuffer } from '../src/core/encode/pulses.js';
import { Rng } from '../src/core/rng.js';

/** synthetic 8x8 "images": a few bright pixels, one saturating (p = 1), one at a p exactly k/2^32 */
function images(n: number): Uint8Array {
  const rng = new Rng(3, 'encoding-test-images');
  const out = new Uint8Array(n * 64);
  for (let s = 0; s < n; s++) for (let k = 0; k < 64; k++) if (rng.next() < 0.3) out[s * 64 + k] = 1 + Math.floor(rng.next() * 255);
  return out;
}

function samePulses(a: PulseBuffer, b: PulseBuffer, what: string): void {
  assert.equal(a.steps, b.steps, `${what}: steps`);
  for (let t = 0; t <= a.steps; t++) assert.equal(a.start[t], b.start[t], `${what}: start[${t}]`);
  for (let k = 0; k < a.start[a.steps]; k++) assert.equal(a.input[k], b.input[k], `${what}: input[${k}]`);
}

test('wasm Bernoulli draws equal the JS draws and leave the generator in the same state', () => {
  const imgs = images(40);
  const js = new ImageEncoder(64, 'js');
  const wa = new ImageEncoder(64);
  const pj = new PulseBuffer(10, 4);
  const pw = new PulseBuffer(10, 4);
  let total = 0;
  for (let s = 0; s < 40; s++) {
    for (const [R, steps] of [[0.05, 250], [0.02, 20], [0.5, 1]] as const) {
      const rj = new Rng(9, 'enc', s, steps);
      const rw = new Rng(9, 'enc', s, steps);
      js.encode(imgs, s, R, steps, rj, pj);
      wa.encode(imgs, s, R, steps, rw, pw);
      samePulses(pj, pw, `image ${s}, R ${R}, ${steps} steps`);
      assert.equal(rj.nextU32(), rw.nextU32(), 'generator state after the draws');
      total += pj.start[steps];
    }
  }
  assert.ok(total > 1000);
  // encodeBernoulli (precomputed rates) gives the same pulses as the encoder
  const rates = imageRates(imgs, 64, 0.05);
  const pr = new PulseBuffer(250);
  encodeBernoulli(rates, 7, 250, new Rng(1, 'x'), pr);
  js.encode(imgs, 7, 0.05, 250, new Rng(1, 'x'), pj);
  samePulses(pj, pr, 'encodeBernoulli');
});

test('draws follow U < p: an input at p = 1 pulses every step, one at p = 0 never, one at p = 1/3 at its rate', () => {
  const index = Int32Array.from([0, 1, 2]);
  // the image [255, 0, 85] with R = 255/340 has exactly these p: 1, 0 (a blank pixel), 1/3
  const R = 255 / 340;
  const p = [1, 0, 85 / 340 / R];
  const thr = Float64Array.from(p.map((x) => Math.ceil(x * 4294967296)));
  const steps = 20000;
  for (const wasm of [false, true]) {
    const out = new PulseBuffer(steps);
    const rng = new Rng(4, 'rule');
    if (wasm) new ImageEncoder(3).encode(Uint8Array.from([255, 0, 85]), 0, R, steps, rng, out);
    else drawPulses(index, thr, 3, steps, rng, new Uint32Array(3), out);
    const counts = [0, 0, 0];
    for (let k = 0; k < out.start[steps]; k++) counts[out.input[k]]++;
    assert.equal(counts[0], steps, 'p = 1');
    assert.equal(counts[1], 0, 'p = 0');
    // binomial(20000, 1/3): sd ≈ 67
    assert.ok(Math.abs(counts[2] - steps / 3) < 5 * 67, `p = 1/3 gave ${counts[2]}`);
  }
});
