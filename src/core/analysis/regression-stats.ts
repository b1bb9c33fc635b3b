// Statistics for sweeps: ordinary least squares with standard errors, the LASSO by cyclic
// coordinate descent (with a cross-validated λ), the Mann–Whitney U test and Spearman's ρ.
// Written for this project. p-values use the normal approximation (stated in each result).
import { cholesky, choleskySolve } from '../readout/cholesky.js';

/** Φ(x), the standard normal CDF (Abramowitz–Stegun 7.1.26 on erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const twoSided = (z: number): number => 2 * (1 - normalCdf(Math.abs(z)));

export interface OlsResult {
  names: string[];
  /** intercept first, then one per predictor */
  coef: number[];
  se: number[];
  t: number[];
  /** two-sided, normal approximation to the t distribution */
  p: number[];
  r2: number;
  n: number;
  df: number;
  /** false when the design is rank-deficient (then coef etc. are NaN) */
  identifiable: boolean;
}

/** OLS of y on the columns of X (each an array of length n) with an intercept. */
export function ols(y: readonly number[], columns: Record<string, readonly number[]>): OlsResult {
  const names = Object.keys(columns);
  const n = y.length;
  const m = names.length + 1;
  const row = (i: number): number[] => [1, ...names.map((k) => columns[k][i])];
  const G = new Float64Array(m * m);
  const R = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const z = row(i);
    for (let a = 0; a < m; a++) {
      R[a] += z[a] * y[i];
      for (let b = 0; b <= a; b++) G[a * m + b] += z[a] * z[b];
    }
  }
  const L = Float64Array.from(G);
  // a relative pivot check catches exact collinearity (e.g. N, A and N + A together)
  const diagMax = Math.max(...Array.from({ length: m }, (_, a) => G[a * m + a]));
  const ok = cholesky(L, m) && Array.from({ length: m }, (_, a) => L[a * m + a] ** 2).every((d) => d > 1e-10 * diagMax);
  const nanRes = (): OlsResult => ({ names, coef: Array(m).fill(NaN), se: Array(m).fill(NaN), t: Array(m).fill(NaN), p: Array(m).fill(NaN), r2: NaN, n, df: n - m, identifiable: false });
  if (!ok || n <= m) return nanRes();
  const beta = new Float64Array(m);
  choleskySolve(L, m, R, beta, 1);
  let rss = 0;
  let my = 0;
  for (const v of y) my += v / n;
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const z = row(i);
    let f = 0;
    for (let a = 0; a < m; a++) f += z[a] * beta[a];
    rss += (y[i] - f) ** 2;
    tss += (y[i] - my) ** 2;
  }
  const s2 = rss / (n - m);
  // diag of (XᵀX)^{-1}: solve for each unit vector
  const se: number[] = [];
  const e = new Float64Array(m);
  const col = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    e.fill(0);
    e[a] = 1;
    choleskySolve(L, m, e, col, 1);
    se.push(Math.sqrt(s2 * col[a]));
  }
  const coef = Array.from(beta);
  const t = coef.map((c, a) => c / se[a]);
  return { names, coef, se, t, p: t.map(twoSided), r2: 1 - rss / tss, n, df: n - m, identifiable: true };
}

export interface LassoPathPoint {
  lambda: number;
  /** coefficients on the standardised predictors */
  coef: number[];
  cvMse: number;
  cvSe: number;
}

export interface LassoResult {
  names: string[];
  /** predictor means and sds used for standardisation; the response is centred */
  mean: number[];
  sd: number[];
  path: LassoPathPoint[];
  /** λ with the least cross-validated MSE, and the largest λ within one standard error of it */
  lambdaMin: number;
  lambda1se: number;
  /** coefficients at lambda1se and lambdaMin, standardised and in the original units */
  at1se: { standardised: number[]; original: number[]; intercept: number; kept: string[] };
  atMin: { standardised: number[]; original: number[]; intercept: number; kept: string[] };
  /** the order in which predictors become non-zero as λ decreases */
  entryOrder: string[];
  folds: number;
}

