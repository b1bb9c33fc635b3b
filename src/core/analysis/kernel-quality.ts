// Kernel quality (spec §8.3, notes item 2): the separation property SP and the generalisation
// property AP are mean matrix ranks of NL × k spike-count matrices, k = 100 samples per class
// (1,000 for 10 classes), over S random draws ("shuffles", 1,000 in the original); SP uses the
// test split's counts, AP the counts of the same split's images with noise added.
//
// Rank as numpy.linalg.matrix_rank(float32 matrix): singular values computed in float64, rounded to
// float32, counted above tol = fround(σ_max) · max(M, N) · 2^−23. We work with the Gram matrix of the
// smaller side (exact: integer counts give integer Gram entries), whose eigenvalues are σ², in
// one of two ways:
//   'inertia' (default): σ_max from Lanczos, then the number of eigenvalues above the threshold
//             τ (the σ² at which fround(σ) first exceeds tol) from the inertia of G − τI by a
//             Bunch–Kaufman LDLᵀ (Sylvester's law of inertia). Same count as 'eigen' except for an
//             eigenvalue within float64 round-off (~1e−13·σ_max²) of τ ≈ 1.4e−8·σ_max².
//   'eigen':  all eigenvalues (Householder tridiagonalisation + implicit QL): 4× the flops of the
//             LDLᵀ, but it returns the singular values too.
// A pivoted Cholesky with the same threshold was not used: its stopping rule bounds the remaining
// eigenvalues only up to a factor of the dimension, and with 1,000 × 1,000 count matrices the
// smallest singular values sit close to the tolerance, so it would not reproduce numpy's count.
//
// Cost at NL = 1,000, k = 1,000 (one core of a shared, loaded 2-core machine, Node 20): the
// per-shuffle Gram product (k²·NL/2 multiply-adds) ≈ 0.5 s; the rank from it ≈ 0.4 s ('inertia':
// Lanczos + blocked LDLᵀ) or ≈ 1.5 s ('eigen'). With the split's Gram matrix precomputed once
// (planShuffles, automatic when it pays: ≈ 2 s for 2,000 samples, ≈ 45 s for 10,000, 200 MB as
// float32) a shuffle is a gather plus the rank: ≈ 0.45 s, so the original's 1,000 shuffles take
// ≈ 8 min per property on one core. Shuffles are independent (a draw depends only on
// (seed, shuffle index)), so ranges run in parallel (pipeline/kq-pool.ts) and give identical ranks.
import { Rng } from '../rng.js';
import { gramMatrix, inertia, largestEigenvalue, symmetricEigenvalues } from './linalg.js';

export type RankMethod = 'inertia' | 'eigen';
export const RANK_METHODS: readonly RankMethod[] = ['inertia', 'eigen'];

/** float32 machine epsilon, numpy's finfo(float32).eps. */
export const FLOAT32_EPS = 2 ** -23;

