// Event audio: the cochlea on pure tones, WAV decoding, the N-TIDIGITS HDF5 reader on files the
// test writes (in the original layout, and bad ones), and the synthetic espeak-ng spoken digits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { Cochlea, centreFrequencies, tone } from '../src/core/audio/cochlea.js';
import { decodeWav } from '../src/data/wav.js';
import { readNtidigits, writeNtidigits, ntidigitsLabel, audioEvents, OH_LABEL } from '../src/data/ntidigits.js';
import { generateSpokenDigits, utterance } from '../src/data/spoken-digits.js';

const tmp = mkdtempSync(join(tmpdir(), 'nalsm-audio-'));

function histogram(ev: { n: number; channel: Uint8Array }, channels = 64): number[] {
  const h = new Array(channels).fill(0);
  for (let e = 0; e < ev.n; e++) h[ev.channel[e]]++;
  return h;
}

test('cochlea: a pure tone fires the channel tuned to it, and not channels an octave or more away', () => {
  const fs = 22050;
  const c = new Cochlea(fs, 1);
  const centres = centreFrequencies(c.p);
  assert.equal(centres.length, 64);
  assert.ok(Math.abs(centres[0] - 100) < 1e-9 && Math.abs(centres[63] - 8000) < 1e-6);
  for (const f of [200, 1000, 2500, 6000]) {
    const h = histogram(c.events(tone(f, 0.3, fs)));
    const peak = h.indexOf(Math.max(...h));
    let nearest = 0;
    centres.forEach((fc, k) => {
      if (Math.abs(Math.log(fc / f)) < Math.abs(Math.log(centres[nearest] / f))) nearest = k;
    });
    assert.ok(Math.abs(peak - nearest) <= 1, `${f} Hz: peak channel ${peak} (${centres[peak].toFixed(0)} Hz), nearest centre ${nearest}`);
    centres.forEach((fc, k) => {
      if (Math.abs(Math.log2(fc / f)) >= 1) assert.ok(h[k] <= 0.1 * h[peak], `${f} Hz: channel ${k} (${fc.toFixed(0)} Hz) fired ${h[k]} vs peak ${h[peak]}`);
    });
  }
  // the input is normalised to unit RMS: the level of the recording does not change the events
  const a = c.events(tone(1000, 0.2, fs, 1));
  const b = c.events(tone(1000, 0.2, fs, 0.01));
  assert.deepEqual(histogram(a), histogram(b));
  assert.equal(c.events(new Float64Array(1000)).n, 0, 'silence: no events');
  assert.throws(() => new Cochlea(16000, 1, { fHigh: 8000 }), /fHigh < sampleRate\/2 \(8000 Hz\)/);
});

test('WAV: 16-bit PCM, the streaming size espeak-ng writes, and bad files', () => {
  const n = 4;
  const b = new Uint8Array(44 + 2 * n);
  const dv = new DataView(b.buffer);
  b.set(new TextEncoder().encode('RIFF'), 0);
  dv.setUint32(4, 0x7ffff024, true);
  b.set(new TextEncoder().encode('WAVEfmt '), 8);
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true);
  dv.setUint16(22, 1, true);
  dv.setUint32(24, 22050, true);
  dv.setUint32(28, 44100, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  b.set(new TextEncoder().encode('data'), 36);
  dv.setUint32(40, 0x7ffff000, true);
  [0, 16384, -32768, 32767].forEach((v, k) => dv.setInt16(44 + 2 * k, v, true));
  const w = decodeWav(b, 'x.wav');
  assert.equal(w.sampleRate, 22050);
  assert.deepEqual(Array.from(w.samples), [0, 0.5, -1, 32767 / 32768]);
  assert.throws(() => decodeWav(b.subarray(0, 10), 'short.wav'), /short.wav: not a 16-bit PCM WAV file \(no RIFF\/WAVE header\)/);
});

test('N-TIDIGITS ids: digit, zero, oh, sequences', () => {
  assert.equal(ntidigitsLabel('man-ae-1a', 'f'), 1);
  assert.equal(ntidigitsLabel('woman-kh-zb', 'f'), 0);
  assert.equal(ntidigitsLabel('man-ae-oa', 'f'), OH_LABEL);
  assert.equal(ntidigitsLabel('man-ae-o4z3a', 'f'), null);
  assert.throws(() => ntidigitsLabel('man-ae-xa', 'file.h5'), /file.h5: recording id "man-ae-xa" does not end in a digit sequence/);
});

test('N-TIDIGITS reader on an HDF5 file in the original layout, written here with h5wasm', async () => {
  await h5wasm.ready;
  const path = join(tmp, 'n-tidigits-small.hdf5');
  const f = new h5wasm.File(path, 'w');
  const train = { 'man-ae-1a': [[0.01, 3], [0.02, 63], [0.5, 0]], 'woman-kh-zb': [[0.1, 10]], 'man-ae-o4z3a': [[0.3, 1]], 'man-bb-oa': [[0.2, 2]] } as Record<string, number[][]>;
  f.create_dataset({ name: 'train_labels', data: Object.keys(train) });
  f.create_dataset({ name: 'test_labels', data: ['man-cc-9a'] });
  for (const [split, recs] of [['train', train], ['test', { 'man-cc-9a': [[0.05, 7]] }]] as const) {
    const tg = f.create_group(`${split}_timestamps`);
    const ag = f.create_group(`${split}_addresses`);
    for (const [id, ev] of Object.entries(recs as Record<string, number[][]>)) {
      tg.create_dataset({ name: id, data: Float32Array.from(ev.map((e) => e[0])) });
      ag.create_dataset({ name: id, data: Int32Array.from(ev.map((e) => e[1])) });
    }
  }
  f.close();
  const s = await readNtidigits(path, 'train');
  assert.deepEqual(s.ids, ['man-ae-1a', 'woman-kh-zb', 'man-bb-oa']);
  assert.deepEqual(Array.from(s.labels), [1, 0, OH_LABEL]);
  assert.equal(s.synthetic, null);
  const e0 = audioEvents(s, 0);
  assert.deepEqual(Array.from(e0.channel), [3, 63, 0]);
  assert.deepEqual(Array.from(e0.tSec), [0.01, 0.02, 0.5].map((v) => Math.fround(v)));
  assert.deepEqual((await readNtidigits(path, 'train', { dropOh: true })).ids, ['man-ae-1a', 'woman-kh-zb']);
  assert.equal((await readNtidigits(path, 'train', { singleDigits: false })).n, 4);
  assert.deepEqual(Array.from((await readNtidigits(path, 'test')).labels), [9]);
});

