// The conformance fixture is the simulator's contract: every kept case, every neuron, exactly.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '../src/data/fixture.js';
import { compileNetwork, weightsToIds } from '../src/core/sim/compiled.js';
import { Simulator, Raster, emptyStats } from '../src/core/sim/simulator.js';
import { WasmSimulator } from '../src/core/sim/wasm-simulator.js';
import type { SimulatorLike } from '../src/core/sim/types.js';
import { FIXTURE_PATH, countDiff } from './fixture-path.js';

const fx = loadFixture(FIXTURE_PATH);
const c = compileNetwork(fx.network);

test('fixture: LSM rasters of the first 50 ms match spike for spike', () => {
  const sim = new Simulator(c);
  sim.setWeights(weightsToIds(c, fx.lsmWeights));
  const raster = new Raster();
  for (const e of fx.expected.filter((x) => x.lsm?.raster50)) {
    raster.clear();
    sim.runStatic(fx.samples[e.sample].pulses, raster);
    const liquid: string[] = [];
    const input: string[] = [];
    for (let k = 0; k < raster.length; k++) {
      if (raster.t[k] >= 50) continue;
      if (raster.n[k] < c.NL) liquid.push(`${raster.t[k]},${raster.n[k]}`);
      else input.push(`${raster.t[k]},${raster.n[k] - c.NL}`);
    }
    const sortKey = (s: string): number => {
      const [t, n] = s.split(',').map(Number);
      return t * 1e6 + n;
    };
    liquid.sort((a, b) => sortKey(a) - sortKey(b));
    input.sort((a, b) => sortKey(a) - sortKey(b));
    assert.deepEqual(liquid, e.lsm!.raster50!.map(([t, n]) => `${t},${n}`), `sample ${e.sample} liquid raster`);
    assert.deepEqual(input, e.lsm!.inputRaster50!.map(([t, n]) => `${t},${n}`), `sample ${e.sample} input raster`);
  }
});

// every backend: pure TS, and the WebAssembly kernels with and without SIMD
const BACKENDS: Array<[string, () => SimulatorLike]> = [
  ['js', () => new Simulator(c)],
  ['wasm SIMD', () => new WasmSimulator(c, { simd: true })],
  ['wasm scalar', () => new WasmSimulator(c, { simd: false })],
];

for (const [name, make] of BACKENDS) {
  test(`fixture (${name}): every LSM case reproduces the per-neuron counts exactly`, () => {
    const sim = make();
    sim.setWeights(weightsToIds(c, fx.lsmWeights));
    let cases = 0;
    const stats = emptyStats();
    for (const e of fx.expected) {
      if (!e.lsm) continue;
      const counts = sim.runStatic(fx.samples[e.sample].pulses, null, stats);
      assert.equal(countDiff(counts, e.lsm.counts), '', `LSM sample ${e.sample}`);
      assert.equal(stats.inputSpikes, e.lsm.inputNeuronSpikes, `LSM sample ${e.sample} input-neuron spikes`);
      cases++;
    }
    assert.equal(cases, 22);
  });

  test(`fixture (${name}): every NALSM case (astro-STDP from W_INI, with decays) reproduces the counts exactly`, () => {
    const sim = make();
    sim.setWeights(weightsToIds(c, fx.wIni));
    let cases = 0;
    const stats = emptyStats();
    for (const e of fx.expected) {
      if (!e.nalsm) continue;
      sim.restoreWeights();
      sim.resetTrace();
      const counts = sim.runPlastic(fx.samples[e.sample].pulses, { rule: 'astro', decay: true, astroW: fx.astroW0 }, null, stats);
      assert.equal(countDiff(counts, e.nalsm.counts), '', `NALSM sample ${e.sample}`);
      assert.equal(stats.inputSpikes, e.nalsm.inputNeuronSpikes);
      const dg = e.nalsm.diagnostics!;
      let sumLL = 0;
      let sumIL = 0;
      for (let k = 0; k < c.llId.length; k++) sumLL += sim.W[c.llId[k]];
      for (let k = 0; k < c.ilId.length; k++) sumIL += sim.W[c.ilId[k]];
      const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
      assert.ok(rel(sumLL, dg.finalSumWLiquid) < 1e-4, `ΣW liquid ${sumLL} vs ${dg.finalSumWLiquid}`);
      assert.ok(rel(sumIL, dg.finalSumWInput) < 1e-4, `ΣW input ${sumIL} vs ${dg.finalSumWInput}`);
      assert.ok(rel(stats.astroA, dg.finalAstroA) < 1e-4, `A ${stats.astroA} vs ${dg.finalAstroA}`);
      assert.ok(rel(stats.aPlus, dg.finalAplus) < 1e-4, `A+ ${stats.aPlus} vs ${dg.finalAplus}`);
      cases++;
    }
    assert.equal(cases, 20);
  });
}