export interface RankResult {
  rank: number;
  /** fround(σ_max) */
  sigmaMax: number;
  /** fround(σ_max) · max(M, N) · 2^−23 */
  tol: number;
  method: RankMethod;
  /** descending, float32-rounded (method 'eigen' only) */
  singularValues?: Float64Array;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 neighbours of a positive float32 value. */
function nextUp32(x: number): number {
  f32[0] = x;
  u32[0] += 1;
  return f32[0];
}
function nextDown32(x: number): number {
  f32[0] = x;
  u32[0] -= 1;
  return f32[0];
}

/** numpy's default matrix_rank tolerance for a float32 M×N matrix whose largest singular value is σ_max. */
export function rankTolerance(sigmaMax: number, maxDim: number): number {
  return Math.fround(sigmaMax) * maxDim * FLOAT32_EPS;
}

/**
 * The smallest σ² such that fround(σ) > tol (up to the half-way tie): singular values at or above
 * its square root round to a float32 above tol.
 */
export function eigenThreshold(tol: number): number {
  if (!(tol > 0)) return 0;
  let f = Math.fround(tol);
  if (f <= tol) f = nextUp32(f);
  const below = nextDown32(f);
  const s = (f + below) / 2;
  return s * s;
}

/**
 * Rank of a matrix from its Gram matrix G (n×n, full storage, destroyed), G = AᵀA or AAᵀ of an
 * M×N matrix A with max(M, N) = maxDim.
 */
export function rankFromGram(G: Float64Array, n: number, maxDim: number, method: RankMethod = 'inertia'): RankResult {
  if (method === 'eigen') {
    const lam = symmetricEigenvalues(G, n);
    const sv = new Float64Array(n);
    for (let i = 0; i < n; i++) sv[i] = Math.fround(Math.sqrt(Math.max(0, lam[n - 1 - i])));
    const sigmaMax = n > 0 ? sv[0] : 0;
    const tol = rankTolerance(sigmaMax, maxDim);
    let rank = 0;
    for (let i = 0; i < n; i++) if (sv[i] > tol) rank++;
    return { rank, sigmaMax, tol, method, singularValues: sv };
  }
  const lmax = largestEigenvalue(G, n);
  if (!(lmax > 0)) return { rank: 0, sigmaMax: 0, tol: 0, method };
  const sigmaMax = Math.fround(Math.sqrt(lmax));
  const tol = rankTolerance(sigmaMax, maxDim);
  const tau = eigenThreshold(tol);
  const { positive } = inertia(G, n, tau);
  return { rank: positive, sigmaMax, tol, method };
}

/**
 * Rank of the rows `idx` of X (row-major, `cols` columns) as a matrix: numpy's
 * matrix_rank(X[idx].T) (or of X itself when idx is omitted). Uses the Gram matrix of the smaller side.
 */
export function matrixRank(X: ArrayLike<number>, rows: number, cols: number, opts: { idx?: ArrayLike<number>; method?: RankMethod } = {}): RankResult {
  const idx = opts.idx ?? Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < idx.length; i++) if (!(idx[i] >= 0 && idx[i] < rows)) throw new Error(`matrix rank: row ${idx[i]} is outside 0..${rows - 1}`);
  if (X.length < rows * cols) throw new Error(`matrix rank: ${X.length} values for ${rows} × ${cols}`);
  const k = idx.length;
  const features = cols < k;
  const { G, n } = gramMatrix(X, cols, idx, features);
  return rankFromGram(G, n, Math.max(k, cols), opts.method ?? 'inertia');
}

/**
 * One shuffle's draw (spec §8.3): for each class present, a random `perClass` of its samples
 * (the first perClass of a uniform random permutation of the class's indices). Keyed by
 * (seed, shuffle) only.
 */
export function drawPerClass(byClass: readonly Int32Array[], perClass: number, seed: number, shuffle: number): Int32Array {
  const rng = new Rng(seed, 'kernel-quality', shuffle);
  const out = new Int32Array(byClass.length * perClass);
  let o = 0;
  for (const members of byClass) {
    const a = members.slice();
    const m = a.length;
    if (m < perClass) throw new Error(`kernel quality: a class has ${m} samples, fewer than the ${perClass} per class asked for`);
    // partial Fisher–Yates: the first perClass entries of a uniform permutation
    for (let i = 0; i < perClass; i++) {
      const j = i + rng.int(m - i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
      out[o++] = a[i];
    }
  }
  return out;
}

/** Sample indices grouped by label, for classes 0..max label that have samples. */
export function classMembers(labels: ArrayLike<number>, n = labels.length): Int32Array[] {
  const lists = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    let a = lists.get(l);
    if (!a) lists.set(l, (a = []));
    a.push(i);
  }
  return [...lists.keys()].sort((x, y) => x - y).map((l) => Int32Array.from(lists.get(l)!));
}

/**
 * The Gram matrix of all n samples of a split (lower triangle, packed: entry (i, j ≤ i) at
 * i(i+1)/2 + j). Computed once (n²·NL/2 multiply-adds), it turns each shuffle's Gram product into a
 * gather. Float32 when every entry is an integer below 2^24 (exact), else float64.
 */
export interface SplitGram {
  n: number;
  data: Float32Array | Float64Array;
}

