// The analysis of an N:A sweep against the four findings of Yang et al. 2025:
//   1. mixed networks learn faster than neuron-only or astrocyte-only ones (Mann–Whitney at equal N + A);
//   2. the fastest learning lies near A:N ≈ 2:1;
//   3. learning speeds up with N + A (and with the astrocyte share);
//   4. N, A and N + A are collinear, and a LASSO keeps only N + A.
// "Learning rate" = the slope of ln(training MSE) over the MLP's first K epochs (more negative = faster).
import { lasso, mannWhitney, ols, spearman, type LassoResult, type MannWhitneyResult, type OlsResult } from '../analysis/regression-stats.js';
import type { TaskResult } from './sweep-task.js';

export interface CellSummary {
  N: number;
  A: number;
  runs: number;
  learningRate: { mean: number; sd: number };
  mlpNrmse: { mean: number; sd: number };
  ridgeNrmse: { mean: number; sd: number };
  vptLyapunov: { mean: number; sd: number } | null;
}

export interface HorizonAnalysis {
  k: number;
  cells: CellSummary[];
  claims: {
    mixedVsPure: MixedVsPure;
    /** not one of the paper's claims: the same comparison on the test NRMSE (ridge) */
    mixedVsPureNrmse: MixedVsPure;
    bestRatio: { bestCell: { N: number; A: number; ratio: number | null; learningRate: number }; byRatio: Array<{ ratio: string; aOverN: number; cells: number; meanLearningRate: number }>; bestRatioBin: string | null; reproduced: boolean };
    size: { spearmanTotal: { rho: number; p: number; n: number }; spearmanAstroShare: { rho: number; p: number; n: number }; reproduced: boolean };
    lasso: { olsNA: OlsResult; olsTotal: OlsResult; olsAllThree: OlsResult; lasso: LassoResult; reproduced: boolean };
  };
}

/** Mixed (N > 0 and A > 0) against pure networks at equal N + A; "reproduced": mixed lower, pooled p < 0.05. */
export interface MixedVsPure {
  bySize: Array<{ size: number; mixed: number[]; pure: number[]; test: MannWhitneyResult }>;
  pooled: MannWhitneyResult | null;
  reproduced: boolean;
}

function comparePureMixed(runs: TaskResult[], value: (r: TaskResult) => number): MixedVsPure {
  const mixed = (r: TaskResult): boolean => r.N > 0 && r.A > 0;
  const pure = (r: TaskResult): boolean => (r.N > 0) !== (r.A > 0);
  const sizes = [...new Set(runs.map((r) => r.N + r.A))].sort((a, b) => a - b);
  const bySize: MixedVsPure['bySize'] = [];
  const poolM: number[] = [];
  const poolP: number[] = [];
  for (const s of sizes) {
    const m = runs.filter((r) => r.N + r.A === s && mixed(r)).map(value);
    const p = runs.filter((r) => r.N + r.A === s && pure(r)).map(value);
    if (m.length === 0 || p.length === 0) continue;
    bySize.push({ size: s, mixed: m, pure: p, test: mannWhitney(m, p) });
    poolM.push(...m);
    poolP.push(...p);
  }
  const pooled = poolM.length && poolP.length ? mannWhitney(poolM, poolP) : null;
  return { bySize, pooled, reproduced: pooled !== null && pooled.p < 0.05 && pooled.probALower > 0.5 };
}

const meanSd = (v: number[]): { mean: number; sd: number } => {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean: m, sd: v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1)) : 0 };
};

function ratioLabel(N: number, A: number): string {
  const g = (a: number, b: number): number => (b === 0 ? a : g(b, a % b));
  const d = g(A, N);
  return `${A / d}:${N / d}`;
}

