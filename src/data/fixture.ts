// Reader for the conformance fixture format (nalsm-conformance-v1.json[.gz]): an explicit
// network, input pulse trains and the exact per-neuron counts the spec gives.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Network } from '../core/network/network.js';
import { validateNetwork } from '../core/network/format.js';
import type { Weights } from '../core/network/weights.js';
import { pulsesFromEvents, type Pulses } from '../core/encode/pulses.js';

export interface FixtureCase {
  counts: number[];
  total: number;
  inputNeuronSpikes: number;
  raster50?: Array<[number, number]>;
  inputRaster50?: Array<[number, number]>;
  diagnostics?: { finalSumWLiquid: number; finalSumWInput: number; finalAstroA: number; finalAplus: number };
}

export interface Fixture {
  network: Network;
  lsmWeights: Weights;
  wIni: Weights;
  astroW0: number;
  steps: number;
  samples: Array<{ id: number; label: number; imageIndex: number; pulses: Pulses }>;
  expected: Array<{ sample: number; lsm?: FixtureCase; nalsm?: FixtureCase }>;
}

function b64(s: unknown, what: string, source: string): Uint8Array {
  if (typeof s !== 'string') throw new Error(`${source}: field ${what} must be a base64 string`);
  const b = Buffer.from(s, 'base64');
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

const i32 = (s: unknown, what: string, src: string): Int32Array => {
  const b = b64(s, what, src);
  if (b.length % 4) throw new Error(`${src}: field ${what} is not a whole number of int32 values`);
  return new Int32Array(b.buffer);
};
const f32 = (s: unknown, what: string, src: string): Float32Array => {
  const b = b64(s, what, src);
  if (b.length % 4) throw new Error(`${src}: field ${what} is not a whole number of float32 values`);
  return new Float32Array(b.buffer);
};

/** Parse a fixture from its JSON text (already gunzipped). */
export function parseFixture(text: string, source = 'fixture'): Fixture {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const d = JSON.parse(text) as any;
  if (!d || d.version !== 1 || !d.network) throw new Error(`${source}: not a nalsm conformance fixture (expected "version": 1 and a "network")`);
  const n = d.network;
  const [d1, d2, d3] = n.grid as number[];
  const gridPoint = new Int32Array(n.NL);
  (n.positions as number[][]).forEach(([i, j, k], idx) => (gridPoint[idx] = (i * d2 + j) * d3 + k));
  const ls = n.liquidSynapses;
  const is = n.inputSynapses;
  const ilW = f32(is.w, 'network.inputSynapses.w', source);
  const network: Network = {
    dims: [d1, d2, d3],
    NL: n.NL,
    NE: n.NE,
    NX: n.NX,
    seed: 0,
    gridPoint,
    llPre: i32(ls.pre, 'network.liquidSynapses.pre', source),
    llPost: i32(ls.post, 'network.liquidSynapses.post', source),
    ilPre: i32(is.pre, 'network.inputSynapses.pre', source),
    ilPost: i32(is.post, 'network.inputSynapses.post', source),
    ilSign: Int8Array.from(ilW, (w) => (w < 0 ? -1 : 1)),
  };
  validateNetwork(network, source);
  const steps = d.parameters?.N1_SAMPLE_INPUT_DURATION_MS ?? 250;
  const samples = (d.samples as Array<{ id: number; label: number; imageIndex: number; events: Array<[number, number]> }>).map((s) => ({
    id: s.id,
    label: s.label,
    imageIndex: s.imageIndex,
    pulses: pulsesFromEvents(s.events, steps, network.NX, `${source}: samples[${s.id}].events`),
  }));
  return {
    network,
    lsmWeights: { ll: f32(ls.w, 'network.liquidSynapses.w', source), il: ilW },
    wIni: { ll: f32(ls.wIni, 'network.liquidSynapses.wIni', source), il: f32(is.wIni, 'network.inputSynapses.wIni', source) },
    astroW0: d.nalsm?.astroW0 ?? 0.015,
    steps,
    samples,
    expected: d.expected,
  };
}

export function loadFixture(path: string): Fixture {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read fixture (${(e as Error).message})`);
  }
  const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return parseFixture(text, path);
}
