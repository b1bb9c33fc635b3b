// Image data sets shared by the MNIST and Fashion-MNIST loaders, and the standard
// train / validation / test split of the NALSM paper code.
//
// Pure helpers: no node: imports here, so this file can be used anywhere.

/** A set of greyscale images with their class labels. */
export interface ImageSet {
  name: string;
  /** number of images */
  n: number;
  rows: number;
  cols: number;
  /** n * rows * cols raw pixel values 0..255, image after image, each row-major */
  images: Uint8Array;
  /** n class labels */
  labels: Uint8Array;
}

/** A data set as published: its full official training set (e.g. 60,000 images) and test set. */
export interface ImageDataset {
  name: string;
  train: ImageSet;
  test: ImageSet;
}

/** The split used for experiments. */
export interface Splits {
  name: string;
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
  /** the full official training set, for fitting the encoding normaliser */
  trainAll: ImageSet;
}

/** Sizes for standardSplit; each takes the FIRST images of its range. */
export interface SplitSizes {
  train?: number;
  val?: number;
  test?: number;
}

/** Images start..end-1 of a set, as zero-copy subarray views of its buffers. */
export function subset(s: ImageSet, start: number, end: number, name?: string): ImageSet {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > s.n) {
    throw new RangeError(`subset of ${s.name}: need integers 0 <= start <= end <= ${s.n}, got start=${start}, end=${end}`);
  }
  const size = s.rows * s.cols;
  return {
    name: name ?? `${s.name}[${start}:${end}]`,
    n: end - start,
    rows: s.rows,
    cols: s.cols,
    images: s.images.subarray(start * size, end * size),
    labels: s.labels.subarray(start, end),
  };
}

/** Number of official training images held out for validation: the last 1/6 (10,000 of 60,000). */
export function validationCount(trainSize: number): number {
  return Math.floor(trainSize / 6);
}

function checkSize(option: string, value: number | undefined, max: number, what: string): number {
  if (value === undefined) return max;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`--${option} must be between 1 and ${max}, got ${value} (${what})`);
  }
  return value;
}

/**
 * The split of the NALSM paper code, without shuffling:
 *   train = official train[0:50000], val = official train[50000:60000], test = official test[0:10000].
 * In general the validation range is the last 1/6 of the official training set
 * (floor(n / 6) images; exactly 10,000 of 60,000), so tiny fixtures split the same way.
 * `sizes` take the first `train` images of the train range, the first `val` images of the
 * validation range (i.e. from official train index 50000 on) and the first `test` test images;
 * a size larger than what exists is rejected.
 */
export function standardSplit(ds: ImageDataset, sizes: SplitSizes = {}): Splits {
  const nAll = ds.train.n;
  const nVal = validationCount(nAll);
  const nTrain = nAll - nVal;
  if (nVal < 1 || nTrain < 1) {
    throw new RangeError(`${ds.name}: its training set of ${nAll} images is too small to hold out 1/6 for validation (need at least 6)`);
  }
  if (ds.test.n < 1) throw new RangeError(`${ds.name}: its test set is empty`);
  const train = checkSize('train', sizes.train, nTrain, `${ds.name} has ${nTrain} training images once ${nVal} are held out for validation`);
  const val = checkSize('val', sizes.val, nVal, `${ds.name} holds out ${nVal} training images for validation`);
  const test = checkSize('test', sizes.test, ds.test.n, `${ds.name} has ${ds.test.n} test images`);
  return {
    name: ds.name,
    train: subset(ds.train, 0, train),
    val: subset(ds.train, nTrain, nTrain + val),
    test: subset(ds.test, 0, test),
    trainAll: ds.train,
  };
}

/** Count of each label value 0..classes-1 (labels >= classes are ignored). */
export function labelHistogram(s: ImageSet, classes = 10): number[] {
  const h = new Array<number>(classes).fill(0);
  for (let i = 0; i < s.n; i++) {
    const l = s.labels[i];
    if (l < classes) h[l]++;
  }
  return h;
}
