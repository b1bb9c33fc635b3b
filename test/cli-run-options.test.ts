// `nalsm run` options that headline figures rest on, from the CLI on tiny runs (64 neurons,
// 40/20/20 MNIST samples, 20 phase-A snapshots, one worker): the --weight sweep and its
// <name>-sweep.json, --init (a saved W_INI gives the very same counts as the run that made it), and
// --backend js / wasm (identical counts).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCounts } from '../src/pipeline/counts-file.js';
import { readNetwork } from '../src/pipeline/network-file.js';
import { networkFingerprint } from '../src/core/network/format.js';
import { decodeWeights } from '../src/core/network/weights.js';
import { wasmAvailable } from '../src/core/wasm/assembler.js';
import type { SplitName } from '../src/core/job.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const nalsm = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd });

const dir = mkdtempSync(join(tmpdir(), 'nalsm-run-options-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const TINY = ['--dims', '4x4x4', '--train', '40', '--val', '20', '--test', '20', '--workers', '1', '--epochs', '20', '--quiet'];
const SPLITS: SplitName[] = ['train', 'val', 'test'];

const json = (cwd: string, path: string) => JSON.parse(readFileSync(join(cwd, path), 'utf8'));

function run(cwd: string, ...args: string[]): string {
  const r = nalsm(cwd, 'run', ...args);
  assert.equal(r.status, 0, `nalsm run ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Two runs' counts.bin hold the same numbers (every split, every element, the labels). */
function sameCounts(a: string, b: string): void {
  const x = readCounts(a);
  const y = readCounts(b);
  assert.equal(x.nl, y.nl);
  for (const s of SPLITS) {
    assert.deepEqual(y.counts[s].labels, x.counts[s].labels, `${s} labels`);
    assert.deepEqual(y.counts[s].counts, x.counts[s].counts, `${s} counts`);
  }
  let spikes = 0;
  for (const v of x.counts.test.counts) spikes += v;
  assert.ok(spikes > 0, 'the liquid spiked (equal counts of a silent liquid would test nothing)');
}

test('--weight a,b,c: one results JSON per weight on the same network, and <name>-sweep.json with the best validation', () => {
  const cwd = mkdtempSync(join(dir, 'sweep-'));
  const weights = [0.4, 0.8, 1.6];
  const out = run(cwd, '--model', 'lsm', '--weight', weights.join(','), ...TINY);
  const base = 'lsm-mnist-64-s1-n40-20-20';
  const sweepPath = join('results', `${base}-sweep.json`);
  assert.match(out, new RegExp(`sweep results: ${sweepPath.replace(/\./g, '\\.')}`));
  const sweep = json(cwd, sweepPath);
  assert.equal(sweep.kind, 'sweep');
  assert.equal(sweep.model, 'lsm');
  assert.equal(sweep.dataset, 'mnist');
  assert.equal(sweep.neurons, 64);
  assert.equal(sweep.seed, 1);
  assert.deepEqual(sweep.samples, { train: 40, val: 20, test: 20 });
  assert.equal(sweep.command, ['nalsm', 'run', '--model', 'lsm', '--weight', weights.join(','), ...TINY].join(' '));
  assert.deepEqual(sweep.sweep.map((s: { weight: number }) => s.weight), weights);
  const fingerprints = new Set<number>();
  const ids = new Set<string>();
  for (const [i, w] of weights.entries()) {
    const name = `${base}-w${w}`;
    const s = sweep.sweep[i];
    assert.equal(s.results, join('results', `${name}.json`));
    const r = json(cwd, s.results);
    assert.equal(r.name, name);
    assert.equal(r.model_parameters.liquidWeight, w);
    assert.deepEqual(s.accuracy, r.accuracy, name);
    assert.equal(s.liquidRateHz, r.activity.liquidRateHz, name);
    assert.equal(s.runId, r.runId, name);
    ids.add(r.runId);
    fingerprints.add(networkFingerprint(readNetwork(join(cwd, 'runs', name, 'network.bin'))));
  }
  assert.equal(ids.size, weights.length, 'each run has its own id');
  assert.equal(fingerprints.size, 1, 'one network for the whole sweep');
  // a stronger liquid fires more: the weights really reached the simulator
  const rates = sweep.sweep.map((s: { liquidRateHz: number }) => s.liquidRateHz);
  assert.ok(rates[0] < rates[1] && rates[1] < rates[2], `rates ${rates}`);
  // bestByValidation: the entry with the maximum validation accuracy (the first of equals)
  const vals: number[] = sweep.sweep.map((s: { accuracy: { val: number } }) => s.accuracy.val);
  const best = vals.indexOf(Math.max(...vals));
  assert.deepEqual(sweep.bestByValidation, sweep.sweep[best]);
  // on this tiny run (deterministic) weights 0.4 and 1.6 tie at 30 % validation: the first is the best
  assert.deepEqual(vals, [0.3, 0.25, 0.3]);
  assert.equal(sweep.bestByValidation.weight, 0.4);
  // the same sweep again is refused before any run starts, and the sweep file stays
  const before = readFileSync(join(cwd, sweepPath), 'utf8');
  const again = nalsm(cwd, 'run', '--model', 'lsm', '--weight', weights.join(','), ...TINY);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, new RegExp(`error: results/${base}-w0\\.4\\.json exists: .*--force`));
  assert.equal(readFileSync(join(cwd, sweepPath), 'utf8'), before);
});

test('--init runs/<x>/w-ini.bin under a new name: bit-identical counts and the same accuracy as the run that made the W_INI; initSource recorded', () => {
  const cwd = mkdtempSync(join(dir, 'init-'));
  run(cwd, '--model', 'nalsm', '--init-snapshots', '20', '--name', 'a', '--save-counts', ...TINY);
  const wini = join('runs', 'a', 'w-ini.bin');
  run(cwd, '--model', 'nalsm', '--init', wini, '--name', 'b', '--save-counts', ...TINY);
  const a = json(cwd, join('results', 'a.json'));
  const b = json(cwd, join('results', 'b.json'));
  sameCounts(join(cwd, 'runs', 'a', 'counts.bin'), join(cwd, 'runs', 'b', 'counts.bin'));
  assert.deepEqual(b.accuracy, a.accuracy);
  assert.deepEqual(b.readout.history ?? null, a.readout.history ?? null);
  assert.equal(b.activity.liquidRateHz, a.activity.liquidRateHz);
  assert.equal(a.model_parameters.initSource, 'phase A, 20 snapshots');
  assert.equal(b.model_parameters.initSource, wini);
  assert.equal(b.phaseA ?? null, null, 'no phase A ran');
  assert.notEqual(b.runId, a.runId);
  // b reused a's W_INI: it wrote none of its own
  assert.equal(existsSync(join(cwd, 'runs', 'b', 'w-ini.bin')), false);
  // the W_INI is phase A's work, not the uniform start (else --init would prove nothing)
  const net = readNetwork(join(cwd, 'runs', 'a', 'network.bin'));
  const w = decodeWeights(new Uint8Array(readFileSync(join(cwd, wini))), net, wini);
  assert.ok(new Set(w.ll).size > 1, 'phase A changed the liquid weights');
  // a W_INI of another network (seed 2) is refused, naming the file
  const other = nalsm(cwd, 'run', '--model', 'nalsm', '--init', wini, '--name', 'c', '--seed', '2', ...TINY);
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /runs\/a\/w-ini\.bin: these weights belong to another network/);
  assert.equal(existsSync(join(cwd, 'results', 'c.json')), false);
});

test('--backend js and --backend wasm: identical counts (phase A included) and accuracy', { skip: !wasmAvailable() && 'no WebAssembly SIMD here' }, () => {
  const cwd = mkdtempSync(join(dir, 'backend-'));
  for (const backend of ['js', 'wasm']) run(cwd, '--model', 'nalsm', '--init-snapshots', '20', '--backend', backend, '--name', backend, '--save-counts', ...TINY);
  const js = json(cwd, join('results', 'js.json'));
  const wasm = json(cwd, join('results', 'wasm.json'));
  assert.equal(js.machine.simulator, 'js');
  assert.equal(wasm.machine.simulator, 'wasm');
  sameCounts(join(cwd, 'runs', 'js', 'counts.bin'), join(cwd, 'runs', 'wasm', 'counts.bin'));
  assert.deepEqual(wasm.accuracy, js.accuracy);
  assert.equal(wasm.activity.liquidRateHz, js.activity.liquidRateHz);
  assert.equal(wasm.activity.synapticEventsPerSample, js.activity.synapticEventsPerSample);
  assert.deepEqual(wasm.phaseA, js.phaseA);
  // and the W_INI phase A left: the same weights from both simulators
  const net = readNetwork(join(cwd, 'runs', 'js', 'network.bin'));
  const wj = decodeWeights(new Uint8Array(readFileSync(join(cwd, 'runs', 'js', 'w-ini.bin'))), net);
  const ww = decodeWeights(new Uint8Array(readFileSync(join(cwd, 'runs', 'wasm', 'w-ini.bin'))), net);
  assert.deepEqual(ww.ll, wj.ll);
  assert.deepEqual(ww.il, wj.il);
});
