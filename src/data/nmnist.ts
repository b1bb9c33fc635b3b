// N-MNIST (Orchard et al. 2015) in its official form, and anything written in the same form
// (the synthetic saccade-MNIST of ./saccade-mnist.ts).
//
// File format (.bin): 5 bytes per event, no header,
//   x = b0, y = b1, polarity = b2 >> 7 (1 = ON), t_us = ((b2 & 0x7F) << 16) | (b3 << 8) | b4 (23 bits).
// Checks (each error names the file): the length is a whole number of events; x, y < 34; and
// timestamps never go back by more than 1 ms (NMNIST_TIME_TOLERANCE_US) from the latest one so far.
// Real recordings are in time order up to the sensor's readout jitter (a few µs); a step back of
// more than 1 ms, i.e. more than one simulator step, means the bytes are not an event stream.
//
// Folder layout: DIR/Train/<digit>/<id>.bin and DIR/Test/<digit>/<id>.bin (digit 0..9; `train`
// and `test` spellings accepted). In the official data the ids are global: <id> = MNIST index + 1,
// unique across the digit folders (00001.bin is MNIST train[0], a 5). The authors' code flattened
// this tree into files 00001 .. 60000 in id order and used train = 1..50000, validation =
// 50001..60000, test = 1..10000 (spec §3.2, §3.4, §9.19). So the listing order is:
//   - by id, when the ids are unique within the split and that order is not class-grouped
//     (official N-MNIST and saccade-MNIST: this is MNIST's own, mixed, order and the authors' split);
//   - otherwise (ids repeat across digit folders, or id order puts each class in one block):
//     by id within each digit, then one fixed-seed shuffle of the whole list, so batches are
//     mixed-class (batch-max normalisation of the readout needs that; notes item 11). Never grouped.
// Split: train = the first (n − ⌊n/6⌋) files of Train, validation = the remaining ⌊n/6⌋ files
// (50,000 / 10,000 of 60,000, as `standardSplit`), test = Test.
//
// Loading reads one file at a time and keeps only the binned events (EventSet, 4 bytes per
// distinct (ms, input) event), never many files' raw bytes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../core/rng.js';
import { EventSetBuilder, NMNIST_INIT_MS, NMNIST_SIZE, type EventSet, type RawEvents } from '../core/encode/events.js';
import { validationCount } from './images.js';

/** A step back in time of more than this (µs) from the latest timestamp so far is an error. */
export const NMNIST_TIME_TOLERANCE_US = 1000;
/** Largest timestamp the 23-bit field holds. */
export const NMNIST_MAX_TIME_US = (1 << 23) - 1;
/** The file holding this name marks a folder as synthetic saccade-MNIST (not N-MNIST). */
export const SYNTHETIC_MARKER = 'README-SYNTHETIC.txt';

/** The name results carry for an N-MNIST-layout folder: 'saccade-mnist' when it is the synthetic stand-in. */
export function nmnistDatasetLabel(dir: string): 'nmnist' | 'saccade-mnist' {
  return existsSync(join(dir, SYNTHETIC_MARKER)) ? 'saccade-mnist' : 'nmnist';
}

export type NmnistEvents = RawEvents;

/**
 * Decodes the bytes of one N-MNIST .bin file; `source` (its path) is named in every error.
 * `toleranceUs`: the largest step back in time accepted [NMNIST_TIME_TOLERANCE_US = 1000].
 */
export function decodeNmnistBin(bytes: Uint8Array, source: string, toleranceUs = NMNIST_TIME_TOLERANCE_US): NmnistEvents {
  if (!(toleranceUs >= 0)) throw new RangeError(`${source}: the time tolerance must be a non-negative number of µs, got ${toleranceUs}`);
  if (bytes.length % 5 !== 0) {
    throw new Error(
      `${source}: truncated N-MNIST file: ${bytes.length} bytes is not a whole number of 5-byte events (${bytes.length % 5} trailing bytes)`,
    );
  }
  const n = bytes.length / 5;
  const x = new Uint8Array(n);
  const y = new Uint8Array(n);
  const p = new Uint8Array(n);
  const tUs = new Int32Array(n);
  let latest = 0;
  for (let i = 0, o = 0; i < n; i++, o += 5) {
    const xi = bytes[o];
    const yi = bytes[o + 1];
    const b2 = bytes[o + 2];
    if (xi >= NMNIST_SIZE || yi >= NMNIST_SIZE) {
      throw new Error(
        `${source}: event ${i} (byte ${o}) is at x = ${xi}, y = ${yi}: expected 0..${NMNIST_SIZE - 1} (N-MNIST is ${NMNIST_SIZE}x${NMNIST_SIZE}; is this an N-MNIST file?)`,
      );
    }
    const t = ((b2 & 0x7f) << 16) | (bytes[o + 3] << 8) | bytes[o + 4];
    if (t < latest - toleranceUs) {
      throw new Error(
        `${source}: event ${i} (byte ${o}) has timestamp ${t} µs, ${latest - t} µs before an earlier event's ${latest} µs: ` +
          `expected time order (steps back of at most ${toleranceUs} µs); is the file corrupt?`,
      );
    }
    if (t > latest) latest = t;
    x[i] = xi;
    y[i] = yi;
    p[i] = b2 >> 7;
    tUs[i] = t;
  }
  return { n, x, y, p, tUs };
}

