// nalsm readout: the linear readout of the NALSM liquid (Ivanov & Michmizos 2021), trained on
// batch-normalised spike counts with TF1 Adadelta (default), Adam, or closed-form ridge.
// Runs in Node and browsers (no node: imports); the hot loops use WebAssembly SIMD when the
// engine has it, with a bit-identical plain-JS fallback. See README.md in this folder.

export { trainReadout, type ReadoutOptions, type ReadoutResult, type ReadoutOptimizer } from './train.js';
export { batchRowScales, normalizeFeatures, type CountSplit, type RowScales } from './features.js';
export { softTargets, type SoftTargets } from './targets.js';
export { Adadelta, Adam, type Optimizer, type AdadeltaOptions, type AdamOptions } from './optim.js';
export { argmax10, accuracy, confusionMatrix, selectBestEpoch } from './metrics.js';
export { predict, predictCounts, readoutLogits, type ReadoutModel } from './model.js';
export { DEFAULT_RIDGE_GRID, type RidgeInfo } from './ridge.js';
export { cholesky, choleskySolve } from './cholesky.js';
export { NUM_CLASSES, type BackendChoice } from './kernels.js';
export { wasmAvailable } from './wasm.js';
export { erf, gelu, geluGrad } from './gelu.js';
export { ProjectionHead, type ProjectionPass } from './projection.js';
export { infoNce, prototypicalLoss } from './contrastive-loss.js';
export { trainProjectionPair, type PairedFeatures, type ProjectionPairOptions, type ProjectionPair, type PairLoss } from './projection-pair.js';
export { retrieval, nearestClassMean, type RetrievalResult } from './retrieval.js';
export { episodeLoss, protoDirection } from './contrastive-loss.js';
export { l2Normalise, type HeadKind } from './projection.js';
export { sampleEpisode, rowsByClass, trainEpisodic, type Episode, type EpisodeShape, type EpisodicOptions } from './episodes.js';
