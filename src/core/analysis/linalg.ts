// Dense symmetric linear algebra for the kernel-quality rank (float64, row-major n×n):
//   - Gram matrices of selected rows of a count matrix;
//   - all eigenvalues: Householder tridiagonalisation, then implicit QL with Wilkinson-type shifts;
//   - the largest eigenvalue: Lanczos with full reorthogonalisation;
//   - the number of eigenvalues above a threshold τ from the inertia of A − τI (Sylvester's law of
//     inertia), by a symmetric-indefinite LDLᵀ with Bunch–Kaufman pivoting: n³/3 flops instead of
//     the tridiagonalisation's 4n³/3, and exact in the same sense as the eigenvalues (backward stable).
// Written for this project; no external code.

const EPS = 2 ** -52;

/**
 * G = X_S X_Sᵀ for the rows S = idx of X (rows × cols, row-major), i.e. the k×k Gram matrix of the
 * selected samples, or, with `features` true, X_Sᵀ X_S (cols×cols). Integer inputs give exact
 * integer Gram entries (below 2^53).
 */
export function gramMatrix(X: ArrayLike<number>, cols: number, idx: ArrayLike<number>, features = false, out?: Float64Array): { G: Float64Array; n: number } {
  const k = idx.length;
  if (!features) {
    // rows of the selection as a dense float64 block, then a 4×1-blocked lower-triangle product
    const R = new Float64Array(k * cols);
    for (let a = 0; a < k; a++) {
      const o = idx[a] * cols;
      const r = a * cols;
      for (let j = 0; j < cols; j++) R[r + j] = X[o + j];
    }
    const G = out && out.length >= k * k ? out : new Float64Array(k * k);
    let a = 0;
    for (; a + 3 < k; a += 4) {
      const r0 = a * cols;
      const r1 = r0 + cols;
      const r2 = r1 + cols;
      const r3 = r2 + cols;
      for (let b = 0; b <= a + 3; b++) {
        const rb = b * cols;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < cols; j++) {
          const v = R[rb + j];
          s0 += R[r0 + j] * v;
          s1 += R[r1 + j] * v;
          s2 += R[r2 + j] * v;
          s3 += R[r3 + j] * v;
        }
        if (b <= a) G[a * k + b] = s0;
        if (b <= a + 1) G[(a + 1) * k + b] = s1;
        if (b <= a + 2) G[(a + 2) * k + b] = s2;
        G[(a + 3) * k + b] = s3;
      }
    }
    for (; a < k; a++) {
      const ra = a * cols;
      for (let b = 0; b <= a; b++) {
        const rb = b * cols;
        let s = 0;
        for (let j = 0; j < cols; j++) s += R[ra + j] * R[rb + j];
        G[a * k + b] = s;
      }
    }
    symmetrise(G, k);
    return { G, n: k };
  }
  // feature Gram: accumulate outer products of the selected rows (lower triangle), cols×cols
  const n = cols;
  const G = out && out.length >= n * n ? out : new Float64Array(n * n);
  G.fill(0, 0, n * n);
  const x = new Float64Array(n);
  for (let a = 0; a < k; a++) {
    const o = idx[a] * cols;
    for (let j = 0; j < n; j++) x[j] = X[o + j];
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      const r = i * n;
      for (let j = 0; j <= i; j++) G[r + j] += xi * x[j];
    }
  }
  symmetrise(G, n);
  return { G, n };
}

/** Copy the lower triangle onto the upper one. */
export function symmetrise(A: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j];
}

/**
 * All eigenvalues of the symmetric matrix A (n×n, row-major; only the lower triangle is read;
 * A is overwritten), in ascending order.
 */
export function symmetricEigenvalues(A: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalise(A, n, d, e);
  tridiagonalEigenvalues(d, e, n);
  return d.sort();
}

/**
 * Householder reduction of the lower triangle of A to tridiagonal form: diagonal d[0..n),
 * sub-diagonal e[0..n−1) (e[i] couples i and i+1). A is overwritten.
 */
