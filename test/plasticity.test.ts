// STDP, the LIM astrocyte, AP-STDP's calcium gate and phase A, against closed forms.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Network } from '../src/core/network/network.js';
import { generateNetwork } from '../src/core/network/generate.js';
import { uniformWeights } from '../src/core/network/weights.js';
import { compileNetwork, weightsToIds, type CompiledNetwork } from '../src/core/sim/compiled.js';
import { Simulator, emptyStats } from '../src/core/sim/simulator.js';
import { pulsesFromEvents } from '../src/core/encode/pulses.js';
import { astroMask } from '../src/core/plasticity/astro-mask.js';
import { runPhaseA } from '../src/core/plasticity/phase-a.js';
import { STDP } from '../src/core/params.js';
import { Rng } from '../src/core/rng.js';

/** Two liquid neurons connected both ways, each driven by its own input. */
function pair(NE: number): Network {
  return {
    dims: [2, 1, 1],
    NL: 2,
    NE,
    NX: 2,
    seed: 0,
    gridPoint: new Int32Array([0, 1]),
    llPre: new Int32Array([1, 0]), // sorted by (post, pre): 1→0, then 0→1
    llPost: new Int32Array([0, 1]),
    ilPre: new Int32Array([0, 1]),
    ilPost: new Int32Array([0, 1]),
    ilSign: new Int8Array([1, 1]),
  };
}

function idOf(c: CompiledNetwork, pre: number, post: number): number {
  for (let k = c.outStart[pre]; k < c.outStart[pre + 1]; k++) if (c.outPost[k] === post) return k;
  throw new Error('no such synapse');
}

// input 0 pulsed at t=0 → input spike at 1 → liquid 0 fires at 2; input 1 pulsed at 4 → liquid 1 fires at 6
const PULSES = pulsesFromEvents([[0, 0], [4, 1]], 20, 2);
const DT = 4;

function runPair(NE: number, wLL: number, rule: 'stdp' | 'astro'): { sim: Simulator; c: CompiledNetwork } {
  const c = compileNetwork(pair(NE));
  const sim = new Simulator(c);
  const W = new Float64Array(c.S);
  W[idOf(c, 0, 1)] = wLL;
  W[idOf(c, 1, 0)] = NE === 2 ? wLL : -wLL;
  W[idOf(c, 2, 0)] = 25; // one input spike makes its liquid neuron fire
  W[idOf(c, 3, 1)] = 25;
  sim.setWeights(W);
  sim.runPlastic(PULSES, { rule, decay: false });
  return { sim, c };
}

test('STDP: a pre→post pair at Δt changes W by A+·a·d^Δt; the post→pre synapse by the opposite amount', () => {
  const { sim, c } = runPair(2, 0.5, 'stdp');
  const dw = STDP.aPlus * STDP.a * STDP.d ** DT;
  assert.ok(Math.abs(sim.W[idOf(c, 0, 1)] - (0.5 + dw)) < 1e-12, `causal: ${sim.W[idOf(c, 0, 1)]} vs ${0.5 + dw}`);
  assert.ok(Math.abs(sim.W[idOf(c, 1, 0)] - (0.5 - dw)) < 1e-12, `anti-causal: ${sim.W[idOf(c, 1, 0)]} vs ${0.5 - dw}`);
});

test('STDP on an inhibitory synapse: an anti-causal pair weakens inhibition (towards 0)', () => {
  // neuron 1 is inhibitory: 1→0 has w = −0.5, its pre fires 4 steps after its post
  const { sim, c } = runPair(1, 0.5, 'stdp');
  const dw = STDP.aPlus * STDP.a * STDP.d ** DT;
  assert.ok(Math.abs(sim.W[idOf(c, 1, 0)] - (-0.5 + dw)) < 1e-12);
});

function randomPulses(nx: number, steps: number, rate: number, rng: Rng) {
  const ev: Array<[number, number]> = [];
  for (let t = 0; t < steps; t++) for (let i = 0; i < nx; i++) if (rng.next() < rate) ev.push([t, i]);
  return pulsesFromEvents(ev, steps, nx);
}

const small = generateNetwork({ dims: [6, 6, 6], inputs: 100, seed: 4 });
const smallC = compileNetwork(small);

