// The astro-units network file: a container (../container.ts) with magic "NALSMAST", version 1,
// header fields { kind: "astro-units", seed, params } and sections pre, post (int32), weight,
// inW, bias (float64). Decoding validates the parameters and every invariant the simulator relies
// on, naming the file and the field, so a corrupt or hand-edited file fails here.
import { decodeContainer, encodeContainer } from '../container.js';
import { INPUT_DIM, type AstroNetwork } from './network.js';
import { validateAstroParams, type AstroReservoirParams } from './params.js';

const MAGIC = 'NALSMAST';
export const ASTRO_FORMAT_VERSION = 1;

export function encodeAstroNetwork(net: AstroNetwork): Uint8Array {
  return encodeContainer(
    MAGIC,
    ASTRO_FORMAT_VERSION,
    { kind: 'astro-units', seed: net.seed, params: net.params },
    { pre: net.pre, post: net.post, weight: net.weight, inW: net.inW, bias: net.bias },
  );
}

export function decodeAstroNetwork(bytes: Uint8Array, source = 'astro network'): AstroNetwork {
  const { version, fields, arrays } = decodeContainer(bytes, MAGIC, source, 'nalsm astro-units network');
  const fail = (why: string): never => {
    throw new Error(`${source}: invalid astro-units network: ${why}`);
  };
  if (version !== ASTRO_FORMAT_VERSION) fail(`format version ${version}, this build reads version ${ASTRO_FORMAT_VERSION}`);
  if (fields.kind !== 'astro-units') fail(`field "kind" must be "astro-units", got ${JSON.stringify(fields.kind)}`);
  const seed = fields.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) fail(`field "seed" must be a non-negative integer, got ${JSON.stringify(seed)}`);
  const params = fields.params as AstroReservoirParams;
  if (typeof params !== 'object' || params === null) fail('field "params" is missing');
  try {
    validateAstroParams(params, 'field "params"');
  } catch (e) {
    fail((e as Error).message);
  }
  const want: Record<string, string> = { pre: 'Int32Array', post: 'Int32Array', weight: 'Float64Array', inW: 'Float64Array', bias: 'Float64Array' };
  for (const [name, type] of Object.entries(want)) {
    const a = arrays[name];
    if (!a) fail(`section "${name}" is missing`);
    if (a.constructor.name !== type) fail(`section "${name}" must be ${type}, found ${a.constructor.name}`);
  }
  const net: AstroNetwork = {
    params,
    seed: seed as number,
    pre: arrays.pre as Int32Array,
    post: arrays.post as Int32Array,
    weight: arrays.weight as Float64Array,
    inW: arrays.inW as Float64Array,
    bias: arrays.bias as Float64Array,
  };
  validateAstroNetwork(net, source);
  return net;
}

/** Check sizes, index ranges, ordering and finiteness; throws naming the field. */
export function validateAstroNetwork(net: AstroNetwork, source = 'astro network'): void {
  const fail = (why: string): never => {
    throw new Error(`${source}: invalid astro-units network: ${why}`);
  };
  const n = net.params.N + net.params.A;
  const m = net.pre.length;
  if (net.post.length !== m || net.weight.length !== m) fail(`pre, post and weight must have equal lengths, got ${m}, ${net.post.length}, ${net.weight.length}`);
  if (net.inW.length !== n * INPUT_DIM) fail(`inW has ${net.inW.length} entries, expected units × ${INPUT_DIM} = ${n * INPUT_DIM}`);
  if (net.bias.length !== n) fail(`bias has ${net.bias.length} entries, expected ${n} (one per unit)`);
  let last = -1;
  for (let k = 0; k < m; k++) {
    const i = net.pre[k];
    const j = net.post[k];
    if (i < 0 || i >= n) fail(`pre[${k}]=${i} is outside 0..${n - 1}`);
    if (j < 0 || j >= n) fail(`post[${k}]=${j} is outside 0..${n - 1}`);
    if (i === j) fail(`synapse ${k} connects unit ${i} to itself`);
    const key = i * n + j;
    if (key <= last) fail(`synapses must be sorted by (pre, post) without repeats; entry ${k} is not`);
    last = key;
    if (!Number.isFinite(net.weight[k])) fail(`weight[${k}] is ${net.weight[k]}, expected a finite number`);
  }
  for (let k = 0; k < net.inW.length; k++) if (!Number.isFinite(net.inW[k])) fail(`inW[${k}] is not finite`);
  for (let k = 0; k < n; k++) if (!Number.isFinite(net.bias[k])) fail(`bias[${k}] is not finite`);
}
