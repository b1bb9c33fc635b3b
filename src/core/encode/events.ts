// Event-camera input (N-MNIST, spec §3.2, §3.3, §8.3): raw sensor events (x, y, polarity, µs) are
// binned to 1 ms steps and mapped to input neurons, then fed to the simulator as pulses.
//
//   t_ms  = round-half-to-even(t_us / 1000)                     (numpy's rounding)
//   keep  iff 0 ≤ x < 34, 0 ≤ y < 34, p ∈ {0, 1}, 0 ≤ t_ms < T
//   input = p·1156 + y·34 + x   (0 .. 2311; the liquid's input index, not offset by NL)
//   the array is binary: several events in one (p, y, x, ms) bin are one pulse.
//
// A binned sample (`EventSample`) lists its (t, input) pairs sorted by t, then input, each at most
// once, so a window of it is a `Pulses` without further work. `EventSet` packs many samples into
// flat typed arrays (optionally on SharedArrayBuffers) so that worker threads can share one copy.
//
// No node: imports: this file runs in a browser too.
import { Rng } from '../rng.js';
import { PulseBuffer } from './pulses.js';

/** N-MNIST's sensor crop is 34×34 pixels. */
export const NMNIST_SIZE = 34;
/** Pixels per polarity (34·34). */
export const NMNIST_PIXELS = NMNIST_SIZE * NMNIST_SIZE;
/** Input neurons: two polarities of 34×34 (spec §1.1, NET_TYPE 'N'). */
export const NMNIST_INPUTS = 2 * NMNIST_PIXELS;
/** The spike-count window: events at 0..249 ms (spec §3.2, T = 250). */
export const NMNIST_COUNT_STEPS = 250;
/** Phase A loads 0..299 ms (T = 300) and feeds a 20 ms snapshot of it (spec §3.3). */
export const NMNIST_INIT_MS = 300;
export const NMNIST_SNAPSHOT_STEPS = 20;
/** Snapshot starts s = randint(1, 300 − 1 − 20) with numpy's exclusive upper bound: s ∈ [1, 278]. */
export const NMNIST_SNAPSHOT_MIN_START = 1;
export const NMNIST_SNAPSHOT_MAX_START = NMNIST_INIT_MS - 1 - NMNIST_SNAPSHOT_STEPS - 1;
/** The AP noise of the original (spec §8.3): one time shift δ ~ N(0, σ = 10 ms) per sample. */
export const NMNIST_NOISE_SIGMA_MS = 10;

/** Raw events of one recording, in file order (as decoded from an N-MNIST .bin file). */
export interface RawEvents {
  n: number;
  x: Uint8Array;
  y: Uint8Array;
  /** polarity: 1 = ON (brighter), 0 = OFF */
  p: Uint8Array;
  /** timestamp in microseconds from the start of the recording */
  tUs: Int32Array;
}

/** One binned sample: pairs (t[k], input[k]) sorted by t, then input, each pair at most once. */
export interface EventSample {
  /** step (ms) of each event */
  t: Uint16Array;
  /** input neuron 0..2311 of each event */
  input: Uint16Array;
}

/** A window of steps: [from, from + steps). */
export interface EventWindow {
  from: number;
  steps: number;
}

/**
 * Many binned samples in flat arrays: sample s is events offset[s] .. offset[s+1]−1 of `t` and
 * `input` (each sample sorted by t, then input, without duplicates). All events have t < `steps`.
 * Uint16 halves the memory of Int32 (full N-MNIST is ~70k × 4k events); every array can sit on a
 * SharedArrayBuffer (see `EventSetBuilder.finish`).
 */
export interface EventSet {
  name: string;
  n: number;
  /** ms held per sample: events have 0 ≤ t < steps (300 keeps phase A's snapshots available) */
  steps: number;
  offset: Int32Array;
  t: Uint16Array;
  input: Uint16Array;
  labels: Uint8Array;
}

/** numpy's round (half to even) of tUs / 1000, exactly, for integer tUs. */
export function usToMs(tUs: number): number {
  const q = Math.floor(tUs / 1000);
  const r = tUs - q * 1000;
  if (r > 500) return q + 1;
  if (r < 500) return q;
  return q % 2 === 0 ? q : q + 1;
}

/** numpy's round (half to even) of a real number to an integer. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Input neuron of a pixel event: p·1156 + y·34 + x. */
export function eventInput(x: number, y: number, p: number): number {
  return p * NMNIST_PIXELS + y * NMNIST_SIZE + x;
}

