// The network file format: a container (../container.ts) with magic "NALSMNET", version 1,
// header fields { kind: "network", dims, NL, NE, NX, seed } and int32/int8 sections
// gridPoint, llPre, llPost, ilPre, ilPost, ilSign. Decoding validates every invariant the
// simulator relies on, so a corrupt or hand-edited file fails here, not in the hot loop.
import { decodeContainer, encodeContainer } from '../container.js';
import { crc32 } from '../checksum.js';
import type { Network } from './network.js';

const MAGIC = 'NALSMNET';
const VERSION = 1;

/** `meta` (e.g. the run id that made the file) is kept in the header and ignored by decodeNetwork. */
export function encodeNetwork(net: Network, meta?: Record<string, unknown>): Uint8Array {
  return encodeContainer(
    MAGIC,
    VERSION,
    { kind: 'network', dims: net.dims, NL: net.NL, NE: net.NE, NX: net.NX, seed: net.seed, ...(meta ? { meta } : {}) },
    {
      gridPoint: net.gridPoint,
      llPre: net.llPre,
      llPost: net.llPost,
      ilPre: net.ilPre,
      ilPost: net.ilPost,
      ilSign: net.ilSign,
    },
  );
}

export function decodeNetwork(bytes: Uint8Array, source = 'network'): Network {
  const { version, fields, arrays } = decodeContainer(bytes, MAGIC, source, 'nalsm network');
  const fail = (why: string): never => {
    throw new Error(`${source}: invalid network: ${why}`);
  };
  if (version !== VERSION) fail(`format version ${version}, this build reads version ${VERSION}`);
  const dims = fields.dims as number[];
  const { NL, NE, NX, seed } = fields as Record<string, number>;
  if (!Array.isArray(dims) || dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 1))
    fail(`field "dims" must be three positive integers, got ${JSON.stringify(dims)}`);
  if (NL !== dims[0] * dims[1] * dims[2]) fail(`NL=${NL} but dims ${dims.join('x')} hold ${dims[0] * dims[1] * dims[2]}`);
  if (!Number.isInteger(NE) || NE < 0 || NE > NL) fail(`NE=${NE} must be an integer in 0..NL`);
  if (!Number.isInteger(NX) || NX < 1) fail(`NX=${NX} must be a positive integer`);
  const want: Record<string, string> = {
    gridPoint: 'Int32Array',
    llPre: 'Int32Array',
    llPost: 'Int32Array',
    ilPre: 'Int32Array',
    ilPost: 'Int32Array',
    ilSign: 'Int8Array',
  };
  for (const [name, type] of Object.entries(want)) {
    const a = arrays[name];
    if (!a) fail(`section "${name}" is missing`);
    if (a.constructor.name !== type) fail(`section "${name}" must be ${type}, found ${a.constructor.name}`);
  }
  const net: Network = {
    dims: dims as [number, number, number],
    NL,
    NE,
    NX,
    seed: Number(seed) || 0,
    gridPoint: arrays.gridPoint as Int32Array,
    llPre: arrays.llPre as Int32Array,
    llPost: arrays.llPost as Int32Array,
    ilPre: arrays.ilPre as Int32Array,
    ilPost: arrays.ilPost as Int32Array,
    ilSign: arrays.ilSign as Int8Array,
  };
  validateNetwork(net, source);
  return net;
}

/** Check the invariants the simulator relies on; throws naming the field. */
export function validateNetwork(net: Network, source = 'network'): void {
  const fail = (why: string): never => {
    throw new Error(`${source}: invalid network: ${why}`);
  };
  const { NL, NX } = net;
  if (net.gridPoint.length !== NL) fail(`gridPoint has ${net.gridPoint.length} entries, expected NL=${NL}`);
  const seen = new Uint8Array(NL);
  for (let n = 0; n < NL; n++) {
    const g = net.gridPoint[n];
    if (g < 0 || g >= NL || seen[g]) fail(`gridPoint[${n}]=${g} is out of range or repeated`);
    seen[g] = 1;
  }
  const checkList = (pre: Int32Array, post: Int32Array, preMax: number, name: string, noSelf: boolean): void => {
    if (pre.length !== post.length) fail(`${name}Pre has ${pre.length} entries but ${name}Post has ${post.length}`);
    let last = -1;
    for (let k = 0; k < pre.length; k++) {
      const p = pre[k];
      const q = post[k];
      if (p < 0 || p >= preMax) fail(`${name}Pre[${k}]=${p} is outside 0..${preMax - 1}`);
      if (q < 0 || q >= NL) fail(`${name}Post[${k}]=${q} is outside 0..${NL - 1}`);
      if (noSelf && p === q) fail(`${name} synapse ${k} connects neuron ${p} to itself`);
      const key = q * preMax + p;
      if (key <= last) fail(`${name} synapses must be sorted by (post, pre) without repeats; entry ${k} is not`);
      last = key;
    }
  };
  checkList(net.llPre, net.llPost, NL, 'll', true);
  checkList(net.ilPre, net.ilPost, NX, 'il', false);
  if (net.ilSign.length !== net.ilPre.length) fail(`ilSign has ${net.ilSign.length} entries, expected ${net.ilPre.length}`);
  for (let k = 0; k < net.ilSign.length; k++)
    if (net.ilSign[k] !== 1 && net.ilSign[k] !== -1) fail(`ilSign[${k}]=${net.ilSign[k]}, expected +1 or -1`);
}

/** A fingerprint of the topology, stored with weight files so they cannot be applied to another network. */
export function networkFingerprint(net: Network): number {
  let c = crc32(new Uint8Array(new Int32Array([net.NL, net.NE, net.NX]).buffer));
  for (const a of [net.llPre, net.llPost, net.ilPre, net.ilPost]) c = crc32(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), c);
  return crc32(new Uint8Array(net.ilSign.buffer, net.ilSign.byteOffset, net.ilSign.byteLength), c);
}
