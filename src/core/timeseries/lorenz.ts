// The Lorenz system dx/dt = σ(y − x), dy/dt = x(ρ − z) − y, dz/dt = xy − βz, integrated with the
// classical fourth-order Runge–Kutta method at a fixed step.

export interface LorenzOptions {
  sigma?: number;
  rho?: number;
  beta?: number;
  dt?: number;
  /** initial state */
  x0?: [number, number, number];
  /** steps integrated and dropped before the series starts (transient) */
  drop?: number;
}

export const LORENZ_DEFAULTS = { sigma: 10, rho: 28, beta: 8 / 3, dt: 0.01, x0: [1, 1, 1] as [number, number, number], drop: 1000 };

/** One RK4 step of size dt from s (length 3) into out (may alias s). */
export function lorenzRk4Step(s: ArrayLike<number>, dt: number, out: Float64Array | number[], sigma = 10, rho = 28, beta = 8 / 3): void {
  const f = (x: number, y: number, z: number, k: number[]): void => {
    k[0] = sigma * (y - x);
    k[1] = x * (rho - z) - y;
    k[2] = x * y - beta * z;
  };
  const k1 = [0, 0, 0], k2 = [0, 0, 0], k3 = [0, 0, 0], k4 = [0, 0, 0];
  const x = s[0], y = s[1], z = s[2];
  const h = dt / 2;
  f(x, y, z, k1);
  f(x + h * k1[0], y + h * k1[1], z + h * k1[2], k2);
  f(x + h * k2[0], y + h * k2[1], z + h * k2[2], k3);
  f(x + dt * k3[0], y + dt * k3[1], z + dt * k3[2], k4);
  out[0] = x + (dt / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
  out[1] = y + (dt / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
  out[2] = z + (dt / 6) * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]);
}

/**
 * n states (row-major n × 3): row i is the state after drop + i steps from x0, so the states
 * 0..drop−1 (the initial transient) are not in the series.
 */
export function lorenzSeries(n: number, opts: LorenzOptions = {}): Float64Array {
  const o = { ...LORENZ_DEFAULTS, ...opts };
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`lorenz: series length must be a non-negative integer, got ${n}`);
  if (!(o.dt > 0)) throw new RangeError(`lorenz: dt must be > 0, got ${o.dt}`);
  const s = Float64Array.from(o.x0);
  for (let t = 0; t < o.drop; t++) lorenzRk4Step(s, o.dt, s, o.sigma, o.rho, o.beta);
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    out.set(s, i * 3);
    lorenzRk4Step(s, o.dt, s, o.sigma, o.rho, o.beta);
  }
  return out;
}
