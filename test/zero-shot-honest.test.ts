// The honest zero-shot protocol: statistics over liquids, validation folds carved from the training
// digits only, the episode sampler and the episodic prototypical loss, the 11-class softmax.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/core/rng.js';
import { ProjectionHead, episodeLoss, sampleEpisode, rowsByClass, trainEpisodic } from '../src/core/readout/index.js';
import { interval, summariseDistribution, againstChance, type RunTop1 } from '../src/pipeline/zero-shot/distribution.js';
import { validationFolds, defaultFolds } from '../src/pipeline/zero-shot/validation.js';
import { fitEpisode } from '../src/pipeline/zero-shot/protocol.js';
import { supervisedSoftmax } from '../src/pipeline/zero-shot/supervised-softmax.js';
import type { CachedFeatures } from '../src/pipeline/feature-cache.js';

import { checkFiniteDifferences } from './finite-differences.js';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('interval: mean, sd and the Student-t 95 % CI; verdict against chance', () => {
  const iv = interval([0.4, 0.5, 0.6]);
  close(iv.mean, 0.5, 1e-15, 'mean');
  close(iv.sd!, 0.1, 1e-15, 'sd');
  // t(0.975, 2) = 4.302652729911275
  const h = (4.302652729911275 * 0.1) / Math.sqrt(3);
  close(iv.ci95![0], 0.5 - h, 1e-9, 'lo');
  close(iv.ci95![1], 0.5 + h, 1e-9, 'hi');
  assert.equal(againstChance(iv.ci95, 0.5), 'not distinguishable from chance');
  assert.equal(againstChance([0.51, 0.6], 0.5), 'above chance');
  assert.equal(againstChance([0.3, 0.49], 0.5), 'below chance');
  assert.equal(interval([0.7]).ci95, null);
});

test('distribution: the unit is the liquid; InfoNCE − baseline paired by liquid', () => {
  const run = (liquidSeed: number, projectionSeed: number, out: number): RunTop1 => ({ liquidSeed, projectionSeed, audioToImage: { inClass: 0.7, outClass: out }, imageToAudio: { inClass: 0.6, outClass: 1 - out } });
  // liquid 1: runs 0.4, 0.6 (mean 0.5); liquid 2: 0.7, 0.9 (0.8); liquid 3: 0.6, 0.6 (0.6)
  const infonce = [run(1, 1, 0.4), run(1, 2, 0.6), run(2, 1, 0.7), run(2, 2, 0.9), run(3, 1, 0.6), run(3, 2, 0.6)];
  const proto = infonce.map((r) => run(r.liquidSeed, r.projectionSeed, r.audioToImage.outClass - 0.1));
  const s = summariseDistribution({ infonce, prototypical: proto }, { inClass: 1 / 7, outClass: 0.5 }, 'infonce');
  const c = s.methods.infonce.audioToImage.outClass;
  assert.equal(c.liquids.n, 3);
  close(c.liquids.mean, (0.5 + 0.8 + 0.6) / 3, 1e-12, 'mean over liquid means');
  assert.equal(c.runs.n, 6);
  assert.equal(c.runs.min, 0.4);
  assert.deepEqual(s.liquidSeeds, [1, 2, 3]);
  assert.deepEqual(s.projectionSeeds, [1, 2]);
  const d = s.differences['infonce − prototypical'].audioToImage.outClass!;
  close(d.mean, 0.1, 1e-12, 'paired difference');
  close(d.sd!, 0, 1e-12, 'a constant difference has sd 0');
  assert.deepEqual(d.seeds, [1, 2, 3]);
});

/** n rows per digit 0..9 in the k·10 + d order of the zero-shot data, row value = split code · 1000 + row. */
function features(perDigit: number, split: number): CachedFeatures {
  const n = 10 * perDigit;
  return { counts: Uint16Array.from({ length: n }, (_, i) => split * 1000 + i), labels: Uint8Array.from({ length: n }, (_, i) => i % 10), n, dim: 1 };
}

