import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, loadIdxImageSet, parseIdx, readIdxFile } from '../src/data/idx.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nalsm-idx-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
}

function ramp(n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 37 + 11) & 255;
  return a;
}

test('encodeIdx then parseIdx round-trips dims and data', () => {
  const data = ramp(3 * 4 * 5);
  const bytes = encodeIdx([3, 4, 5], data);
  assert.equal(bytes.length, 4 + 12 + 60);
  assert.deepEqual([...bytes.subarray(0, 4)], [0, 0, 8, 3]);
  const r = parseIdx(bytes, 'mem');
  assert.deepEqual(r.dims, [3, 4, 5]);
  assert.deepEqual([...r.data], [...data]);
  // big-endian dims above 255
  const big = parseIdx(encodeIdx([300], ramp(300)), 'mem');
  assert.deepEqual(big.dims, [300]);
});

test('readIdxFile reads plain and gzipped files identically', () => {
  const data = ramp(2 * 28 * 28);
  const plain = write('plain-idx3-ubyte', encodeIdx([2, 28, 28], data));
  const gz = write('gz-idx3-ubyte.gz', gzipSync(encodeIdx([2, 28, 28], data)));
  const a = readIdxFile(plain);
  const b = readIdxFile(gz);
  assert.deepEqual(a.dims, [2, 28, 28]);
  assert.deepEqual(b.dims, [2, 28, 28]);
  assert.deepEqual([...b.data], [...data]);
  assert.deepEqual([...a.data], [...data]);
});

function rejects(name: string, bytes: Uint8Array, pattern: RegExp): void {
  const p = write(name, bytes);
  assert.throws(() => readIdxFile(p), (e: Error) => {
    assert.ok(e.message.includes(name), `message should name the file: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('rejects a file shorter than the 4-byte header', () => {
  rejects('short.idx', new Uint8Array([0, 0, 8]), /at least 4 header bytes, found 3/);
});

test('rejects bad magic', () => {
  const b = encodeIdx([4], ramp(4));
  b[1] = 1;
  rejects('badmagic.idx', b, /0x00 0x00, found 0x00 0x01/);
});

test('rejects a type byte other than unsigned byte, naming the type', () => {
  const b = encodeIdx([4], ramp(4));
  b[2] = 0x0d;
  rejects('float.idx', b, /0x0d \(float32\).*expected 0x08/);
});

test('rejects 0 or more than 4 dimensions', () => {
  const b = encodeIdx([4], ramp(4));
  b[3] = 0;
  rejects('nodims.idx', b, /0 dimensions: expected 1 to 4/);
  b[3] = 5;
  rejects('fivedims.idx', b, /5 dimensions: expected 1 to 4/);
});

test('rejects a truncated header', () => {
  rejects('hdr.idx', encodeIdx([2, 2, 2], ramp(8)).subarray(0, 10), /header truncated: expected 16 header bytes/);
});

test('rejects truncated data', () => {
  const b = encodeIdx([3, 4], ramp(12));
  rejects('trunc.idx', b.subarray(0, b.length - 1), /truncated.*need 12 data bytes, found 11/);
});

test('rejects extra trailing bytes', () => {
  const b = encodeIdx([3, 4], ramp(12));
  const longer = new Uint8Array(b.length + 2);
  longer.set(b);
  rejects('long.idx', longer, /need 12 data bytes, found 14/);
});

test('rejects a zero dimension', () => {
  const b = encodeIdx([3, 4], ramp(12));
  b[7] = 0; // dims[0] = 0
  rejects('zerodim.idx', b, /dimension 0 is 0/);
});

test('rejects corrupt gzip data, naming the file', () => {
  const gz = gzipSync(encodeIdx([100], ramp(100)));
  rejects('corrupt.gz', gz.subarray(0, gz.length - 10), /corrupt gzip/);
  const junk = ramp(64);
  junk[0] = 0x1f;
  junk[1] = 0x8b;
  rejects('junk.gz', junk, /corrupt gzip/);
});

test('parseIdx errors name the source', () => {
  assert.throws(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 5]), 'some/file-name'), /^Error: some\/file-name: /);
});

test('loadIdxImageSet loads matching images and labels', () => {
  const imgs = write('ok-images', encodeIdx([3, 2, 2], ramp(12)));
  const labs = write('ok-labels', encodeIdx([3], new Uint8Array([7, 0, 9])));
  const s = loadIdxImageSet(imgs, labs, 'tiny');
  assert.equal(s.name, 'tiny');
  assert.equal(s.n, 3);
  assert.equal(s.rows, 2);
  assert.equal(s.cols, 2);
  assert.deepEqual([...s.labels], [7, 0, 9]);
  assert.deepEqual([...s.images], [...ramp(12)]);
});

test('loadIdxImageSet rejects a label/image count mismatch', () => {
  const imgs = write('mm-images', encodeIdx([3, 2, 2], ramp(12)));
  const labs = write('mm-labels', encodeIdx([4], new Uint8Array([1, 2, 3, 4])));
  assert.throws(() => loadIdxImageSet(imgs, labs, 'mm'), /mm-labels: holds 4 labels but .*mm-images holds 3 images/);
});

test('loadIdxImageSet rejects wrong ranks and labels >= 10', () => {
  const imgs = write('r-images', encodeIdx([3, 4], ramp(12)));
  const imgs3 = write('r3-images', encodeIdx([3, 2, 2], ramp(12)));
  const labs = write('r-labels', encodeIdx([3], new Uint8Array([1, 2, 3])));
  const labs2 = write('r2-labels', encodeIdx([3, 1], new Uint8Array([1, 2, 3])));
  const badLabs = write('bad-labels', encodeIdx([3], new Uint8Array([1, 10, 3])));
  assert.throws(() => loadIdxImageSet(imgs, labs, 'r'), /r-images: expected a 3-D image array/);
  assert.throws(() => loadIdxImageSet(imgs3, labs2, 'r'), /r2-labels: expected a 1-D label array/);
  assert.throws(() => loadIdxImageSet(imgs3, badLabs, 'r'), /bad-labels: label 1 is 10: expected 0\.\.9/);
});
