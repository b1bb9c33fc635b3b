// N-TIDIGITS (Anumula et al. 2018) in its HDF5 release, read and written with h5wasm.
// Layout (as the original n-tidigits.hdf5, and as tonic/ebdataset read it), for split ∈ {train, test}:
//   <split>_labels             1-D strings: one id per recording, e.g. "man-ae-1a"
//   <split>_timestamps/<id>    1-D float: event times, seconds
//   <split>_addresses/<id>     1-D int: cochlea channel 0..63 of each event
// The id's last "-"-separated part is the spoken digit sequence plus a take letter (a/b):
// digits 1..9, "z" = zero, "o" = oh. nalsm's synthetic spoken digits use this layout too, with a
// root attribute `synthetic` saying so.
import { dirname, resolve } from 'node:path';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import h5wasm from 'h5wasm/node';
import { AUDIO_CHANNELS, type AudioEvents } from '../core/fixed-lsm/rasters.js';

export type AudioSplit = 'train' | 'test';

/** Recordings of one split, events in flat arrays: recording s is events offset[s] .. offset[s+1]−1. */
export interface AudioEventSet {
  name: string;
  n: number;
  ids: string[];
  /** 0..9 for the digits, 10 for "oh" */
  labels: Uint8Array;
  offset: Int32Array;
  channel: Uint8Array;
  tSec: Float64Array;
  /** the file's `synthetic` attribute, if any */
  synthetic: string | null;
}

export const OH_LABEL = 10;

/** The digit label of an N-TIDIGITS id, or null if it names a sequence of several digits. */
export function ntidigitsLabel(id: string, source: string): number | null {
  const last = id.split('-').pop() ?? '';
  const m = /^([0-9zo]+)[ab]?$/.exec(last);
  if (!m) throw new Error(`${source}: recording id "${id}" does not end in a digit sequence and take letter (e.g. "man-ae-1a")`);
  const digits = m[1];
  if (digits.length !== 1) return null;
  if (digits === 'z') return 0;
  if (digits === 'o') return OH_LABEL;
  return Number(digits);
}

export function audioEvents(set: AudioEventSet, s: number): AudioEvents {
  const a = set.offset[s];
  const b = set.offset[s + 1];
  return { n: b - a, channel: set.channel.subarray(a, b), tSec: set.tSec.subarray(a, b) };
}

export interface ReadNtidigitsOptions {
  /** keep only single-digit recordings (the paper's `only_single_digits`); default true */
  singleDigits?: boolean;
  /** drop "oh" recordings (label 10); default false */
  dropOh?: boolean;
}