test('validation folds: training split only, digits 1–7 only, pseudo-unseen digits never fitted', () => {
  const img = { train: features(12, 1), test: features(5, 2) };
  const aud = { train: features(8, 1), test: features(5, 2) };
  const trainClasses = [1, 2, 3, 4, 5, 6, 7];
  assert.deepEqual(defaultFolds(trainClasses, 3), [[6, 7], [4, 5], [2, 3]]);
  assert.throws(() => defaultFolds(trainClasses, 4), /at most 3 folds/);
  const folds = validationFolds(img, aud, trainClasses, defaultFolds(trainClasses, 3), 2);
  for (const f of folds) {
    for (const [name, p] of [['fit', f.fit], ['inClass', f.inClass], ['outClass', f.outClass]] as const) {
      for (let k = 0; k < p.labels.length; k++) {
        assert.ok(p.labels[k] >= 1 && p.labels[k] <= 7, `${name}: digit ${p.labels[k]} is a training digit`);
        assert.ok(p.ia[k] < img.train.n && p.ib[k] < aud.train.n, `${name}: rows index the training split`);
        assert.equal(img.train.labels[p.ia[k]], p.labels[k]);
        assert.equal(aud.train.labels[p.ib[k]], p.labels[k]);
      }
    }
    assert.ok(f.fit.labels.every((l) => !f.pseudoUnseen.includes(l)), 'no pseudo-unseen digit is fitted');
    assert.ok(f.outClass.labels.every((l) => f.pseudoUnseen.includes(l)));
    const fitted = new Set(f.fit.ib);
    assert.ok(f.inClass.ib.every((r) => !fitted.has(r)), 'held-back pairs are not fitted');
    // 8 audio recordings per digit pair up with 8 images: 5 seen digits × (8 − 2) fitted, 5 × 2 held back, 2 × 8 out
    assert.equal(f.fit.labels.length, 30);
    assert.equal(f.inClass.labels.length, 10);
    assert.equal(f.outClass.labels.length, 16);
  }
  assert.throws(() => validationFolds(img, aud, trainClasses, [[8, 9]], 2), /pseudo-unseen digit 8 is not a training digit/);
});

test('episode sampler: seeded, distinct rows, support and query disjoint, training classes only', () => {
  const labels = Uint8Array.from({ length: 70 }, (_, i) => 1 + (i % 7));
  const by = rowsByClass(labels);
  const shape = { way: 5, shot: 3, query: 4 };
  const a = sampleEpisode(by, shape, new Rng(9, 'ep'));
  const b = sampleEpisode(by, shape, new Rng(9, 'ep'));
  assert.deepEqual(a, b, 'same seed, same episode');
  assert.notDeepEqual(sampleEpisode(by, shape, new Rng(10, 'ep')), a);
  assert.equal(a.classes.length, 5);
  assert.equal(new Set(a.classes).size, 5);
  assert.equal(a.support.length, 15);
  assert.equal(a.query.length, 20);
  const rows = [...a.support, ...a.query];
  assert.equal(new Set(rows).size, rows.length, 'no row twice');
  a.classes.forEach((c, k) => {
    for (let s = 0; s < 3; s++) assert.equal(labels[a.support[k * 3 + s]], c);
    for (let s = 0; s < 4; s++) assert.equal(labels[a.query[k * 4 + s]], c);
  });
  assert.throws(() => sampleEpisode(by, { way: 5, shot: 6, query: 5 }, new Rng(1)), /class \d has 10 training pairs, an episode needs shot \+ query = 11/);
  assert.throws(() => sampleEpisode(by, { way: 8, shot: 1, query: 1 }, new Rng(1)), /way must be an integer from 2 to the 7 training classes/);
  assert.deepEqual(fitEpisode({ way: 5, shot: 5, query: 5 }, Uint8Array.of(1, 1, 1, 2, 2, 2)), { way: 2, shot: 1, query: 2 });
  assert.deepEqual(fitEpisode({ way: 5, shot: 5, query: 5 }, labels), { way: 5, shot: 5, query: 5 });
});

test('episodic loss through linear heads: gradients equal central finite differences', () => {
  const rng = new Rng(3, 'ep-fd');
  const da = 5, db = 4, d = 3, ns = 6, nq = 4;
  const sLab = Uint8Array.of(1, 1, 2, 2, 3, 3);
  const qLab = Uint8Array.of(1, 2, 3, 3);
  const xs = { a: Float64Array.from({ length: ns * da }, () => rng.normal()), b: Float64Array.from({ length: ns * db }, () => rng.normal()) };
  const xq = { a: Float64Array.from({ length: nq * da }, () => rng.normal()), b: Float64Array.from({ length: nq * db }, () => rng.normal()) };
  const ha = new ProjectionHead(da, d, new Rng(1, 'a'), 'linear');
  const hb = new ProjectionHead(db, d, new Rng(1, 'b'), 'linear');
  const f = () => {
    const p = { sa: ha.forward(xs.a, ns), sb: hb.forward(xs.b, ns), qa: ha.forward(xq.a, nq), qb: hb.forward(xq.b, nq) };
    const g = { dSa: new Float64Array(ns * d), dSb: new Float64Array(ns * d), dQa: new Float64Array(nq * d), dQb: new Float64Array(nq * d) };
    const l = episodeLoss({ Sa: p.sa.E, Sb: p.sb.E, sLabels: sLab, ns, Qa: p.qa.E, Qb: p.qb.E, qLabels: qLab, nq }, d, g);
    return { l, p, g };
  };
  const r = f();
  ha.zeroGrad();
  hb.zeroGrad();
  ha.backward(r.p.sa, r.g.dSa);
  ha.backward(r.p.qa, r.g.dQa);
  hb.backward(r.p.sb, r.g.dSb);
  hb.backward(r.p.qb, r.g.dQb);
  const checked = checkFiniteDifferences([[ha.W, ha.gW], [ha.b, ha.gb], [hb.W, hb.gW], [hb.b, hb.gb]], () => f().l, 'episodic');
  assert.equal(checked, 5 * 3 + 3 + 4 * 3 + 3);
  // a linear head's embed() is normalised for retrieval; forward() is not
  const e = ha.embed(xs.a, 1);
  close(Math.hypot(...e), 1, 1e-12, 'unit embedding');
});

