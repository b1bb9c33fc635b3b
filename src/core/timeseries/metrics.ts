// Metrics of a time-series prediction (rows × 3, row-major): NRMSE and the valid prediction time.

/** Per component RMSE / sd of the truth over the rows, then the mean over components. */
export function nrmse(pred: ArrayLike<number>, truth: ArrayLike<number>, dims = 3): number {
  const n = truth.length / dims;
  if (pred.length !== truth.length || n < 2) throw new RangeError(`nrmse: need equal lengths and ≥ 2 rows, got ${pred.length} and ${truth.length}`);
  let total = 0;
  for (let c = 0; c < dims; c++) {
    let m = 0;
    for (let t = 0; t < n; t++) m += truth[t * dims + c];
    m /= n;
    let v = 0;
    let e = 0;
    for (let t = 0; t < n; t++) {
      v += (truth[t * dims + c] - m) ** 2;
      e += (pred[t * dims + c] - truth[t * dims + c]) ** 2;
    }
    total += Math.sqrt(e / n) / Math.sqrt(v / n);
  }
  return total / dims;
}

export const VPT_THRESHOLD = 0.4;

/**
 * Valid prediction time of a free run: the number of steps before the normalised error
 * sqrt(mean_c ((pred_c − truth_c)/sd_c)²) first exceeds `threshold` (sd over the truth rows),
 * and that time in Lyapunov times (steps · dt · λ).
 */
export function validPredictionTime(pred: ArrayLike<number>, truth: ArrayLike<number>, dt: number, lyapunov: number, threshold = VPT_THRESHOLD, dims = 3): { steps: number; lyapunovTimes: number } {
  const n = truth.length / dims;
  const sd: number[] = [];
  for (let c = 0; c < dims; c++) {
    let m = 0;
    for (let t = 0; t < n; t++) m += truth[t * dims + c];
    m /= n;
    let v = 0;
    for (let t = 0; t < n; t++) v += (truth[t * dims + c] - m) ** 2;
    sd.push(Math.sqrt(v / n) || 1);
  }
  let steps = n;
  for (let t = 0; t < n; t++) {
    let e = 0;
    for (let c = 0; c < dims; c++) e += ((pred[t * dims + c] - truth[t * dims + c]) / sd[c]) ** 2;
    if (!(Math.sqrt(e / dims) <= threshold)) {
      steps = t;
      break;
    }
  }
  return { steps, lyapunovTimes: steps * dt * lyapunov };
}
