// Network generation (spec §1): 3-D grid, random placement, distance-dependent
// liquid wiring, a fixed number of input synapses drawn without replacement.
import { Rng } from '../rng.js';
import { WIRING } from '../params.js';
import type { Network } from './network.js';

export interface GenerateOptions {
  dims: [number, number, number];
  /** input neurons: 784 for MNIST-shaped data, 2312 for N-MNIST */
  inputs: number;
  seed: number;
}

export function generateNetwork(opts: GenerateOptions): Network {
  const { dims, inputs: NX, seed } = opts;
  const [d1, d2, d3] = dims;
  const NL = d1 * d2 * d3;
  if (!Number.isInteger(NX) || NX < 1) throw new Error(`inputs must be a positive integer, got ${NX}`);
  const NE = Math.round(WIRING.excitatoryFraction * NL);

  // 1. placement: neuron n sits at grid point perm[n]
  const gridPoint = new Rng(seed, 'network', 'placement').permutation(NL);
  const x = new Float64Array(NL);
  const y = new Float64Array(NL);
  const z = new Float64Array(NL);
  for (let n = 0; n < NL; n++) {
    const g = gridPoint[n];
    x[n] = Math.floor(g / (d2 * d3));
    y[n] = Math.floor(g / d3) % d2;
    z[n] = g % d3;
  }

  // 2. liquid→liquid: one uniform draw per ordered pair (post, pre), connect iff U < C·exp(-(D/λ)²)
  const ll = new Rng(seed, 'network', 'liquid');
  const inv = 1 / (WIRING.lambda * WIRING.lambda);
  let pre: number[] = [];
  let post: number[] = [];
  for (let i = 0; i < NL; i++) {
    const postE = i < NE;
    for (let j = 0; j < NL; j++) {
      const u = ll.next();
      if (j === i) continue;
      const preE = j < NE;
      const c = preE ? (postE ? WIRING.cEE : WIRING.cEI) : postE ? WIRING.cIE : WIRING.cII;
      const dx = x[i] - x[j];
      const dy = y[i] - y[j];
      const dz = z[i] - z[j];
      if (u < c * Math.exp(-(dx * dx + dy * dy + dz * dz) * inv)) {
        pre.push(j);
        post.push(i);
      }
    }
  }
  const llPre = Int32Array.from(pre);
  const llPost = Int32Array.from(post);
  pre = [];
  post = [];

  // 3. input→liquid: exactly floor(NL·NX·0.15) of the NL×NX pairs, uniformly without
  // replacement (selection sampling keeps them sorted by (post, pre)), each with a random sign
  const total = NL * NX;
  const want = Math.floor(total * WIRING.inputFraction);
  const il = new Rng(seed, 'network', 'input');
  const signs = new Rng(seed, 'network', 'sign');
  const ilPre = new Int32Array(want);
  const ilPost = new Int32Array(want);
  const ilSign = new Int8Array(want);
  let m = 0;
  for (let p = 0; p < total && m < want; p++) {
    if ((total - p) * il.nextDouble() < want - m) {
      ilPost[m] = Math.floor(p / NX);
      ilPre[m] = p % NX;
      ilSign[m] = signs.nextU32() & 1 ? 1 : -1;
      m++;
    }
  }
  return { dims: [d1, d2, d3], NL, NE, NX, seed, gridPoint, llPre, llPost, ilPre, ilPost, ilSign };
}