export function tridiagonalise(A: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    // x = A[k+1.., k]; reflect it onto a multiple of the first unit vector
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale += Math.abs(A[i * n + k]);
    if (scale === 0) {
      e[k] = 0;
      continue;
    }
    let sigma = 0;
    for (let i = k + 1; i < n; i++) {
      const xi = A[i * n + k] / scale;
      v[i] = xi;
      sigma += xi * xi;
    }
    const x0 = v[k + 1];
    const alpha = x0 >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma);
    e[k] = alpha * scale;
    v[k + 1] = x0 - alpha;
    // H = I − β v vᵀ with β = 2 / vᵀv; vᵀv = σ − x0² + (x0 − α)² = 2(σ − x0 α)
    const vtv = 2 * (sigma - x0 * alpha);
    if (vtv === 0) continue;
    const beta = 2 / vtv;
    // p = β A' v over the trailing block (lower triangle storage)
    const m0 = k + 1;
    for (let i = m0; i < n; i++) p[i] = 0;
    for (let i = m0; i < n; i++) {
      const r = i * n;
      const vi = v[i];
      let s = 0;
      for (let j = m0; j < i; j++) {
        const a = A[r + j];
        s += a * v[j];
        p[j] += a * vi;
      }
      p[i] += s + A[r + i] * vi;
    }
    let pv = 0;
    for (let i = m0; i < n; i++) {
      p[i] *= beta;
      pv += p[i] * v[i];
    }
    // w = p − (β/2)(pᵀv) v ; A' ← A' − v wᵀ − w vᵀ
    const h = 0.5 * beta * pv;
    for (let i = m0; i < n; i++) p[i] -= h * v[i];
    for (let i = m0; i < n; i++) {
      const r = i * n;
      const vi = v[i];
      const wi = p[i];
      for (let j = m0; j <= i; j++) A[r + j] -= vi * p[j] + wi * v[j];
    }
  }
  for (let i = 0; i < n; i++) d[i] = A[i * n + i];
  if (n >= 2) e[n - 2] = A[(n - 1) * n + (n - 2)];
  e[n - 1] = 0;
}

/**
 * Eigenvalues of the symmetric tridiagonal (d, e) by the implicit QL method with shifts; d is
 * overwritten with them (unsorted), e is destroyed. e[i] couples i and i+1; e[n−1] is ignored.
 */
export function tridiagonalEigenvalues(d: Float64Array, e: Float64Array, n: number): void {
  if (n === 0) return;
  e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      // find a negligible off-diagonal element at or below l
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= EPS * dd) break;
      }
      if (m === l) break;
      if (++iter > 200) throw new Error('tridiagonal eigenvalues: no convergence after 200 iterations');
      // shift from the leading 2×2 block
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * The largest eigenvalue of the symmetric positive semi-definite A (full storage) by Lanczos with
 * full reorthogonalisation, to about machine precision (the Ritz value converges from below).
 */