/** Coordinate descent for (1/2n)‖y − Xb‖² + λ‖b‖₁ on standardised X (columns), centred y; warm start b. */
function lassoCd(Xs: number[][], y: number[], lambda: number, b: number[], iters = 10000, tol = 1e-12): number[] {
  const p = Xs.length;
  const n = y.length;
  const r = y.slice();
  for (let j = 0; j < p; j++) if (b[j] !== 0) for (let i = 0; i < n; i++) r[i] -= Xs[j][i] * b[j];
  const norm = Xs.map((x) => x.reduce((s, v) => s + v * v, 0) / n);
  for (let it = 0; it < iters; it++) {
    let maxDelta = 0;
    for (let j = 0; j < p; j++) {
      if (norm[j] === 0) continue;
      let rho = 0;
      for (let i = 0; i < n; i++) rho += Xs[j][i] * r[i];
      rho = rho / n + norm[j] * b[j];
      const nb = Math.sign(rho) * Math.max(0, Math.abs(rho) - lambda) / norm[j];
      const d = nb - b[j];
      if (d !== 0) {
        for (let i = 0; i < n; i++) r[i] -= Xs[j][i] * d;
        b[j] = nb;
        maxDelta = Math.max(maxDelta, Math.abs(d));
      }
    }
    if (maxDelta < tol) break;
  }
  return b;
}

function standardise(columns: number[][], rows: number[]): { Xs: number[][]; mean: number[]; sd: number[] } {
  const mean: number[] = [];
  const sd: number[] = [];
  const Xs = columns.map((c) => {
    const v = rows.map((i) => c[i]);
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const s = Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / v.length) || 1;
    mean.push(m);
    sd.push(s);
    return v.map((x) => (x - m) / s);
  });
  return { Xs, mean, sd };
}

/**
 * LASSO of y on the given predictors: a path of `nLambda` λ from λ_max (all zero) down to
 * λ_max·minRatio, K-fold cross-validation with the given fold of each row (deterministic).
 */