/** Encodes events as an N-MNIST .bin file (the exact inverse of decodeNmnistBin). */
export function encodeNmnistBin(ev: NmnistEvents): Uint8Array {
  const { n, x, y, p, tUs } = ev;
  if (!Number.isInteger(n) || n < 0 || x.length < n || y.length < n || p.length < n || tUs.length < n) {
    throw new RangeError(`encodeNmnistBin: n = ${n} but the arrays hold x ${x.length}, y ${y.length}, p ${p.length}, t ${tUs.length} values`);
  }
  const out = new Uint8Array(5 * n);
  for (let i = 0, o = 0; i < n; i++, o += 5) {
    const t = tUs[i];
    if (p[i] > 1) throw new RangeError(`encodeNmnistBin: event ${i} has polarity ${p[i]}: expected 0 or 1`);
    if (!Number.isInteger(t) || t < 0 || t > NMNIST_MAX_TIME_US) {
      throw new RangeError(`encodeNmnistBin: event ${i} has timestamp ${t} µs: expected an integer 0..${NMNIST_MAX_TIME_US} (23 bits)`);
    }
    out[o] = x[i];
    out[o + 1] = y[i];
    out[o + 2] = (p[i] << 7) | (t >>> 16);
    out[o + 3] = (t >>> 8) & 0xff;
    out[o + 4] = t & 0xff;
  }
  return out;
}

/** Reads and decodes one .bin file. */
export function readNmnistFile(path: string, toleranceUs = NMNIST_TIME_TOLERANCE_US): NmnistEvents {
  const raw = readFileSync(path);
  return decodeNmnistBin(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), path, toleranceUs);
}

export interface NmnistFile {
  path: string;
  label: number;
  /** the numeric file name (official data: MNIST index + 1) */
  id: number;
}

export type NmnistOrder = 'id' | 'shuffled';

export interface NmnistListing {
  dir: string;
  /** a README-SYNTHETIC.txt marks saccade-MNIST (not N-MNIST) */
  synthetic: boolean;
  train: NmnistFile[];
  test: NmnistFile[];
  /** how each split was ordered (see the file's header) */
  order: { train: NmnistOrder; test: NmnistOrder };
}

const ORDER_SEED = 0x4e4d4e53; // "NMNS": fixed, so the fallback order never changes

function splitDir(dir: string, names: string[]): string {
  for (const name of names) {
    const p = join(dir, name);
    if (existsSync(p) && statSync(p).isDirectory()) return p;
  }
  throw new Error(`${dir}: no ${names[0]} folder: expected N-MNIST's layout ${names[0]}/0..9/*.bin (looked for ${names.join(', ')})`);
}

/** The files of one split (Train or Test) and the order chosen for them. */
function listSplit(root: string, split: string): { files: NmnistFile[]; order: NmnistOrder } {
  const byClass: NmnistFile[][] = [];
  for (let label = 0; label <= 9; label++) {
    const d = join(root, String(label));
    byClass.push([]);
    if (!existsSync(d)) continue;
    if (!statSync(d).isDirectory()) throw new Error(`${d}: expected a folder of .bin files`);
    for (const name of readdirSync(d)) {
      if (name.startsWith('.') || !name.endsWith('.bin')) continue; // hidden and temporary files, other files
      if (!/^\d+\.bin$/.test(name)) throw new Error(`${join(d, name)}: expected a numeric file name such as 00001.bin`);
      byClass[label].push({ path: join(d, name), label, id: Number(name.slice(0, -4)) });
    }
    byClass[label].sort((a, b) => a.id - b.id || (a.path < b.path ? -1 : 1));
  }
  const all = byClass.flat();
  if (all.length === 0) throw new Error(`${root}: no .bin files in ${root}/0 .. ${root}/9`);
  const byId = [...all].sort((a, b) => a.id - b.id);
  let unique = true;
  for (let i = 1; i < byId.length; i++) if (byId[i].id === byId[i - 1].id) unique = false;
  let changes = 0;
  for (let i = 1; i < byId.length; i++) if (byId[i].label !== byId[i - 1].label) changes++;
  const classes = byClass.filter((c) => c.length > 0).length;
  // grouped: every class one contiguous block (with one class there is nothing to mix)
  const grouped = classes > 1 && changes <= classes - 1;
  if (unique && !grouped) return { files: byId, order: 'id' };
  const perm = new Rng(ORDER_SEED, 'nmnist-order', split).permutation(all.length);
  return { files: Array.from(perm, (i) => all[i]), order: 'shuffled' };
}

