// One prediction experiment on the protocol: drive a reservoir (spiking astro-units or the ESN) with
// the normalised Lorenz series, collect its features over the training and test parts, fit the
// readouts for each horizon k (ridge; optionally the MLP, whose loss curve gives the learning
// rate), and free-run the k = 1 ridge model from the end of training (valid prediction time).
import { Rng } from '../rng.js';
import type { DrivenReservoir } from '../astro-units/reservoir.js';
import { RidgeRegressionProblem, ridgePredict, DEFAULT_REGRESSION_GRID } from '../readout/ridge-regression.js';
import { trainMlp, standardizeColumns, type MlpOptions, DEFAULT_MLP } from '../readout/mlp.js';
import { logLossSlope } from '../readout/learning-curve.js';
import { horizonTargets, type Protocol, type ProtocolData } from './protocol.js';
import { nrmse, validPredictionTime, VPT_THRESHOLD } from './metrics.js';

export interface ReadoutSettings {
  ridgeGrid: number[];
  /** share of the training rows (its tail) that chooses λ */
  ridgeValidation: number;
  /** null: no MLP (ridge only) */
  mlp: (Omit<MlpOptions, 'seed' | 'loss'> & { slopeEpochs: number }) | null;
  vptThreshold: number;
}

export const DEFAULT_READOUTS: ReadoutSettings = {
  ridgeGrid: [...DEFAULT_REGRESSION_GRID],
  ridgeValidation: 0.2,
  mlp: { hidden: DEFAULT_MLP.hidden, activation: DEFAULT_MLP.activation, epochs: 10, batchSize: DEFAULT_MLP.batchSize, lr: DEFAULT_MLP.lr, slopeEpochs: 10 },
  vptThreshold: VPT_THRESHOLD,
};

export interface HorizonResult {
  k: number;
  ridge: { nrmse: number; relLambda: number; lambda: number };
  mlp: { nrmse: number; trainLoss: number[]; learningRate: number } | null;
}

export interface PredictionResult {
  units: number;
  horizons: HorizonResult[];
  /** free run of the k = 1 ridge readout from the end of training (null without k = 1) */
  freeRun: { steps: number; lyapunovTimes: number } | null;
}

export function runPrediction(res: DrivenReservoir, data: ProtocolData, p: Protocol, settings: ReadoutSettings, seed: number): PredictionResult {
  const f = res.size;
  const { washout: W, train: T, test: S } = p;
  const X = new Float64Array((T + S) * f);
  let atTrainEnd: Float64Array[] | null = null;
  for (let t = 0; t < W + T + S; t++) {
    res.step(data.u.subarray(t * 3, t * 3 + 3));
    if (t >= W) X.set(res.features(), (t - W) * f);
    if (t === W + T - 1) atTrainEnd = res.snapshot();
  }
  let Xs: Float64Array | null = null;
  const horizons: HorizonResult[] = [];
  let ridge1: Float64Array | null = null;
  const ridge = new RidgeRegressionProblem(X, f, T, settings.ridgeValidation);
  for (const k of p.horizons) {
    const Y = horizonTargets(data.u, W, T + S, k);
    const fit = ridge.fit(Y, 3, settings.ridgeGrid);
    const testY = Y.subarray(T * 3);
    const ridgeNrmse = nrmse(ridgePredict(fit.Wb, X, f, 3, T, T + S), testY);
    if (k === 1) ridge1 = fit.Wb;
    let mlp: HorizonResult['mlp'] = null;
    if (settings.mlp) {
      if (!Xs) {
        Xs = Float64Array.from(X);
        standardizeColumns(Xs, f, T);
      }
      const { slopeEpochs, ...mo } = settings.mlp;
      const tr = trainMlp(Xs, f, Y, 3, T, { ...mo, loss: 'mse', seed: new Rng(seed, 'mlp-seed', k).nextU32() });
      const pred = tr.mlp.predict(Xs.subarray(T * f), S);
      mlp = { nrmse: nrmse(pred, testY), trainLoss: tr.trainLoss, learningRate: logLossSlope(tr.trainLoss, slopeEpochs) };
    }
    horizons.push({ k, ridge: { nrmse: ridgeNrmse, relLambda: fit.relLambda, lambda: fit.lambda }, mlp });
  }
  let freeRun: PredictionResult['freeRun'] = null;
  if (ridge1 && atTrainEnd) {
    res.restore(atTrainEnd);
    const pred = new Float64Array(S * 3);
    for (let j = 0; j < S; j++) {
      const y = ridgePredict(ridge1, res.features(), f, 3, 0, 1);
      for (let c = 0; c < 3; c++) pred[j * 3 + c] = Number.isFinite(y[c]) ? Math.max(-1e6, Math.min(1e6, y[c])) : 1e6;
      res.step(pred.subarray(j * 3, j * 3 + 3));
    }
    freeRun = validPredictionTime(pred, data.u.subarray((W + T) * 3, (W + T + S) * 3), p.dt, p.lyapunov, settings.vptThreshold);
  }
  return { units: f, horizons, freeRun };
}