export function lasso(y: readonly number[], columns: Record<string, readonly number[]>, fold: readonly number[], nLambda = 60, minRatio = 1e-4): LassoResult {
  const names = Object.keys(columns);
  const cols = names.map((k) => Array.from(columns[k]));
  const n = y.length;
  const all = Array.from({ length: n }, (_, i) => i);
  // the λ grid from the full data
  const full = standardise(cols, all);
  const ym = y.reduce((s, v) => s + v, 0) / n;
  const yc = y.map((v) => v - ym);
  const lmax = Math.max(...full.Xs.map((x) => Math.abs(x.reduce((s, v, i) => s + v * yc[i], 0)) / n)) || 1;
  const lambdas = Array.from({ length: nLambda }, (_, k) => lmax * minRatio ** (k / (nLambda - 1)));
  const pathOn = (Xs: number[][], ycen: number[]): number[][] => {
    const b = Array(Xs.length).fill(0);
    return lambdas.map((l) => lassoCd(Xs, ycen, l, b).slice());
  };
  const fullPath = pathOn(full.Xs, yc);
  // cross-validation
  const folds = [...new Set(fold)].sort((a, b) => a - b);
  const errs: number[][] = lambdas.map(() => []);
  for (const k of folds) {
    const tr = all.filter((i) => fold[i] !== k);
    const te = all.filter((i) => fold[i] === k);
    const s = standardise(cols, tr);
    const ytr = tr.map((i) => y[i]);
    const m = ytr.reduce((a, v) => a + v, 0) / ytr.length;
    const path = pathOn(s.Xs, ytr.map((v) => v - m));
    path.forEach((b, li) => {
      let e = 0;
      for (const i of te) {
        let f = m;
        for (let j = 0; j < b.length; j++) f += (b[j] * (cols[j][i] - s.mean[j])) / s.sd[j];
        e += (y[i] - f) ** 2;
      }
      errs[li].push(e / te.length);
    });
  }
  const path: LassoPathPoint[] = lambdas.map((lambda, li) => {
    const e = errs[li];
    const mse = e.reduce((a, v) => a + v, 0) / e.length;
    const sdv = Math.sqrt(e.reduce((a, v) => a + (v - mse) ** 2, 0) / Math.max(1, e.length - 1));
    return { lambda, coef: fullPath[li], cvMse: mse, cvSe: sdv / Math.sqrt(e.length) };
  });
  let iMin = 0;
  path.forEach((pt, i) => {
    if (pt.cvMse < path[iMin].cvMse) iMin = i;
  });
  let i1 = iMin;
  for (let i = 0; i < iMin; i++)
    if (path[i].cvMse <= path[iMin].cvMse + path[iMin].cvSe) {
      i1 = i;
      break;
    }
  const describe = (b: number[]): LassoResult['at1se'] => {
    const original = b.map((v, j) => v / full.sd[j]);
    const intercept = ym - original.reduce((s, v, j) => s + v * full.mean[j], 0);
    return { standardised: b, original, intercept, kept: names.filter((_, j) => b[j] !== 0) };
  };
  const entryOrder: string[] = [];
  for (const b of fullPath) for (let j = 0; j < b.length; j++) if (b[j] !== 0 && !entryOrder.includes(names[j])) entryOrder.push(names[j]);
  return { names, mean: full.mean, sd: full.sd, path, lambdaMin: lambdas[iMin], lambda1se: lambdas[i1], at1se: describe(fullPath[i1]), atMin: describe(fullPath[iMin]), entryOrder, folds: folds.length };
}

/** Mid-ranks (1-based) of values, ties averaged; also Σ(t³ − t) over tie groups. */
export function ranks(values: readonly number[]): { r: number[]; tieSum: number } {
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const r = new Array<number>(values.length);
  let tieSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && values[idx[j + 1]] === values[idx[i]]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = mid;
    const t = j - i + 1;
    tieSum += t ** 3 - t;
    i = j + 1;
  }
  return { r, tieSum };
}

export interface MannWhitneyResult {
  /** U of sample a (the number of pairs with a > b, ties counting ½) */
  u: number;
  na: number;
  nb: number;
  z: number;
  /** two-sided p (normal approximation with tie correction, no continuity correction) */
  p: number;
  /** P(a < b) + ½P(a = b): the common-language effect size for "a lower than b" */
  probALower: number;
}

export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const na = a.length, nb = b.length;
  if (na === 0 || nb === 0) throw new RangeError('mann-whitney: both samples need at least one value');
  const { r, tieSum } = ranks([...a, ...b]);
  const ra = r.slice(0, na).reduce((s, v) => s + v, 0);
  const u = ra - (na * (na + 1)) / 2;
  const n = na + nb;
  const mu = (na * nb) / 2;
  const sigma = Math.sqrt(((na * nb) / 12) * (n + 1 - tieSum / (n * (n - 1))));
  const z = sigma > 0 ? (u - mu) / sigma : 0;
  return { u, na, nb, z, p: sigma > 0 ? twoSided(z) : 1, probALower: 1 - u / (na * nb) };
}

/** Spearman's rank correlation with a two-sided p from z = ρ·sqrt(n − 1) (normal approximation). */
export function spearman(x: readonly number[], y: readonly number[]): { rho: number; p: number; n: number } {
  const rx = ranks(x).r, ry = ranks(y).r;
  const n = x.length;
  const m = (n + 1) / 2;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - m) * (ry[i] - m);
    sxx += (rx[i] - m) ** 2;
    syy += (ry[i] - m) ** 2;
  }
  const rho = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
  return { rho, p: twoSided(rho * Math.sqrt(n - 1)), n };
}