export function largestEigenvalue(A: Float64Array, n: number, maxSteps = Math.min(n, 300)): number {
  if (n === 0) return 0;
  if (n === 1) return A[0];
  const steps = Math.min(maxSteps, n);
  const Q = new Float64Array(steps * n);
  const alpha = new Float64Array(steps);
  const beta = new Float64Array(steps);
  const w = new Float64Array(n);
  // a fixed start vector with all components non-zero (deterministic)
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const x = 1 + ((i * 0.6180339887498949) % 1);
    Q[i] = x;
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) Q[i] /= norm;
  let theta = -Infinity;
  let stable = 0;
  const d = new Float64Array(steps);
  const e = new Float64Array(steps);
  for (let j = 0; j < steps; j++) {
    const q = j * n;
    for (let i = 0; i < n; i++) {
      const r = i * n;
      let s = 0;
      for (let c = 0; c < n; c++) s += A[r + c] * Q[q + c];
      w[i] = s;
    }
    let a = 0;
    for (let i = 0; i < n; i++) a += w[i] * Q[q + i];
    alpha[j] = a;
    // full reorthogonalisation, twice (classical Gram–Schmidt, "twice is enough")
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k <= j; k++) {
        const o = k * n;
        let h = 0;
        for (let i = 0; i < n; i++) h += Q[o + i] * w[i];
        for (let i = 0; i < n; i++) w[i] -= h * Q[o + i];
      }
    }
    let b = 0;
    for (let i = 0; i < n; i++) b += w[i] * w[i];
    b = Math.sqrt(b);
    beta[j] = b;
    // Ritz values of T_{j+1}
    for (let k = 0; k <= j; k++) {
      d[k] = alpha[k];
      e[k] = k < j ? beta[k] : 0;
    }
    tridiagonalEigenvalues(d, e, j + 1);
    let top = -Infinity;
    for (let k = 0; k <= j; k++) if (d[k] > top) top = d[k];
    const change = Math.abs(top - theta);
    theta = top;
    if (change <= 4 * EPS * Math.abs(top)) stable++;
    else stable = 0;
    if (stable >= 2 || b <= EPS * Math.abs(top) * n || j + 1 === steps) break;
    const qn = (j + 1) * n;
    for (let i = 0; i < n; i++) Q[qn + i] = w[i] / b;
  }
  return theta;
}

/** Bunch–Kaufman's α = (1 + √17)/8: bounds element growth of the symmetric-indefinite LDLᵀ. */
const BK_ALPHA = (1 + Math.sqrt(17)) / 8;

export interface Inertia {
  positive: number;
  negative: number;
  zero: number;
}

/**
 * Inertia of the symmetric matrix A − τI (lower triangle of A read; A is overwritten): by
 * Sylvester's law of inertia, `positive` is the number of eigenvalues of A above τ. LDLᵀ with
 * Bunch–Kaufman partial pivoting (1×1 and 2×2 pivots; a 2×2 pivot always has one eigenvalue of
 * each sign); only D is kept.
 */
export function inertiaUnblocked(A: Float64Array, n: number, tau = 0): Inertia {
  if (tau !== 0) for (let i = 0; i < n; i++) A[i * n + i] -= tau;
  const res: Inertia = { positive: 0, negative: 0, zero: 0 };
  const l0 = new Float64Array(n);
  const l1 = new Float64Array(n);
  let k = 0;
  while (k < n) {
    const kk = k * n + k;
    const absakk = Math.abs(A[kk]);
    let imax = k;
    let colmax = 0;
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(A[i * n + k]);
      if (v > colmax) {
        colmax = v;
        imax = i;
      }
    }
    if (absakk === 0 && colmax === 0) {
      res.zero++;
      k++;
      continue;
    }
    let size = 1;
    let kp = k;
    if (absakk < BK_ALPHA * colmax) {
      // rowmax: largest off-diagonal magnitude in row/column imax of the trailing block
      let rowmax = 0;
      for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, Math.abs(A[imax * n + j]));
      for (let i = imax + 1; i < n; i++) rowmax = Math.max(rowmax, Math.abs(A[i * n + imax]));
      if (absakk >= BK_ALPHA * colmax * (colmax / rowmax)) {
        kp = k;
      } else if (Math.abs(A[imax * n + imax]) >= BK_ALPHA * rowmax) {
        kp = imax;
      } else {
        kp = imax;
        size = 2;
      }
    }
    const target = size === 1 ? k : k + 1;
    if (kp !== target) swapSymmetric(A, n, k, target, kp);
    if (size === 1) {
      const dk = A[kk];
      if (dk > 0) res.positive++;
      else if (dk < 0) res.negative++;
      else res.zero++;
      // trailing update: A[i][j] −= A[i][k] A[j][k] / d for k < j ≤ i
      const inv = 1 / dk;
      for (let j = k + 1; j < n; j++) {
        const v = A[j * n + k];
        l0[j] = v;
        l1[j] = v * inv;
      }
      for (let i = k + 1; i < n; i++) {
        const a = l0[i];
        if (a === 0) continue;
        const r = i * n;
        for (let j = k + 1; j <= i; j++) A[r + j] -= a * l1[j];
      }
      k++;
    } else {
      // 2×2 pivot D = [[a, b], [b, c]], det < 0 by the pivot choice: one positive, one negative
      const a = A[kk];
      const b = A[(k + 1) * n + k];
      const c = A[(k + 1) * n + k + 1];
      const det = a * c - b * b;
      if (det < 0) {
        res.positive++;
        res.negative++;
      } else {
        // cannot happen in exact arithmetic; classify by the 2×2 block's own eigenvalues
        const tr = a + c;
        const sgn = (x: number): void => {
          if (x > 0) res.positive++;
          else if (x < 0) res.negative++;
          else res.zero++;
        };
        const disc = Math.sqrt(Math.max(0, ((a - c) / 2) ** 2 + b * b));
        sgn(tr / 2 + disc);
        sgn(tr / 2 - disc);
      }
      // A' −= [x y] D⁻¹ [x y]ᵀ with x = A[·][k], y = A[·][k+1]; D⁻¹ = [[c, −b], [−b, a]] / det
      const id = 1 / det;
      for (let j = k + 2; j < n; j++) {
        const x = A[j * n + k];
        const y = A[j * n + k + 1];
        // row vectors of [x y] D⁻¹
        l0[j] = (c * x - b * y) * id;
        l1[j] = (a * y - b * x) * id;
      }
      for (let i = k + 2; i < n; i++) {
        const r = i * n;
        const xi = A[r + k];
        const yi = A[r + k + 1];
        for (let j = k + 2; j <= i; j++) A[r + j] -= xi * l0[j] + yi * l1[j];
      }
      k += 2;
    }
  }
  return res;
}

