// Ridge regression for real-valued targets (time-series readouts), on the Cholesky code the
// classification ridge uses: with Z = [X, 1] (a bias column),
//   (ZᵀZ + λ·D) [W; b] = ZᵀY,   D = diag(1, …, 1, 0)   (the bias is not regularised).
// λ = rel · trace(XᵀX)/f, rel chosen from a grid by the MSE on a held-out tail of the training
// rows (the last `validation` share, in time order: no shuffling of a time series), then refitted
// on all training rows.
import { cholesky, choleskySolve } from './cholesky.js';
import { gramMatrix } from '../analysis/linalg.js';

export const DEFAULT_REGRESSION_GRID: readonly number[] = [1e-9, 1e-7, 1e-5, 1e-3, 1e-1, 10];

/** The sufficient statistics ZᵀZ ((f+1)², full) and ZᵀY ((f+1) × q) of a block of rows. */
export interface RegressionGram {
  f: number;
  q: number;
  rows: number;
  G: Float64Array;
  R: Float64Array;
}

/** Z = [X, 1] for rows [from, to), transposed: (f+1) × rows, row-major (a feature per row). */
function transposedDesign(X: ArrayLike<number>, f: number, from: number, to: number): Float64Array {
  const n = to - from;
  const Zt = new Float64Array((f + 1) * n);
  for (let r = 0; r < n; r++) {
    const o = (from + r) * f;
    for (let a = 0; a < f; a++) Zt[a * n + r] = X[o + a];
    Zt[f * n + r] = 1;
  }
  return Zt;
}

/** ZᵀZ of rows [from, to) (the blocked Gram kernel of the analysis code, on Zᵀ) and Zᵀ itself. */
function featureGram(X: ArrayLike<number>, f: number, from: number, to: number): { G: Float64Array; Zt: Float64Array } {
  const Zt = transposedDesign(X, f, from, to);
  const idx = new Int32Array(f + 1).map((_, i) => i);
  return { G: gramMatrix(Zt, to - from, idx).G, Zt };
}

/** ZᵀY for Zᵀ ((f+1) × n) and rows [from, from + n) of Y (rows × q). */
function crossProduct(Zt: Float64Array, f: number, n: number, Y: ArrayLike<number>, q: number, from: number): Float64Array {
  const R = new Float64Array((f + 1) * q);
  for (let a = 0; a <= f; a++)
    for (let c = 0; c < q; c++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += Zt[a * n + r] * Y[(from + r) * q + c];
      R[a * q + c] = s;
    }
  return R;
}

/** Gram of rows [from, to) of X (rows × f, row-major) and Y (rows × q). */
export function regressionGram(X: ArrayLike<number>, f: number, Y: ArrayLike<number>, q: number, from: number, to: number): RegressionGram {
  const { G, Zt } = featureGram(X, f, from, to);
  return { f, q, rows: to - from, G, R: crossProduct(Zt, f, to - from, Y, q, from) };
}

export function addGrams(a: RegressionGram, b: RegressionGram): RegressionGram {
  const G = Float64Array.from(a.G);
  const R = Float64Array.from(a.R);
  for (let k = 0; k < G.length; k++) G[k] += b.G[k];
  for (let k = 0; k < R.length; k++) R[k] += b.R[k];
  return { f: a.f, q: a.q, rows: a.rows + b.rows, G, R };
}

/** trace(XᵀX)/f: the unit of the relative λ (1 when f = 0). */
export function gramScale(g: RegressionGram): number {
  if (g.f === 0) return 1;
  let t = 0;
  for (let a = 0; a < g.f; a++) t += g.G[a * (g.f + 1) + a];
  return t / g.f || 1;
}

/** [W; b] ((f+1) × q, the bias in the last row) for an absolute λ; null if not positive definite. */
export function ridgeSolve(g: RegressionGram, lambda: number): Float64Array | null {
  const m = g.f + 1;
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) L[i * m + j] = g.G[i * m + j];
    if (i < g.f) L[i * m + i] += lambda;
  }
  if (!cholesky(L, m)) return null;
  const out = new Float64Array(m * g.q);
  choleskySolve(L, m, g.R, out, g.q);
  return out;
}

