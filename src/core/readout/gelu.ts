// GELU as PyTorch's default (the exact form x·Φ(x)), with an erf accurate to ~1e-14.

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erfc(a) for a ≥ 0: 1 − Maclaurin series below 2, the continued fraction (80 terms, relative accuracy) from 2. */
function erfcPos(a: number): number {
  if (a < 2) {
    // erf a = 2/√π Σ (−1)^n a^(2n+1) / (n! (2n+1))
    const a2 = a * a;
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= -a2 / n;
      const d = term / (2 * n + 1);
      sum += d;
      if (Math.abs(d) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - TWO_OVER_SQRT_PI * sum;
  }
  // erfc a = e^{−a²}/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))), by backward recurrence
  let f = a;
  for (let k = 80; k >= 1; k--) f = a + k / 2 / f;
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
}

export function erf(x: number): number {
  return Math.sign(x) * (1 - erfcPos(Math.abs(x)));
}

const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Φ(x) = (1 + erf(x/√2))/2, via erfc on the negative side so the tail keeps its relative accuracy. */
function normalCdf(x: number): number {
  return x < 0 ? 0.5 * erfcPos(-x * INV_SQRT2) : 1 - 0.5 * erfcPos(x * INV_SQRT2);
}

export function gelu(x: number): number {
  return x * normalCdf(x);
}

/** d gelu / dx = Φ(x) + x φ(x) */
export function geluGrad(x: number): number {
  return normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