test('episodic heads learn paired toy modalities, seeded', () => {
  const rng = new Rng(4, 'toy');
  const n = 60, da = 6, db = 5;
  const labels = Uint8Array.from({ length: n }, (_, i) => 1 + (i % 3));
  const a = Float64Array.from({ length: n * da }, (_, k) => (Math.floor(k / da) % 3 === k % da % 3 ? 2 : 0) + 0.3 * rng.normal());
  const b = Float64Array.from({ length: n * db }, (_, k) => (Math.floor(k / db) % 3 === (k % db) % 3 ? 2 : 0) + 0.3 * rng.normal());
  const o = { way: 3, shot: 3, query: 3, dim: 4, epochs: 15, seed: 2, lr: 1e-2 };
  const p1 = trainEpisodic({ a, b, labels, n }, da, db, o);
  const p2 = trainEpisodic({ a, b, labels, n }, da, db, o);
  assert.deepEqual(p1.lossHistory, p2.lossHistory);
  assert.ok(p1.lossHistory[14] < 0.5 * p1.lossHistory[0], `loss falls: ${p1.lossHistory[0]} → ${p1.lossHistory[14]}`);
  assert.equal(p1.loss, 'episodic');
});

test('supervised softmax over 11 classes on separable counts', () => {
  const mk = (per: number, noise: number): CachedFeatures => {
    const n = 11 * per;
    const counts = new Uint16Array(n * 11);
    for (let i = 0; i < n; i++) counts[i * 11 + (i % 11)] = 5 + ((i * 7 + noise) % 3);
    return { counts, labels: Uint8Array.from({ length: n }, (_, i) => i % 11), n, dim: 11 };
  };
  const r = supervisedSoftmax({ train: mk(10, 0), test: mk(3, 1) }, 300, 11, 1);
  assert.equal(r.test, 1);
  assert.equal(r.confusion[10][10], 3, '"oh" (10) recognised');
  assert.deepEqual(r.samples, { train: 99, val: 11, test: 33 });
  assert.throws(() => supervisedSoftmax({ train: mk(2, 0), test: mk(1, 0) }, 1, 10, 1), /label 10, expected 0..9/);
});

test('nearest seen digit per modality, and the overlap of the two tables', async () => {
  const { nearestSeen } = await import('../src/pipeline/zero-shot/nearest-seen.js');
  // 1-D features: digit d sits at 10·d in images; in audio 8 sits at digit 1's place and 9 at digit 2's
  const mk = (pos: (d: number) => number): CachedFeatures => {
    const labels = Uint8Array.from({ length: 40 }, (_, i) => i % 10);
    return { counts: Uint16Array.from(labels, (d, i) => pos(d) + (i % 3)), labels, n: 40, dim: 1 };
  };
  const imgPos = (d: number) => (d === 8 ? 30 : d === 9 ? 70 : 10 * d);
  const audPos = (d: number) => (d === 8 ? 10 : d === 9 ? 20 : 10 * d);
  const img = { train: mk(imgPos), test: mk(imgPos) };
  const aud = { train: mk(audPos), test: mk(audPos) };
  const r = nearestSeen(img, aud, [1, 2, 3, 4, 5, 6, 7], [8, 9]);
  assert.equal(r.image[8][3], 4, 'image 8 lands on 3');
  assert.equal(r.image[9][7], 4, 'image 9 lands on 7');
  assert.equal(r.audio[8][1], 4, 'audio 8 lands on 1');
  assert.equal(r.audio[9][2], 4);
  assert.equal(r.overlap[8], 0, 'the two modalities place 8 near different trained digits');
  assert.equal(r.crossOverlap['image 8 / audio 9'], 0);
  const same = nearestSeen(img, img, [1, 2, 3, 4, 5, 6, 7], [8, 9]);
  assert.equal(same.overlap[8], 1);
  assert.equal(same.overlap[9], 1);
});
