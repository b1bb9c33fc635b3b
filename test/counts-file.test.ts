// The counts.bin format (pipeline/counts-file.ts) and `nalsm readout --counts FILE`: a round trip of
// every element, bad files refused with the file's name and what was expected, and the CLI readout
// equal to trainReadout on the same counts with the same options.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCounts, writeCounts, type CountMatrix } from '../src/pipeline/counts-file.js';
import { encodeContainer } from '../src/core/container.js';
import { Rng } from '../src/core/rng.js';
import { trainReadout } from '../src/core/readout/index.js';
import type { SplitName } from '../src/core/job.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const nalsm = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd });

const dir = mkdtempSync(join(tmpdir(), 'nalsm-counts-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const NL = 30;
const SIZES: Record<SplitName, number> = { train: 200, val: 60, test: 60 };

/**
 * SYNTHETIC spike counts (not from a liquid): neuron j fires more for class j % 10, so a readout
 * learns something and its accuracy is not a constant. Counts span the whole uint16 range in a
 * few cells, so a round trip that narrowed them would show.
 */
function syntheticCounts(seed: number): Record<SplitName, CountMatrix> {
  const out = {} as Record<SplitName, CountMatrix>;
  for (const s of ['train', 'val', 'test'] as SplitName[]) {
    const rng = new Rng(seed, 'synthetic-counts', s);
    const n = SIZES[s];
    const counts = new Uint16Array(n * NL);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rng.int(10);
      for (let j = 0; j < NL; j++) counts[i * NL + j] = rng.int(j % 10 === labels[i] ? 12 : 4);
    }
    out[s] = { counts, labels, n };
  }
  out.train.counts[0] = 65535;
  out.train.counts[1] = 0;
  out.test.counts[NL * SIZES.test - 1] = 40000;
  return out;
}

const META = { name: 'synthetic-run', runId: '20261206-120000-0badc0de', model: 'synthetic', dataset: 'synthetic', seed: 7 };

test('writeCounts / readCounts: every element, the labels, nl and the meta (run id included) come back', () => {
  const path = join(dir, 'roundtrip', 'counts.bin');
  const c = syntheticCounts(1);
  writeCounts(path, NL, c, META);
  // written atomically: only the file, no temporary left beside it
  assert.deepEqual(readdirSync(join(dir, 'roundtrip')), ['counts.bin']);
  const r = readCounts(path);
  assert.equal(r.nl, NL);
  assert.deepEqual(r.meta, META);
  for (const s of ['train', 'val', 'test'] as SplitName[]) {
    assert.equal(r.counts[s].n, SIZES[s], s);
    assert.ok(r.counts[s].counts instanceof Uint16Array && r.counts[s].labels instanceof Uint8Array, s);
    assert.deepEqual(r.counts[s].counts, c[s].counts, `${s} counts`);
    assert.deepEqual(r.counts[s].labels, c[s].labels, `${s} labels`);
  }
  assert.equal(r.counts.train.counts[0], 65535);
  assert.equal(r.counts.test.counts[NL * SIZES.test - 1], 40000);
});

test('readCounts: bad files are refused, naming the file and what was expected', () => {
  const good = join(dir, 'bad', 'good.bin');
  writeCounts(good, NL, syntheticCounts(2), META);
  const bytes = readFileSync(good);
  const at = (name: string, data: Uint8Array): string => {
    const p = join(dir, 'bad', name);
    writeFileSync(p, data);
    return p;
  };
  const esc = (p: string): string => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const refuses = (p: string, re: RegExp): void => {
    assert.throws(() => readCounts(p), (e: Error) => {
      assert.match(e.message, new RegExp(`^${esc(p)}: `), 'names the file');
      assert.match(e.message, re);
      return true;
    });
  };

  // truncated: inside the sections, and inside the fixed header
  const cut = at('truncated.bin', bytes);
  truncateSync(cut, bytes.length - 100);
  refuses(cut, new RegExp(`not a valid nalsm counts file: file is ${bytes.length - 100} bytes but its sections need ${bytes.length} \\(truncated\\)`));
  refuses(at('stub.bin', bytes.subarray(0, 12)), /not a valid nalsm counts file: file is 12 bytes, too short for the header \(truncated\?\)/);

  // wrong magic (another nalsm file, e.g. a network)
  const magic = Uint8Array.from(bytes);
  magic.set(new TextEncoder().encode('NALSMNET'), 0);
  refuses(at('magic.bin', magic), /not a valid nalsm counts file: expected magic "NALSMCNT", found "NALSMNET"/);

  // one flipped bit in the train counts: the CRC-32 catches it
  const flipped = Uint8Array.from(bytes);
  flipped[bytes.length - 200] ^= 0x10;
  refuses(at('corrupt.bin', flipped), /not a valid nalsm counts file: checksum mismatch \(stored [0-9a-f]+, computed [0-9a-f]+\): the file is corrupt/);

  // well-formed containers with the wrong content
  const c = syntheticCounts(3);
  const sections = (over: Record<string, Uint16Array | Uint8Array | Float32Array | Int32Array> = {}) => ({
    trainCounts: c.train.counts,
    trainLabels: c.train.labels,
    valCounts: c.val.counts,
    valLabels: c.val.labels,
    testCounts: c.test.counts,
    testLabels: c.test.labels,
    ...over,
  });
  const container = (fields: Record<string, unknown>, arrays: ReturnType<typeof sections>) =>
    encodeContainer('NALSMCNT', 1, { kind: 'counts', meta: META, ...fields }, arrays as Parameters<typeof encodeContainer>[3]);
  refuses(
    at('f32-counts.bin', container({ nl: NL }, sections({ valCounts: Float32Array.from(c.val.counts) }))),
    /invalid counts: sections valCounts \(uint16\) and valLabels \(uint8\) are required/,
  );
  refuses(
    at('i32-labels.bin', container({ nl: NL }, sections({ testLabels: Int32Array.from(c.test.labels) }))),
    /invalid counts: sections testCounts \(uint16\) and testLabels \(uint8\) are required/,
  );
  const { trainLabels: _drop, ...noTrainLabels } = sections();
  refuses(at('missing-section.bin', container({ nl: NL }, noTrainLabels as ReturnType<typeof sections>)), /sections trainCounts \(uint16\) and trainLabels \(uint8\) are required/);
  refuses(
    at('short-labels.bin', container({ nl: NL }, sections({ trainLabels: c.train.labels.subarray(0, 199) }))),
    new RegExp(`invalid counts: train has ${200 * NL} counts for 199 labels × ${NL} neurons`),
  );
  refuses(at('nl-mismatch.bin', container({ nl: NL + 1 }, sections())), new RegExp(`invalid counts: train has ${200 * NL} counts for 200 labels × ${NL + 1} neurons`));
  refuses(at('nl-zero.bin', container({ nl: 0 }, sections())), /invalid counts: field "nl" must be a positive integer/);

  // a missing file
  const missing = join(dir, 'bad', 'nosuch', 'counts.bin');
  refuses(missing, /cannot read counts \(ENOENT/);
});

test('nalsm readout --counts: the same accuracy as trainReadout, the default name, no overwrite without --force', () => {
  const cwd = mkdtempSync(join(dir, 'cli-'));
  const c = syntheticCounts(4);
  const file = join(cwd, 'runs', 'synthetic-run', 'counts.bin');
  writeCounts(file, NL, c, META);
  const args = ['readout', '--counts', file, '--lr', '0.01', '--epochs', '4', '--patience', '0', '--batch', '20', '--quiet'];
  const r = nalsm(cwd, ...args);
  assert.equal(r.status, 0, r.stderr);
  const out = join('results', 'synthetic-run-adam-lr0.01-4.json');
  assert.match(r.stdout, new RegExp(`results: ${out.replace(/\./g, '\\.')}\\n`));
  const json = JSON.parse(readFileSync(join(cwd, out), 'utf8'));
  // the library on the same counts with the options the flags mean (Adam, no early stop)
  const want = trainReadout(c.train, c.val, c.test, NL, { optimizer: 'adam', lr: 0.01, epochs: 4, patience: 0, batchSize: 20 });
  assert.deepEqual(json.accuracy, want.accuracy);
  assert.deepEqual(json.readout.history, want.history);
  assert.equal(json.readout.bestEpoch, want.bestEpoch);
  assert.deepEqual(json.readout.confusion, want.confusion);
  assert.equal(json.readout.optimizer, 'adam');
  assert.equal(json.readout.epochCap, 4);
  assert.equal(json.readout.lr, 0.01);
  assert.equal(json.readout.patience, 0);
  assert.equal(json.readout.batchSize, 20);
  assert.equal(json.name, 'synthetic-run-adam-lr0.01-4');
  assert.equal(json.kind, 'readout');
  assert.equal(json.runId, META.runId);
  assert.deepEqual(json.run, META);
  assert.equal(json.neurons, NL);
  assert.deepEqual(json.samples, SIZES);
  assert.equal(json.command, ['nalsm', ...args].join(' '));
  // the trained readout learned the synthetic classes (so equality above is not between two constants)
  assert.ok(want.accuracy.test > 0.5, `test accuracy ${want.accuracy.test}`);

  // the same command again: refused, the result untouched; --force replaces it with the same numbers
  const before = readFileSync(join(cwd, out), 'utf8');
  const again = nalsm(cwd, ...args);
  assert.equal(again.status, 2);
  assert.match(again.stderr, new RegExp(`error: ${out.replace(/\./g, '\\.')} exists; give another --name, or --force to replace it`));
  assert.equal(readFileSync(join(cwd, out), 'utf8'), before);
  const forced = nalsm(cwd, ...args, '--force');
  assert.equal(forced.status, 0, forced.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(cwd, out), 'utf8')).accuracy, want.accuracy);

  // other default names: the patience (Adam's default 30 too), ridge, and the folder's name when the meta has none
  for (const [flags, name] of [
    [['--epochs', '3', '--patience', '2'], 'synthetic-run-adam-3-p2'],
    [['--epochs', '3'], 'synthetic-run-adam-3-p30'],
    [['--readout', 'adadelta', '--epochs', '3'], 'synthetic-run-adadelta-3'],
  ] as const) {
    const p = nalsm(cwd, 'readout', '--counts', file, ...flags, '--quiet');
    assert.equal(p.status, 0, p.stderr);
    assert.ok(existsSync(join(cwd, 'results', `${name}.json`)), name);
  }
  const ridge = nalsm(cwd, 'readout', '--counts', file, '--readout', 'ridge', '--quiet');
  assert.equal(ridge.status, 0, ridge.stderr);
  const rj = JSON.parse(readFileSync(join(cwd, 'results', 'synthetic-run-ridge.json'), 'utf8'));
  assert.deepEqual(rj.accuracy, trainReadout(c.train, c.val, c.test, NL, { optimizer: 'ridge' }).accuracy);
  const anon = join(cwd, 'runs', 'folder-name', 'counts.bin');
  writeCounts(anon, NL, c, { runId: META.runId });
  const f = nalsm(cwd, 'readout', '--counts', anon, '--epochs', '2', '--patience', '0', '--out', 'elsewhere', '--quiet');
  assert.equal(f.status, 0, f.stderr);
  assert.ok(existsSync(join(cwd, 'elsewhere', 'folder-name-adam-2.json')));
});

