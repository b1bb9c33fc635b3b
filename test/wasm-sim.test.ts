// The wasm simulator against the fixture, and against the TS simulator bit for bit.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '../src/data/fixture.js';
import { compileNetwork, weightsToIds, type CompiledNetwork } from '../src/core/sim/compiled.js';
import { Simulator, Raster, emptyStats, type PlasticityConfig, type SampleStats } from '../src/core/sim/simulator.js';
import { WasmSimulator, type WasmSimulatorOptions } from '../src/core/sim/wasm-simulator.js';
import { createSimulator, simulatorBackend, type SimulatorLike } from '../src/core/sim/types.js';
import { wasmAvailable, ModuleBuilder, I32, F64, uleb, sleb, wasmApi } from '../src/core/wasm/assembler.js';
import { generateNetwork } from '../src/core/network/generate.js';
import { uniformWeights } from '../src/core/network/weights.js';
import type { Pulses } from '../src/core/encode/pulses.js';
import { Rng } from '../src/core/rng.js';
import { FIXTURE_PATH, countDiff } from './fixture-path.js';

const fx = loadFixture(FIXTURE_PATH);
const cf = compileNetwork(fx.network);

/** index of the first element that differs (Object.is: +0 and −0 differ too), or −1 */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function assertSame(js: SimulatorLike, wa: SimulatorLike, what: string): void {
  assert.equal(countDiff(wa.counts, js.counts), '', `${what}: counts`);
  for (const k of ['W', 'rowSum', 'trace', 'V', 'calcium'] as const) {
    const i = firstDiff(js[k], wa[k]);
    assert.equal(i, -1, `${what}: ${k}[${i}] js ${js[k][i]} wasm ${wa[k][i]}`);
  }
}