export function splitGram(counts: ArrayLike<number>, NL: number, n: number, onRows?: (done: number) => void, shared = false): SplitGram {
  // Cauchy–Schwarz: |G_ab| ≤ max_a ‖x_a‖², so float32 is exact when that is below 2^24 and counts are integers
  let maxSq = 0;
  let integers = true;
  for (let a = 0; a < n; a++) {
    let s = 0;
    const o = a * NL;
    for (let j = 0; j < NL; j++) {
      const v = counts[o + j];
      s += v * v;
      if (integers && v !== Math.floor(v)) integers = false;
    }
    if (s > maxSq) maxSq = s;
  }
  const size = (n * (n + 1)) / 2;
  const f32 = integers && maxSq < 2 ** 24;
  const bytes = size * (f32 ? 4 : 8);
  // SharedArrayBuffer (a JS global, not a Node module) lets worker threads read it without copies
  const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const data = f32 ? new Float32Array(buf) : new Float64Array(buf);
  // a float copy of the counts (float32 is exact for them; halves the memory of float64)
  const X = integers && maxSq < 2 ** 48 ? new Float32Array(n * NL) : new Float64Array(n * NL);
  for (let i = 0; i < n * NL; i++) X[i] = counts[i];
  let a = 0;
  for (; a + 3 < n; a += 4) {
    const r0 = a * NL;
    const r1 = r0 + NL;
    const r2 = r1 + NL;
    const r3 = r2 + NL;
    const p0 = (a * (a + 1)) / 2;
    const p1 = p0 + a + 1;
    const p2 = p1 + a + 2;
    const p3 = p2 + a + 3;
    let b = 0;
    for (; b + 3 <= a; b += 4) {
      const q0 = b * NL;
      const q1 = q0 + NL;
      const q2 = q1 + NL;
      const q3 = q2 + NL;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let j = 0; j < NL; j++) {
        const x0 = X[r0 + j], x1 = X[r1 + j], x2 = X[r2 + j], x3 = X[r3 + j];
        const y0 = X[q0 + j], y1 = X[q1 + j], y2 = X[q2 + j], y3 = X[q3 + j];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      data[p0 + b] = s00; data[p0 + b + 1] = s01; data[p0 + b + 2] = s02; data[p0 + b + 3] = s03;
      data[p1 + b] = s10; data[p1 + b + 1] = s11; data[p1 + b + 2] = s12; data[p1 + b + 3] = s13;
      data[p2 + b] = s20; data[p2 + b + 1] = s21; data[p2 + b + 2] = s22; data[p2 + b + 3] = s23;
      data[p3 + b] = s30; data[p3 + b + 1] = s31; data[p3 + b + 2] = s32; data[p3 + b + 3] = s33;
    }
    // the 4×4 diagonal block (b = a here), lower part only
    for (let i = a; i < a + 4; i++) {
      const ri = i * NL;
      const pi = (i * (i + 1)) / 2;
      for (let jj = b; jj <= i; jj++) {
        const rj = jj * NL;
        let s = 0;
        for (let j = 0; j < NL; j++) s += X[ri + j] * X[rj + j];
        data[pi + jj] = s;
      }
    }
    onRows?.(a + 4);
  }
  for (; a < n; a++) {
    const ra = a * NL;
    const pa = (a * (a + 1)) / 2;
    for (let b = 0; b <= a; b++) {
      const rb = b * NL;
      let s = 0;
      for (let j = 0; j < NL; j++) s += X[ra + j] * X[rb + j];
      data[pa + b] = s;
    }
    onRows?.(a + 1);
  }
  return { n, data };
}

export interface PlanOptions {
  /** samples per class in each draw [100] */
  perClass?: number;
  seed?: number;
  method?: RankMethod;
  /** how many shuffles will run: decides whether the split's Gram matrix is worth precomputing */
  shuffles?: number;
  /** precompute the split's Gram matrix: 'auto' when n² < shuffles·k² and it fits in 2 GB ['auto'] */
  precompute?: boolean | 'auto';
  onGramRows?: (done: number, total: number) => void;
  /** put the precomputed Gram matrix in a SharedArrayBuffer (for worker threads) */
  shared?: boolean;
}

/** Everything a range of shuffles needs; its arrays may live in shared memory for worker threads. */
export interface ShufflePlan {
  counts: ArrayLike<number>;
  n: number;
  NL: number;
  byClass: Int32Array[];
  perClass: number;
  seed: number;
  method: RankMethod;
  /** columns of each matrix */
  k: number;
  /** the Gram matrix is NL×NL (fewer neurons than samples) instead of k×k */
  features: boolean;
  gram: SplitGram | null;
}