test('nalsm readout: no --counts, a missing file, a network.bin as counts: non-zero exit, a clear message, nothing written', () => {
  const cwd = mkdtempSync(join(dir, 'cli-bad-'));
  // a real network.bin (and a real counts.bin) from a tiny run
  const run = nalsm(cwd, 'run', '--model', 'lsm', '--dims', '4x4x4', '--train', '20', '--val', '10', '--test', '10', '--epochs', '2', '--workers', '1', '--save-counts', '--name', 'tiny', '--quiet');
  assert.equal(run.status, 0, run.stderr);
  const runJson = JSON.parse(readFileSync(join(cwd, 'results', 'tiny.json'), 'utf8'));
  const before = readdirSync(join(cwd, 'results')).sort();
  const cases: Array<[string[], number, RegExp]> = [
    [['readout'], 2, /^error: nalsm readout needs --counts FILE/],
    [['readout', '--counts'], 2, /--counts/],
    [['readout', '--counts', join('runs', 'nosuch', 'counts.bin')], 1, /^error: runs\/nosuch\/counts\.bin: cannot read counts \(ENOENT/],
    [['readout', '--counts', join('runs', 'tiny', 'network.bin')], 1, /^error: runs\/tiny\/network\.bin: not a valid nalsm counts file: expected magic "NALSMCNT", found "NALSMNET"/],
    [['readout', '--counts', join('runs', 'tiny', 'counts.bin'), '--readout', 'ridge', '--epochs', '5'], 2, /--epochs does not apply to --readout ridge/],
  ];
  for (const [args, code, re] of cases) {
    const r = nalsm(cwd, ...args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  assert.deepEqual(readdirSync(join(cwd, 'results')).sort(), before, 'a refused readout writes nothing');
  // and the run's own counts.bin works, carrying its run id into the readout's result
  const ok = nalsm(cwd, 'readout', '--counts', join('runs', 'tiny', 'counts.bin'), '--epochs', '2', '--quiet');
  assert.equal(ok.status, 0, ok.stderr);
  const j = JSON.parse(readFileSync(join(cwd, 'results', 'tiny-adam-2-p30.json'), 'utf8'));
  assert.equal(j.runId, runJson.runId);
  assert.deepEqual(j.samples, { train: 20, val: 10, test: 10 });
  // the run trained the same readout (Adam, 2 epochs) on the same counts: the same accuracy
  assert.deepEqual(j.accuracy, runJson.accuracy);
});