/** Analyse the spiking runs of a sweep at horizon k (the MLP's slope is the learning rate). */
export function analyseSweep(results: TaskResult[], k: number): HorizonAnalysis {
  const all = results.filter((r) => r.kind === 'astro');
  // the claims leave out the empty network (N = A = 0): it has no features, so nothing to learn from
  const runs = all.filter((r) => r.N + r.A > 0);
  const at = (r: TaskResult) => {
    const h = r.horizons.find((x) => x.k === k);
    if (!h || !h.mlp) throw new Error(`sweep analysis: run N=${r.N} A=${r.A} seed=${r.seed} has no MLP result at k=${k}`);
    return h;
  };
  const lr = (r: TaskResult): number => at(r).mlp!.learningRate;
  const key = (N: number, A: number): string => `${N},${A}`;
  const groups = new Map<string, TaskResult[]>();
  for (const r of all) groups.set(key(r.N, r.A), [...(groups.get(key(r.N, r.A)) ?? []), r]);
  const cells: CellSummary[] = [...groups.values()].map((g) => ({
    N: g[0].N,
    A: g[0].A,
    runs: g.length,
    learningRate: meanSd(g.map(lr)),
    mlpNrmse: meanSd(g.map((r) => at(r).mlp!.nrmse)),
    ridgeNrmse: meanSd(g.map((r) => at(r).ridge.nrmse)),
    vptLyapunov: g[0].freeRun ? meanSd(g.map((r) => r.freeRun!.lyapunovTimes)) : null,
  }));
  cells.sort((a, b) => a.N - b.N || a.A - b.A);

  // 1. mixed vs pure at equal total size (sizes where both kinds exist); also on the ridge NRMSE
  const mixedVsPure = comparePureMixed(runs, lr);
  const mixedVsPureNrmse = comparePureMixed(runs, (r) => at(r).ridge.nrmse);

  // 2. the best A:N ratio
  const mixedCells = cells.filter((c) => c.N > 0 && c.A > 0);
  const ranked = cells.filter((c) => c.N + c.A > 0).sort((a, b) => a.learningRate.mean - b.learningRate.mean);
  const best = ranked[0];
  const bins = new Map<string, { aOverN: number; v: number[] }>();
  for (const c of mixedCells) {
    const l = ratioLabel(c.N, c.A);
    const b = bins.get(l) ?? { aOverN: c.A / c.N, v: [] };
    b.v.push(c.learningRate.mean);
    bins.set(l, b);
  }
  const byRatio = [...bins.entries()].map(([ratio, b]) => ({ ratio, aOverN: b.aOverN, cells: b.v.length, meanLearningRate: meanSd(b.v).mean })).sort((a, b) => a.aOverN - b.aOverN);
  const bestBin = byRatio.length ? byRatio.reduce((a, b) => (b.meanLearningRate < a.meanLearningRate ? b : a)) : null;

  // 3. size and astrocyte share
  const y = runs.map(lr);
  const total = runs.map((r) => r.N + r.A);
  const sTotal = spearman(total, y);
  const mixedRuns = runs.filter((r) => r.N > 0 && r.A > 0);
  const sShare = spearman(mixedRuns.map((r) => r.A / (r.N + r.A)), mixedRuns.map(lr));

  // 4. OLS and LASSO on N, A, N + A; folds = the seed's position (deterministic)
  const Ns = runs.map((r) => r.N);
  const As = runs.map((r) => r.A);
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const fold = runs.map((r) => seeds.indexOf(r.seed));
  const las = lasso(y, { N: Ns, A: As, 'N+A': total }, fold);
  return {
    k,
    cells,
    claims: {
      mixedVsPure,
      mixedVsPureNrmse,
      bestRatio: {
        bestCell: { N: best.N, A: best.A, ratio: best.N > 0 ? best.A / best.N : null, learningRate: best.learningRate.mean },
        byRatio,
        bestRatioBin: bestBin?.ratio ?? null,
        reproduced: bestBin?.ratio === '2:1',
      },
      size: { spearmanTotal: sTotal, spearmanAstroShare: sShare, reproduced: sTotal.rho < 0 && sTotal.p < 0.05 },
      lasso: {
        olsNA: ols(y, { N: Ns, A: As }),
        olsTotal: ols(y, { 'N+A': total }),
        olsAllThree: ols(y, { N: Ns, A: As, 'N+A': total }),
        lasso: las,
        reproduced: las.at1se.kept.length === 1 && las.at1se.kept[0] === 'N+A',
      },
    },
  };
}

/** The spiking cell with the lowest mean ridge NRMSE at horizon k (ties: the smaller network). */
export function bestCellByNrmse(results: TaskResult[], k: number): { N: number; A: number; nrmse: number } {
  const cells = analyseSweep(results, k).cells.filter((c) => c.N + c.A > 0);
  const b = cells.reduce((a, c) => (c.ridgeNrmse.mean < a.ridgeNrmse.mean ? c : a));
  return { N: b.N, A: b.A, nrmse: b.ridgeNrmse.mean };
}