test('N-TIDIGITS reader: bad files name the file and dataset', async () => {
  await assert.rejects(readNtidigits(join(tmp, 'none.hdf5'), 'train'), /none.hdf5: no such file/);
  const junk = join(tmp, 'junk.hdf5');
  writeFileSync(junk, 'not hdf5');
  await assert.rejects(readNtidigits(junk, 'train'), /junk.hdf5: not an HDF5 file \(no HDF5 signature/);
  await h5wasm.ready;
  const bad = join(tmp, 'bad.hdf5');
  const f = new h5wasm.File(bad, 'w');
  f.create_dataset({ name: 'train_labels', data: ['a-b-1a', 'a-b-2a'] });
  const tg = f.create_group('train_timestamps');
  const ag = f.create_group('train_addresses');
  tg.create_dataset({ name: 'a-b-1a', data: Float64Array.of(0.1, 0.2) });
  ag.create_dataset({ name: 'a-b-1a', data: Int32Array.of(5, 64) });
  tg.create_dataset({ name: 'a-b-2a', data: Float64Array.of(0.1) });
  f.close();
  await assert.rejects(readNtidigits(bad, 'test'), /bad.hdf5: test_labels: missing/);
  await assert.rejects(readNtidigits(bad, 'train'), /bad.hdf5: train_addresses\/a-b-1a\[1\] is 64, expected a channel 0..63/);
});

test('writer round trip, and synthetic spoken digits: seeded, labelled, disjoint voices, marked synthetic', async () => {
  const path = join(tmp, 'rt.hdf5');
  const ev = { n: 2, channel: Uint8Array.of(1, 2), tSec: Float64Array.of(0.25, 0.5) };
  await writeNtidigits(path, { train: [{ id: 'x-y-3a', events: ev }], test: [] }, 'SYNTHETIC test');
  const r = await readNtidigits(path, 'train');
  assert.equal(r.synthetic, 'SYNTHETIC test');
  assert.deepEqual(Array.from(audioEvents(r, 0).tSec), [0.25, 0.5]);
  await assert.rejects(writeNtidigits(join(tmp, 'dup.hdf5'), { train: [{ id: 'x-y-3a', events: ev }, { id: 'x-y-3a', events: ev }], test: [] }, null), /appears twice/);
  assert.ok(!existsSync(join(tmp, 'dup.hdf5')), 'nothing half-written');

  const u = utterance(4, 'train', 7, 0);
  assert.deepEqual(u, utterance(4, 'train', 7, 0));
  assert.match(u.voice, /\+(m[1-4]|f[1-3])$/, 'training voices use the training variants');
  assert.match(utterance(4, 'test', 7, 0).voice, /\+(m[5-7]|f[45])$/, 'test voices use the held-out variants');
  const a = join(tmp, 'sd-a.hdf5');
  const b = join(tmp, 'sd-b.hdf5');
  await generateSpokenDigits({ out: a, seed: 4, trainPerDigit: 1, testPerDigit: 1, concurrency: 2 });
  await generateSpokenDigits({ out: b, seed: 4, trainPerDigit: 1, testPerDigit: 1, concurrency: 1 });
  const sa = await readNtidigits(a, 'train');
  const sb = await readNtidigits(b, 'train');
  assert.deepEqual(Array.from(sa.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'ten digits and "oh" (label 10)');
  assert.match(sa.ids[10], /-train0-oa$/, '"oh" ids end in "o", as N-TIDIGITS');
  assert.equal((await readNtidigits(a, 'test', { dropOh: true })).n, 10, 'dropOh leaves the ten digits');
  // "oh" is its own word: its events differ from every digit's of the same voice slot
  for (let d = 0; d < 10; d++) assert.notDeepEqual(Array.from(audioEvents(sa, 10).channel), Array.from(audioEvents(sa, d).channel), `"oh" differs from digit ${d}`);
  // without "oh" the ten digits come out the same (the per-recording seeds do not depend on it)
  const c = join(tmp, 'sd-c.hdf5');
  await generateSpokenDigits({ out: c, seed: 4, trainPerDigit: 1, testPerDigit: 1, oh: false });
  const sc = await readNtidigits(c, 'train');
  assert.deepEqual(Array.from(sc.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(audioEvents(sc, 7).tSec), Array.from(audioEvents(sa, 7).tSec));
  assert.match(sa.synthetic ?? '', /SYNTHETIC spoken digits/);
  assert.deepEqual(sa.ids, sb.ids);
  assert.deepEqual(sa.channel, sb.channel, 'same seed, same events, whatever the concurrency');
  assert.deepEqual(sa.tSec, sb.tSec);
  for (let s = 0; s < sa.n; s++) assert.ok(sa.offset[s + 1] - sa.offset[s] > 50, `recording ${sa.ids[s]} has events`);
});
