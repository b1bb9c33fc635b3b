// Spike rasters of a few samples of a run (magic "NALSMRAS"), for the branching factor and
// the report: every spike (liquid and input neurons) as (t, global neuron index).
import { readFileSync } from 'node:fs';
import { encodeContainer, decodeContainer } from '../core/container.js';
import { writeFileAtomic } from './results.js';

export interface RecordedRasters {
  NL: number;
  NX: number;
  steps: number;
  split: string;
  /** the run that recorded them (absent in files written before run ids) */
  runId?: string;
  /** sample index within the split, and its label */
  samples: number[];
  labels: number[];
  /** spikes of sample k: [offset[k], offset[k+1]) */
  offset: Int32Array;
  t: Int32Array;
  n: Int32Array;
}

export function encodeRasters(r: RecordedRasters): Uint8Array {
  const { offset, t, n, ...fields } = r;
  return encodeContainer('NALSMRAS', 1, { kind: 'rasters', ...fields }, { offset, t, n });
}

export function writeRasters(path: string, r: RecordedRasters): void {
  writeFileAtomic(path, encodeRasters(r));
}

export function readRasters(path: string): RecordedRasters {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: cannot read rasters (${(e as Error).message})`);
  }
  return decodeRasters(bytes, path);
}

/** Decode and check rasters bytes (a file's or a queue payload's); errors name `path`. */
export function decodeRasters(bytes: Uint8Array, path: string): RecordedRasters {
  const { fields, arrays } = decodeContainer(bytes, 'NALSMRAS', path, 'nalsm rasters');
  const f = fields as unknown as Omit<RecordedRasters, 'offset' | 't' | 'n'>;
  const { offset, t, n } = arrays;
  if (!(offset instanceof Int32Array) || !(t instanceof Int32Array) || !(n instanceof Int32Array))
    throw new Error(`${path}: invalid rasters: int32 sections offset, t and n are required`);
  if (offset.length !== f.samples.length + 1 || offset[offset.length - 1] !== t.length || t.length !== n.length)
    throw new Error(`${path}: invalid rasters: offsets do not match the spike lists`);
  return { ...f, offset, t, n };
}
