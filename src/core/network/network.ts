// The liquid as data: neuron layout, synapse lists and their signs. Weights live apart
// (see weights.ts), so one network serves every model and weight magnitude.

/**
 * Global index space (spec §1.1): liquid excitatory [0, NE), liquid inhibitory [NE, NL),
 * input neurons [NL, NL + NX). The dummy output neuron of the original has no effect and is left out.
 */
export interface Network {
  /** grid dimensions d1×d2×d3 = NL */
  dims: [number, number, number];
  NL: number;
  NE: number;
  NX: number;
  /** seed the network was generated from (0 when it came from elsewhere, e.g. the fixture) */
  seed: number;
  /** grid point of each liquid neuron, index g = (i*d2 + j)*d3 + k */
  gridPoint: Int32Array;
  /** liquid→liquid synapses, liquid indices, sorted by (post, pre) */
  llPre: Int32Array;
  llPost: Int32Array;
  /** input→liquid synapses: pre is the input index 0..NX-1 (not offset by NL), sorted by (post, pre) */
  ilPre: Int32Array;
  ilPost: Int32Array;
  /** random ±1 sign of each input synapse (spec §1.4) */
  ilSign: Int8Array;
}

export const isExcitatory = (net: Network, n: number): boolean => n < net.NE;

/** Grid coordinates of a liquid neuron. */
export function coordinates(net: Network, n: number): [number, number, number] {
  const [, d2, d3] = net.dims;
  const g = net.gridPoint[n];
  return [Math.floor(g / (d2 * d3)), Math.floor(g / d3) % d2, g % d3];
}

export interface SynapseCounts {
  EE: number;
  EI: number;
  IE: number;
  II: number;
  LL: number;
  IL: number;
}

/** Connection counts by (pre → post) type. */
export function synapseCounts(net: Network): SynapseCounts {
  const c = { EE: 0, EI: 0, IE: 0, II: 0, LL: net.llPre.length, IL: net.ilPre.length };
  for (let k = 0; k < net.llPre.length; k++) {
    const preE = net.llPre[k] < net.NE;
    const postE = net.llPost[k] < net.NE;
    if (preE) postE ? c.EE++ : c.EI++;
    else postE ? c.IE++ : c.II++;
  }
  return c;
}

/** Parse "10x10x10" into dims, with a clear message on bad input. */
export function parseDims(s: string, what = '--dims'): [number, number, number] {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`${what} must look like 10x10x10 (three positive integers joined by x), got "${s}"`);
  const d = [Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number];
  if (d.some((v) => v < 1 || v > 1000)) throw new Error(`${what}: each dimension must be 1..1000, got "${s}"`);
  return d;
}

/** The cube grid for a neuron count (1000 → 10×10×10, 8000 → 20×20×20), or an error. */
export function cubeDims(neurons: number): [number, number, number] {
  const side = Math.round(Math.cbrt(neurons));
  if (side * side * side !== neurons)
    throw new Error(`--neurons must be a perfect cube (1000, 8000, ...) or use --dims AxBxC; got ${neurons}`);
  return [side, side, side];
}