export function planShuffles(counts: ArrayLike<number>, labels: ArrayLike<number>, NL: number, o: PlanOptions = {}): ShufflePlan {
  const n = labels.length;
  if (!Number.isInteger(NL) || NL < 1) throw new Error(`kernel quality: NL must be a positive integer, got ${NL}`);
  if (counts.length !== n * NL) throw new Error(`kernel quality: ${counts.length} counts for ${n} samples × ${NL} neurons`);
  const perClass = o.perClass ?? 100;
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`kernel quality: samples per class must be a positive integer, got ${perClass}`);
  const byClass = classMembers(labels);
  const smallest = Math.min(...byClass.map((c) => c.length));
  if (smallest < perClass) throw new Error(`kernel quality: the smallest class has ${smallest} samples, fewer than the ${perClass} per class asked for`);
  const k = byClass.length * perClass;
  const features = NL < k;
  const S = o.shuffles ?? 1000;
  const auto = !features && n * n < S * k * k && n * (n + 1) * 4 <= 2 ** 31;
  const want = o.precompute === undefined || o.precompute === 'auto' ? auto : o.precompute && !features;
  const gram = want ? splitGram(counts, NL, n, o.onGramRows ? (d) => o.onGramRows!(d, n) : undefined, o.shared) : null;
  return { counts, n, NL, byClass, perClass, seed: o.seed ?? 1, method: o.method ?? 'inertia', k, features, gram };
}

/**
 * Ranks of shuffles [from, to). Pure and independent per shuffle (a draw depends only on
 * (seed, shuffle index)): ranges can run in parallel and be concatenated.
 */
export function shuffleRanks(plan: ShufflePlan, from: number, to: number, onShuffle?: (done: number) => void): Int32Array {
  const { NL, k, features, gram } = plan;
  const dim = features ? NL : k;
  const G = new Float64Array(dim * dim);
  const ranks = new Int32Array(Math.max(0, to - from));
  const maxDim = Math.max(NL, k);
  for (let s = from; s < to; s++) {
    const idx = drawPerClass(plan.byClass, plan.perClass, plan.seed, s);
    if (gram) {
      const P = gram.data;
      for (let a = 0; a < k; a++) {
        const ia = idx[a];
        const r = a * k;
        for (let b = 0; b <= a; b++) {
          const ib = idx[b];
          const v = ia >= ib ? P[(ia * (ia + 1)) / 2 + ib] : P[(ib * (ib + 1)) / 2 + ia];
          G[r + b] = v;
          G[b * k + a] = v;
        }
      }
    } else {
      gramMatrix(plan.counts, NL, idx, features, G);
    }
    ranks[s - from] = rankFromGram(G, dim, maxDim, plan.method).rank;
    onShuffle?.(s - from + 1);
  }
  return ranks;
}

export interface RankSummary {
  /** mean rank over shuffles: SP (clean counts) or AP (noisy counts) */
  mean: number;
  std: number;
  min: number;
  max: number;
  shuffles: number;
  perClass: number;
  /** columns of each matrix (perClass × classes) and its rows (NL) */
  k: number;
  NL: number;
}

export function summariseRanks(ranks: ArrayLike<number>, perClass: number, k: number, NL: number): RankSummary {
  let s = 0;
  let mn = Infinity;
  let mx = -Infinity;
  for (let i = 0; i < ranks.length; i++) {
    s += ranks[i];
    mn = Math.min(mn, ranks[i]);
    mx = Math.max(mx, ranks[i]);
  }
  const mean = ranks.length ? s / ranks.length : NaN;
  let v = 0;
  for (let i = 0; i < ranks.length; i++) v += (ranks[i] - mean) ** 2;
  return { mean, std: ranks.length ? Math.sqrt(v / ranks.length) : NaN, min: mn, max: mx, shuffles: ranks.length, perClass, k, NL };
}

/**
 * The spreadsheet's rescaling (xlsx sheet "Kernel quality", spec §8.3): min–max normalisation over
 * the paper's 80 entries (4 models × 2 datasets × 10 networks, NL = 1,000, k = 1,000):
 *   SPr = (SP − 558.096) / 436.363, APr = (AP − 127.499) / 865.785,
 *   diff = SPr − APr, KQ = (diff + 0.375889) / 0.440915.
 * Only meaningful for 1,000-neuron liquids and 100 samples × 10 classes.
 */
export const KQ_RESCALE = {
  spMin: 558.096,
  spRange: 436.363,
  apMin: 127.499,
  apRange: 865.785,
  diffMin: -0.375889,
  diffRange: 0.440915,
} as const;

export function kernelQualityScore(sp: number, ap: number): { spr: number; apr: number; diff: number; kq: number } {
  const c = KQ_RESCALE;
  const spr = (sp - c.spMin) / c.spRange;
  const apr = (ap - c.apMin) / c.apRange;
  const diff = spr - apr;
  return { spr, apr, diff, kq: (diff - c.diffMin) / c.diffRange };
}
