// Generation of the reservoir's wiring: four typed sparse random blocks (N→N, N→A, A→N, A→A), each
// with its own probability and weight scale, input weights on a random input subset, and biases.
// Every block draws from its own stream (seed, 'astro-units', block), so changing one block's
// probability leaves the others' synapses unchanged.
import { Rng } from '../rng.js';
import { BLOCKS, validateAstroParams, type AstroReservoirParams, type Block } from './params.js';

/** Input dimension: the Lorenz state (x, y, z). */
export const INPUT_DIM = 3;

export interface AstroNetwork {
  params: AstroReservoirParams;
  seed: number;
  /** synapses sorted by (pre, post), no repeats, no self-connections; unit ids 0..N+A-1 */
  pre: Int32Array;
  post: Int32Array;
  weight: Float64Array;
  /** input weights, units × INPUT_DIM row-major (all zero for a unit outside the input subset) */
  inW: Float64Array;
  /** constant bias current per unit */
  bias: Float64Array;
}

export const unitCount = (p: { N: number; A: number }): number => p.N + p.A;

export function generateAstroNetwork(params: AstroReservoirParams, seed: number): AstroNetwork {
  validateAstroParams(params);
  const { N, A } = params;
  const n = N + A;
  const range = (b: 'N' | 'A'): [number, number] => (b === 'N' ? [0, N] : [N, n]);
  // collect per block, then sort by (pre, post) once
  const edges: Array<[number, number, number]> = [];
  for (const b of BLOCKS) {
    const [s0, s1] = range(b[0] as 'N' | 'A');
    const [t0, t1] = range(b[1] as 'N' | 'A');
    const prob = params.p[b as Block];
    if (prob === 0 || s1 === s0 || t1 === t0) continue;
    const scale = (params.w[b as Block] * (b[1] === 'A' ? params.astroGain : 1)) / Math.sqrt(Math.max(1, prob * (s1 - s0)));
    const rng = new Rng(seed, 'astro-units', b);
    for (let i = s0; i < s1; i++)
      for (let j = t0; j < t1; j++) {
        if (i === j) continue;
        if (rng.next() < prob) edges.push([i, j, scale * rng.normal()]);
      }
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const pre = Int32Array.from(edges, (e) => e[0]);
  const post = Int32Array.from(edges, (e) => e[1]);
  const weight = Float64Array.from(edges, (e) => e[2]);
  const inW = new Float64Array(n * INPUT_DIM);
  const bias = new Float64Array(n);
  const rin = new Rng(seed, 'astro-units', 'input');
  const chosen = rin.permutation(n).subarray(0, Math.round(params.inputFraction * n));
  const gain = (u: number): number => (u < N ? 1 : params.astroGain);
  for (const u of chosen) for (let c = 0; c < INPUT_DIM; c++) inW[u * INPUT_DIM + c] = gain(u) * params.inputGain * (2 * rin.nextDouble() - 1);
  const rb = new Rng(seed, 'astro-units', 'bias');
  for (let u = 0; u < n; u++) bias[u] = gain(u) * params.biasMax * rb.nextDouble();
  return { params, seed, pre, post, weight, inW, bias };
}

/** Synapse counts per block. */
export function blockCounts(net: AstroNetwork): Record<Block, number> {
  const N = net.params.N;
  const c: Record<Block, number> = { NN: 0, NA: 0, AN: 0, AA: 0 };
  for (let k = 0; k < net.pre.length; k++) c[`${net.pre[k] < N ? 'N' : 'A'}${net.post[k] < N ? 'N' : 'A'}` as Block]++;
  return c;
}