/** Lists DIR/Train/0..9/*.bin and DIR/Test/0..9/*.bin with labels, in a deterministic mixed order. */
export function listNmnist(dir: string): NmnistListing {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a directory (expected an N-MNIST folder holding Train/ and Test/)`);
  const trainDir = splitDir(dir, ['Train', 'train']);
  const testDir = splitDir(dir, ['Test', 'test']);
  const train = listSplit(trainDir, 'train');
  const test = listSplit(testDir, 'test');
  return {
    dir,
    synthetic: existsSync(join(dir, SYNTHETIC_MARKER)),
    train: train.files,
    test: test.files,
    order: { train: train.order, test: test.order },
  };
}

export interface NmnistSizes {
  train?: number;
  val?: number;
  test?: number;
}

export interface NmnistFileSplits {
  train: NmnistFile[];
  val: NmnistFile[];
  test: NmnistFile[];
}

function checkSize(option: string, value: number | undefined, max: number, what: string): number {
  if (value === undefined) return max;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`--${option} must be between 1 and ${max}, got ${value} (${what})`);
  }
  return value;
}

/**
 * The authors' split of a listing: train = the first n − ⌊n/6⌋ Train files (50,000 of 60,000),
 * validation = the rest of Train (10,000), test = Test; `sizes` take the first files of each range.
 */
export function nmnistSplit(list: NmnistListing, sizes: NmnistSizes = {}): NmnistFileSplits {
  const nAll = list.train.length;
  const nVal = validationCount(nAll);
  const nTrain = nAll - nVal;
  if (nVal < 1 || nTrain < 1) {
    throw new RangeError(`${list.dir}: its Train folder holds ${nAll} files, too few to hold out 1/6 for validation (need at least 6)`);
  }
  const train = checkSize('train', sizes.train, nTrain, `${list.dir} has ${nTrain} training files once ${nVal} are held out for validation`);
  const val = checkSize('val', sizes.val, nVal, `${list.dir} holds out ${nVal} training files for validation`);
  const test = checkSize('test', sizes.test, list.test.length, `${list.dir} has ${list.test.length} test files`);
  return {
    train: list.train.slice(0, train),
    val: list.train.slice(nTrain, nTrain + val),
    test: list.test.slice(0, test),
  };
}

export interface LoadNmnistOptions {
  /** ms kept per sample [300]: the spike-count window is 0..249, phase A's snapshots reach 297 */
  maxMs?: number;
  /** put the sets on SharedArrayBuffers (for worker threads) [false] */
  shared?: boolean;
  /** largest step back in time accepted within a file, µs [1000] */
  timeToleranceUs?: number;
  /** called after each file with the files read so far and the total */
  onProgress?: (done: number, total: number) => void;
}

export interface NmnistSplits {
  /** 'saccade-mnist' for the synthetic stand-in, else 'nmnist' */
  name: string;
  synthetic: boolean;
  dir: string;
  train: EventSet;
  val: EventSet;
  test: EventSet;
}

/** Reads files one at a time into a binned EventSet. */
export function loadNmnistFiles(files: readonly NmnistFile[], name: string, o: LoadNmnistOptions = {}, progress?: (done: number) => void): EventSet {
  const b = new EventSetBuilder(name, o.maxMs ?? NMNIST_INIT_MS);
  for (let i = 0; i < files.length; i++) {
    b.addRaw(readNmnistFile(files[i].path, o.timeToleranceUs), files[i].label);
    progress?.(i + 1);
  }
  return b.finish(o.shared ?? false);
}

/**
 * Lists DIR, splits it like the authors (train / validation from Train, test from Test) and loads
 * each split's events, binned to ms (0 ≤ t < maxMs = 300) and deduplicated, as EventSets.
 */
export function loadNmnistSplits(dir: string, sizes: NmnistSizes = {}, o: LoadNmnistOptions = {}): NmnistSplits {
  const list = listNmnist(dir);
  const split = nmnistSplit(list, sizes);
  const name = list.synthetic ? 'saccade-mnist' : 'nmnist';
  const total = split.train.length + split.val.length + split.test.length;
  let base = 0;
  const load = (files: NmnistFile[], part: string): EventSet => {
    const set = loadNmnistFiles(files, `${name}/${part}`, o, o.onProgress ? (d) => o.onProgress!(base + d, total) : undefined);
    base += files.length;
    return set;
  };
  const train = load(split.train, 'train');
  const val = load(split.val, 'val');
  const test = load(split.test, 'test');
  return { name, synthetic: list.synthetic, dir, train, val, test };
}