/** Predictions for rows [from, to) of X: (to − from) × q. */
export function ridgePredict(Wb: Float64Array, X: ArrayLike<number>, f: number, q: number, from: number, to: number): Float64Array {
  const out = new Float64Array((to - from) * q);
  for (let r = from; r < to; r++) {
    const o = (r - from) * q;
    for (let c = 0; c < q; c++) out[o + c] = Wb[f * q + c];
    for (let a = 0; a < f; a++) {
      const x = X[r * f + a];
      if (x === 0) continue;
      for (let c = 0; c < q; c++) out[o + c] += x * Wb[a * q + c];
    }
  }
  return out;
}

export interface RegressionFit {
  /** [W; b], (f+1) × q, fitted on all training rows */
  Wb: Float64Array;
  lambda: number;
  relLambda: number;
  /** held-out MSE per grid value (NaN where the factorisation failed) */
  grid: Array<{ rel: number; validationMse: number }>;
  validationRows: number;
}

/**
 * A ridge problem on fixed features: the Gram matrices of the fitting rows [0, n − nVal) and the
 * held-out rows [n − nVal, n) are computed once, so several targets (horizons) cost one Gram.
 */
export class RidgeRegressionProblem {
  readonly nVal: number;
  readonly nFit: number;
  private readonly fitPart: { G: Float64Array; Zt: Float64Array };
  private readonly valPart: { G: Float64Array; Zt: Float64Array };

  constructor(readonly X: ArrayLike<number>, readonly f: number, readonly n: number, readonly validation = 0.2) {
    if (!(validation > 0 && validation < 1)) throw new RangeError(`ridge regression: validation share must be in (0, 1), got ${validation}`);
    this.nVal = Math.max(1, Math.round(validation * n));
    this.nFit = n - this.nVal;
    if (this.nFit < 1) throw new RangeError(`ridge regression: ${n} rows are too few to hold out ${this.nVal}`);
    this.fitPart = featureGram(X, f, 0, this.nFit);
    this.valPart = featureGram(X, f, this.nFit, n);
  }

  /** Fit Y (rows × q; rows [0, n) used) with λ chosen on the held-out rows, then refit on all n. */
  fit(Y: ArrayLike<number>, q: number, grid: readonly number[] = DEFAULT_REGRESSION_GRID): RegressionFit {
    if (grid.length === 0 || grid.some((r) => !(r > 0))) throw new RangeError(`ridge regression: the λ grid must hold values > 0, got ${grid.join(',')}`);
    const { X, f, n, nFit } = this;
    const gFit: RegressionGram = { f, q, rows: nFit, G: this.fitPart.G, R: crossProduct(this.fitPart.Zt, f, nFit, Y, q, 0) };
    const gVal: RegressionGram = { f, q, rows: this.nVal, G: this.valPart.G, R: crossProduct(this.valPart.Zt, f, this.nVal, Y, q, nFit) };
    const scale = gramScale(gFit);
    let best = -1;
    let bestMse = Infinity;
    const tried: RegressionFit['grid'] = [];
    for (const rel of grid) {
      const Wb = ridgeSolve(gFit, rel * scale);
      let mse = NaN;
      if (Wb) {
        const p = ridgePredict(Wb, X, f, q, nFit, n);
        let s = 0;
        for (let k = 0; k < p.length; k++) s += (p[k] - Y[nFit * q + k]) ** 2;
        mse = s / p.length;
        if (mse < bestMse) {
          bestMse = mse;
          best = rel;
        }
      }
      tried.push({ rel, validationMse: mse });
    }
    if (best < 0) throw new Error('ridge regression: the normal equations were singular for every λ in the grid');
    const all = addGrams(gFit, gVal);
    const lambda = best * gramScale(all);
    const Wb = ridgeSolve(all, lambda);
    if (!Wb) throw new Error(`ridge regression: refit on all rows failed at λ = ${lambda}`);
    return { Wb, lambda, relLambda: best, grid: tried, validationRows: this.nVal };
  }
}
