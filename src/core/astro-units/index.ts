// A spiking reservoir of neuron-like and astrocyte-like units (after Yang et al. 2025; parameters ours).
export * from './params.js';
export * from './network.js';
export * from './reservoir.js';
export * from './format.js';
