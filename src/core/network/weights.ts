// Synaptic weights, aligned with a network's synapse lists. The weights file (magic
// "NALSMWTS") records the network's fingerprint so a W_INI cannot be loaded onto another network.
import { decodeContainer, encodeContainer } from '../container.js';
import { STDP } from '../params.js';
import { networkFingerprint } from './format.js';
import type { Network } from './network.js';

export interface Weights {
  /** one weight per liquid→liquid synapse (network.llPre order) */
  ll: Float32Array;
  /** one weight per input→liquid synapse (network.ilPre order) */
  il: Float32Array;
}

/**
 * The same magnitude s on all five blocks (spec §2.5): E→* = +s, I→* = −s, input→* = ±s.
 * s = 3 ("maximal") starts phase A; the baseline LSM uses its swept liquid weight.
 */
export function uniformWeights(net: Network, s: number): Weights {
  if (!(s >= 0 && s <= STDP.maxWeight)) throw new Error(`liquid weight must be in [0, ${STDP.maxWeight}], got ${s}`);
  const sf = Math.fround(s);
  const ll = new Float32Array(net.llPre.length);
  for (let k = 0; k < ll.length; k++) ll[k] = net.llPre[k] < net.NE ? sf : -sf;
  const il = new Float32Array(net.ilPre.length);
  for (let k = 0; k < il.length; k++) il[k] = net.ilSign[k] * sf;
  return { ll, il };
}

const MAGIC = 'NALSMWTS';

export function encodeWeights(net: Network, w: Weights, meta: Record<string, unknown> = {}): Uint8Array {
  return encodeContainer(MAGIC, 1, { kind: 'weights', network: networkFingerprint(net), meta }, { ll: w.ll, il: w.il });
}

export function decodeWeights(bytes: Uint8Array, net: Network, source = 'weights'): Weights & { meta: Record<string, unknown> } {
  const { fields, arrays } = decodeContainer(bytes, MAGIC, source, 'nalsm weights');
  const ll = arrays.ll;
  const il = arrays.il;
  if (!(ll instanceof Float32Array) || !(il instanceof Float32Array))
    throw new Error(`${source}: invalid weights: sections "ll" and "il" must be float32`);
  if (fields.network !== networkFingerprint(net))
    throw new Error(`${source}: these weights belong to another network (fingerprint ${fields.network}, this network ${networkFingerprint(net)})`);
  if (ll.length !== net.llPre.length || il.length !== net.ilPre.length)
    throw new Error(`${source}: weight counts ${ll.length}/${il.length} do not match the network's ${net.llPre.length}/${net.ilPre.length} synapses`);
  return { ll, il, meta: (fields.meta as Record<string, unknown>) ?? {} };
}
