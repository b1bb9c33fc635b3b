// N-MNIST reader, event encoding (spec §3.2, §3.3, §8.3) and the synthetic saccade-MNIST generator.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  decodeNmnistBin,
  encodeNmnistBin,
  listNmnist,
  loadNmnistSplits,
  nmnistSplit,
  readNmnistFile,
  NMNIST_TIME_TOLERANCE_US,
  type NmnistEvents,
} from '../src/data/nmnist.js';
import {
  binEvents,
  eventSample,
  eventsToPulses,
  jitterShift,
  jitterSet,
  reflectStep,
  snapshotStart,
  usToMs,
  EventSetBuilder,
  NMNIST_INPUTS,
  type EventSample,
} from '../src/core/encode/events.js';
import { PulseBuffer } from '../src/core/encode/pulses.js';
import { Rng } from '../src/core/rng.js';
import { generateSaccadeMnist } from '../src/data/saccade-mnist.js';
import { loadMnist } from '../src/data/mnist.js';
import { runPipeline } from '../src/pipeline/run.js';
import { spawnSync } from 'node:child_process';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nalsm-nmnist-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function events(list: Array<[number, number, number, number]>): NmnistEvents {
  const n = list.length;
  const e: NmnistEvents = { n, x: new Uint8Array(n), y: new Uint8Array(n), p: new Uint8Array(n), tUs: new Int32Array(n) };
  list.forEach(([x, y, p, t], i) => {
    e.x[i] = x;
    e.y[i] = y;
    e.p[i] = p;
    e.tUs[i] = t;
  });
  return e;
}

function asList(e: NmnistEvents): Array<[number, number, number, number]> {
  return Array.from({ length: e.n }, (_, i) => [e.x[i], e.y[i], e.p[i], e.tUs[i]] as [number, number, number, number]);
}

function pairs(s: EventSample): Array<[number, number]> {
  return Array.from(s.t, (t, i) => [t, s.input[i]] as [number, number]);
}

function write(name: string, bytes: Uint8Array): string {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  return p;
}

test('hand-made bytes decode exactly: coordinates, polarity bit, 23-bit timestamps', () => {
  const bytes = new Uint8Array([
    // x=3, y=5, ON, t = 0x012345 = 74565 µs (> 2^16)
    3, 5, 0x80 | 0x01, 0x23, 0x45,
    // x=33, y=0, OFF, t = 0x0abcde = 703710 µs
    33, 0, 0x0a, 0xbc, 0xde,
    // x=0, y=33, ON, t = 0x7fffff (the largest 23-bit value)
    0, 33, 0xff, 0xff, 0xff,
    // x=17, y=16, OFF, t = 0x7fffff − 1000: one tolerated step back of exactly 1 ms
    17, 16, 0x7f, 0xfc, 0x17,
  ]);
  const e = decodeNmnistBin(bytes, 'hand.bin');
  assert.equal(e.n, 4);
  assert.deepEqual(asList(e), [
    [3, 5, 1, 74565],
    [33, 0, 0, 703710],
    [0, 33, 1, 8388607],
    [17, 16, 0, 8387607],
  ]);
  assert.equal(decodeNmnistBin(new Uint8Array(0), 'empty.bin').n, 0);
});

test('encode then decode round-trips events, and decode then encode round-trips bytes', () => {
  const rng = new Rng(7, 'roundtrip');
  const list: Array<[number, number, number, number]> = [];
  let t = 0;
  for (let i = 0; i < 500; i++) {
    t += rng.int(3000);
    list.push([rng.int(34), rng.int(34), rng.int(2), Math.min(t, 0x7fffff)]);
  }
  const ev = events(list);
  const bytes = encodeNmnistBin(ev);
  assert.equal(bytes.length, 2500);
  assert.deepEqual(asList(decodeNmnistBin(bytes, 'mem')), list);
  assert.deepEqual(encodeNmnistBin(decodeNmnistBin(bytes, 'mem')), bytes);
  // the encoder refuses what the format cannot hold
  assert.throws(() => encodeNmnistBin(events([[1, 1, 2, 0]])), /polarity 2/);
  assert.throws(() => encodeNmnistBin(events([[1, 1, 0, 1 << 23]])), /23 bits/);
});

