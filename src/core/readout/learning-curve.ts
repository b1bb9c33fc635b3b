// The "learning rate" of Yang et al. 2025: how fast the training loss falls, as the least-squares
// slope of ln(training loss) against the epoch over epochs 1..K (loss[0] is before training).
// More negative = faster learning. It is a property of the loss curve, not the optimiser's step.

export function logLossSlope(loss: readonly number[], K: number): number {
  if (!Number.isInteger(K) || K < 2) throw new RangeError(`learning rate: K must be an integer ≥ 2, got ${K}`);
  if (loss.length < K + 1) throw new RangeError(`learning rate: need the loss after ${K} epochs, have ${loss.length - 1}`);
  let se = 0, sy = 0, see = 0, sey = 0;
  for (let e = 1; e <= K; e++) {
    const y = Math.log(loss[e]);
    se += e;
    sy += y;
    see += e * e;
    sey += e * y;
  }
  return (K * sey - se * sy) / (K * see - se * se);
}
