// Cholesky factorisation and solve (dense, row-major), for the ridge readout.
// The wasm backend runs the same factorisation in SIMD (wasm.ts `cholesky`), bit for bit.

/**
 * In-place Cholesky factorisation A = L L^T of a symmetric positive definite matrix given by
 * its lower triangle (row-major m x m); the lower triangle is overwritten by L. Returns false
 * on a non-positive pivot (not positive definite to working precision).
 */
export function cholesky(A: Float64Array, m: number): boolean {
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    for (let j = 0; j <= i; j++) {
      const rj = j * m;
      // s = A[i][j] - sum_{k<j} L[i][k] L[j][k]: partial sums by k mod 4, the tail into s0,
      // combined as (s0 + s2) + (s1 + s3) -- exactly the order of the wasm kernel
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s0 += A[ri + k] * A[rj + k];
        s1 += A[ri + k + 1] * A[rj + k + 1];
        s2 += A[ri + k + 2] * A[rj + k + 2];
        s3 += A[ri + k + 3] * A[rj + k + 3];
      }
      for (; k < j; k++) s0 += A[ri + k] * A[rj + k];
      const s = A[ri + j] - (s0 + s2 + (s1 + s3));
      if (i === j) {
        if (!(s > 0)) return false;
        A[ri + i] = Math.sqrt(s);
      } else {
        A[ri + j] = s / A[rj + j];
      }
    }
  }
  return true;
}

/** Solve L L^T X = B for q right-hand sides (B, X row-major m x q; X may not alias B). */
export function choleskySolve(L: Float64Array, m: number, B: Float64Array, X: Float64Array, q: number): void {
  X.set(B.subarray(0, m * q));
  // forward: L y = b
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    for (let k = 0; k < i; k++) {
      const l = L[ri + k];
      if (l === 0) continue;
      for (let c = 0; c < q; c++) X[i * q + c] -= l * X[k * q + c];
    }
    const inv = 1 / L[ri + i];
    for (let c = 0; c < q; c++) X[i * q + c] *= inv;
  }
  // backward: L^T x = y
  for (let i = m - 1; i >= 0; i--) {
    const ri = i * m;
    const inv = 1 / L[ri + i];
    for (let c = 0; c < q; c++) X[i * q + c] *= inv;
    for (let k = 0; k < i; k++) {
      const l = L[ri + k];
      if (l === 0) continue;
      for (let c = 0; c < q; c++) X[k * q + c] -= l * X[i * q + c];
    }
  }
}