test('truncated files, out-of-range coordinates and time reversals are rejected, naming the file', () => {
  const good = encodeNmnistBin(events([[1, 2, 1, 100], [3, 4, 0, 2000]]));
  const truncated = write('bad/truncated.bin', good.subarray(0, 7));
  assert.throws(() => readNmnistFile(truncated), (e: Error) => e.message.includes(truncated) && /truncated.*7 bytes.*2 trailing/.test(e.message));
  const badX = write('bad/x.bin', encodeNmnistBin(events([[1, 2, 1, 100], [34, 4, 0, 2000]])));
  assert.throws(() => readNmnistFile(badX), (e: Error) => e.message.includes(badX) && /event 1 .*x = 34/.test(e.message));
  const badY = write('bad/y.bin', encodeNmnistBin(events([[1, 200, 1, 100]])));
  assert.throws(() => readNmnistFile(badY), (e: Error) => e.message.includes(badY) && /y = 200/.test(e.message));
  const back = write('bad/back.bin', encodeNmnistBin(events([[1, 2, 1, 5000], [1, 2, 1, 5000 - NMNIST_TIME_TOLERANCE_US - 1]])));
  assert.throws(() => readNmnistFile(back), (e: Error) => e.message.includes(back) && /1001 µs before/.test(e.message));
  // a step back of exactly the tolerance is accepted
  const jitter = write('ok/jitter.bin', encodeNmnistBin(events([[1, 2, 1, 5000], [1, 2, 1, 4000], [1, 2, 1, 4500]])));
  assert.equal(readNmnistFile(jitter).n, 3);
});

test('binning: half-to-even ms, polarity offset, duplicates collapse, out-of-field and late events dropped', () => {
  assert.deepEqual([499, 500, 501, 1499, 1500, 2500, 2501, 3500].map(usToMs), [0, 0, 1, 1, 2, 2, 3, 4]);
  const raw = events([
    [0, 0, 1, 500], // 0.5 ms → 0; input 1156
    [1, 2, 0, 1499], // 1.499 → 1; input 2·34 + 1 = 69
    [1, 2, 0, 1500], // 1.5 → 2
    [1, 2, 0, 2500], // 2.5 → 2: same bin as the previous one, collapses
    [1, 2, 0, 2400], // 2.4 → 2: collapses too
    [33, 33, 1, 2499], // 2.499 → 2; input 1156 + 33·34 + 33 = 2311
    [1, 2, 0, 249499], // 249.499 → 249
    [1, 2, 0, 249500], // 249.5 → 250: outside the spike-count window
  ]);
  const withBadPixel = events([...asList(raw), [34, 0, 0, 3000]]); // out of the field: dropped
  const s = binEvents(withBadPixel, 300);
  assert.deepEqual(pairs(s), [
    [0, 1156],
    [1, 69],
    [2, 69],
    [2, 2311],
    [249, 69],
    [250, 69],
  ]);
  assert.deepEqual(pairs(binEvents(raw, 250)), pairs(s).slice(0, 5));

  const out = new PulseBuffer(250);
  eventsToPulses(s, { from: 0, steps: 250 }, out);
  assert.equal(out.steps, 250);
  assert.equal(out.start[250], 5, 'the event at 250 ms is cut');
  assert.deepEqual([out.start[0], out.start[1], out.start[2], out.start[3], out.start[249]], [0, 1, 2, 4, 4]);
  assert.deepEqual([...out.input.subarray(0, 5)], [1156, 69, 69, 2311, 69]);
  // a snapshot window: step 0 = ms 2, 20 steps
  eventsToPulses(s, { from: 2, steps: 20 }, out);
  assert.equal(out.steps, 20);
  assert.equal(out.start[20], 2);
  assert.deepEqual([out.start[0], out.start[1]], [0, 2]);
  eventsToPulses(s, { from: 240, steps: 20 }, out);
  assert.deepEqual([out.start[9], out.start[10], out.start[11], out.start[20]], [0, 1, 2, 2]);
  assert.deepEqual([...out.input.subarray(0, 2)], [69, 69]);
});

