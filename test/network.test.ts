// Network generation against the spec's statistics, the binary format's validation, and seeds.
import test from 'node:test';
import assert from 'node:assert/strict';
import { generateNetwork } from '../src/core/network/generate.js';
import { encodeNetwork, decodeNetwork } from '../src/core/network/format.js';
import { encodeWeights, decodeWeights, uniformWeights } from '../src/core/network/weights.js';
import { coordinates, synapseCounts, cubeDims, parseDims } from '../src/core/network/network.js';
import { WIRING } from '../src/core/params.js';

const net = generateNetwork({ dims: [10, 10, 10], inputs: 784, seed: 7 });

test('generated liquid: 800 E / 200 I, exactly floor(NL·NX·0.15) input synapses with balanced signs', () => {
  assert.equal(net.NL, 1000);
  assert.equal(net.NE, 800);
  assert.equal(net.ilPre.length, Math.floor(1000 * 784 * 0.15));
  let plus = 0;
  for (const s of net.ilSign) if (s === 1) plus++;
  const frac = plus / net.ilSign.length;
  assert.ok(Math.abs(frac - 0.5) < 0.01, `sign fraction ${frac}`);
  // no self-connections, every grid point used once
  for (let k = 0; k < net.llPre.length; k++) assert.notEqual(net.llPre[k], net.llPost[k]);
  assert.equal(new Set(net.gridPoint).size, 1000);
});

test('liquid connection counts per type lie within 4σ of their expectation for this placement', () => {
  // expected count and variance from the spec's probability C·exp(−(D/λ)²) over all ordered pairs
  const exp = { EE: 0, EI: 0, IE: 0, II: 0 };
  const vr = { EE: 0, EI: 0, IE: 0, II: 0 };
  const xyz = Array.from({ length: net.NL }, (_, n) => coordinates(net, n));
  for (let i = 0; i < net.NL; i++)
    for (let j = 0; j < net.NL; j++) {
      if (i === j) continue;
      const preE = j < net.NE;
      const postE = i < net.NE;
      const key = (preE ? (postE ? 'EE' : 'EI') : postE ? 'IE' : 'II') as keyof typeof exp;
      const C = { EE: WIRING.cEE, EI: WIRING.cEI, IE: WIRING.cIE, II: WIRING.cII }[key];
      const d2 = (xyz[i][0] - xyz[j][0]) ** 2 + (xyz[i][1] - xyz[j][1]) ** 2 + (xyz[i][2] - xyz[j][2]) ** 2;
      const p = C * Math.exp(-d2 / (WIRING.lambda * WIRING.lambda));
      exp[key] += p;
      vr[key] += p * (1 - p);
    }
  const got = synapseCounts(net);
  for (const k of ['EE', 'EI', 'IE', 'II'] as const) {
    const z = (got[k] - exp[k]) / Math.sqrt(vr[k]);
    assert.ok(Math.abs(z) < 4, `${k}: ${got[k]} vs expected ${exp[k].toFixed(0)} (z = ${z.toFixed(2)})`);
  }
  // and the spec's figures for a 10×10×10 liquid (≈11,029 / 1,380 / 4,141 / 172; total ≈16,722)
  assert.ok(Math.abs(got.LL - 16722) < 600, `LL total ${got.LL}`);
});

test('same seed, same network; another seed, another network', () => {
  const again = generateNetwork({ dims: [10, 10, 10], inputs: 784, seed: 7 });
  assert.deepEqual(encodeNetwork(again), encodeNetwork(net));
  const other = generateNetwork({ dims: [10, 10, 10], inputs: 784, seed: 8 });
  assert.notDeepEqual(other.llPre, net.llPre);
});

test('network format: round trip, and clear errors on corrupt, truncated, foreign or mismatched files', () => {
  const bytes = encodeNetwork(net);
  const back = decodeNetwork(bytes, 'net.bin');
  assert.deepEqual(back.llPost, net.llPost);
  assert.deepEqual(back.ilSign, net.ilSign);
  assert.deepEqual(back.dims, [10, 10, 10]);
  const flipped = bytes.slice();
  flipped[flipped.length >> 1] ^= 0x40;
  assert.throws(() => decodeNetwork(flipped, 'net.bin'), /net\.bin: .*checksum mismatch/);
  assert.throws(() => decodeNetwork(bytes.subarray(0, bytes.length - 100), 'net.bin'), /net\.bin: .*truncated/);
  assert.throws(() => decodeNetwork(bytes.subarray(0, 10), 'net.bin'), /net\.bin: .*too short/);
  const foreign = bytes.slice();
  foreign[0] = 0x58;
  assert.throws(() => decodeNetwork(foreign, 'other.bin'), /other\.bin: .*expected magic "NALSMNET"/);
  assert.throws(() => decodeNetwork(new Uint8Array([...bytes, 0, 0, 0, 0, 0, 0, 0, 0]), 'net.bin'), /trailing data/);
  // weights carry the network's fingerprint
  const w = uniformWeights(net, 0.8);
  const wb = encodeWeights(net, w);
  assert.deepEqual(decodeWeights(wb, net, 'w.bin').ll, w.ll);
  const other = generateNetwork({ dims: [10, 10, 10], inputs: 784, seed: 8 });
  assert.throws(() => decodeWeights(wb, other, 'w.bin'), /w\.bin: these weights belong to another network/);
});

test('liquid weight applies to all five blocks with the sign of the pre (liquid) or the input synapse', () => {
  const w = uniformWeights(net, 0.5);
  for (let k = 0; k < net.llPre.length; k++) assert.equal(w.ll[k], net.llPre[k] < net.NE ? 0.5 : -0.5);
  for (let k = 0; k < 100; k++) assert.equal(w.il[k], 0.5 * net.ilSign[k]);
  assert.throws(() => uniformWeights(net, 4), /liquid weight must be in \[0, 3\]/);
});

test('dims parsing: cubes and explicit grids, with clear errors', () => {
  assert.deepEqual(cubeDims(8000), [20, 20, 20]);
  assert.deepEqual(parseDims('4x5x6'), [4, 5, 6]);
  assert.throws(() => cubeDims(999), /--neurons must be a perfect cube/);
  assert.throws(() => parseDims('10x10'), /--dims must look like 10x10x10/);
});
