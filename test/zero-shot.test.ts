// The zero-shot pipeline pieces: per-digit selection, pairing, the feature cache, and the command
// end to end on a tiny synthetic set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perDigitOrder } from '../src/pipeline/zero-shot/data.js';
import { pairByClass } from '../src/pipeline/zero-shot/protocol.js';
import { cachedFeatures, encodeFeatures, decodeFeatures } from '../src/pipeline/feature-cache.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const nalsm = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'nalsm-zs-'));

test('per-digit order interleaves digits and says which digit runs short', () => {
  const labels = Uint8Array.of(3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0);
  const o = perDigitOrder(labels, 2, 'set');
  assert.deepEqual(Array.from(o.subarray(0, 10), (i) => labels[i]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(o.subarray(0, 4)), [1, 2, 3, 0]);
  assert.throws(() => perDigitOrder(labels, 3, 'set'), /set: digit 1 has 2 recordings, 3 asked for/);
});

test('pairs by class rank, only the classes asked for', () => {
  const f = (labels: number[]) => ({ counts: new Uint16Array(labels.length), labels: Uint8Array.from(labels), n: labels.length, dim: 1 });
  const p = pairByClass(f([1, 2, 1, 8, 1]), f([1, 1, 2, 2]), [1, 2]);
  assert.deepEqual(p.ia, [0, 2, 1]);
  assert.deepEqual(p.ib, [0, 1, 2]);
  assert.deepEqual(Array.from(p.labels), [1, 1, 2]);
});

test('feature cache: computed once, keyed by everything, corrupt files named', async () => {
  const dir = join(tmp, 'cache');
  let calls = 0;
  const compute = async () => {
    calls++;
    return { counts: Uint16Array.of(1, 2, 65535, 4, 5, 6), labels: Uint8Array.of(7, 9), n: 2, dim: 3 };
  };
  const a = await cachedFeatures(dir, { enc: 'x', seed: 1 }, compute);
  const b = await cachedFeatures(dir, { enc: 'x', seed: 1 }, compute);
  assert.equal(calls, 1);
  assert.equal(b.cached, true);
  assert.deepEqual(b.features, a.features);
  await cachedFeatures(dir, { enc: 'x', seed: 2 }, compute);
  assert.equal(calls, 2, 'another key computes again');
  const bytes = encodeFeatures({ k: 1 }, a.features);
  assert.deepEqual(decodeFeatures(bytes, 'f').features, a.features);
  writeFileSync(a.path!, bytes.subarray(0, bytes.length - 1));
  await assert.rejects(cachedFeatures(dir, { enc: 'x', seed: 1 }, compute), /features-[0-9a-f]+\.bin: not a nalsm feature cache file .*delete it to recompute/);
});

test('nalsm zero-shot: bad flags exit 2 and name the flag', () => {
  for (const [args, re] of [
    [['--device', '1,2'], /--device must be K,S,R/],
    [['--image-scale', 'a'], /--image-scale must be two non-negative numbers/],
    [['--images', '/no/such/dir'], /--images must be saccade-mnist or an N-MNIST folder/],
    [['--epochs', '0'], /--epochs must be between 1 and/],
    [['--methods', 'prototypical'], /--methods must be a comma list of infonce, prototypical, episodic including infonce/],
    [['--transform', 'log'], /--transform must be z or log1p-z/],
    [['--liquid-seeds', '0'], /--liquid-seeds must be between 1 and/],
    [['--temperature', '0'], /--temperature must be between/],
  ] as const) {
    const r = nalsm('zero-shot', ...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, re);
  }
  assert.match(nalsm('zero-shot', '--help').stdout, /Usage: nalsm zero-shot/);
});

test('nalsm zero-shot end to end on a tiny synthetic set: results JSON, figure, cache reuse', () => {
  const out = join(tmp, 'results');
  const args = ['zero-shot', '--image-train', '4', '--image-test', '2', '--audio-train', '2', '--audio-test', '2', '--audio', join(tmp, 'none.hdf5'), '--epochs', '2', '--supervised-epochs', '2', '--nalsm-snapshots', '0', '--device', 'off', '--cache', join(tmp, 'zc'), '--out', out, '--quiet'];
  const missing = nalsm(...args);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /none.hdf5: no such file/);
  const synth = ['--synthetic-audio', join(tmp, 'sd.hdf5')];
  const sd = nalsm('zero-shot', ...args.slice(1, 9), ...synth, '--epochs', '2', '--supervised-epochs', '2', '--nalsm-snapshots', '0', '--device', '4,0.05,0.01', '--cache', join(tmp, 'zc'), '--out', out, '--name', 'tiny', '--quiet');
  assert.equal(sd.status, 0, sd.stderr);
  const j = JSON.parse(readFileSync(join(out, 'tiny.json'), 'utf8'));
  assert.equal(j.kind, 'zero-shot');
  assert.deepEqual(j.synthetic, { images: true, audio: true });
  assert.deepEqual(Object.keys(j.variants), ['fixed-lsm', 'fixed-lsm+device']);
  const z = j.variants['fixed-lsm'].zeroShot.infonce;
  assert.equal(z.pairs.train, 14);
  assert.equal(z.pairs.outClass, 4);
  assert.equal(z.outClass.audioToImage.chance, 0.5);
  assert.ok(existsSync(join(out, 'tiny-retrieval.svg')));
  assert.match(readFileSync(join(out, 'tiny-retrieval.svg'), 'utf8'), /<svg/);
  // per variant: 4 supervised + 4 zero-shot liquid splits, and the 11-class audio ("oh") for the supervised liquid: 2
  assert.equal(j.cache.misses, 20);
  const sup = j.variants['fixed-lsm'].supervised;
  assert.equal(sup.audio11.classes, 11);
  assert.equal(sup.audio11.samples.test, 22, '2 test recordings of each of 11 words');
  assert.equal(sup.audio11.confusion.length, 11);
  assert.deepEqual(Object.keys(j.variants['fixed-lsm'].zeroShot), ['infonce', 'prototypical', 'episodic']);
  assert.equal(j.variants['fixed-lsm'].zeroShot.episodic.pairs.outClass, 4, 'the episodic baseline is asked the same out-class queries');
  const again = nalsm('zero-shot', ...args.slice(1, 9), ...synth, '--epochs', '2', '--supervised-epochs', '2', '--nalsm-snapshots', '0', '--device', '4,0.05,0.01', '--cache', join(tmp, 'zc'), '--out', out, '--name', 'tiny2', '--quiet');
  assert.equal(again.status, 0, again.stderr);
  const j2 = JSON.parse(readFileSync(join(out, 'tiny2.json'), 'utf8'));
  assert.equal(j2.cache.hits, 20, 'every feature matrix from the cache');
  assert.deepEqual(j2.variants, j.variants, 'same seed, same numbers');
  // a distribution: 2 liquids × 2 projection seeds; liquid seed 1, projection seed 1 is the run above
  const dist = nalsm('zero-shot', ...args.slice(1, 9), ...synth, '--epochs', '2', '--supervised-epochs', '2', '--nalsm-snapshots', '0', '--device', 'off', '--cache', join(tmp, 'zc'), '--out', out, '--name', 'tiny3', '--quiet', '--liquid-seeds', '2', '--repeats', '2', '--methods', 'infonce,episodic');
  assert.equal(dist.status, 0, dist.stderr);
  const j3 = JSON.parse(readFileSync(join(out, 'tiny3.json'), 'utf8'));
  const v3 = j3.variants['fixed-lsm'];
  assert.deepEqual(Object.keys(v3.zeroShot), ['infonce', 'episodic']);
  assert.deepEqual(v3.zeroShot.infonce, j.variants['fixed-lsm'].zeroShot.infonce, 'liquid seed 1, projection seed 1: the same numbers');
  assert.deepEqual(v3.distribution.runs.infonce.map((r: { liquidSeed: number; projectionSeed: number }) => [r.liquidSeed, r.projectionSeed]), [[1, 1], [1, 2], [2, 1], [2, 2]]);
  const cell = v3.distribution.summary.methods.infonce.audioToImage.outClass;
  assert.equal(cell.liquids.n, 2);
  assert.equal(cell.runs.n, 4);
  assert.ok(cell.liquids.ci95 === null || cell.liquids.ci95[0] <= cell.liquids.mean);
  assert.ok(v3.distribution.summary.differences['infonce − episodic'].audioToImage.outClass);
  assert.deepEqual(j3.projection.liquidSeeds, [1, 2]);
  assert.ok(readdirSync(out).every((f) => !f.endsWith('.tmp')));
});