test('snapshot starts are uniform integers in [1, 278]', () => {
  const rng = new Rng(3, 'snap');
  const seen = new Uint32Array(300);
  for (let i = 0; i < 60000; i++) {
    const s = snapshotStart(rng);
    assert.ok(Number.isInteger(s) && s >= 1 && s <= 278, `start ${s}`);
    seen[s]++;
  }
  assert.ok(seen[1] > 0 && seen[278] > 0);
  for (let s = 1; s <= 278; s++) assert.ok(seen[s] > 120 && seen[s] < 320, `start ${s} drawn ${seen[s]} times of ~216`);
});

test('reflection into [0, T−1] and the per-sample shift of the AP noise', () => {
  const cases: Array<[number, number]> = [[0, 0], [5, 5], [249, 249], [250, 248], [251, 247], [-1, 1], [-3, 3], [-250, 248]];
  for (const [t, want] of cases) assert.equal(reflectStep(t, 250), want, `t' = ${t}`);
  const fixed = (...d: number[]): Rng => {
    let k = 0;
    return { normal: () => d[k++] } as unknown as Rng;
  };
  const s: EventSample = {
    t: Uint16Array.from([0, 1, 246, 247, 248, 260]),
    input: Uint16Array.from([7, 9, 7, 3, 7, 5]),
  };
  // σ = 1 and δ = 2.4: round(t + 2.4) = t + 2; 246 → 248, 247 → 249, 248 → 250 → 248 (meets 246's event);
  // the 260 ms event lies outside T = 250 and is dropped before shifting
  assert.deepEqual(pairs(jitterShift(s, fixed(2.4), { sigma: 1 })), [[2, 7], [3, 9], [248, 7], [249, 3]]);
  // δ = 0.5: half to even, 0.5 → 0 and 1.5 → 2
  assert.deepEqual(pairs(jitterShift(s, fixed(0.5), { sigma: 1 })).slice(0, 2), [[0, 7], [2, 9]]);
  // δ = −3: 0 → −3 → 3, 1 → −2 → 2
  assert.deepEqual(pairs(jitterShift(s, fixed(-3), { sigma: 1 })).slice(0, 2), [[2, 9], [3, 7]]);
  // per-event: one draw per event, in order
  assert.deepEqual(pairs(jitterShift(s, fixed(1, -1, 0, 0, 0), { sigma: 1, mode: 'per-event' })), [[0, 9], [1, 7], [246, 7], [247, 3], [248, 7]]);
  // σ = 10 (default): one shift for the whole sample, so differences are kept away from the edges
  const mid: EventSample = { t: Uint16Array.from([100, 120, 140]), input: Uint16Array.from([1, 2, 3]) };
  const j = jitterShift(mid, new Rng(1, 'ap'));
  assert.deepEqual([j.t[1] - j.t[0], j.t[2] - j.t[1]], [20, 20]);
  assert.notEqual(j.t[0], 100);
});

test('EventSetBuilder packs samples, and views / windows read them back', () => {
  const b = new EventSetBuilder('set', 300);
  b.addRaw(events([[1, 0, 0, 3000], [0, 0, 0, 3000], [0, 0, 0, 3100]]), 4);
  b.addRaw(events([]), 1);
  b.addSample({ t: Uint16Array.from([0, 0, 299]), input: Uint16Array.from([2, 2311, 5]) }, 9);
  assert.throws(() => b.addSample({ t: Uint16Array.from([3, 2]), input: Uint16Array.from([0, 0]) }, 0), /sorted/);
  const set = b.finish(true);
  assert.ok(set.t.buffer instanceof SharedArrayBuffer);
  assert.equal(set.n, 3);
  assert.deepEqual([...set.labels], [4, 1, 9]);
  assert.deepEqual([...set.offset], [0, 2, 2, 5]);
  assert.deepEqual(pairs(eventSample(set, 0)), [[3, 0], [3, 1]]);
  assert.deepEqual(pairs(eventSample(set, 1)), []);
  assert.deepEqual(pairs(eventSample(set, 2)), [[0, 2], [0, NMNIST_INPUTS - 1], [299, 5]]);
});

