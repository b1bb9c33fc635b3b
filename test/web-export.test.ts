// The web export: runs save their readout, nalsm export --web writes one file the page loads,
// decoding validates it, and a sample run through LiveModel (the page's path) gives the CLI
// run's spike counts. Also the page's MNIST preprocessing and the replayed astrocyte signal.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../src/pipeline/run.js';
import { readReadout } from '../src/pipeline/readout-file.js';
import { readCounts } from '../src/pipeline/counts-file.js';
import { decodeWebExport, encodeWebExport } from '../src/core/web/export-format.js';
import { classifyCounts } from '../src/core/web/classify.js';
import { LiveModel } from '../src/core/web/live-model.js';
import { encodeContainer, decodeContainer } from '../src/core/container.js';
import { decodeWeights } from '../src/core/network/weights.js';
import { mnistFromDrawing } from '../src/core/encode/mnist-preprocess.js';
import { Raster, emptyStats } from '../src/core/sim/simulator.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nalsm-web-'));
const nalsm = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd: dir });

async function tinyRun(model: 'nalsm' | 'lsm'): Promise<void> {
  await runPipeline({
    model,
    dataset: 'mnist',
    dims: [5, 5, 5],
    seed: 4,
    sizes: { train: 60, val: 20, test: 30 },
    workers: 1,
    initSnapshots: 20,
    readout: { optimizer: 'adam', epochs: 4 },
    outDir: join(dir, 'results'),
    artifactsDir: join(dir, 'runs', model),
    name: model,
    saveCounts: true,
    command: `test ${model}`,
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('runs save their readout; nalsm export --web bundles both models on their network; LiveModel gives the run\'s counts', async () => {
  await tinyRun('nalsm');
  await tinyRun('lsm');
  const rd = readReadout(join(dir, 'runs', 'lsm', 'readout.bin'));
  assert.equal(rd.nl, 125);
  assert.equal(rd.weights.length, 1250);
  assert.equal(rd.trainBatchMax.length, 1); // 60 training samples, batch 250
  assert.ok(rd.trainBatchMax[0] > 0 && rd.trainBatchMax[0] <= 1);

  const r = nalsm('export', '--web', 'nalsm', 'lsm', '--samples', '30', '--out', 'web.bin', '--evaluate', 'all', '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /page-path accuracy on 30 test images: nalsm [\d.]+ % \(run, batch-normalised: [\d.]+ %\), lsm .*\n  results: results\/web-eval\.json\n/);
  assert.match(r.stdout, /web\.bin: \d+ bytes .*nalsm \(test [\d.]+ %\), lsm \(test [\d.]+ %\); 30 test images/);
  const evalJson = JSON.parse(readFileSync(join(dir, 'results', 'web-eval.json'), 'utf8'));
  const exp = decodeWebExport(new Uint8Array(readFileSync(join(dir, 'web.bin'))), 'web.bin');
  assert.deepEqual(exp.models.map((m) => m.key), ['nalsm', 'lsm']);
  assert.equal(exp.network.NL, 125);
  assert.equal(exp.samples.labels.length, 30);
  const [mn, ml] = exp.models;
  assert.equal(ml.wini, null);
  assert.equal(ml.spec.initialWeight, 0.8);
  const wini = decodeWeights(new Uint8Array(readFileSync(join(dir, 'runs', 'nalsm', 'w-ini.bin'))), exp.network);
  assert.deepEqual(mn.wini!.ll, wini.ll);
  assert.deepEqual(ml.readout.weights, rd.weights);
  assert.equal(ml.readout.featureDivisor, rd.trainBatchMax[0]);
  assert.equal(typeof mn.run.sigmaBF, 'number');

  // the page's path (LiveModel on the export) gives the spike counts the run saved, sample for sample
  for (const m of exp.models) {
    const saved = readCounts(join(dir, 'runs', m.key, 'counts.bin')).counts.test;
    const live = new LiveModel(exp, m);
    let correct = 0;
    for (let i = 0; i < 30; i++) {
      const s = live.run(exp.samples.images, i, exp.samples.R, false);
      assert.deepEqual(Array.from(s.counts, (c) => Math.min(c, 65535)), Array.from(saved.counts.subarray(i * 125, (i + 1) * 125)), `${m.key}, test sample ${i}`);
      if (s.classification.predicted === exp.samples.labels[i]) correct++;
    }
    // --evaluate classified the same 30 images the same way
    assert.deepEqual(m.run.pageAccuracy, { n: 30, accuracy: correct / 30 });
    assert.equal(evalJson.figures[m.key].pagePath.correct, correct);
  }
  // help, and errors that name the problem
  const help = nalsm('export', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^nalsm export: /);
  const none = nalsm('export', 'lsm');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /needs a format: --web/);
  const twice = nalsm('export', '--web', 'lsm', 'lsm', '--out', 'x.bin');
  assert.equal(twice.status, 2);
  assert.match(twice.stderr, /two runs of model lsm/);
  assert.ok(!existsSync(join(dir, 'x.bin')));
  rmSync(join(dir, 'runs', 'lsm', 'readout.bin'));
  const old = nalsm('export', '--web', 'lsm', '--out', 'y.bin');
  assert.equal(old.status, 1);
  assert.match(old.stderr, /readout\.bin: missing; runs save their readout since nalsm export exists: run lsm again/);
  assert.ok(!existsSync(join(dir, 'y.bin')));

  // a corrupt, foreign, future or incomplete file is refused with the reason
  const bytes = new Uint8Array(readFileSync(join(dir, 'web.bin')));
  const bad = bytes.slice();
  bad[bad.length - 100] ^= 1;
  assert.throws(() => decodeWebExport(bad, 'bad.bin'), /^Error: bad\.bin: not a valid nalsm web export file: checksum mismatch .*the file is corrupt$/);
  assert.throws(() => decodeWebExport(bytes.subarray(0, 5000), 'cut.bin'), /cut\.bin: not a valid nalsm web export file: .*truncated/);
  assert.throws(() => decodeWebExport(new Uint8Array(readFileSync(join(dir, 'runs', 'lsm', 'network.bin'))), 'net.bin'), /net\.bin: not a nalsm web export: it is a nalsm network file; make one with nalsm export --web RUN/);
  const { fields, arrays } = decodeContainer(bytes, 'NALSMWEB', 'web.bin', 'web');
  assert.throws(() => decodeWebExport(encodeContainer('NALSMWEB', 2, fields, arrays), 'v2.bin'), /v2\.bin: invalid nalsm web export: format version 2, this page reads version 1/);
  const { ['lsm.readoutB']: _gone, ...fewer } = arrays;
  assert.throws(() => decodeWebExport(encodeContainer('NALSMWEB', 1, fields, fewer), 'nob.bin'), /nob\.bin: invalid nalsm web export: section "lsm\.readoutB" must be float32 × 10/);
  // and what decodes, encodes to the same bytes
  assert.deepEqual(encodeWebExport(exp), bytes);

  // the astrocyte signal the page draws, replayed from the raster, ends where the simulator's A ends
  const liveN = new LiveModel(exp, mn);
  const s = liveN.run(exp.samples.images, 3, exp.samples.R, true);
  assert.equal(s.astro.length, 250);
  const sim = liveN.sim;
  const stats = emptyStats();
  sim.restoreWeights();
  sim.resetTrace();
  // the same pulses again (the stream of test sample 3), straight through the simulator
  const data = { images: exp.samples.images, pixels: exp.network.NX, n: 30, R: exp.samples.R };
  const p = liveN.runner.pulsesFor(data, 'test', 3);
  const counts = sim.runPlastic(p, { rule: 'astro', decay: true, astroW: mn.spec.astroW, keepRowSums: false }, new Raster(), stats);
  assert.deepEqual(Array.from(counts), Array.from(s.counts));
  assert.equal(s.astro[249], stats.astroA);

  // the same sample handed over in 25 ms chunks while it runs (what the page's worker posts): ten
  // contiguous chunks holding the whole raster, each spike in its chunk, the astrocyte replayed chunk by chunk
  const chunks: Array<{ from: number; to: number; t: Int32Array; n: Int32Array; astro: Float64Array }> = [];
  const replay = liveN.astroReplay();
  const s2 = liveN.run(exp.samples.images, 3, exp.samples.R, true, (c) => chunks.push({ ...c, astro: replay.advance(c.t, c.n, c.to) }));
  assert.deepEqual(chunks.map((c) => [c.from, c.to]), Array.from({ length: 10 }, (_, k) => [25 * k, 25 * k + 25]));
  for (const c of chunks) assert.ok(c.t.every((t) => t >= c.from && t < c.to));
  assert.deepEqual(Array.from(chunks.flatMap((c) => Array.from(c.t))), Array.from(s.raster.t));
  assert.deepEqual(Array.from(chunks.flatMap((c) => Array.from(c.n))), Array.from(s.raster.n));
  assert.deepEqual(chunks.flatMap((c) => Array.from(c.astro)), Array.from(s.astro));
  assert.deepEqual(Array.from(s2.counts), Array.from(s.counts));
});

test('classifyCounts: features are count / Σcount / featureDivisor; softmax of the logits', () => {
  const weights = new Float32Array(20);
  weights[0 * 10 + 3] = 2; // neuron 0 → class 3
  weights[1 * 10 + 5] = 4; // neuron 1 → class 5
  const bias = new Float32Array(10);
  bias[9] = 0.5;
  const r = { weights, bias, batchSize: 250, featureDivisor: 0.5, optimizer: 'adam', bestEpoch: 1 };
  const c = classifyCounts(r, [3, 1]);
  // features 3/4/0.5 = 1.5 and 1/4/0.5 = 0.5 → logits class 3: 3, class 5: 2, class 9: 0.5
  assert.deepEqual(Array.from(c.logits), [0, 0, 0, 3, 0, 2, 0, 0, 0, 0.5]);
  const z = 7 + Math.exp(3) + Math.exp(2) + Math.exp(0.5);
  assert.ok(Math.abs(c.probabilities[3] - Math.exp(3) / z) < 1e-15);
  assert.equal(c.predicted, 3);
  const silent = classifyCounts(r, [0, 0]);
  assert.equal(silent.silent, true);
  assert.equal(silent.predicted, 9);
});

test('mnistFromDrawing: the ink box scaled into 20×20, centred by mass in 28×28', () => {
  const w = 200, h = 200;
  const ink = new Uint8Array(w * h);
  // a 100 × 50 block at (30, 120): scaled to 20 × 10, centred at (14, 14) → columns 4..23, rows 9..18
  for (let y = 120; y < 170; y++) for (let x = 30; x < 130; x++) ink[y * w + x] = 200;
  const img = mnistFromDrawing(ink, w, h)!;
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) assert.equal(img[y * 28 + x], x >= 4 && x < 24 && y >= 9 && y < 19 ? 255 : 0, `pixel (${x}, ${y})`);
  assert.equal(mnistFromDrawing(new Uint8Array(w * h), w, h), null);
  assert.throws(() => mnistFromDrawing(ink, 10, 10), /40000 values for 10×10/);
});
