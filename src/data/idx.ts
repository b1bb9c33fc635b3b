// Reader and writer for the IDX format of LeCun's MNIST files (also used by Fashion-MNIST):
//   bytes 0-1: 0x00 0x00   byte 2: data type (0x08 = unsigned byte)   byte 3: number of dims
//   then one big-endian uint32 per dimension, then the data, row-major.
// Only unsigned-byte data is supported, which is what the image and label files hold.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ImageDataset, ImageSet } from './images.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

function hex(b: number): string {
  return '0x' + b.toString(16).padStart(2, '0');
}

/** Parses IDX bytes; `source` (the file path) is named in every error. The data is a view of `bytes`. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) {
    throw new Error(`${source}: not an IDX file: expected at least 4 header bytes, found ${bytes.length}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source}: not an IDX file: expected the first two bytes to be 0x00 0x00, found ${hex(bytes[0])} ${hex(bytes[1])}`);
  }
  const type = bytes[2];
  if (type !== 0x08) {
    throw new Error(
      `${source}: unsupported IDX data type ${hex(type)} (${TYPE_NAMES[type] ?? 'unknown type'}): expected 0x08 (unsigned byte)`,
    );
  }
  const nd = bytes[3];
  if (nd < 1 || nd > 4) {
    throw new Error(`${source}: IDX header gives ${nd} dimensions: expected 1 to 4`);
  }
  const headerLength = 4 + 4 * nd;
  if (bytes.length < headerLength) {
    throw new Error(`${source}: IDX header truncated: expected ${headerLength} header bytes for ${nd} dimensions, found ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let need = 1;
  for (let i = 0; i < nd; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0) throw new Error(`${source}: IDX dimension ${i} is 0: expected every dimension > 0`);
    dims.push(d);
    need *= d;
  }
  const have = bytes.length - headerLength;
  if (!Number.isSafeInteger(need) || have < need) {
    throw new Error(`${source}: IDX data truncated: dims [${dims.join(', ')}] need ${need} data bytes, found ${have}`);
  }
  if (have > need) {
    throw new Error(`${source}: IDX file too long: dims [${dims.join(', ')}] need ${need} data bytes, found ${have} (${have - need} extra trailing bytes)`);
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerLength, need) };
}

/** Encodes unsigned-byte data with the given dims (1 to 4 of them) as an IDX file. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > 4) throw new RangeError(`encodeIdx: expected 1 to 4 dimensions, got ${dims.length}`);
  let need = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 1 || d > 0xffffffff) throw new RangeError(`encodeIdx: each dimension must be an integer 1..2^32-1, got ${d}`);
    need *= d;
  }
  if (need !== data.length) throw new RangeError(`encodeIdx: dims [${dims.join(', ')}] need ${need} bytes of data, got ${data.length}`);
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + need);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerLength);
  return out;
}

/** Reads an IDX file, gunzipping it first when it starts with the gzip magic 0x1f 0x8b. */
export function readIdxFile(path: string): IdxArray {
  const raw = readFileSync(path);
  let bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    let unzipped: Buffer;
    try {
      unzipped = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${path}: corrupt gzip data (${(e as Error).message})`);
    }
    bytes = new Uint8Array(unzipped.buffer, unzipped.byteOffset, unzipped.byteLength);
  }
  return parseIdx(bytes, path);
}

/** Loads an image file [n, rows, cols] and its label file [n] (labels 0..9) as an ImageSet. */
export function loadIdxImageSet(imagesPath: string, labelsPath: string, name: string): ImageSet {
  const img = readIdxFile(imagesPath);
  if (img.dims.length !== 3) {
    throw new Error(`${imagesPath}: expected a 3-D image array [n, rows, cols], found ${img.dims.length}-D [${img.dims.join(', ')}]`);
  }
  const lab = readIdxFile(labelsPath);
  if (lab.dims.length !== 1) {
    throw new Error(`${labelsPath}: expected a 1-D label array [n], found ${lab.dims.length}-D [${lab.dims.join(', ')}]`);
  }
  const [n, rows, cols] = img.dims;
  if (lab.dims[0] !== n) {
    throw new Error(`${labelsPath}: holds ${lab.dims[0]} labels but ${imagesPath} holds ${n} images: expected the counts to match`);
  }
  for (let i = 0; i < n; i++) {
    if (lab.data[i] > 9) throw new Error(`${labelsPath}: label ${i} is ${lab.data[i]}: expected 0..9`);
  }
  return { name, n, rows, cols, images: img.data, labels: lab.data };
}

/** Base names of the four files of an MNIST-style data set; the dotted spelling is a common variant. */
export const IDX_FILE_NAMES = {
  trainImages: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'],
  trainLabels: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'],
  testImages: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'],
  testLabels: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'],
} as const;

/** The first of `names` (each tried as is, then with `.gz`) that exists in `dir`; the error lists every name tried. */
export function findIdxFile(dir: string, names: readonly string[], what: string): string {
  const tried: string[] = [];
  for (const base of names) {
    for (const name of [base, base + '.gz']) {
      const p = join(dir, name);
      tried.push(name);
      if (existsSync(p) && statSync(p).isFile()) return p;
    }
  }
  throw new Error(`${dir}: no ${what} file found; looked for ${tried.join(', ')}`);
}

/** Loads a folder holding the four IDX files of an MNIST-style data set (any sizes). */
export function loadIdxDataset(dir: string, name: string): ImageDataset {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a directory (expected a folder of IDX files)`);
  const f = {
    trainImages: findIdxFile(dir, IDX_FILE_NAMES.trainImages, 'training images'),
    trainLabels: findIdxFile(dir, IDX_FILE_NAMES.trainLabels, 'training labels'),
    testImages: findIdxFile(dir, IDX_FILE_NAMES.testImages, 'test images'),
    testLabels: findIdxFile(dir, IDX_FILE_NAMES.testLabels, 'test labels'),
  };
  const train = loadIdxImageSet(f.trainImages, f.trainLabels, `${name}/train`);
  const test = loadIdxImageSet(f.testImages, f.testLabels, `${name}/test`);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(`${dir}: training images are ${train.rows}x${train.cols} but test images are ${test.rows}x${test.cols}: expected the same size`);
  }
  return { name, train, test };
}
