// What a run will do, said before it starts: sizes, phase A, readout, where it writes, and a rough
// time estimate from this repository's own measurements, so a flag that scales the work up
// (or one left at full scale) is visible before minutes are spent.
import type { ModelName } from '../core/models.js';
import type { ReadoutOptions } from '../core/readout/index.js';

/**
 * Per-sample and per-snapshot costs at 1,000 neurons on one worker, from the committed full MNIST runs
 * on the 2-core VM (results/nalsm-mnist-1000-s1-timing.json, lsm-stdp-mnist-1000-s1.json,
 * lsm-apstdp-mnist-1000-s1.json, demo-lsm-mnist-1000-s1.json). Rough: machines differ by 2× and more.
 */
const MS_PER_SAMPLE: Record<ModelName, number> = { lsm: 2.0, 'lsm-stdp': 4.3, 'lsm-apstdp': 2.7, nalsm: 5.5 };
const MS_PER_SNAPSHOT: Record<ModelName, number> = { lsm: 0, 'lsm-stdp': 4.7, 'lsm-apstdp': 0.84, nalsm: 0.81 };
/** readout cost per training sample, epoch and liquid neuron (Adam/Adadelta on 2 cores) */
const READOUT_NS_PER_SAMPLE_EPOCH_NEURON = 4;
/** epochs an early-stopped readout usually runs on full MNIST (best epoch ≈ 25–60, plus the patience) */
const TYPICAL_EARLY_STOP_EPOCHS = 80;

export interface PlanInput {
  name: string;
  runId?: string;
  model: ModelName;
  dataset: string;
  neurons: number;
  dims: [number, number, number];
  seed: number;
  /** sample counts as given; undefined = the whole split */
  sizes: { train?: number; val?: number; test?: number };
  /** phase-A snapshots, or null when the model has no phase A or W_INI comes from a file */
  initSnapshots: number | null;
  initFile?: string;
  networkFile?: string;
  modelLine: string;
  readout: ReadoutOptions;
  workers: number;
  results: string;
  artifacts: string;
  saveCounts: boolean;
}

export interface PlanEstimate {
  init: number;
  spikes: number;
  readout: number;
  total: number;
}

/** The standard split of MNIST and Fashion-MNIST (and N-MNIST): 50,000 / 10,000 / 10,000. */
const FULL = { train: 50000, val: 10000, test: 10000 };
const resolved = (p: PlanInput): { train: number; val: number; test: number } => ({ train: p.sizes.train ?? FULL.train, val: p.sizes.val ?? FULL.val, test: p.sizes.test ?? FULL.test });

export function estimateSeconds(p: PlanInput): PlanEstimate {
  // cost grows a little faster than the neuron count (8,000 neurons: 7.4× per sample, 17.6× per snapshot)
  const scale = (p.neurons / 1000) ** 1.1;
  const init = p.initSnapshots ? (p.initSnapshots * MS_PER_SNAPSHOT[p.model] * scale) / 1000 : 0;
  const sizes = resolved(p);
  const samples = sizes.train + sizes.val + sizes.test;
  const spikes = (samples * MS_PER_SAMPLE[p.model] * scale) / 1000 / Math.max(1, p.workers);
  const r = p.readout;
  const epochs = r.optimizer === 'ridge' ? 0 : r.patience ? Math.min(r.epochs ?? 0, TYPICAL_EARLY_STOP_EPOCHS) : (r.epochs ?? 0);
  const readout = r.optimizer === 'ridge' ? sizes.train * p.neurons ** 2 * 2e-9 : epochs * sizes.train * p.neurons * READOUT_NS_PER_SAMPLE_EPOCH_NEURON * 1e-9;
  return { init, spikes, readout, total: init + spikes + readout };
}

export function formatDuration(s: number): string {
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

const n = (x: number): string => x.toLocaleString('en-US');

export function formatPlan(p: PlanInput): string {
  const e = estimateSeconds(p);
  const sizes = resolved(p);
  const sz = (k: 'train' | 'val' | 'test'): string => (p.sizes[k] !== undefined ? n(p.sizes[k]!) : `all (${n(FULL[k])} in the standard split)`);
  const r = p.readout;
  const readout =
    r.optimizer === 'ridge'
      ? 'ridge regression (λ chosen on validation)'
      : `${r.optimizer}, up to ${n(r.epochs ?? 0)} epochs${r.patience ? `, stopping after ${r.patience} epochs without a better validation accuracy` : ' (no early stopping)'}, batch ${r.batchSize ?? 250}${r.lr !== undefined ? `, lr ${r.lr}` : ''}`;
  const init = p.initFile ? `W_INI from ${p.initFile} (no phase A)` : p.initSnapshots ? `${n(p.initSnapshots)} snapshots of 20 ms (≈ ${formatDuration(e.init)}, one thread)` : 'none (static liquid)';
  const lines = [
    `plan: run ${p.name}${p.runId ? ` (id ${p.runId})` : ''}`,
    `  model     ${p.modelLine}`,
    `  liquid    ${n(p.neurons)} neurons (${p.dims.join('x')}), ${p.networkFile ? `network from ${p.networkFile}` : `seed ${p.seed}`}`,
    `  data      ${p.dataset}: train ${sz('train')}, validation ${sz('val')}, test ${sz('test')}`,
    `  phase A   ${init}`,
    `  counts    ${n(sizes.train + sizes.val + sizes.test)} samples × 250 ms on ${p.workers} worker(s) (≈ ${formatDuration(e.spikes)})`,
    `  readout   ${readout} (≈ ${formatDuration(e.readout)})`,
    `  writes    ${p.results}; artifacts in ${p.artifacts}${p.saveCounts ? ' (with counts.bin)' : ''}`,
    `  estimate  ≈ ${formatDuration(e.total)} in all (rough: from this repository's runs on a 2-core machine)`,
  ];
  const partial = (['train', 'val', 'test'] as const).filter((k) => p.sizes[k] !== undefined);
  if (partial.length > 0 && partial.length < 3) {
    const full = (['train', 'val', 'test'] as const).filter((k) => p.sizes[k] === undefined).map((k) => `--${k}`);
    lines.push(`  note      ${full.join(' and ')} not given: full size${full.length > 1 ? 's' : ''}`);
  }
  return lines.join('\n') + '\n';
}
