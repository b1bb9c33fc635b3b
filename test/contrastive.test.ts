// The zero-shot readout: GELU, projection heads, InfoNCE and prototypical gradients against finite
// differences, retrieval metrics on hand-made embeddings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/core/rng.js';
import { erf, gelu, geluGrad, ProjectionHead, infoNce, prototypicalLoss, retrieval, nearestClassMean, trainProjectionPair } from '../src/core/readout/index.js';

import { checkFiniteDifferences } from './finite-differences.js';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('erf and GELU match reference values', () => {
  close(erf(0.5), 0.5204998778130465, 1e-14, 'erf 0.5');
  close(erf(1), 0.8427007929497149, 1e-14, 'erf 1');
  close(erf(-2.5), -0.9995930479825550, 1e-14, 'erf −2.5');
  close(erf(3.5), 0.9999992569016276, 1e-14, 'erf 3.5');
  close(gelu(1), 0.8413447460685429, 1e-14, 'gelu 1');
  close(gelu(-1), -0.15865525393145707, 1e-14, 'gelu −1');
  for (const x of [-4, -1.3, 0, 0.7, 2.9, 3.1]) close(geluGrad(x), (gelu(x + 1e-6) - gelu(x - 1e-6)) / 2e-6, 1e-8, `gelu' ${x}`);
});

test('InfoNCE: exact value on orthonormal pairs', () => {
  // A = B = I (2 × 2), τ = 1: each row's CE = log(e + 1) − 1, in both directions
  const I = Float64Array.of(1, 0, 0, 1);
  const loss = infoNce(I, I, 2, 2, 1, new Float64Array(4), new Float64Array(4));
  close(loss, Math.log(Math.E + 1) - 1, 1e-15, 'loss');
  // τ = 0.5 doubles the logits: log(e² + 1) − 2
  close(infoNce(I, I, 2, 2, 0.5, new Float64Array(4), new Float64Array(4)), Math.log(Math.E ** 2 + 1) - 2, 1e-15, 'loss τ 0.5');
});

for (const loss of ['infonce', 'prototypical'] as const) {
  test(`${loss}: head gradients equal central finite differences`, () => {
    const rng = new Rng(5, 'fd', loss);
    const n = 6;
    const da = 7;
    const db = 5;
    const d = 4;
    const xa = Float64Array.from({ length: n * da }, () => rng.normal());
    const xb = Float64Array.from({ length: n * db }, () => (rng.nextDouble() < 0.3 ? 0 : rng.normal()));
    const labels = Uint8Array.of(1, 2, 1, 3, 2, 1);
    const ha = new ProjectionHead(da, d, new Rng(1, 'a'));
    const hb = new ProjectionHead(db, d, new Rng(1, 'b'));
    const f = (): { l: number; dA: Float64Array; dB: Float64Array; pa: ReturnType<ProjectionHead['forward']>; pb: ReturnType<ProjectionHead['forward']> } => {
      const pa = ha.forward(xa, n);
      const pb = hb.forward(xb, n);
      const dA = new Float64Array(n * d);
      const dB = new Float64Array(n * d);
      const l = loss === 'infonce' ? infoNce(pa.E, pb.E, n, d, 0.7, dA, dB) : prototypicalLoss(pa.E, pb.E, labels, n, d, dA, dB);
      return { l, dA, dB, pa, pb };
    };
    const r = f();
    ha.zeroGrad();
    hb.zeroGrad();
    ha.backward(r.pa, r.dA);
    hb.backward(r.pb, r.dB);
    const checked = checkFiniteDifferences([[ha.W, ha.gW], [ha.b, ha.gb], [hb.W, hb.gW], [hb.b, hb.gb]], () => f().l, loss, 3);
    assert.ok(checked > 20);
  });
}

test('retrieval: top-k both ways, confusion and chance on hand-made embeddings', () => {
  // 2-D unit vectors: class 0 near (1, 0), class 1 near (0, 1); one class-1 query points at class 0
  const norm = (x: number, y: number) => {
    const r = Math.hypot(x, y);
    return [x / r, y / r];
  };
  const Q = Float64Array.from([...norm(1, 0.1), ...norm(0.1, 1), ...norm(1, 0.2)]);
  const qL = Uint8Array.of(0, 1, 1);
  const K = Float64Array.from([...norm(1, 0), ...norm(0.9, 0.1), ...norm(0, 1)]);
  const kL = Uint8Array.of(0, 0, 1);
  const r = retrieval(Q, qL, K, kL, 2, [1, 2, 3]);
  close(r.topK[1], 2 / 3, 1e-15, 'top-1');
  close(r.topK[2], 2 / 3, 1e-15, 'top-2');
  close(r.topK[3], 1, 1e-15, 'top-3');
  assert.deepEqual(r.classes, [0, 1]);
  assert.deepEqual(r.confusion, [
    [1, 0],
    [1, 1],
  ]);
  assert.equal(r.chance, 0.5);
  assert.deepEqual(Array.from(nearestClassMean(K, kL, Q, 2)), [0, 1, 0]);
});

test('InfoNCE training separates paired toy modalities (and is seeded)', () => {
  // two "modalities": the same class code seen through two fixed random maps, plus noise
  const rng = new Rng(3, 'toy');
  const n = 120;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 4);
  const mapA = Float64Array.from({ length: 4 * 10 }, () => rng.normal());
  const mapB = Float64Array.from({ length: 4 * 6 }, () => rng.normal());
  const a = new Float64Array(n * 10);
  const b = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 10; j++) a[i * 10 + j] = mapA[labels[i] * 10 + j] + 0.3 * rng.normal();
    for (let j = 0; j < 6; j++) b[i * 6 + j] = mapB[labels[i] * 6 + j] + 0.3 * rng.normal();
  }
  const opts = { dim: 8, epochs: 15, batch: 8, seed: 2 };
  const p = trainProjectionPair({ a, b, labels, n }, 10, 6, opts);
  assert.ok(p.lossHistory.at(-1)! < p.lossHistory[0], `loss falls: ${p.lossHistory[0]} → ${p.lossHistory.at(-1)}`);
  const r = retrieval(p.b.embed(b, n), labels, p.a.embed(a, n), labels, 8, [1]);
  assert.ok(r.topK[1] > 0.9, `top-1 ${r.topK[1]}`);
  const again = trainProjectionPair({ a, b, labels, n }, 10, 6, opts);
  assert.deepEqual(again.a.W, p.a.W);
  assert.throws(() => trainProjectionPair({ a, b, labels, n }, 11, 6, opts), /expected 120 × 11 and 120 × 6/);
});