function checkSteps(maxMs: number, what: string): void {
  if (!Number.isInteger(maxMs) || maxMs < 1 || maxMs > 65535) throw new RangeError(`${what}: the window must be an integer 1..65535 ms, got ${maxMs}`);
}

/** Scratch for binning; grows as needed so that binning a stream allocates (almost) nothing. */
export class BinScratch {
  keys = new Int32Array(1 << 14);
  ensure(n: number): Int32Array {
    if (this.keys.length < n) this.keys = new Int32Array(Math.max(n, this.keys.length * 2));
    return this.keys;
  }
}

/**
 * Bins raw events into sorted, unique keys t·2312 + input (t < maxMs) in scratch.keys[0 .. count);
 * returns count. Events outside the 34×34 field, with another polarity or outside [0, maxMs) are
 * dropped, as in the original.
 */
export function binEventKeys(raw: RawEvents, maxMs: number, scratch: BinScratch): number {
  checkSteps(maxMs, 'binEvents');
  const keys = scratch.ensure(raw.n);
  const { x, y, p, tUs } = raw;
  let m = 0;
  for (let i = 0; i < raw.n; i++) {
    const xi = x[i];
    const yi = y[i];
    const pi = p[i];
    if (xi >= NMNIST_SIZE || yi >= NMNIST_SIZE || pi > 1) continue;
    const t = usToMs(tUs[i]);
    if (t < 0 || t >= maxMs) continue;
    keys[m++] = t * NMNIST_INPUTS + pi * NMNIST_PIXELS + yi * NMNIST_SIZE + xi;
  }
  return sortUnique(keys, m);
}

/** Sorts keys[0..m) ascending in place and removes repeats; returns the new length. */
function sortUnique(keys: Int32Array, m: number): number {
  if (m === 0) return 0;
  const view = keys.subarray(0, m);
  view.sort();
  let u = 1;
  for (let i = 1; i < m; i++) if (view[i] !== view[u - 1]) view[u++] = view[i];
  return u;
}

function keysToSample(keys: Int32Array, count: number): EventSample {
  const t = new Uint16Array(count);
  const input = new Uint16Array(count);
  for (let i = 0; i < count; i++) {
    const k = keys[i];
    const tt = Math.floor(k / NMNIST_INPUTS);
    t[i] = tt;
    input[i] = k - tt * NMNIST_INPUTS;
  }
  return { t, input };
}

/** Bins one recording (spec §3.2) into a sample holding 0 ≤ t < maxMs (300: enough for phase A). */
export function binEvents(raw: RawEvents, maxMs = NMNIST_INIT_MS, scratch = new BinScratch()): EventSample {
  const count = binEventKeys(raw, maxMs, scratch);
  return keysToSample(scratch.keys, count);
}

/** Sample s of a set, as zero-copy views. */
export function eventSample(set: EventSet, s: number): EventSample {
  if (!Number.isInteger(s) || s < 0 || s >= set.n) throw new RangeError(`${set.name}: sample ${s} is outside 0..${set.n - 1}`);
  const a = set.offset[s];
  const b = set.offset[s + 1];
  return { t: set.t.subarray(a, b), input: set.input.subarray(a, b) };
}

/** Samples start..end−1 of a set as a new set sharing the same buffers (offsets are copied). */
export function subsetEvents(set: EventSet, start: number, end: number, name?: string): EventSet {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > set.n) {
    throw new RangeError(`subset of ${set.name}: need integers 0 <= start <= end <= ${set.n}, got start=${start}, end=${end}`);
  }
  const base = set.offset[start];
  const offset = new Int32Array(end - start + 1);
  for (let i = 0; i <= end - start; i++) offset[i] = set.offset[start + i] - base;
  return {
    name: name ?? `${set.name}[${start}:${end}]`,
    n: end - start,
    steps: set.steps,
    offset,
    t: set.t.subarray(base, set.offset[end]),
    input: set.input.subarray(base, set.offset[end]),
    labels: set.labels.subarray(start, end),
  };
}

