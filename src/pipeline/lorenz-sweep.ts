// An N:A sweep end to end: tasks over worker threads, the analysis of the four claims at each
// horizon, the ESN baseline at the size of the best spiking cell, a results JSON and heatmaps.
import { join, dirname, basename } from 'node:path';
import { runSweepTasks } from './lorenz-pool.js';
import { writeFileAtomic, writeJsonAtomic, gitProvenance, machineInfo } from './results.js';
import { analyseSweep, bestCellByNrmse } from '../core/timeseries/sweep-analysis.js';
import { YANG_LABEL, type SweepConfig, type SweepTask, type TaskResult } from '../core/timeseries/sweep-task.js';
import { heatmapSpec } from '../report/lorenz-figures.js';
import { renderSvg } from '../report/vega.js';

export interface SweepOptions {
  neurons: number[];
  astrocytes: number[];
  seeds: number[];
  workers: number;
  out: string;
  /** write heatmaps (SVG) beside the JSON */
  figures: boolean;
  command: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface SweepOutput {
  json: string;
  svgs: string[];
  results: TaskResult[];
  summary: Record<string, unknown>;
}

/** The (N, A, seed) tasks of a sweep in a fixed order (seeds innermost). */
export function sweepTasks(neurons: number[], astrocytes: number[], seeds: number[]): SweepTask[] {
  const tasks: SweepTask[] = [];
  for (const N of neurons) for (const A of astrocytes) for (const seed of seeds) tasks.push({ kind: 'astro', N, A, seed });
  return tasks;
}

export interface SweepRecord {
  command: string;
  commit: string;
  machine: ReturnType<typeof machineInfo>;
  date: string;
  seeds: number[];
  workers: number;
  grid: { neurons: number[]; astrocytes: number[] };
  config: SweepConfig;
  seconds: Record<string, number>;
  runs: TaskResult[];
  esnRuns: TaskResult[];
  /** set when the analysis was redone from a saved sweep (nalsm lorenz analyse) */
  reanalysed?: { command: string; commit: string; date: string };
}

export async function runLorenzSweep(cfg: SweepConfig, o: SweepOptions): Promise<SweepOutput> {
  const t0 = performance.now();
  if (!cfg.readouts.mlp) throw new Error('lorenz sweep: the learning rate needs the MLP readout');
  const tasks = sweepTasks(o.neurons, o.astrocytes, o.seeds);
  const spiking = await runSweepTasks(cfg, tasks, o.workers, (d, n) => o.onProgress?.('sweep', d, n));
  const sweepSeconds = (performance.now() - t0) / 1000;
  // the ESN baseline: as many rate units as the best spiking cell (by ridge NRMSE at k = 1), same seeds
  const best = bestCellByNrmse(spiking, baselineHorizon(cfg));
  const esnTasks: SweepTask[] = o.seeds.map((seed) => ({ kind: 'esn', N: best.N, A: best.A, seed }));
  const esn = await runSweepTasks(cfg, esnTasks, o.workers, (d, n) => o.onProgress?.('esn', d, n));
  const record: SweepRecord = {
    command: o.command,
    ...gitProvenance(),
    machine: machineInfo(),
    date: new Date().toISOString(),
    seeds: o.seeds,
    workers: o.workers,
    grid: { neurons: o.neurons, astrocytes: o.astrocytes },
    config: cfg,
    seconds: { sweep: sweepSeconds, total: (performance.now() - t0) / 1000 },
    runs: spiking,
    esnRuns: esn,
  };
  return writeSweepReport(record, o.out, o.figures);
}

const baselineHorizon = (cfg: SweepConfig): number => (cfg.protocol.horizons.includes(1) ? 1 : cfg.protocol.horizons[0]);

/** The analysis of a sweep's runs, its results JSON and heatmaps. */
export async function writeSweepReport(rec: SweepRecord, out: string, figures: boolean): Promise<SweepOutput> {
  const cfg = rec.config;
  const spiking = rec.runs;
  const esn = rec.esnRuns;
  const analyses = cfg.protocol.horizons.map((k) => analyseSweep(spiking, k));
  const k0 = baselineHorizon(cfg);
  const best = bestCellByNrmse(spiking, k0);
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const side = cfg.protocol.horizons.map((k) => {
    const pick = (rs: TaskResult[]) => rs.map((r) => r.horizons.find((h) => h.k === k)!);
    const sp = pick(spiking.filter((r) => r.N === best.N && r.A === best.A));
    const es = pick(esn);
    return {
      k,
      spiking: { N: best.N, A: best.A, ridgeNrmse: mean(sp.map((h) => h.ridge.nrmse)), mlpNrmse: mean(sp.map((h) => h.mlp?.nrmse ?? NaN)) },
      esn: { units: esn[0]?.N + esn[0]?.A, ridgeNrmse: mean(es.map((h) => h.ridge.nrmse)), mlpNrmse: mean(es.map((h) => h.mlp?.nrmse ?? NaN)) },
    };
  });
  const vpt = {
    spiking: mean(spiking.filter((r) => r.N === best.N && r.A === best.A && r.freeRun).map((r) => r.freeRun!.lyapunovTimes)),
    esn: mean(esn.filter((r) => r.freeRun).map((r) => r.freeRun!.lyapunovTimes)),
  };
  const summary = {
    claims: analyses.map((a) => ({
      k: a.k,
      mixedFasterThanPure: { reproduced: a.claims.mixedVsPure.reproduced, pooled: a.claims.mixedVsPure.pooled },
      mixedLowerNrmseThanPure: { note: 'not a claim of the paper', lower: a.claims.mixedVsPureNrmse.reproduced, pooled: a.claims.mixedVsPureNrmse.pooled },
      bestRatioNear2to1: { reproduced: a.claims.bestRatio.reproduced, bestRatioBin: a.claims.bestRatio.bestRatioBin, bestCell: a.claims.bestRatio.bestCell },
      fasterWithSize: { reproduced: a.claims.size.reproduced, spearman: a.claims.size.spearmanTotal },
      lassoKeepsOnlyTotal: { reproduced: a.claims.lasso.reproduced, kept1se: a.claims.lasso.lasso.at1se.kept, keptMin: a.claims.lasso.lasso.atMin.kept },
    })),
    baseline: { bestSpikingCellBy: `lowest mean ridge NRMSE at k = ${k0}`, byHorizon: side, validPredictionTimeLyapunov: vpt },
  };
  const { runs, esnRuns, ...meta } = rec;
  const json = {
    label: YANG_LABEL,
    kind: 'lorenz-sweep',
    ...meta,
    definitions: {
      learningRate: `least-squares slope of ln(training MSE) against the epoch over epochs 1..${cfg.readouts.mlp!.slopeEpochs} of the MLP (training MSE of epoch e = the mean of its minibatch losses); more negative = faster`,
      nrmse: 'per component RMSE over the sd of the test targets, averaged over x, y, z (normalised units)',
      validPredictionTime: `free run of the k = 1 ridge readout from the end of training; steps until sqrt(mean_c((pred_c − true_c)/sd_c)²) > ${cfg.readouts.vptThreshold}, times dt·λ (λ = ${cfg.protocol.lyapunov})`,
      claims: 'tests use every run of a non-empty network (N + A > 0); the empty network is only in the heatmaps',
      pValues: 'two-sided, normal approximation (Mann–Whitney with tie correction; OLS t as z; Spearman z = ρ·sqrt(n − 1))',
      lasso: 'standardised predictors, centred response, coordinate descent, 60 λ from λ_max down to 1e-4·λ_max, cross-validation with one fold per seed; coefficients reported at λ_1se (largest λ within one SE of the CV minimum) and at λ_min',
      esnBaseline: 'the same number of rate units as the best spiking cell, the same seeds, the same protocol and readouts',
    },
    summary,
    analyses,
    runs,
    esnRuns,
  };
  writeJsonAtomic(out, json);
  const svgs: string[] = [];
  if (figures) {
    const stem = join(dirname(out), basename(out).replace(/\.json$/, ''));
    for (const a of analyses) {
      const figs: Array<[string, ReturnType<typeof heatmapSpec>]> = [
        [`${stem}-learning-rate-k${a.k}.svg`, heatmapSpec(a.cells, (c) => c.learningRate.mean, `MLP learning rate (slope of ln MSE), k = ${a.k}`, 'slope', false)],
        [`${stem}-nrmse-k${a.k}.svg`, heatmapSpec(a.cells, (c) => c.ridgeNrmse.mean, `test NRMSE (ridge readout), k = ${a.k}`, 'NRMSE', false)],
      ];
      for (const [path, spec] of figs) {
        writeFileAtomic(path, await renderSvg(spec));
        svgs.push(path);
      }
    }
  }
  return { json: out, svgs, results: spiking, summary };
}