/**
 * The same inertia with delayed (blocked) updates, as LAPACK's dsytrf/dlasyf: up to `block` pivot
 * terms are kept as vector pairs (true A = stored A − Σ_c U_c V_cᵀ), the columns the pivot search
 * needs are formed on the fly, and the trailing block is updated once per panel, which streams
 * the matrix through memory `block`/2 times less often. Same pivots and same result as
 * inertiaUnblocked up to rounding.
 */
export function inertia(A: Float64Array, n: number, tau = 0, block = 32): Inertia {
  if (tau !== 0) for (let i = 0; i < n; i++) A[i * n + i] -= tau;
  const res: Inertia = { positive: 0, negative: 0, zero: 0 };
  const b = Math.max(2, block);
  const U = new Float64Array(b * n);
  const V = new Float64Array(b * n);
  const c0 = new Float64Array(n);
  const c1 = new Float64Array(n);
  let m = 0;
  let k = 0;
  // true column j over rows [k, n)
  const trueCol = (j: number, out: Float64Array): void => {
    for (let i = k; i < j; i++) out[i] = A[j * n + i];
    for (let i = j; i < n; i++) out[i] = A[i * n + j];
    for (let c = 0; c < m; c++) {
      const o = c * n;
      const vj = V[o + j];
      if (vj === 0) continue;
      for (let i = k; i < n; i++) out[i] -= U[o + i] * vj;
    }
  };
  const flush = (): void => {
    if (m === 0) return;
    // row by row (the row stays in cache across the terms), four terms per sweep of the row
    for (let i = k; i < n; i++) {
      const r = i * n;
      let c = 0;
      for (; c + 3 < m; c += 4) {
        const o0 = c * n;
        const o1 = o0 + n;
        const o2 = o1 + n;
        const o3 = o2 + n;
        const a0 = U[o0 + i];
        const a1 = U[o1 + i];
        const a2 = U[o2 + i];
        const a3 = U[o3 + i];
        for (let j = k; j <= i; j++) A[r + j] -= a0 * V[o0 + j] + a1 * V[o1 + j] + a2 * V[o2 + j] + a3 * V[o3 + j];
      }
      for (; c < m; c++) {
        const o = c * n;
        const a = U[o + i];
        if (a === 0) continue;
        for (let j = k; j <= i; j++) A[r + j] -= a * V[o + j];
      }
    }
    m = 0;
  };
  while (k < n) {
    if (m > b - 2) flush();
    trueCol(k, c0);
    const absakk = Math.abs(c0[k]);
    let imax = k;
    let colmax = 0;
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(c0[i]);
      if (v > colmax) {
        colmax = v;
        imax = i;
      }
    }
    if (absakk === 0 && colmax === 0) {
      res.zero++;
      k++;
      continue;
    }
    let size = 1;
    let kp = k;
    if (absakk < BK_ALPHA * colmax) {
      trueCol(imax, c1);
      let rowmax = 0;
      for (let i = k; i < n; i++) if (i !== imax) rowmax = Math.max(rowmax, Math.abs(c1[i]));
      if (absakk >= BK_ALPHA * colmax * (colmax / rowmax)) {
        kp = k;
      } else if (Math.abs(c1[imax]) >= BK_ALPHA * rowmax) {
        kp = imax;
      } else {
        kp = imax;
        size = 2;
      }
    }
    const target = size === 1 ? k : k + 1;
    if (kp !== target) {
      swapSymmetric(A, n, k, target, kp);
      for (let c = 0; c < m; c++) {
        const o = c * n;
        let t = U[o + target];
        U[o + target] = U[o + kp];
        U[o + kp] = t;
        t = V[o + target];
        V[o + target] = V[o + kp];
        V[o + kp] = t;
      }
      trueCol(k, c0);
    }
    if (size === 1) {
      const dk = c0[k];
      if (dk > 0) res.positive++;
      else if (dk < 0) res.negative++;
      else res.zero++;
      const inv = 1 / dk;
      const o = m * n;
      U[o + k] = 0;
      V[o + k] = 0;
      for (let i = k + 1; i < n; i++) {
        U[o + i] = c0[i];
        V[o + i] = c0[i] * inv;
      }
      m++;
      k++;
    } else {
      trueCol(k + 1, c1);
      const a = c0[k];
      const bb = c0[k + 1];
      const c = c1[k + 1];
      const det = a * c - bb * bb;
      if (det < 0) {
        res.positive++;
        res.negative++;
      } else {
        const tr = a + c;
        const disc = Math.sqrt(Math.max(0, ((a - c) / 2) ** 2 + bb * bb));
        for (const x of [tr / 2 + disc, tr / 2 - disc]) {
          if (x > 0) res.positive++;
          else if (x < 0) res.negative++;
          else res.zero++;
        }
      }
      const id = 1 / det;
      const o0 = m * n;
      const o1 = o0 + n;
      for (const o of [o0, o1]) {
        U[o + k] = U[o + k + 1] = 0;
        V[o + k] = V[o + k + 1] = 0;
      }
      for (let i = k + 2; i < n; i++) {
        const x = c0[i];
        const y = c1[i];
        U[o0 + i] = x;
        U[o1 + i] = y;
        V[o0 + i] = (c * x - bb * y) * id;
        V[o1 + i] = (a * y - bb * x) * id;
      }
      m += 2;
      k += 2;
    }
  }
  return res;
}

/** Symmetric interchange of indices p < q in the trailing block [k, n) (lower-triangle storage). */
function swapSymmetric(A: Float64Array, n: number, k: number, p: number, q: number): void {
  if (p > q) {
    const t = p;
    p = q;
    q = t;
  }
  const sw = (x: number, y: number): void => {
    const t = A[x];
    A[x] = A[y];
    A[y] = t;
  };
  sw(p * n + p, q * n + q);
  for (let j = k; j < p; j++) sw(p * n + j, q * n + j);
  for (let j = p + 1; j < q; j++) sw(j * n + p, q * n + j);
  for (let i = q + 1; i < n; i++) sw(i * n + p, i * n + q);
}
