// Checks analytic gradients against central finite differences (shared by the readout tests).
import assert from 'node:assert/strict';

/**
 * For every `stride`-th entry of each parameter array, compares grads[k] with
 * (loss(θ + h) − loss(θ − h)) / 2h; returns how many entries it checked.
 */
export function checkFiniteDifferences(pairs: ReadonlyArray<readonly [Float64Array, Float64Array]>, loss: () => number, what: string, stride = 1, h = 1e-6): number {
  let checked = 0;
  for (const [params, grads] of pairs)
    for (let k = 0; k < params.length; k += stride) {
      const keep = params[k];
      params[k] = keep + h;
      const up = loss();
      params[k] = keep - h;
      const down = loss();
      params[k] = keep;
      const fd = (up - down) / (2 * h);
      assert.ok(Math.abs(fd - grads[k]) <= 1e-7 + 1e-5 * Math.abs(fd), `${what} param ${k}: analytic ${grads[k]} vs finite difference ${fd}`);
      checked++;
    }
  return checked;
}