function lowerBound(t: Uint16Array, v: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The pulses of window [from, from + steps) of a sample, with step 0 = `from`: the spike-count
 * phase uses {from: 0, steps: 250} (events at ≥ 250 ms are cut), phase A {from: s, steps: 20}
 * with s from `snapshotStart`. Each (step, input) is pulsed at most once.
 */
export function eventsToPulses(sample: EventSample, window: EventWindow, out: PulseBuffer): PulseBuffer {
  const { from, steps } = window;
  if (!Number.isInteger(from) || from < 0) throw new RangeError(`eventsToPulses: window start must be a non-negative integer, got ${from}`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`eventsToPulses: window length must be a positive integer, got ${steps}`);
  out.reset(steps);
  const { t, input } = sample;
  const n = t.length;
  let e = lowerBound(t, from);
  let m = 0;
  for (let k = 0; k < steps; k++) {
    out.start[k] = m;
    const tt = from + k;
    while (e < n && t[e] === tt) out.push(m++, input[e++]);
  }
  out.start[steps] = m;
  return out;
}

/** Phase A's snapshot start (spec §3.3): uniform in [1, 278], i.e. bins s .. s+19 ⊂ 1 .. 297 ms. */
export function snapshotStart(rng: Rng): number {
  return NMNIST_SNAPSHOT_MIN_START + rng.int(NMNIST_SNAPSHOT_MAX_START - NMNIST_SNAPSHOT_MIN_START + 1);
}

/** A phase-A snapshot window {from: s, steps: 20}. */
export function snapshotWindow(rng: Rng): EventWindow {
  return { from: snapshotStart(rng), steps: NMNIST_SNAPSHOT_STEPS };
}

/** The original's reflection of a shifted step into [0, T−1]: a = |t|, t'' = | |T−1−a| − (T−1) |. */
export function reflectStep(t: number, T: number): number {
  const a = Math.abs(t);
  return Math.abs(Math.abs(T - 1 - a) - (T - 1));
}

export interface JitterOptions {
  /** standard deviation of the shift in ms [10] */
  sigma?: number;
  /** the window T: only events at t < T are kept and shifted, and results reflect into [0, T−1] [250] */
  steps?: number;
  /**
   * 'shift' (the original's code, default): one δ for the whole sample;
   * 'per-event' (the paper's wording): an independent δ for each binned event.
   */
  mode?: 'shift' | 'per-event';
}

/**
 * The AP noise of N-MNIST (spec §8.3, `get_nmnist_data_point_with_NOISE`): the sample is cut to
 * t < T (T = 250), every event moves by δ ~ N(0, σ) (one δ per sample by default), t' = round(t + δ)
 * (half to even), reflected into [0, T−1] by `reflectStep`, and re-binned (events meeting in a bin
 * collapse). A shift beyond ±(2T−2) would reflect outside [0, T−1]; such events are dropped
 * (|δ| > 498 ms never happens at σ = 10). Draws from `rng`: one normal for 'shift', one per event
 * (in the sample's order) for 'per-event'.
 */
export function jitterShift(sample: EventSample, rng: Rng, o: JitterOptions = {}): EventSample {
  const sigma = o.sigma ?? NMNIST_NOISE_SIGMA_MS;
  const T = o.steps ?? NMNIST_COUNT_STEPS;
  const mode = o.mode ?? 'shift';
  if (!(sigma >= 0 && Number.isFinite(sigma))) throw new RangeError(`jitterShift: sigma must be a non-negative number, got ${sigma}`);
  checkSteps(T, 'jitterShift');
  if (mode !== 'shift' && mode !== 'per-event') throw new RangeError(`jitterShift: mode must be 'shift' or 'per-event', got ${String(mode)}`);
  const { t, input } = sample;
  const n = lowerBound(t, T);
  const keys = new Int32Array(n);
  const delta = mode === 'shift' ? sigma * rng.normal() : 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const d = mode === 'shift' ? delta : sigma * rng.normal();
    const tt = reflectStep(roundHalfEven(t[i] + d), T);
    if (tt < T) keys[m++] = tt * NMNIST_INPUTS + input[i];
  }
  return keysToSample(keys, sortUnique(keys, m));
}

/**
 * The AP noise applied to a whole set: sample s jittered by jitterShift with its own stream
 * Rng(seed, 'event-noise', s), cut to the count window T; the same set whatever the order or the
 * number of threads that later read it.
 */
export function jitterSet(set: EventSet, seed: number, o: JitterOptions = {}, shared = false): EventSet {
  const T = o.steps ?? NMNIST_COUNT_STEPS;
  const b = new EventSetBuilder(`${set.name} (time noise)`, T);
  for (let s = 0; s < set.n; s++) b.addSample(jitterShift(eventSample(set, s), new Rng(seed, 'event-noise', s), o), set.labels[s]);
  return b.finish(shared);
}

/** Appends binned samples to growing chunks, then packs them into one EventSet. */
export class EventSetBuilder {
  private chunksT: Uint16Array[] = [];
  private chunksI: Uint16Array[] = [];
  private curT: Uint16Array;
  private curI: Uint16Array;
  private fill = 0;
  private total = 0;
  private offsets: number[] = [0];
  private labelList: number[] = [];
  private readonly scratch = new BinScratch();