test('nalsm zero-shot-search on a tiny synthetic set: chosen on validation, test selection labelled, final distribution', () => {
  const out = join(tmp, 'search');
  const r = nalsm('zero-shot-search', '--image-train', '4', '--image-test', '2', '--audio-train', '4', '--audio-test', '2', '--synthetic-audio', join(tmp, 'sd-search.hdf5'), '--image-grid', '0.1,0.3', '--audio-grid', '0.2', '--transforms', 'z,log1p-z', '--dims', '8,16', '--folds', '2', '--hold-back', '2', '--epochs', '3', '--liquid-seeds', '2', '--repeats', '1', '--cache', join(tmp, 'zc-search'), '--out', out, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(readFileSync(join(out, 'zero-shot-search-s1.json'), 'utf8'));
  assert.equal(j.kind, 'zero-shot-search');
  assert.equal(j.search.cells.length, 8, '2 image constants × 1 audio constant × 2 transforms × 2 dimensions');
  assert.deepEqual(j.search.cells.map((c: { dim: number }) => c.dim), [8, 16, 8, 16, 8, 16, 8, 16]);
  const best = j.search.cells.reduce((a: { validation: { bestScore: number } }, c: { validation: { bestScore: number } }) => (c.validation.bestScore > a.validation.bestScore ? c : a));
  assert.equal(j.chosen.imageScale, best.imageScale, 'the choice is the best validation score');
  assert.equal(j.chosen.validationScore, best.validation.bestScore);
  for (const c of j.search.cells) {
    assert.deepEqual(c.validation.folds.map((f: { pseudoUnseen: number[] }) => f.pseudoUnseen), [[6, 7], [4, 5]], 'folds hold out training digits, never 8 or 9');
    assert.equal(c.validation.score.length, 3);
    assert.deepEqual(Object.keys(c.nearestSeen.image), ['8', '9']);
  }
  assert.match(j.selectedOnTest.note, /SELECTED ON TEST/);
  assert.equal(j.final.variants['fixed-lsm'].zeroShot.infonce.settings.epochs, j.chosen.epochs);
  assert.equal(j.final.variants['fixed-lsm'].zeroShot.infonce.settings.dim, j.chosen.dim, 'the final run uses the chosen dimension');
  assert.equal(j.chosen.dim, best.dim);
  assert.equal(j.summary.methods.infonce.audioToImage.outClass.liquids.n, 2);
  assert.ok(existsSync(join(out, 'zero-shot-search-s1-grid.svg')));
  const bad = nalsm('zero-shot-search', '--image-grid', '0,1');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--image-grid must be a comma list of positive numbers/);
});