test('listing order: by id when ids are global and mixed, otherwise a fixed shuffle (never class-grouped)', () => {
  const one = encodeNmnistBin(events([[1, 1, 1, 10]]));
  // ids repeat across classes (numbered per class): shuffled, deterministic
  const dirA = path.join(tmp, 'perclass');
  for (let c = 0; c < 10; c++) for (let i = 1; i <= 7; i++) write(`perclass/Train/${c}/${String(i).padStart(5, '0')}.bin`, one);
  for (let c = 0; c < 10; c++) write(`perclass/Test/${c}/00001.bin`, one);
  write('perclass/Train/3/.00009.bin.123.tmp', one); // temporary files are ignored
  const a = listNmnist(dirA);
  assert.equal(a.train.length, 70);
  assert.equal(a.order.train, 'shuffled');
  assert.equal(a.synthetic, false);
  let changes = 0;
  for (let i = 1; i < a.train.length; i++) if (a.train[i].label !== a.train[i - 1].label) changes++;
  assert.ok(changes > 30, `labels change ${changes} times along the list`);
  assert.deepEqual(listNmnist(dirA).train.map((f) => f.path), a.train.map((f) => f.path));
  const sp = nmnistSplit(a);
  assert.deepEqual([sp.train.length, sp.val.length, sp.test.length], [59, 11, 10]);
  assert.deepEqual(nmnistSplit(a, { train: 5, val: 2, test: 3 }).val, a.train.slice(59, 61));
  assert.throws(() => nmnistSplit(a, { train: 60 }), /--train must be between 1 and 59/);
  // unique ids that put each class in one block: shuffled too
  const dirB = path.join(tmp, 'grouped');
  for (let c = 0; c < 3; c++) for (let i = 1; i <= 4; i++) write(`grouped/Train/${c}/${String(c * 4 + i).padStart(5, '0')}.bin`, one);
  write('grouped/Test/0/00001.bin', one);
  assert.equal(listNmnist(dirB).order.train, 'shuffled');
  // no Test folder: a clear error
  fs.mkdirSync(path.join(tmp, 'notest/Train/0'), { recursive: true });
  assert.throws(() => listNmnist(path.join(tmp, 'notest')), /no Test folder/);
});

test('saccade-MNIST: 20 images become readable N-MNIST files, labels kept, plausible counts, deterministic', async () => {
  const mnist = loadMnist();
  const outA = path.join(tmp, 'smA');
  const s = await generateSaccadeMnist({ out: outA, train: 20, test: 6, seed: 5, mnist });
  assert.equal(s.train + s.test, 26);
  assert.ok(s.events.mean > 3000 && s.events.mean < 7000, `mean events per recording ${s.events.mean}`);
  assert.ok(s.onFraction > 0.4 && s.onFraction < 0.6, `ON fraction ${s.onFraction}`);
  assert.match(fs.readFileSync(path.join(outA, 'README-SYNTHETIC.txt'), 'utf8'), /SYNTHETIC.*NOT N-MNIST/);

  const list = listNmnist(outA);
  assert.equal(list.synthetic, true);
  assert.equal(list.order.train, 'id');
  assert.deepEqual(list.train.map((f) => f.label), [...mnist.train.labels.subarray(0, 20)]);
  assert.deepEqual(list.test.map((f) => f.label), [...mnist.test.labels.subarray(0, 6)]);
  assert.equal(path.basename(list.train[0].path), '00001.bin');
  for (const f of [...list.train, ...list.test]) {
    const e = readNmnistFile(f.path);
    assert.ok(e.n > 1500 && e.n < 12000, `${f.path}: ${e.n} events`);
    assert.ok(e.tUs[e.n - 1] < 310000, `${f.path}: last event at ${e.tUs[e.n - 1]} µs`);
    for (let i = 1; i < e.n; i++) assert.ok(e.tUs[i] >= e.tUs[i - 1], 'events in time order');
    let on = 0;
    for (let i = 0; i < e.n; i++) on += e.p[i];
    assert.ok(on > 0.3 * e.n && on < 0.7 * e.n, `${f.path}: ${on} ON of ${e.n}`);
  }

  // the split and the loader for the pipeline
  const sp = loadNmnistSplits(outA);
  assert.equal(sp.name, 'saccade-mnist');
  assert.deepEqual([sp.train.n, sp.val.n, sp.test.n], [17, 3, 6]);
  assert.deepEqual([...sp.val.labels], [...mnist.train.labels.subarray(17, 20)]);
  const buf = new PulseBuffer(250);
  const ev0 = eventSample(sp.train, 0);
  eventsToPulses(ev0, { from: 0, steps: 250 }, buf);
  const inWindow = ev0.t.filter((t) => t < 250).length;
  assert.equal(buf.start[250], inWindow);
  assert.ok(inWindow > 1500 && inWindow < ev0.t.length, `${inWindow} of ${ev0.t.length} binned events before 250 ms`);

  // same seed: identical bytes (also through worker threads); another seed: different recordings
  const outB = path.join(tmp, 'smB');
  await generateSaccadeMnist({ out: outB, train: 20, test: 6, seed: 5, mnist, workers: 2 });
  const outC = path.join(tmp, 'smC');
  await generateSaccadeMnist({ out: outC, train: 20, test: 0, seed: 6, mnist });
  for (const f of list.train) {
    const rel = path.relative(outA, f.path);
    assert.deepEqual(fs.readFileSync(path.join(outB, rel)), fs.readFileSync(f.path), rel);
  }
  const rel0 = path.relative(outA, list.train[0].path);
  assert.notDeepEqual(fs.readFileSync(path.join(outC, rel0)), fs.readFileSync(list.train[0].path));

  // never writes into what may be real N-MNIST
  const real = path.join(tmp, 'real');
  fs.mkdirSync(path.join(real, 'Train'), { recursive: true });
  await assert.rejects(generateSaccadeMnist({ out: real, train: 1, test: 0, mnist }), /refusing/);
});

