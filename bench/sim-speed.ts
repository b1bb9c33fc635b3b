// Simulator speed on the conformance fixture, TS vs wasm backend.
//   node dist/bench/sim-speed.js [--fixture PATH] [--reps 5] [--backend js,wasm,wasm-scalar] [--dims 20,20,20 --inputs 784]
// LSM: static weights (the fixture's lsmWeights). NALSM: astro-STDP with decays from W_INI,
// restoreWeights() + resetTrace() before each sample. With --dims, a generated network
// (weights 3, the fixture's pulses folded onto its inputs) replaces the fixture's network.
// Prints the median ms per sample (and the mean of the fastest rep), synaptic events/s and STDP
// updates/s per backend.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve, dirname } from 'node:path';
import { loadFixture } from '../src/data/fixture.js';
import { compileNetwork, weightsToIds } from '../src/core/sim/compiled.js';
import { emptyStats } from '../src/core/sim/simulator.js';
import { createSimulator, type SimulatorLike } from '../src/core/sim/types.js';
import { WasmSimulator } from '../src/core/sim/wasm-simulator.js';
import { generateNetwork } from '../src/core/network/generate.js';
import { uniformWeights } from '../src/core/network/weights.js';
import type { Pulses } from '../src/core/encode/pulses.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const here = dirname(fileURLToPath(import.meta.url));
const fixturePath =
  [arg('fixture', ''), process.env.NALSM_FIXTURE ?? '', resolve(here, '../../../shared/fixtures/nalsm-conformance-v1.json.gz'), resolve(here, '../../shared/fixtures/nalsm-conformance-v1.json.gz')].find(
    (p) => p !== '' && existsSync(p),
  ) ?? '';
if (fixturePath === '') throw new Error('fixture not found: pass --fixture PATH');
const reps = Number(arg('reps', '5'));
const backends = arg('backend', 'js,wasm').split(',') as Array<'js' | 'wasm' | 'wasm-scalar'>;
const dims = arg('dims', '');

const fx = loadFixture(fixturePath);
let c = compileNetwork(fx.network);
let lsmW = weightsToIds(c, fx.lsmWeights);
let iniW = weightsToIds(c, fx.wIni);
let pulses: Pulses[] = fx.samples.map((s) => s.pulses);
let astroW = fx.astroW0;
if (dims !== '') {
  const d = dims.split(',').map(Number) as [number, number, number];
  const inputs = Number(arg('inputs', '784'));
  const net = generateNetwork({ dims: d, inputs, seed: 1 });
  c = compileNetwork(net);
  lsmW = weightsToIds(c, uniformWeights(net, Number(arg('w', '0.6'))));
  iniW = weightsToIds(c, uniformWeights(net, 3));
  pulses = pulses.map((p) => ({ steps: p.steps, start: p.start, input: p.input.map((x) => x % inputs) }));
  astroW = Number(arg('astro-w', '0.0075'));
}
console.log(`network: ${c.NL} liquid, ${c.NX} inputs, ${c.S} synapses; ${pulses.length} samples x ${reps} reps`);

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** median ms per sample over all runs, and the mean of the fastest rep (robust to a busy machine) */
function bench(sim: SimulatorLike, mode: 'lsm' | 'nalsm'): { ms: number; best: number; events: number; updates: number } {
  const st = emptyStats();
  const times: number[] = [];
  let events = 0;
  let updates = 0;
  let total = 0;
  let best = Infinity;
  sim.setWeights(mode === 'lsm' ? lsmW : iniW);
  for (let r = -1; r < reps; r++) {
    let rep = 0;
    for (const p of pulses) {
      const t0 = performance.now();
      if (mode === 'lsm') sim.runStatic(p, null, st);
      else {
        sim.restoreWeights();
        sim.resetTrace();
        sim.runPlastic(p, { rule: 'astro', decay: true, astroW }, null, st);
      }
      const dt = performance.now() - t0;
      if (r < 0) continue; // warm-up pass
      times.push(dt);
      rep += dt;
      events += st.synapticEvents;
      updates += st.stdpUpdates;
    }
    if (r >= 0) {
      total += rep;
      best = Math.min(best, rep / pulses.length);
    }
  }
  return { ms: median(times), best, events: events / (total / 1e3), updates: updates / (total / 1e3) };
}

const fmt = (x: number): string => (x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : `${(x / 1e6).toFixed(1)} M`);
for (const mode of ['lsm', 'nalsm'] as const) {
  for (const b of backends) {
    const t0 = performance.now();
    const sim = b === 'wasm-scalar' ? new WasmSimulator(c, { simd: false }) : createSimulator(c, { backend: b });
    const build = performance.now() - t0;
    const r = bench(sim, mode);
    const upd = mode === 'nalsm' ? `, ${fmt(r.updates)}STDP updates/s` : '';
    console.log(
      `${mode.padEnd(5)} ${b.padEnd(11)}: ${r.ms.toFixed(3)} ms/sample median, ${r.best.toFixed(3)} best rep; ${fmt(r.events)}events/s${upd}  [build ${build.toFixed(1)} ms]`,
    );
  }
}
