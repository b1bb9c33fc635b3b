// The astro-units reservoir: LIF and second-order units against their closed forms, the wiring's
// blocks and seeds, and the network file format with its validation.
import test from 'node:test';
import assert from 'node:assert/strict';
import { astroParams, validateAstroParams } from '../src/core/astro-units/params.js';
import { generateAstroNetwork, blockCounts, type AstroNetwork } from '../src/core/astro-units/network.js';
import { AstroReservoir } from '../src/core/astro-units/reservoir.js';
import { encodeAstroNetwork, decodeAstroNetwork } from '../src/core/astro-units/format.js';

/** One unit, no synapses, no input weights, a constant bias current I. */
function lone(kind: 'N' | 'A', I: number, over: Parameters<typeof astroParams>[2] = {}): AstroReservoir {
  const params = astroParams(kind === 'N' ? 1 : 0, kind === 'A' ? 1 : 0, { inputFraction: 0, biasMax: 0, ...over });
  const net: AstroNetwork = generateAstroNetwork(params, 1);
  net.bias[0] = I;
  return new AstroReservoir(net);
}

const zero = [0, 0, 0];

test('LIF neuron below threshold follows U[t] = I(1 − β^t)/(1 − β)', () => {
  const I = 0.05;
  const beta = 0.9;
  const r = lone('N', I, { betaN: beta });
  for (let t = 1; t <= 60; t++) {
    r.step(zero);
    assert.ok(Math.abs(r.U[0] - (I * (1 - beta ** t)) / (1 - beta)) < 1e-14, `step ${t}`);
    assert.equal(r.out[0], 0);
  }
});

test('LIF neuron: first spike at the closed-form step, then reset by subtraction', () => {
  const I = 0.3;
  const beta = 0.9;
  const r = lone('N', I, { betaN: beta });
  // first t with I(1 − β^t)/(1 − β) > 1: β^t < 1 − (1 − β)/I = 2/3, t > ln(2/3)/ln(0.9) = 3.85
  const tFirst = Math.ceil(Math.log(1 - (1 - beta) / I) / Math.log(beta));
  assert.equal(tFirst, 4);
  let t = 0;
  while (r.out[0] === 0) {
    r.step(zero);
    t++;
  }
  assert.equal(t, tFirst);
  const uSpike = r.U[0];
  assert.ok(Math.abs(uSpike - (I * (1 - beta ** 4)) / (1 - beta)) < 1e-14);
  r.step(zero);
  // the spike is subtracted (θ = 1) at the next step, not a reset to zero
  assert.ok(Math.abs(r.U[0] - (beta * uSpike + I - 1)) < 1e-14);
  assert.equal(r.spikesN, 1);
});

test('second-order (astrocyte-like) unit: U[t] = I/(1−α)·[(1−β^t)/(1−β) − α(α^t − β^t)/(α − β)]', () => {
  const I = 0.001;
  const alpha = 0.95;
  const beta = 0.9;
  const r = lone('A', I, { alphaA: alpha, betaA: beta });
  for (let t = 1; t <= 200; t++) {
    r.step(zero);
    const isyn = (I * (1 - alpha ** t)) / (1 - alpha);
    const u = (I / (1 - alpha)) * ((1 - beta ** t) / (1 - beta) - (alpha * (alpha ** t - beta ** t)) / (alpha - beta));
    assert.ok(Math.abs(r.Isyn[0] - isyn) < 1e-15, `I_syn at ${t}`);
    assert.ok(Math.abs(r.U[0] - u) < 1e-13, `U at ${t}: ${r.U[0]} vs ${u}`);
  }
  assert.ok(r.U[0] < 1 && r.spikesA === 0);
});

test('graded astrocytes send clamp(U/θ, 0, 1) and never reset', () => {
  const r = lone('A', 0.02, { astroOutput: 'graded', threshold: 2 });
  let prev = 0;
  for (let t = 0; t < 300; t++) {
    r.step(zero);
    assert.ok(r.U[0] >= prev);
    prev = r.U[0];
    assert.equal(r.out[0], Math.min(1, r.U[0] / 2));
  }
  assert.equal(r.out[0], 1);
  assert.ok(r.U[0] > 2);
});

test('a spike reaches its targets one step later, weighted', () => {
  const net = generateAstroNetwork(astroParams(2, 0, { inputFraction: 0, biasMax: 0, p: { NN: 0, NA: 0, AN: 0, AA: 0 } }), 1);
  const wired: AstroNetwork = { ...net, pre: Int32Array.from([0]), post: Int32Array.from([1]), weight: Float64Array.from([0.25]) };
  wired.bias[0] = 2; // unit 0 spikes at step 1
  const r = new AstroReservoir(wired);
  r.step(zero);
  assert.equal(r.out[0], 1);
  assert.equal(r.U[1], 0);
  r.step(zero);
  assert.equal(r.U[1], 0.25);
});

