// A sweep file → its runs: each block's axes multiplied out over the top-level defaults, in file order,
// each run with a stable name (the same file always gives the same names) and a configuration label
// (the name without the seed) that the summary groups by.
import type { ModelName, LsmStdpPhaseB } from '../core/models.js';
import type { ReadoutOptions } from '../core/readout/index.js';
import { cubeDims } from '../core/network/network.js';
import type { DatasetName, RunSpec } from '../pipeline/phases.js';
import { runKey } from '../pipeline/phase-payloads.js';
import { SweepFileError, type SweepFile, type SweepBlock } from './schema.js';

export interface SweepRun {
  name: string;
  /** the run's configuration: everything but the seed */
  config: string;
  spec: RunSpec;
  readout: ReadoutOptions;
  /** what determines the run's numbers: a finished run with the same key is not run again */
  key: string;
}

/** The readout of a sweep unless the file says otherwise: Adam with early stopping on validation. */
export const SWEEP_READOUT: ReadoutOptions = { optimizer: 'adam', epochs: 1000, patience: 30, batchSize: 250 };

/** The models with a liquid-weight axis, and those with astrocyte axes (w_astro, density). */
export const TAKES_WEIGHT: readonly ModelName[] = ['lsm', 'lsm-apstdp'];
export const TAKES_ASTRO: readonly ModelName[] = ['nalsm'];

export function expandSweep(s: SweepFile, source: string): SweepRun[] {
  const { runs: blocks, name: _n, description: _d, order, ...defaults } = s;
  const runs: SweepRun[] = [];
  (blocks ?? [{}]).forEach((b: SweepBlock, bi) => {
    const at = blocks ? `runs.${bi}` : '(top level)';
    const m = { ...defaults, ...b, readout: { ...defaults.readout, ...b.readout } };
    if (!m.model) throw new SweepFileError(`${source}: ${at}: field "model" is required (one of lsm, nalsm, lsm-stdp, lsm-apstdp)`);
    if (!m.seed) throw new SweepFileError(`${source}: ${at}: field "seed" is required (a seed, a list, or { from, to })`);
    for (const model of m.model as ModelName[]) {
      // a block's own weight / astro axis on a model without one is a mistake; a top-level default just does not apply
      if (b.weight && !TAKES_WEIGHT.includes(model)) throw new SweepFileError(`${source}: ${at}.weight: does not apply to model ${model} (only ${TAKES_WEIGHT.join(', ')})`);
      for (const f of ['astroW', 'astroDensity'] as const)
        if (b[f] && !TAKES_ASTRO.includes(model)) throw new SweepFileError(`${source}: ${at}.${f}: does not apply to model ${model} (only ${TAKES_ASTRO.join(', ')})`);
      const weights = TAKES_WEIGHT.includes(model) ? (m.weight ?? [undefined]) : [undefined];
      const astroWs = TAKES_ASTRO.includes(model) ? (m.astroW ?? [undefined]) : [undefined];
      const densities = TAKES_ASTRO.includes(model) ? (m.astroDensity ?? [undefined]) : [undefined];
      if (b.lsmStdpPhaseB && model !== 'lsm-stdp') throw new SweepFileError(`${source}: ${at}.lsmStdpPhaseB: does not apply to model ${model} (only lsm-stdp)`);
      for (const f of ['apThreshold', 'apRange'] as const)
        if (b[f] !== undefined && model !== 'lsm-apstdp') throw new SweepFileError(`${source}: ${at}.${f}: does not apply to model ${model} (only lsm-apstdp)`);
      for (const dataset of (m.dataset ?? ['mnist']) as DatasetName[])
        for (const neurons of m.neurons ?? [1000])
          for (const weight of weights)
            for (const astroW of astroWs)
              for (const astroDensity of densities)
                for (const seed of m.seed) {
                  const dims = cubeDims(neurons);
                  const spec: RunSpec = {
                    model,
                    dataset,
                    dataDir: m.data,
                    dims,
                    weight,
                    astroW,
                    modelOptions: {
                      astroDensity,
                      lsmStdpPhaseB: model === 'lsm-stdp' ? (m.lsmStdpPhaseB as LsmStdpPhaseB | undefined) : undefined,
                      apThreshold: model === 'lsm-apstdp' ? m.apThreshold : undefined,
                      apRange: model === 'lsm-apstdp' ? m.apRange : undefined,
                    },
                    seed,
                    sizes: { train: m.train, val: m.val, test: m.test },
                    initSnapshots: model === 'lsm' ? undefined : m.initSnapshots,
                  };
                  const NL = dims[0] * dims[1] * dims[2];
                  const tags = [weight !== undefined ? `-w${weight}` : '', astroW !== undefined ? `-aw${astroW}` : '', astroDensity !== undefined ? `-ad${astroDensity}` : ''].join('');
                  const config = `${model}-${dataset}-${NL}${tags}`;
                  const r = m.readout;
                  const readout: ReadoutOptions = {
                    optimizer: r.optimizer ?? SWEEP_READOUT.optimizer,
                    epochs: r.epochs ?? (r.optimizer && r.optimizer !== 'adam' ? 5000 : SWEEP_READOUT.epochs),
                    lr: r.lr,
                    patience: r.patience ?? (r.optimizer && r.optimizer !== 'adam' ? undefined : SWEEP_READOUT.patience),
                    batchSize: r.batch ?? SWEEP_READOUT.batchSize,
                  };
                  runs.push({ name: `${config}-s${seed}`, config, spec, readout, key: runKey(spec, { readout }) });
                }
    }
  });
  if (order === 'seed') runs.sort((a, b) => a.spec.seed - b.spec.seed); // stable: file order within a seed
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.name)) throw new SweepFileError(`${source}: run ${r.name} is listed twice (two blocks give the same model, options and seed)`);
    seen.add(r.name);
  }
  return runs;
}
