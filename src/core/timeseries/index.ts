// Time-series regression: the Lorenz system, the prediction protocol, metrics, the ESN baseline.
export * from './lorenz.js';
export * from './protocol.js';
export * from './metrics.js';
export * from './esn.js';
export * from './experiment.js';
