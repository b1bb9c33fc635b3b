// Analysis of runs: branching factor, kernel quality (matrix ranks), firing statistics.
export * from './branching.js';
export * from './kernel-quality.js';
export * from './rates.js';
export { gramMatrix, symmetricEigenvalues, largestEigenvalue, inertia, type Inertia } from './linalg.js';