export async function readNtidigits(path: string, split: AudioSplit, o: ReadNtidigitsOptions = {}): Promise<AudioEventSet> {
  if (!existsSync(path)) throw new Error(`${path}: no such file (expected an N-TIDIGITS HDF5 file)`);
  if (!hasHdf5Signature(path)) throw new Error(`${path}: not an HDF5 file (no HDF5 signature at byte 0, 512, 1024 or 2048)`);
  await h5wasm.ready;
  let f: InstanceType<typeof h5wasm.File>;
  try {
    f = new h5wasm.File(resolve(path), 'r');
  } catch (e) {
    throw new Error(`${path}: not a readable HDF5 file (${(e as Error).message})`);
  }
  try {
    const where = `${path}: ${split}_labels`;
    const labelsDs = f.get(`${split}_labels`);
    if (!(labelsDs instanceof h5wasm.Dataset)) throw new Error(`${where}: missing (an N-TIDIGITS file has train_labels, train_timestamps/, train_addresses/, and the same for test)`);
    const raw = labelsDs.value;
    const allIds = (Array.isArray(raw) ? raw : Array.from(raw as ArrayLike<unknown>)).map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)).replace(/\0+$/, ''));
    const ids: string[] = [];
    const labels: number[] = [];
    for (const id of allIds) {
      const label = ntidigitsLabel(id, where);
      if (label === null && (o.singleDigits ?? true)) continue;
      if (label === OH_LABEL && o.dropOh) continue;
      ids.push(id);
      labels.push(label ?? 255);
    }
    const chunksC: Uint8Array[] = [];
    const chunksT: Float64Array[] = [];
    const offset = new Int32Array(ids.length + 1);
    ids.forEach((id, s) => {
      const tPath = `${split}_timestamps/${id}`;
      const aPath = `${split}_addresses/${id}`;
      const td = f.get(tPath);
      const ad = f.get(aPath);
      if (!(td instanceof h5wasm.Dataset)) throw new Error(`${path}: ${tPath} is missing (listed in ${split}_labels)`);
      if (!(ad instanceof h5wasm.Dataset)) throw new Error(`${path}: ${aPath} is missing (listed in ${split}_labels)`);
      const t = Float64Array.from(td.value as ArrayLike<number>);
      const a = Array.from(ad.value as ArrayLike<number | bigint>, Number);
      if (t.length !== a.length) throw new Error(`${path}: ${tPath} has ${t.length} events but ${aPath} has ${a.length}`);
      const ch = new Uint8Array(a.length);
      for (let e = 0; e < a.length; e++) {
        if (!Number.isInteger(a[e]) || a[e] < 0 || a[e] >= AUDIO_CHANNELS) throw new Error(`${path}: ${aPath}[${e}] is ${a[e]}, expected a channel 0..${AUDIO_CHANNELS - 1}`);
        if (!Number.isFinite(t[e]) || t[e] < 0) throw new Error(`${path}: ${tPath}[${e}] is ${t[e]}, expected a time ≥ 0 in seconds`);
        ch[e] = a[e];
      }
      chunksC.push(ch);
      chunksT.push(t);
      offset[s + 1] = offset[s] + t.length;
    });
    const total = offset[ids.length];
    const channel = new Uint8Array(total);
    const tSec = new Float64Array(total);
    chunksC.forEach((c, s) => channel.set(c, offset[s]));
    chunksT.forEach((t, s) => tSec.set(t, offset[s]));
    const synthAttr = f.attrs['synthetic'];
    const synthetic = synthAttr ? String(synthAttr.value) : null;
    return { name: `${path} (${split})`, n: ids.length, ids, labels: Uint8Array.from(labels), offset, channel, tSec, synthetic };
  } finally {
    f.close();
  }
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** The HDF5 superblock signature sits at 0 or a power of two from 512 (h5wasm would open anything, quietly). */
function hasHdf5Signature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = new Uint8Array(8);
    for (const at of [0, 512, 1024, 2048]) if (readSync(fd, b, 0, 8, at) === 8 && b.every((v, k) => v === HDF5_SIGNATURE[k])) return true;
    return false;
  } finally {
    closeSync(fd);
  }
}

export interface AudioRecording {
  id: string;
  events: AudioEvents;
}

/** Writes recordings in the N-TIDIGITS layout (to a temporary name, renamed when complete). */
export async function writeNtidigits(path: string, splits: Record<AudioSplit, AudioRecording[]>, synthetic: string | null): Promise<void> {
  await h5wasm.ready;
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const tmp = resolve(`${path}.${process.pid}.tmp`);
  const f = new h5wasm.File(tmp, 'w');
  try {
    if (synthetic !== null) f.create_attribute('synthetic', synthetic);
    for (const split of ['train', 'test'] as const) {
      const recs = splits[split];
      const seen = new Set<string>();
      for (const r of recs) {
        if (seen.has(r.id)) throw new Error(`${path}: recording id "${r.id}" appears twice in ${split}`);
        seen.add(r.id);
        ntidigitsLabel(r.id, path);
      }
      f.create_dataset({ name: `${split}_labels`, data: recs.map((r) => r.id) });
      const tg = f.create_group(`${split}_timestamps`);
      const ag = f.create_group(`${split}_addresses`);
      for (const r of recs) {
        tg.create_dataset({ name: r.id, data: Float64Array.from(r.events.tSec) });
        ag.create_dataset({ name: r.id, data: Int16Array.from(r.events.channel) });
      }
    }
    f.close();
    renameSync(tmp, resolve(path));
  } catch (e) {
    try {
      f.close();
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}
