import { readFileSync } from 'node:fs';
import { parseFlags, floatFlag, choiceFlag, UsageError } from '../args.js';
import { decodeNetwork } from '../../core/network/format.js';
import { decodeWeights, uniformWeights, type Weights } from '../../core/network/weights.js';
import type { Network } from '../../core/network/network.js';
import { compileNetwork, weightsToIds } from '../../core/sim/compiled.js';
import { emptyStats } from '../../core/sim/simulator.js';
import { createSimulator, type SimBackend } from '../../core/sim/types.js';
import { parseFixture, type Fixture } from '../../data/fixture.js';
import { readJsonMaybeGz, parsePulseSamples } from '../../data/pulses-file.js';
import { writeJsonAtomic } from '../../pipeline/results.js';
import { ASTRO } from '../../core/params.js';

export const SIMULATE_HELP = `nalsm simulate: run a given network on given input pulses and report per-neuron spike counts.

Usage: nalsm simulate --network FILE --pulses FILE [options]

  --network FILE   a nalsm network (.bin, see nalsm generate) or a conformance fixture (.json or .json.gz)
  --pulses FILE    the fixture, or JSON {"steps": 250, "samples": [{"id": 0, "events": [[t, input], ...]}]}
  --model M        lsm (static weights) | nalsm (astro-STDP from the start weights, with decays) [lsm]
  --weights FILE   start weights (a w-ini.bin); with a fixture network: its w (lsm) or wIni (nalsm)
  --weight W       uniform liquid weight instead of --weights                 [0.8]
  --astro-w W      astrocyte weight for --model nalsm                         [0.015]
  --out FILE       write the counts as JSON (atomically); default: a summary on stdout
  --backend B      auto | wasm | js (identical counts; wasm is faster)     [auto]
  --check          with a fixture: compare with its expected counts, exit 1 on any difference
  -h, --help       this help
`;

const OPTIONS = {
  network: { type: 'string' },
  pulses: { type: 'string' },
  model: { type: 'string' },
  weights: { type: 'string' },
  weight: { type: 'string' },
  'astro-w': { type: 'string' },
  out: { type: 'string' },
  check: { type: 'boolean' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('simulate', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(SIMULATE_HELP);
    return 0;
  }
  if (!values.network) throw new UsageError('nalsm simulate needs --network FILE (see nalsm simulate --help)');
  if (!values.pulses) throw new UsageError('nalsm simulate needs --pulses FILE (see nalsm simulate --help)');
  const model = choiceFlag(values, 'model', 'lsm', ['lsm', 'nalsm'] as const);
  const netPath = String(values.network);
  let net: Network;
  let fixture: Fixture | null = null;
  const raw = readFileSync(netPath);
  if (raw.subarray(0, 8).toString('latin1') === 'NALSMNET') net = decodeNetwork(new Uint8Array(raw), netPath);
  else {
    fixture = parseFixture(JSON.stringify(readJsonMaybeGz(netPath)), netPath);
    net = fixture.network;
  }
  let weights: Weights;
  if (values.weights) weights = decodeWeights(new Uint8Array(readFileSync(String(values.weights))), net, String(values.weights));
  else if (fixture && values.weight === undefined) weights = model === 'lsm' ? fixture.lsmWeights : fixture.wIni;
  else weights = uniformWeights(net, floatFlag(values, 'weight', 0.8, 0, 3)!);
  const pulsePath = String(values.pulses);
  const samples = parsePulseSamples(readJsonMaybeGz(pulsePath), net.NX, pulsePath);
  const c = compileNetwork(net);
  const sim = createSimulator(c, { backend: choiceFlag<SimBackend>(values, 'backend', 'auto', ['auto', 'wasm', 'js']) });
  sim.setWeights(weightsToIds(c, weights));
  const astroW = floatFlag(values, 'astro-w', fixture?.astroW0 ?? ASTRO.w1000, 0, 10)!;
  const stats = emptyStats();
  const out: Array<{ id: string | number; counts: number[]; total: number; inputNeuronSpikes: number }> = [];
  const t0 = performance.now();
  for (const s of samples) {
    let counts: Int32Array;
    if (model === 'lsm') counts = sim.runStatic(s.pulses, null, stats);
    else {
      sim.restoreWeights();
      sim.resetTrace();
      counts = sim.runPlastic(s.pulses, { rule: 'astro', decay: true, astroW }, null, stats);
    }
    out.push({ id: s.id, counts: Array.from(counts), total: stats.liquidSpikes, inputNeuronSpikes: stats.inputSpikes });
  }
  const ms = (performance.now() - t0) / samples.length;
  let failed = 0;
  if (values.check) {
    if (!fixture || pulsePath !== netPath) throw new UsageError('--check needs the fixture as both --network and --pulses');
    for (const e of fixture.expected) {
      const want = model === 'lsm' ? e.lsm : e.nalsm;
      if (!want) continue;
      const got = out[e.sample].counts;
      const bad = want.counts.reduce((n, v, i) => n + (v === got[i] ? 0 : 1), 0);
      if (bad) failed++;
      process.stdout.write(`sample ${e.sample}: ${bad === 0 ? 'exact' : `${bad} neurons differ`}\n`);
    }
  }
  if (values.out) writeJsonAtomic(String(values.out), { model, network: netPath, pulses: pulsePath, msPerSample: ms, samples: out });
  else for (const s of out) process.stdout.write(`sample ${s.id}: ${s.total} liquid spikes, ${s.inputNeuronSpikes} input-neuron spikes\n`);
  process.stdout.write(`${samples.length} samples, ${ms.toFixed(2)} ms per sample${values.check ? `, ${failed} cases differ from the fixture` : ''}\n`);
  return failed ? 1 : 0;
}
