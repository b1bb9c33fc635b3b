// The bytes that travel between a run's phases: the init payload (network, starting weights, W_INI,
// phase-A summary; magic "NALSMINI") and a count chunk (one sample range's counts and totals; "NALSMCHK").
// The same bytes are a killed run's resume files and the queue's content-addressed blobs.
import { createHash } from 'node:crypto';
import { encodeContainer, decodeContainer } from '../core/container.js';
import { encodeNetwork } from '../core/network/format.js';
import type { JobTotals, SplitName } from '../core/job.js';
import type { InitResult, RunSpec } from './phases.js';

export interface ChunkPayload {
  split: SplitName;
  start: number;
  end: number;
  counts: Uint16Array;
  totals: JobTotals;
  seconds: number;
}

/** Hex SHA-256 of bytes: blobs are stored under it, and the tests compare counts by it. */
export function sha256(bytes: Uint8Array | Uint16Array | Float64Array): string {
  return createHash('sha256').update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest('hex');
}

/** Keys sorted at every level, so equal specs stringify equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v as object)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** What determines a run's numbers (the backend does not: all give identical counts); resume files carry it. */
export function runKey(spec: RunSpec, extra: Record<string, unknown> = {}): string {
  // only what the run computes: not the backend (identical counts), and a given network by its content
  const { backend: _backend, network, ...rest } = spec;
  const given = network ? { network: createHash('sha256').update(encodeNetwork(network)).digest('hex') } : {};
  return createHash('sha256').update(canonicalJson({ ...rest, ...given, ...extra })).digest('hex').slice(0, 32);
}

export function encodeInit(init: InitResult, key: string): Uint8Array {
  const arrays: Record<string, Uint8Array | Float64Array> = { network: init.network, weights: init.weights };
  if (init.wini) arrays.wini = init.wini;
  return encodeContainer('NALSMINI', 1, { kind: 'init', key, phaseA: init.phaseA, initSource: init.initSource, initSeconds: init.initSeconds }, arrays);
}

export function decodeInit(bytes: Uint8Array, key: string | null, source: string): InitResult {
  const { fields, arrays } = decodeContainer(bytes, 'NALSMINI', source, 'nalsm init payload');
  if (key !== null && fields.key !== key) throw new Error(`${source}: init payload of run ${String(fields.key)}, expected run ${key}`);
  const { network, weights, wini } = arrays;
  if (!(network instanceof Uint8Array) || !(weights instanceof Float64Array)) throw new Error(`${source}: invalid init payload: sections network (uint8) and weights (float64) are required`);
  return {
    network,
    weights,
    wini: wini instanceof Uint8Array ? wini : null,
    phaseA: (fields.phaseA as Record<string, unknown> | null) ?? null,
    initSource: String(fields.initSource),
    initSeconds: Number(fields.initSeconds),
  };
}

export function encodeChunk(c: ChunkPayload, key: string): Uint8Array {
  const { counts, ...fields } = c;
  return encodeContainer('NALSMCHK', 1, { kind: 'chunk', key, ...fields }, { counts });
}

export function decodeChunk(bytes: Uint8Array, key: string | null, source: string): ChunkPayload {
  const { fields, arrays } = decodeContainer(bytes, 'NALSMCHK', source, 'nalsm count chunk');
  if (key !== null && fields.key !== key) throw new Error(`${source}: count chunk of run ${String(fields.key)}, expected run ${key}`);
  const counts = arrays.counts;
  if (!(counts instanceof Uint16Array)) throw new Error(`${source}: invalid count chunk: section counts (uint16) is required`);
  return { split: fields.split as SplitName, start: Number(fields.start), end: Number(fields.end), totals: fields.totals as JobTotals, seconds: Number(fields.seconds), counts };
}