test('assembler: LEB128 and a small module', () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(uleb(0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.ok(wasmAvailable());
  // dot(p, q, n): Σ p[k]·q[k] in f64, calling a helper
  const m = new ModuleBuilder().importMemory('env', 'mem', 1);
  m.func('mul', { params: { a: F64, b: F64 }, results: [F64] }, (c) => c.get('a').get('b').f64Mul(), false);
  m.func('dot', { params: { p: I32, q: I32, n: I32 }, results: [F64], locals: { e: I32, s: F64 } }, (c) => {
    c.get('p').get('n').i32Const(3).i32Shl().i32Add().set('e');
    c.block('done', () =>
      c.loop('next', () => {
        c.get('p').get('e').i32GeU().brIf('done');
        c.get('s').get('p').f64Load().get('q').f64Load().call('mul').f64Add().set('s');
        c.get('p').i32Const(8).i32Add().set('p');
        c.get('q').i32Const(8).i32Add().set('q').br('next');
      }),
    );
    c.get('s');
  });
  const api = wasmApi()!;
  const mem = new api.Memory({ initial: 1 });
  const inst = new api.Instance(new api.Module(m.build()), { env: { mem } });
  const f = new Float64Array(mem.buffer, 0, 8);
  f.set([1, 2, 3, 4, 0.5, 0.25, 2, 1]);
  assert.equal((inst.exports.dot as (p: number, q: number, n: number) => number)(0, 32, 4), 0.5 + 0.5 + 6 + 4);
});

// the fixture's counts on every backend: test/conformance.test.ts

test('wasm fixture: rasters and stats equal the TS backend', () => {
  const js = new Simulator(cf);
  const wa = new WasmSimulator(cf);
  js.setWeights(weightsToIds(cf, fx.wIni));
  wa.setWeights(weightsToIds(cf, fx.wIni));
  const cfg: PlasticityConfig = { rule: 'astro', decay: true, astroW: fx.astroW0 };
  for (const s of fx.samples.slice(0, 4)) {
    for (const plastic of [false, true]) {
      const rj = new Raster(16);
      const rw = new Raster(16);
      const sj = emptyStats();
      const sw = emptyStats();
      if (plastic) {
        js.runPlastic(s.pulses, cfg, rj, sj);
        wa.runPlastic(s.pulses, cfg, rw, sw);
      } else {
        js.runStatic(s.pulses, rj, sj);
        wa.runStatic(s.pulses, rw, sw);
      }
      assert.deepEqual(sw, sj);
      assert.equal(rw.length, rj.length);
      assert.deepEqual(rw.t.subarray(0, rw.length), rj.t.subarray(0, rj.length));
      assert.deepEqual(rw.n.subarray(0, rw.length), rj.n.subarray(0, rj.length));
      assertSame(js, wa, `sample ${s.id} plastic ${plastic}`);
    }
  }
});

/** random Bernoulli pulses: each input fires with probability `rate` per step */
function randomPulses(rng: Rng, steps: number, nx: number, rate: number): Pulses {
  const start = new Int32Array(steps + 1);
  const input: number[] = [];
  for (let t = 0; t < steps; t++) {
    for (let x = 0; x < nx; x++) if (rng.next() < rate) input.push(x);
    start[t + 1] = input.length;
  }
  return { steps, start, input: Int32Array.from(input) };
}

function generated(dims: [number, number, number] = [6, 6, 6], inputs = 100): { c: CompiledNetwork; W: Float64Array } {
  const net = generateNetwork({ dims, inputs, seed: 3 });
  const c = compileNetwork(net);
  return { c, W: weightsToIds(c, uniformWeights(net, 3)) };
}

/** static, plastic-astro with decay, phase-A STDP snapshots, commit/restore: TS and wasm in lockstep */
function lockstep(c: CompiledNetwork, W: Float64Array, opts: WasmSimulatorOptions): void {
  const rng = new Rng(11, 'wasm-sim-test');
  const js = new Simulator(c);
  const wa = new WasmSimulator(c, opts);
  js.setWeights(W);
  wa.setWeights(W);
  assertSame(js, wa, 'after setWeights');
  const both = (f: (s: SimulatorLike, st: SampleStats) => void, what: string): void => {
    const sj = emptyStats();
    const sw = emptyStats();
    f(js, sj);
    f(wa, sw);
    assert.deepEqual(sw, sj, `${what}: stats`);
    assertSame(js, wa, what);
  };
  for (let r = 0; r < 3; r++) {
    const p = randomPulses(rng, 250, c.NX, 0.02 + 0.02 * r);
    both((s, st) => s.runStatic(p, null, st), `static ${r}`);
    both((s, st) => {
      s.restoreWeights();
      s.resetTrace();
      s.runPlastic(p, { rule: 'astro', decay: true }, null, st);
    }, `astro ${r}`);
  }
  // phase A: consecutive 20 ms snapshots, weights and trace carried over
  for (let r = 0; r < 12; r++) {
    const p = randomPulses(rng, 20, c.NX, 0.1);
    both((s, st) => s.runPlastic(p, { rule: 'stdp', decay: false }, null, st), `phase A snapshot ${r}`);
  }
  both((s) => s.commitWeights(), 'commit');
  const p = randomPulses(rng, 250, c.NX, 0.05);
  both((s, st) => s.runPlastic(p, { rule: 'astro', decay: true }, null, st), 'astro after commit');
  both((s) => s.restoreWeights(), 'restore');
  both((s, st) => s.runStatic(p, null, st), 'static after restore');
  // AP-STDP phase A: calcium carried over snapshots, gates that open for some neurons only
  both((s) => {
    s.restoreWeights();
    s.resetTrace();
    s.resetCalcium();
  }, 'reset for AP-STDP');
  for (const [threshold, range] of [[1.5, 1], [3, 2.5], [0.5, 8]]) {
    for (let r = 0; r < 6; r++) {
      const q = randomPulses(rng, 20, c.NX, 0.1);
      both((s, st) => s.runPlastic(q, { rule: 'apstdp', decay: false, calcium: { threshold, range, tau: 1000 } }, null, st), `AP-STDP ${threshold}/${range} snapshot ${r}`);
    }
  }
  both((s, st) => s.runPlastic(p, { rule: 'apstdp', decay: true, calcium: { threshold: 2, range: 3 } }, null, st), 'AP-STDP with decay');
  assert.ok(js.calcium.some((x) => x > 0));
  // a silenced astrocyte input and an unusual config
  js.astroMask[c.NL + 3] = 0;
  wa.astroMask[c.NL + 3] = 0;
  both((s, st) => {
    s.resetTrace();
    s.runPlastic(p, { rule: 'astro', decay: false, astroW: 0.05, astroTau: 50, astroBiasOffset: 0.1, aPlus: 0.2 }, null, st);
  }, 'astro, custom config');
}

test('keepRowSums: false leaves counts, W and trace alone; rowSum is recomputed when next needed', () => {
  const { c, W } = generated();
  const rng = new Rng(12, 'keep-row-sums');
  for (const make of [(): SimulatorLike => new Simulator(c), (): SimulatorLike => new WasmSimulator(c)]) {
    const kept = make();
    const skipped = make();
    kept.setWeights(W);
    skipped.setWeights(W);
    for (let r = 0; r < 3; r++) {
      const p = randomPulses(rng, 250, c.NX, 0.03);
      for (const [s, keep] of [[kept, true], [skipped, false]] as const) {
        s.restoreWeights();
        s.resetTrace();
        s.runPlastic(p, { rule: 'astro', decay: true, keepRowSums: keep });
      }
      assert.equal(countDiff(skipped.counts, kept.counts), '', `sample ${r}: counts`);
      for (const k of ['W', 'trace', 'V'] as const) assert.equal(firstDiff(kept[k], skipped[k]), -1, `sample ${r}: ${k}`);
    }
    // the last run left rowSum stale: commitWeights recomputes it from W, as setWeights would
    const fresh = make();
    fresh.setWeights(Float64Array.from(skipped.W));
    skipped.commitWeights();
    kept.commitWeights();
    assert.equal(firstDiff(skipped.rowSum, fresh.rowSum), -1, 'recomputed rowSum after commit');
    for (let i = 0; i < c.NL; i++) assert.ok(Math.abs(kept.rowSum[i] - skipped.rowSum[i]) <= 1e-9 * (1 + Math.abs(kept.rowSum[i])), `rowSum[${i}]`);
    // a sample without a restore after a stale run starts from the recomputed sums too
    const p = randomPulses(rng, 250, c.NX, 0.03);
    skipped.runPlastic(p, { rule: 'astro', decay: true, keepRowSums: false });
    const fresh2 = make();
    fresh2.setWeights(Float64Array.from(skipped.W));
    const q = randomPulses(rng, 250, c.NX, 0.03);
    skipped.runStatic(q);
    fresh2.runStatic(q);
    assert.equal(countDiff(skipped.counts, fresh2.counts), '', 'static sample after a stale run');
    assert.equal(firstDiff(skipped.V, fresh2.V), -1, 'V after a stale run');
  }
});

test('restoreWeights brings back W0 bit for bit: after one plastic sample (only the rows it can touch) and after several', () => {
  const { c, W } = generated();
  const rng = new Rng(14, 'restore');
  const wa = new WasmSimulator(c);
  wa.setWeights(W);
  const W0 = Float64Array.from(wa.W);
  for (let r = 0; r < 4; r++) {
    // sparse pulses: a few active inputs, so the rows restore leaves most input rows alone
    const p = randomPulses(rng, 250, c.NX, 0.004);
    for (let k = 0; k <= r % 2; k++) wa.runPlastic(p, { rule: 'astro', decay: true });
    assert.notEqual(firstDiff(wa.W, W0), -1, `sample ${r} changed W`);
    wa.restoreWeights();
    assert.equal(firstDiff(wa.W, W0), -1, `restore after ${1 + (r % 2)} plastic runs`);
    wa.runStatic(p);
    wa.restoreWeights();
    assert.equal(firstDiff(wa.W, W0), -1, 'restore after a static run');
  }
});

for (const simd of [true, false]) {
  test(`generated network (${simd ? 'SIMD' : 'scalar'} kernels): static, astro and phase-A STDP match the TS backend bit for bit`, () => {
    const { c, W } = generated();
    lockstep(c, W, { simd });
  });
  test(`generated network with an odd neuron count (${simd ? 'SIMD' : 'scalar'} kernels)`, () => {
    const { c, W } = generated([5, 5, 5], 37);
    lockstep(c, W, { simd });
  });
}

test('weights of ±0 (and at the bounds) keep their exact bits', () => {
  const net = generateNetwork({ dims: [6, 6, 6], inputs: 100, seed: 4 });
  const c = compileNetwork(net);
  const W = weightsToIds(c, uniformWeights(net, 1.5));
  // uniformWeights(net, 0) gives −0 for inhibitory and negative input synapses
  const Z = weightsToIds(c, uniformWeights(net, 0));
  for (let k = 0; k < W.length; k++) if (k % 5 === 0) W[k] = Z[k];
  for (let k = 0; k < W.length; k += 7) W[k] = W[k] < 0 || Object.is(W[k], -0) ? -3 : 3;
  assert.ok(W.some((w) => Object.is(w, -0)));
  for (const simd of [true, false]) lockstep(c, W, { simd });
});

test('wasm: the memory grows for a large sample and results stay identical', () => {
  const { c, W } = generated();
  const js = new Simulator(c);
  const wa = new WasmSimulator(c);
  js.setWeights(W);
  wa.setWeights(W);
  const before = wa.memoryBytes;
  const p = randomPulses(new Rng(5, 'big'), 3000, c.NX, 0.5); // ~150k pulses, 3000 steps
  js.runPlastic(p, { rule: 'astro', decay: true });
  wa.runPlastic(p, { rule: 'astro', decay: true });
  assert.ok(wa.memoryBytes > before);
  assertSame(js, wa, 'after growth');
});

test('wasm: a pulse outside the inputs throws like the TS backend', () => {
  const { c, W } = generated();
  const wa = new WasmSimulator(c);
  wa.setWeights(W);
  const p: Pulses = { steps: 2, start: Int32Array.from([0, 1, 2]), input: Int32Array.from([0, c.NX]) };
  assert.throws(() => wa.runStatic(p), /pulse input 100 is outside 0..99/);
});

test('createSimulator picks a backend', () => {
  assert.equal(simulatorBackend(createSimulator(cf)), 'wasm');
  assert.equal(simulatorBackend(createSimulator(cf, { backend: 'js' })), 'js');
  assert.equal(simulatorBackend(createSimulator(cf, { backend: 'wasm' })), 'wasm');
});
