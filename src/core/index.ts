// The model core: no node: imports, so it runs in Node, in a worker and in a browser page.
export { Rng } from './rng.js';
export * as params from './params.js';
export { type Network, synapseCounts, coordinates, cubeDims, parseDims } from './network/network.js';
export { generateNetwork, type GenerateOptions } from './network/generate.js';
export { encodeNetwork, decodeNetwork, validateNetwork, networkFingerprint } from './network/format.js';
export { uniformWeights, encodeWeights, decodeWeights, type Weights } from './network/weights.js';
export { compileNetwork, weightsToIds, weightsFromIds, type CompiledNetwork } from './sim/compiled.js';
export { Simulator, Raster, emptyStats, type PlasticityConfig, type SampleStats } from './sim/simulator.js';
export { type Pulses, PulseBuffer, pulsesFromEvents } from './encode/pulses.js';
export { ImageEncoder, maxNormalisedPixel, imageRates, encodeBernoulli } from './encode/bernoulli.js';
export { modelSpec, MODEL_NAMES, type ModelName, type ModelSpec } from './models.js';
export { JobRunner, type SampleJob, type SplitImages, type SplitName } from './job.js';
export { runPhaseA, type PhaseAOptions, type PhaseATrace } from './plasticity/phase-a.js';
export * from './readout/index.js';
