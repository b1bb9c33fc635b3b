// GELU as PyTorch's default (the exact form x·Φ(x)), with an erf accurate to ~1e-14.

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x): Maclaurin series for |x| < 3, continued fraction for erfc beyond. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    // erf x = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    const x2 = a * a;
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const d = term / (2 * n + 1);
      sum += d;
      if (Math.abs(d) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * TWO_OVER_SQRT_PI * sum;
  }
  // erfc a = e^{−a²}/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))), by backward recurrence
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * INV_SQRT2));
}

/** d gelu / dx = Φ(x) + x φ(x) */
export function geluGrad(x: number): number {
  return 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
