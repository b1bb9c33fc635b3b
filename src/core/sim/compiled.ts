// CSR views of a network for the simulator. Synapse ids are positions in the by-pre
// (out-list) order; the by-post in-lists refer to the same ids, so STDP writes one weight array.
import type { Network } from '../network/network.js';
import type { Weights } from '../network/weights.js';

export interface CompiledNetwork {
  NL: number;
  NE: number;
  NX: number;
  /** NL + NX: liquid first, then inputs */
  N: number;
  S: number;
  /** out-synapses of global neuron j: ids outStart[j] .. outStart[j+1] */
  outStart: Int32Array;
  outPost: Int32Array;
  /** in-synapses of liquid neuron i: inStart[i] .. inStart[i+1], pre (global) and synapse id */
  inStart: Int32Array;
  inPre: Int32Array;
  inSyn: Int32Array;
  /** end of the liquid-pre part of each in-list (liquid pres come first, then input pres) */
  inLiquidEnd: Int32Array;
  /** synapse id of network.llPre[k] and of network.ilPre[k] */
  llId: Int32Array;
  ilId: Int32Array;
}

export function compileNetwork(net: Network): CompiledNetwork {
  const { NL, NE, NX } = net;
  const N = NL + NX;
  const nLL = net.llPre.length;
  const S = nLL + net.ilPre.length;
  const outStart = new Int32Array(N + 1);
  for (let k = 0; k < nLL; k++) outStart[net.llPre[k] + 1]++;
  for (let k = 0; k < net.ilPre.length; k++) outStart[NL + net.ilPre[k] + 1]++;
  for (let j = 0; j < N; j++) outStart[j + 1] += outStart[j];
  const fill = outStart.slice(0, N);
  const outPost = new Int32Array(S);
  const llId = new Int32Array(nLL);
  const ilId = new Int32Array(net.ilPre.length);
  for (let k = 0; k < nLL; k++) {
    const id = fill[net.llPre[k]]++;
    outPost[id] = net.llPost[k];
    llId[k] = id;
  }
  for (let k = 0; k < net.ilPre.length; k++) {
    const id = fill[NL + net.ilPre[k]]++;
    outPost[id] = net.ilPost[k];
    ilId[k] = id;
  }
  // in-lists: liquid pres first (ascending), then input pres
  const inStart = new Int32Array(NL + 1);
  for (let id = 0; id < S; id++) inStart[outPost[id] + 1]++;
  for (let i = 0; i < NL; i++) inStart[i + 1] += inStart[i];
  const ifill = inStart.slice(0, NL);
  const inPre = new Int32Array(S);
  const inSyn = new Int32Array(S);
  for (let j = 0; j < N; j++) {
    for (let id = outStart[j]; id < outStart[j + 1]; id++) {
      const q = ifill[outPost[id]]++;
      inPre[q] = j;
      inSyn[q] = id;
    }
  }
  const inLiquidEnd = new Int32Array(NL);
  for (let i = 0; i < NL; i++) {
    let q = inStart[i];
    while (q < inStart[i + 1] && inPre[q] < NL) q++;
    inLiquidEnd[i] = q;
  }
  return { NL, NE, NX, N, S, outStart, outPost, inStart, inPre, inSyn, inLiquidEnd, llId, ilId };
}

/** Scatter weights into synapse-id order (float64, the simulator's working precision). */
export function weightsToIds(c: CompiledNetwork, w: Weights, out = new Float64Array(c.S)): Float64Array {
  if (w.ll.length !== c.llId.length || w.il.length !== c.ilId.length)
    throw new Error(`weights have ${w.ll.length}/${w.il.length} entries, the network has ${c.llId.length}/${c.ilId.length} synapses`);
  for (let k = 0; k < c.llId.length; k++) out[c.llId[k]] = w.ll[k];
  for (let k = 0; k < c.ilId.length; k++) out[c.ilId[k]] = w.il[k];
  return out;
}

/** Gather synapse-id-ordered weights back into the network's list order (rounded to float32). */
export function weightsFromIds(c: CompiledNetwork, W: Float64Array): Weights {
  const ll = new Float32Array(c.llId.length);
  const il = new Float32Array(c.ilId.length);
  for (let k = 0; k < ll.length; k++) ll[k] = W[c.llId[k]];
  for (let k = 0; k < il.length; k++) il[k] = W[c.ilId[k]];
  return { ll, il };
}

/**
 * Fixed starts of the per-post active-input lists (NL + 1 entries): post i gets room for all its
 * input synapses, so a sample's lists are filled in one pass over the active inputs' synapses,
 * with no counting pass; list i is [base[i], fill[i]).
 */
export function activeListBases(c: CompiledNetwork): Int32Array {
  const base = new Int32Array(c.NL + 1);
  for (let i = 0; i < c.NL; i++) base[i + 1] = base[i] + (c.inStart[i + 1] - c.inLiquidEnd[i]);
  return base;
}