test('weights never leave their class bounds under long plasticity (astro, stdp and apstdp)', () => {
  for (const rule of ['astro', 'stdp', 'apstdp'] as const) {
    const sim = new Simulator(smallC);
    sim.setWeights(weightsToIds(smallC, uniformWeights(small, 3)));
    const rng = new Rng(9, rule);
    for (let k = 0; k < 60; k++)
      sim.runPlastic(randomPulses(100, 20, 0.2, rng), { rule, decay: false, calcium: { threshold: 5, range: 4 } });
    let changed = 0;
    for (let i = 0; i < small.NL; i++)
      for (let q = smallC.inStart[i]; q < smallC.inStart[i + 1]; q++) {
        const j = smallC.inPre[q];
        const w = sim.W[smallC.inSyn[q]];
        const [lo, hi] = j < small.NE ? [0, 3] : j < small.NL ? [-3, 0] : [-3, 3];
        assert.ok(w >= lo && w <= hi, `${rule}: synapse ${j}→${i} has w = ${w}, outside [${lo}, ${hi}]`);
        if (Math.abs(Math.abs(w) - 3) > 1e-9) changed++;
      }
    assert.ok(changed > 100, `${rule}: plasticity should move many weights (${changed})`);
  }
});

test('astrocyte: more liquid than input spikes raises A above A+; fewer lowers it', () => {
  const stats = emptyStats();
  const pulses = randomPulses(100, 20, 0.2, new Rng(1, 'astro'));
  const loud = new Simulator(smallC);
  loud.setWeights(weightsToIds(smallC, uniformWeights(small, 3)));
  loud.runPlastic(pulses, { rule: 'astro', decay: false }, null, stats);
  assert.ok(stats.liquidSpikes > stats.inputSpikes, `liquid ${stats.liquidSpikes} vs input ${stats.inputSpikes}`);
  assert.ok(stats.astroA > STDP.aPlus, `A = ${stats.astroA}`);
  const quiet = new Simulator(smallC);
  quiet.setWeights(weightsToIds(smallC, uniformWeights(small, 0.05)));
  quiet.runPlastic(pulses, { rule: 'astro', decay: false }, null, stats);
  assert.ok(stats.liquidSpikes < stats.inputSpikes);
  assert.ok(stats.astroA < STDP.aPlus, `A = ${stats.astroA}`);
});

test('AP-STDP: no weight moves while every calcium level is outside both windows', () => {
  const sim = new Simulator(smallC);
  sim.setWeights(weightsToIds(smallC, uniformWeights(small, 1)));
  const before = Float64Array.from(sim.W);
  // calcium starts at 0 and stays below 1 spike's worth far from a window at 500 Hz
  sim.runPlastic(randomPulses(100, 20, 0.2, new Rng(2)), { rule: 'apstdp', decay: false, calcium: { threshold: 500, range: 10 } });
  assert.deepEqual(sim.W, before);
  sim.runPlastic(randomPulses(100, 20, 0.2, new Rng(3)), { rule: 'apstdp', decay: false, calcium: { threshold: 0.5, range: 5 } });
  assert.notDeepEqual(sim.W, before);
});

test('phase A: the same seed gives the same W_INI; another seed another', () => {
  const images = new Uint8Array(40 * 100);
  const rng = new Rng(5, 'images');
  for (let k = 0; k < images.length; k++) images[k] = rng.next() < 0.3 ? Math.floor(rng.next() * 255) + 1 : 0;
  const train = { images, pixels: 100, n: 40, R: 0.05 };
  const run = (seed: number): Float64Array => {
    const sim = new Simulator(smallC);
    sim.setWeights(weightsToIds(smallC, uniformWeights(small, 3)));
    runPhaseA(sim, train, { snapshots: 60, seed, plasticity: { rule: 'astro', decay: false } });
    return Float64Array.from(sim.W);
  };
  const a = run(1);
  assert.deepEqual(run(1), a);
  assert.notDeepEqual(run(2), a);
});

test('astro density 0.1 connects 10 % (rounded up) of each layer, drawn from the seed', () => {
  const m = astroMask(1000, 784, 0.1, 3);
  let liquid = 0;
  let input = 0;
  for (let n = 0; n < 1000; n++) if (m[n] === 1) liquid++;
  for (let n = 1000; n < 1784; n++) if (m[n] === -1) input++;
  assert.equal(liquid, 100);
  assert.equal(input, 79);
  assert.notDeepEqual(astroMask(1000, 784, 0.1, 4), m);
  assert.equal(astroMask(1000, 784, 1, 3).filter((v) => v !== 0).length, 1784);
});
