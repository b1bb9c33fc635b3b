// Parameters of the spiking reservoir with astrocyte-like units (after Yang et al. 2025,
// arXiv 2503.06798). The paper publishes none of these values: every default below is our choice,
// fixed once on a small pilot and printed with every result. Units 0..N-1 are neuron-like,
// N..N+A-1 astrocyte-like.

/** A connection block by (presynaptic, postsynaptic) population: NA = neuron → astrocyte. */
export const BLOCKS = ['NN', 'NA', 'AN', 'AA'] as const;
export type Block = (typeof BLOCKS)[number];

export interface AstroReservoirParams {
  /** neuron-like units (discrete LIF, reset by subtraction) */
  N: number;
  /** astrocyte-like units (second order: a slow synaptic current feeding the membrane) */
  A: number;
  /** membrane decay per step of neurons and of astrocytes (snnTorch's beta) */
  betaN: number;
  betaA: number;
  /** the astrocytes' synaptic-current decay per step (snnTorch's alpha); close to 1 = slow */
  alphaA: number;
  /** firing threshold θ of every unit (snnTorch's default 1) */
  threshold: number;
  /** astrocytes emit spikes (reset by subtraction) or a graded output clamp(U/θ, 0, 1) without reset */
  astroOutput: 'spikes' | 'graded';
  /** connection probability per block */
  p: Record<Block, number>;
  /** weight scale per block: w = scale · N(0,1) / sqrt(max(1, p · n_pre)) (fan-in normalised) */
  w: Record<Block, number>;
  /** share of the units (either population) that receive the input current */
  inputFraction: number;
  /** input weights of an input unit: U(−gain, gain) per Lorenz component */
  inputGain: number;
  /** constant bias current per unit: U(0, biasMax) */
  biasMax: number;
  /**
   * factor on every current into an astrocyte (its input weights, bias and the N→A, A→A weights),
   * applied when the wiring is drawn. An astrocyte's DC gain is 1/((1−α)(1−β_A)) = 200 at the
   * defaults against a neuron's 1/(1−β_N) = 10; the default 0.05 = (1−α)(1−β_A)/(1−β_N) equalises them.
   */
  astroGain: number;
}

export const DEFAULT_ASTRO_PARAMS: Omit<AstroReservoirParams, 'N' | 'A'> = {
  betaN: 0.9,
  betaA: 0.9,
  alphaA: 0.95,
  threshold: 1,
  astroOutput: 'spikes',
  p: { NN: 0.1, NA: 0.1, AN: 0.1, AA: 0.1 },
  w: { NN: 0.5, NA: 0.5, AN: 0.5, AA: 0.5 },
  inputFraction: 0.5,
  inputGain: 0.2,
  biasMax: 0.1,
  astroGain: 0.05,
};

export function astroParams(N: number, A: number, over: Partial<Omit<AstroReservoirParams, 'N' | 'A'>> = {}): AstroReservoirParams {
  const d = DEFAULT_ASTRO_PARAMS;
  const p: AstroReservoirParams = {
    ...d,
    ...over,
    N,
    A,
    p: { ...d.p, ...(over.p ?? {}) },
    w: { ...d.w, ...(over.w ?? {}) },
  };
  validateAstroParams(p);
  return p;
}

/** Throws a RangeError naming the parameter and the range it must lie in. */
export function validateAstroParams(p: AstroReservoirParams, source = 'astro reservoir'): void {
  const fail = (why: string): never => {
    throw new RangeError(`${source}: ${why}`);
  };
  const int = (name: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1_000_000) fail(`${name} must be an integer in 0..1000000, got ${v}`);
  };
  const inRange = (name: string, v: unknown, lo: number, hi: number, openHi = false): void => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || (openHi ? v >= hi : v > hi))
      fail(`${name} must be a number in [${lo}, ${hi}${openHi ? ')' : ']'}, got ${v}`);
  };
  int('N (neuron count)', p.N);
  int('A (astrocyte count)', p.A);
  inRange('betaN', p.betaN, 0, 1, true);
  inRange('betaA', p.betaA, 0, 1, true);
  inRange('alphaA', p.alphaA, 0, 1, true);
  inRange('threshold', p.threshold, Number.MIN_VALUE, 1e6);
  if (p.astroOutput !== 'spikes' && p.astroOutput !== 'graded') fail(`astroOutput must be "spikes" or "graded", got ${JSON.stringify(p.astroOutput)}`);
  if (typeof p.p !== 'object' || p.p === null || typeof p.w !== 'object' || p.w === null) fail('p and w must be objects with keys NN, NA, AN, AA');
  for (const b of BLOCKS) {
    inRange(`connection probability p.${b}`, p.p[b], 0, 1);
    inRange(`weight scale w.${b}`, p.w[b], 0, 1e6);
  }
  inRange('inputFraction', p.inputFraction, 0, 1);
  inRange('inputGain', p.inputGain, 0, 1e6);
  inRange('biasMax', p.biasMax, 0, 1e6);
  inRange('astroGain', p.astroGain, 0, 1e6);
}