test('wiring: blocks follow their probabilities, seeds reproduce, blocks draw independently', () => {
  const p = astroParams(100, 60, { p: { NN: 0.1, NA: 0.2, AN: 0.05, AA: 0.3 } });
  const a = generateAstroNetwork(p, 7);
  const b = generateAstroNetwork(p, 7);
  assert.deepEqual(a, b);
  const c = blockCounts(a);
  const expect = { NN: 0.1 * 100 * 99, NA: 0.2 * 100 * 60, AN: 0.05 * 60 * 100, AA: 0.3 * 60 * 59 };
  for (const k of ['NN', 'NA', 'AN', 'AA'] as const) {
    const sd = Math.sqrt(expect[k]);
    assert.ok(Math.abs(c[k] - expect[k]) < 5 * sd, `${k}: ${c[k]} vs ${expect[k]}`);
  }
  // changing A→A leaves the N→N synapses as they were
  const d = generateAstroNetwork(astroParams(100, 60, { p: { NN: 0.1, NA: 0.2, AN: 0.05, AA: 0.9 } }), 7);
  const nn = (n: AstroNetwork) => Array.from(n.pre).map((i, k) => [i, n.post[k], n.weight[k]]).filter(([i, j]) => i < 100 && j < 100);
  assert.deepEqual(nn(d), nn(a));
  assert.notDeepEqual(generateAstroNetwork(p, 8).weight, a.weight);
  // input subset: half of the units (either population) get input weights
  let inputs = 0;
  for (let u = 0; u < 160; u++) if (a.inW[u * 3] !== 0 || a.inW[u * 3 + 1] !== 0) inputs++;
  assert.equal(inputs, 80);
});

test('parameters are validated with the name and range of the culprit', () => {
  assert.throws(() => astroParams(-1, 5), /N \(neuron count\) must be an integer in 0\.\.1000000, got -1/);
  assert.throws(() => astroParams(5, 5, { p: { NN: 1.5, NA: 0.1, AN: 0.1, AA: 0.1 } }), /connection probability p\.NN must be a number in \[0, 1\], got 1\.5/);
  assert.throws(() => astroParams(5, 5, { alphaA: 1 }), /alphaA must be a number in \[0, 1\)/);
  assert.throws(() => validateAstroParams({ ...astroParams(1, 1), astroOutput: 'rate' as never }), /astroOutput must be "spikes" or "graded"/);
});

test('network file: round trip, and corrupt or invalid files fail naming the file and the field', () => {
  const net = generateAstroNetwork(astroParams(30, 20), 3);
  const bytes = encodeAstroNetwork(net);
  assert.deepEqual(decodeAstroNetwork(bytes, 'net.bin'), net);
  assert.throws(() => decodeAstroNetwork(bytes.subarray(0, bytes.length - 9), 'net.bin'), /net\.bin: not a valid nalsm astro-units network file: .*truncated/);
  const flipped = Uint8Array.from(bytes);
  flipped[flipped.length - 20] ^= 0xff;
  assert.throws(() => decodeAstroNetwork(flipped, 'net.bin'), /net\.bin: .*checksum mismatch/);
  assert.throws(() => decodeAstroNetwork(new TextEncoder().encode('hello, this is not a network file'), 'x.bin'), /x\.bin: .*expected magic "NALSMAST"/);
  const badP = encodeAstroNetwork({ ...net, params: { ...net.params, p: { ...net.params.p, AN: 2 } } });
  assert.throws(() => decodeAstroNetwork(badP, 'p.bin'), /p\.bin: invalid astro-units network: field "params": connection probability p\.AN must be a number in \[0, 1\], got 2/);
  const unsorted = encodeAstroNetwork({ ...net, pre: Int32Array.from(net.pre).reverse() });
  assert.throws(() => decodeAstroNetwork(unsorted, 'u.bin'), /u\.bin: invalid astro-units network: synapses must be sorted by \(pre, post\)/);
  const outOfRange = Int32Array.from(net.post);
  outOfRange[0] = 50;
  assert.throws(() => decodeAstroNetwork(encodeAstroNetwork({ ...net, post: outOfRange }), 'r.bin'), /post\[0\]=50 is outside 0\.\.49/);
  assert.throws(() => decodeAstroNetwork(encodeAstroNetwork({ ...net, bias: new Float64Array(3) }), 'b.bin'), /bias has 3 entries, expected 50/);
});
