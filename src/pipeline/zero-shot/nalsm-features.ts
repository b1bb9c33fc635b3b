// Our NALSM liquid (1,000 neurons, astrocyte-modulated STDP, phase A then plastic counts, as
// `nalsm run --model nalsm --dataset nmnist`) used as the image encoder of the zero-shot protocol:
// its per-neuron spike counts over 250 ms of the full 2 × 34 × 34 event stream are the features.
import { generateNetwork } from '../../core/network/generate.js';
import { uniformWeights } from '../../core/network/weights.js';
import { compileNetwork, weightsToIds } from '../../core/sim/compiled.js';
import { createSimulator } from '../../core/sim/types.js';
import { modelSpec } from '../../core/models.js';
import { astroMask } from '../../core/plasticity/astro-mask.js';
import { runPhaseA } from '../../core/plasticity/phase-a.js';
import { JobRunner, type SplitEvents } from '../../core/job.js';
import { NMNIST_INPUTS } from '../../core/encode/events.js';
import { TIMING } from '../../core/params.js';
import type { EventSet } from '../../core/encode/events.js';
import type { CachedFeatures } from '../feature-cache.js';

export interface NalsmEncoderOptions {
  seed: number;
  dims: [number, number, number];
  snapshots: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export function nalsmImageFeatures(train: EventSet, test: EventSet, o: NalsmEncoderOptions): { train: CachedFeatures; test: CachedFeatures; seconds: { phaseA: number; counts: number } } {
  const NL = o.dims[0] * o.dims[1] * o.dims[2];
  const model = modelSpec('nalsm', { neurons: NL });
  const net = generateNetwork({ dims: o.dims, inputs: NMNIST_INPUTS, seed: o.seed });
  const c = compileNetwork(net);
  const sim = createSimulator(c, {});
  sim.setWeights(weightsToIds(c, uniformWeights(net, model.initialWeight)));
  sim.astroMask.set(astroMask(NL, NMNIST_INPUTS, model.astroDensity, o.seed));
  sim.resetCalcium();
  const t0 = performance.now();
  const wrap = (set: EventSet): SplitEvents => ({ kind: 'events', set, n: set.n });
  runPhaseA(sim, wrap(train), {
    snapshots: o.snapshots,
    seed: o.seed,
    plasticity: { rule: model.phaseA as 'astro', decay: false, astroW: model.astroW, calcium: model.calcium },
    onProgress: (d) => o.onProgress?.('init', d, o.snapshots),
    every: 500,
  });
  const t1 = performance.now();
  const runner = new JobRunner(sim, model, o.seed, TIMING.sampleMs, NMNIST_INPUTS);
  const totals = { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 };
  const count = (set: EventSet, split: 'train' | 'test'): CachedFeatures => {
    const counts = new Uint16Array(set.n * NL);
    for (let s = 0; s < set.n; s += 50) {
      const end = Math.min(set.n, s + 50);
      runner.run(wrap(set), { split, start: s, end }, counts.subarray(s * NL, end * NL), totals);
      o.onProgress?.(`nalsm ${split}`, end, set.n);
    }
    return { counts, labels: set.labels, n: set.n, dim: NL };
  };
  const out = { train: count(train, 'train'), test: count(test, 'test') };
  return { ...out, seconds: { phaseA: (t1 - t0) / 1000, counts: (performance.now() - t1) / 1000 } };
}
