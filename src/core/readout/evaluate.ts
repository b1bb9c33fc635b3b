// Evaluation of the backend's current weights on one split (shared by the gradient and
// ridge trainers).

import { LANES, NUM_CLASSES, type Backend } from './kernels.js';

/**
 * Count of correct predictions on split `idx` (labels, per-row scales) with the backend's W and
 * the given bias; logits = scale[i] * (counts[i] . W) + b (the dot product in f32, the rest in
 * f64). Ties go to the lowest class.
 * When `pred` is given, the predicted classes are written to it.
 */
export function countCorrect(
  be: Backend,
  idx: number,
  n: number,
  labels: Uint8Array,
  scale: Float64Array,
  bias: ArrayLike<number>,
  pred?: Uint8Array,
): number {
  const out = be.out;
  const cap = be.rowCap;
  let correct = 0;
  for (let i0 = 0; i0 < n; i0 += cap) {
    const m = Math.min(cap, n - i0);
    be.fwdRows(idx, i0, m);
    for (let r = 0; r < m; r++) {
      const i = i0 + r;
      const p = argmaxScaled(out, r * LANES, scale[i], bias);
      if (p === labels[i]) correct++;
      if (pred !== undefined) pred[i] = p;
    }
  }
  return correct;
}

function argmaxScaled(out: Float32Array, off: number, s: number, bias: ArrayLike<number>): number {
  let best = 0;
  let m = s * out[off] + bias[0];
  for (let c = 1; c < NUM_CLASSES; c++) {
    const z = s * out[off + c] + bias[c];
    if (z > m) {
      m = z;
      best = c;
    }
  }
  return best;
}
