// <sweep>-summary.json: every run's record, and per configuration n, mean, sd, min and max of test accuracy
// and σ_BF beside the paper's figure; paired differences on the same networks (seeds) with a 95 % confidence
// interval, between models and, within a model, of each weight or density against the model's default;
// the failures with their messages.
import { describe, pairedDifference, type Described, type PairedDifference } from './stats.js';
import { paperFigure, type PaperFigure } from './paper.js';
import { SWEEP_AXES, axisValue } from './axes.js';

export interface RunRecord {
  name: string;
  config: string;
  key: string;
  model: string;
  dataset: string;
  neurons: number;
  seed: number;
  weight?: number;
  astroW?: number;
  astroDensity?: number;
  status: 'done' | 'failed';
  accuracy?: { val: number; test: number };
  /** branching factor of the 20 recorded test samples (analyze bf's definition) */
  sigmaBF?: number | null;
  /** SHA-256 of the run's spike counts (val, test, train rows in that order, uint16 little-endian) */
  countsSha256?: string;
  results?: string;
  seconds?: number;
  error?: string;
}

export interface ConfigurationRow {
  config: string;
  model: string;
  dataset: string;
  neurons: number;
  weight?: number;
  astroW?: number;
  astroDensity?: number;
  seeds: number[];
  /** test accuracy in % */
  testAccuracy: Described | null;
  sigmaBF: Described | null;
  paper: PaperFigure | null;
}

export interface PairedRow {
  a: string;
  b: string;
  /** a − b in percentage points of test accuracy, per shared seed */
  testAccuracy: PairedDifference;
}

const MODEL_ORDER = ['nalsm', 'lsm-apstdp', 'lsm-stdp', 'lsm'];
const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const roundDescribed = <T extends Described | null>(d: T): T =>
  (d && { ...d, mean: r4(d.mean), sd: d.sd === null ? null : r4(d.sd), min: r4(d.min), max: r4(d.max), ...('ci95' in d && d.ci95 ? { ci95: (d.ci95 as number[]).map(r4) } : {}) }) as T;

export function summarise(records: readonly RunRecord[]): { configurations: ConfigurationRow[]; paired: PairedRow[]; failures: Array<{ name: string; error: string }> } {
  const byConfig = new Map<string, RunRecord[]>();
  for (const r of records) byConfig.set(r.config, [...(byConfig.get(r.config) ?? []), r]);
  const configurations: ConfigurationRow[] = [];
  const accBySeed = new Map<string, Map<number, number>>();
  for (const [config, rs] of byConfig) {
    const done = rs.filter((r) => r.status === 'done' && r.accuracy).sort((a, b) => a.seed - b.seed);
    const first = rs[0];
    const acc = new Map(done.map((r) => [r.seed, 100 * r.accuracy!.test] as [number, number]));
    accBySeed.set(config, acc);
    const sigmas = done.map((r) => r.sigmaBF).filter((s): s is number => typeof s === 'number' && Number.isFinite(s));
    configurations.push({
      config,
      model: first.model,
      dataset: first.dataset,
      neurons: first.neurons,
      weight: first.weight,
      astroW: first.astroW,
      astroDensity: first.astroDensity,
      seeds: done.map((r) => r.seed),
      testAccuracy: roundDescribed(describe([...acc.values()])),
      sigmaBF: roundDescribed(describe(sigmas)),
      paper: paperFigure(first.model, first.dataset, first.neurons, { astroW: first.astroW, astroDensity: first.astroDensity, synthetic: first.dataset === 'saccade-mnist' }),
    });
  }
  const rank = (c: ConfigurationRow): number => MODEL_ORDER.indexOf(c.model);
  const comparable = (a: ConfigurationRow, b: ConfigurationRow): boolean => a !== b && a.dataset === b.dataset && a.neurons === b.neurons;
  // Between models, in MODEL_ORDER.
  const betweenModels = (a: ConfigurationRow, b: ConfigurationRow): boolean => a.model !== b.model && rank(a) < rank(b);
  // Within one model: a configuration that differs from the model's default on one axis (e.g. astrocyte
  // density 0.1 against 1), against that default.
  const againstDefault = (a: ConfigurationRow, b: ConfigurationRow): boolean => {
    if (a.model !== b.model || a.astroW !== b.astroW) return false;
    const differs = SWEEP_AXES.filter((axis) => axisValue(a, axis) !== axisValue(b, axis));
    return differs.length === 1 && axisValue(b, differs[0]) === axisValue({ model: b.model, neurons: b.neurons }, differs[0]);
  };
  const paired: PairedRow[] = [];
  for (const rule of [betweenModels, againstDefault])
    for (const a of configurations)
      for (const b of configurations) {
        if (!comparable(a, b) || !rule(a, b)) continue;
        const d = pairedDifference(accBySeed.get(a.config)!, accBySeed.get(b.config)!);
        if (d && d.n >= 2) paired.push({ a: a.config, b: b.config, testAccuracy: roundDescribed(d) });
      }
  const failures = records.filter((r) => r.status === 'failed').map((r) => ({ name: r.name, error: r.error ?? 'unknown error' }));
  return { configurations, paired, failures };
}
