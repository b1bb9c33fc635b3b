// Summary statistics of a sweep: n, mean, sample sd, min, max; Student's t quantile (from the regularised
// incomplete beta function, evaluated by its continued fraction) for 95 % confidence intervals of means and
// of paired differences.

export interface Described {
  n: number;
  mean: number;
  /** sample standard deviation (n − 1); null for n < 2 */
  sd: number | null;
  min: number;
  max: number;
}

export function describe(xs: readonly number[]): Described | null {
  const n = xs.length;
  if (n === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const ss = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : null, min: Math.min(...xs), max: Math.max(...xs) };
}

function logGamma(x: number): number {
  // Lanczos (g = 7, 9 terms), accurate to ~1e-15 for x > 0
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = g[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t (0 < p < 1), by bisection on the CDF. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new Error(`tQuantile needs 0 < p < 1 and df > 0, got p = ${p}, df = ${df}`);
  let lo = -1e4, hi = 1e4;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface PairedDifference extends Described {
  /** the seeds both sides share, in order */
  seeds: number[];
  /** 95 % confidence interval of the mean difference (t with n − 1 df); null for n < 2 */
  ci95: [number, number] | null;
}

/** a − b over the seeds both have (the same networks), with the 95 % CI of the mean difference. */
export function pairedDifference(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): PairedDifference | null {
  const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);
  const d = describe(seeds.map((s) => a.get(s)! - b.get(s)!));
  if (!d) return null;
  return { ...d, seeds, ci95: meanCi95(d) };
}

/** 95 % confidence interval of a mean (Student t with n − 1 df); null for n < 2. */
export function meanCi95(d: Described): [number, number] | null {
  if (d.sd === null) return null;
  const h = (tQuantile(0.975, d.n - 1) * d.sd) / Math.sqrt(d.n);
  return [d.mean - h, d.mean + h];
}