test('jitterSet: one seeded time shift per recording, cut to 0..249, labels kept; kernel quality of an event run uses it', async () => {
  const mnist = loadMnist();
  const dir = path.join(tmp, 'kq-events');
  await generateSaccadeMnist({ out: dir, train: 36, test: 30, seed: 6, mnist, workers: 1 });
  const sp = loadNmnistSplits(dir);
  const a = jitterSet(sp.test, 3);
  const b = jitterSet(sp.test, 3);
  const zero = jitterSet(sp.test, 3, { sigma: 0 });
  assert.deepEqual([...a.labels], [...sp.test.labels]);
  assert.deepEqual([...a.t], [...b.t], 'same seed, same noise');
  assert.deepEqual([...a.input], [...b.input]);
  assert.ok(a.t.every((t) => t < 250));
  let moved = 0;
  for (let s = 0; s < sp.test.n; s++) {
    const clean = eventSample(sp.test, s);
    const cut = clean.t.findIndex((t) => t >= 250);
    const n = cut < 0 ? clean.t.length : cut;
    const z = eventSample(zero, s);
    assert.deepEqual([...z.t], [...clean.t.subarray(0, n)], 'σ = 0 leaves the recording (cut to 250 ms)');
    const j = eventSample(a, s);
    if (j.t.length !== n || j.t.some((t, i) => t !== clean.t[i])) moved++;
  }
  assert.ok(moved >= sp.test.n - 2, `${moved} of ${sp.test.n} recordings moved`);

  // nalsm analyze kq on a tiny event run: AP from the time-shifted test recordings
  const work = path.join(tmp, 'kq-run');
  await runPipeline({
    model: 'lsm',
    dataset: 'nmnist',
    dataDir: dir,
    dims: [5, 5, 5],
    seed: 2,
    sizes: { train: 30, val: 6, test: 30 },
    workers: 1,
    readout: { optimizer: 'adam', epochs: 2 },
    outDir: path.join(work, 'results'),
    artifactsDir: path.join(work, 'runs', 'ev'),
    name: 'ev',
    saveCounts: true,
    command: 'test',
  });
  const r = spawnSync(process.execPath, [path.resolve('dist/src/cli/main.js'), 'analyze', 'kq', 'ev', '--shuffles', '2', '--workers', '1', '--quiet'], { cwd: work, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const kq = JSON.parse(fs.readFileSync(path.join(work, 'results', 'ev-kq.json'), 'utf8'));
  assert.equal(kq.noise.kind, 'time shift');
  assert.equal(kq.noise.sigmaMs, 10);
  assert.ok(kq.AP.mean > 0 && kq.SP.mean > 0);
  const bad = spawnSync(process.execPath, [path.resolve('dist/src/cli/main.js'), 'analyze', 'kq', 'ev', '--noise-mode', 'sideways'], { cwd: work, encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--noise-mode/);
});
