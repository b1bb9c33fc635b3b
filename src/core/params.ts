// Constants of the model, named as in the authors' code (see nalsm-spec.md §1.7, §2, §4, §5).

export const NEURON = {
  /** membrane time constant, ms */
  tauV: 64,
  /** synaptic time constant: randint(1,2) in the original always gives 1 */
  tauU: 1,
  /** spike threshold; equality fires */
  threshold: 20,
  /** refractory period in steps: a spike at t blocks t+1 and t+2 */
  refractory: 2,
  /** steps since the last presynaptic spike at the start of a sample (spec: ss_t_state_init) */
  deltaInit: 20,
  /** current injected into an input neuron by one input pulse */
  inputCurrent: 100,
} as const;

export const WIRING = {
  /** length constant of the distance-dependent connection probability */
  lambda: 3.0,
  /** C by (pre → post) type */
  cEE: 0.2,
  cEI: 0.1,
  cIE: 0.3,
  cII: 0.05,
  /** fraction of all input×liquid pairs that are connected */
  inputFraction: 0.15,
  /** excitatory share of the liquid */
  excitatoryFraction: 0.8,
} as const;

export const STDP = {
  /** trace increment per spike */
  a: 0.1,
  /** per-step trace decay: approximate_stdp_decay_multiplier(10) in the original */
  d: 0.9047744744744745,
  /** potentiation learning rate A+ (also the astrocyte's initial A and bias) */
  aPlus: 0.15,
  /** largest weight magnitude; bounds E→[0,3], I→[-3,0], input→[-3,3] */
  maxWeight: 3.0,
  /** per-step decay of A+, A, w, b during the spike-count phase */
  lrDecay: 0.99,
} as const;

export const ASTRO = {
  tau: 100,
  /** w_astro for 1,000-neuron liquids (0.0075 for 8,000) */
  w1000: 0.015,
  w8000: 0.0075,
  biasOffset: 0.0,
} as const;

export const TIMING = {
  /** spike-count presentation, ms */
  sampleMs: 250,
  /** phase-A snapshot, ms */
  snapshotMs: 20,
} as const;