  constructor(
    readonly name: string,
    /** events kept per sample: 0 ≤ t < steps */
    readonly steps = NMNIST_INIT_MS,
    private readonly chunk = 1 << 20,
  ) {
    checkSteps(steps, `EventSetBuilder ${name}`);
    this.curT = new Uint16Array(chunk);
    this.curI = new Uint16Array(chunk);
  }

  get n(): number {
    return this.labelList.length;
  }

  private appendKeys(keys: Int32Array, count: number, label: number): void {
    if (!Number.isInteger(label) || label < 0 || label > 255) throw new RangeError(`${this.name}: label must be an integer 0..255, got ${label}`);
    for (let i = 0; i < count; i++) {
      if (this.fill === this.curT.length) {
        this.chunksT.push(this.curT);
        this.chunksI.push(this.curI);
        this.curT = new Uint16Array(this.chunk);
        this.curI = new Uint16Array(this.chunk);
        this.fill = 0;
      }
      const k = keys[i];
      const tt = Math.floor(k / NMNIST_INPUTS);
      this.curT[this.fill] = tt;
      this.curI[this.fill] = k - tt * NMNIST_INPUTS;
      this.fill++;
    }
    this.total += count;
    if (this.total > 0x7fffffff) throw new RangeError(`${this.name}: more than 2^31 events`);
    this.offsets.push(this.total);
    this.labelList.push(label);
  }

  /** Bins a raw recording (spec §3.2, window [0, steps)) and appends it. */
  addRaw(raw: RawEvents, label: number): void {
    const count = binEventKeys(raw, this.steps, this.scratch);
    this.appendKeys(this.scratch.keys, count, label);
  }

  /** Appends an already-binned sample (sorted, unique); events at t ≥ steps are dropped. */
  addSample(sample: EventSample, label: number): void {
    const keys = this.scratch.ensure(sample.t.length);
    let m = 0;
    let last = -1;
    for (let i = 0; i < sample.t.length; i++) {
      if (sample.t[i] >= this.steps) continue;
      if (sample.input[i] >= NMNIST_INPUTS) throw new RangeError(`${this.name}: input ${sample.input[i]} is outside 0..${NMNIST_INPUTS - 1}`);
      const k = sample.t[i] * NMNIST_INPUTS + sample.input[i];
      if (k <= last) throw new RangeError(`${this.name}: sample events must be sorted by t, then input, without repeats`);
      keys[m++] = last = k;
    }
    this.appendKeys(keys, m, label);
  }

  /** The packed set; with `shared`, every array lives on a SharedArrayBuffer (for worker threads). */
  finish(shared = false): EventSet {
    const buf = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(Math.max(1, bytes)) : new ArrayBuffer(bytes));
    const u16 = (n: number): Uint16Array => new Uint16Array(buf(2 * n), 0, n);
    const t = u16(this.total);
    const input = u16(this.total);
    let o = 0;
    for (let c = 0; c < this.chunksT.length; c++) {
      t.set(this.chunksT[c], o);
      input.set(this.chunksI[c], o);
      o += this.chunksT[c].length;
    }
    t.set(this.curT.subarray(0, this.fill), o);
    input.set(this.curI.subarray(0, this.fill), o);
    this.chunksT = [];
    this.chunksI = [];
    const offset = new Int32Array(buf(4 * this.offsets.length), 0, this.offsets.length);
    offset.set(this.offsets);
    const labels = new Uint8Array(buf(this.labelList.length), 0, this.labelList.length);
    labels.set(this.labelList);
    return { name: this.name, n: this.labelList.length, steps: this.steps, offset, t, input, labels };
  }
}

/** Summary of a set: events per sample (binned, within [0, window)) and the ON fraction. */
export function eventSetStats(set: EventSet, window = set.steps): { n: number; meanEvents: number; minEvents: number; maxEvents: number; onFraction: number } {
  let total = 0;
  let on = 0;
  let min = Infinity;
  let max = 0;
  for (let s = 0; s < set.n; s++) {
    let c = 0;
    for (let e = set.offset[s]; e < set.offset[s + 1]; e++) {
      if (set.t[e] >= window) break;
      c++;
      if (set.input[e] >= NMNIST_PIXELS) on++;
    }
    total += c;
    if (c < min) min = c;
    if (c > max) max = c;
  }
  return { n: set.n, meanEvents: set.n ? total / set.n : 0, minEvents: set.n ? min : 0, maxEvents: max, onFraction: total ? on / total : 0 };
}
