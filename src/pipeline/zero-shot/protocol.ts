// The readouts of the zero-shot experiment on cached features of two modalities (Lin et al. 2025):
// a supervised softmax per modality, and the projection pair trained on digits 1..7 (InfoNCE, or the
// prototypical baseline) then asked to retrieve across modalities for the trained digits (in-class)
// and for digits it never saw (out-class). Nothing here touches the encoders.
import { trainReadout, type CountSplit } from '../../core/readout/index.js';
import { trainProjectionPair, type PairLoss, type PairedFeatures, type ProjectionPair } from '../../core/readout/projection-pair.js';
import { trainEpisodic, type EpisodeShape } from '../../core/readout/episodes.js';
import { retrieval, type RetrievalResult } from '../../core/readout/retrieval.js';
import type { ProjectionHead } from '../../core/readout/projection.js';
import type { CachedFeatures } from '../feature-cache.js';

export interface ModalityFeatures {
  train: CachedFeatures;
  test: CachedFeatures;
}

export interface SupervisedResult {
  test: number;
  val: number;
  bestEpoch: number;
  epochs: number;
  samples: { train: number; val: number; test: number };
  confusion: number[][];
}

/** Softmax readout (the library's, Adam) on counts; validation = the last 10 % of the training rows. */
export function supervised(f: ModalityFeatures, epochs: number): SupervisedResult {
  const { dim } = f.train;
  const nVal = Math.max(1, Math.round(f.train.n / 10));
  const nTr = f.train.n - nVal;
  const split = (c: CachedFeatures, a: number, b: number): CountSplit => ({ counts: c.counts.slice(a * dim, b * dim), labels: c.labels.slice(a, b), n: b - a });
  const r = trainReadout(split(f.train, 0, nTr), split(f.train, nTr, f.train.n), split(f.test, 0, f.test.n), dim, { optimizer: 'adam', epochs });
  return { test: r.accuracy.test, val: r.accuracy.val, bestEpoch: r.bestEpoch, epochs: r.epochs, samples: { train: nTr, val: nVal, test: f.test.n }, confusion: r.confusion };
}

/** Rows of the given classes, paired by rank within each class (k-th image with k-th recording). */
export function pairByClass(a: CachedFeatures, b: CachedFeatures, classes: readonly number[]): { ia: number[]; ib: number[]; labels: Uint8Array } {
  const ia: number[] = [];
  const ib: number[] = [];
  const labels: number[] = [];
  for (const c of classes) {
    const ra = rowsOf(a.labels, c);
    const rb = rowsOf(b.labels, c);
    const m = Math.min(ra.length, rb.length);
    for (let k = 0; k < m; k++) {
      ia.push(ra[k]);
      ib.push(rb[k]);
      labels.push(c);
    }
  }
  return { ia, ib, labels: Uint8Array.from(labels) };
}

function rowsOf(labels: Uint8Array, c: number): number[] {
  const out: number[] = [];
  labels.forEach((l, i) => {
    if (l === c) out.push(i);
  });
  return out;
}

/** 'z': counts z-scored per neuron; 'log1p-z': log(1 + count), then z-scored (both with training statistics). */
export type FeatureTransform = 'z' | 'log1p-z';

/** Per-feature mean and sd of the chosen rows (sd floored so silent neurons map to 0). */
export interface Standardiser {
  mean: Float64Array;
  sd: Float64Array;
  transform: FeatureTransform;
}

const squash = (x: number, t: FeatureTransform): number => (t === 'log1p-z' ? Math.log1p(x) : x);

export function fitStandardiser(f: CachedFeatures, rows: readonly number[], transform: FeatureTransform = 'z'): Standardiser {
  const { dim } = f;
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (const r of rows) for (let j = 0; j < dim; j++) mean[j] += squash(f.counts[r * dim + j], transform);
  for (let j = 0; j < dim; j++) mean[j] /= Math.max(1, rows.length);
  for (const r of rows)
    for (let j = 0; j < dim; j++) {
      const d = squash(f.counts[r * dim + j], transform) - mean[j];
      sd[j] += d * d;
    }
  for (let j = 0; j < dim; j++) sd[j] = Math.max(Math.sqrt(sd[j] / Math.max(1, rows.length)), 1e-6);
  return { mean, sd, transform };
}

export function standardise(f: CachedFeatures, rows: readonly number[], s: Standardiser): Float64Array {
  const { dim } = f;
  const out = new Float64Array(rows.length * dim);
  rows.forEach((r, i) => {
    for (let j = 0; j < dim; j++) out[i * dim + j] = (squash(f.counts[r * dim + j], s.transform) - s.mean[j]) / s.sd[j];
  });
  return out;
}

/** InfoNCE, the class-mean prototypical heads (batch class means), or the episode-trained linear prototypical network. */
export type ZeroShotLoss = PairLoss | 'episodic';

export interface ZeroShotSettings {
  trainClasses: readonly number[];
  heldOutClasses: readonly number[];
  loss: ZeroShotLoss;
  dim: number;
  temperature: number;
  lr: number;
  batch: number;
  epochs: number;
  seed: number;
  /** feature transform before the heads (default 'z') */
  transform?: FeatureTransform;
  /** episode shape of the 'episodic' loss */
  episode?: EpisodeShape;
}

/** The episode shape of the episodic baseline: 5 of the 7 training classes, 5 support and 5 query pairs each. */
export const DEFAULT_EPISODE: Readonly<EpisodeShape> = Object.freeze({ way: 5, shot: 5, query: 5 });

/** The episode shape, shrunk where the training pairs are fewer (small test runs): way ≤ classes, shot + query ≤ the smallest class. */
export function fitEpisode(e: EpisodeShape, labels: ArrayLike<number>): EpisodeShape {
  const count = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) count.set(labels[i], (count.get(labels[i]) ?? 0) + 1);
  const least = Math.min(...count.values());
  if (least < 2 || count.size < 2) throw new RangeError(`episodic heads: need 2 classes with 2 pairs each, got ${count.size} classes, the smallest with ${least}`);
  if (least >= e.shot + e.query) return { ...e, way: Math.min(e.way, count.size) };
  const shot = Math.max(1, Math.min(e.shot, Math.floor(least / 2)));
  return { way: Math.min(e.way, count.size), shot, query: Math.max(1, Math.min(e.query, least - shot)) };
}

/** Trains the heads of `s.loss` on standardised training pairs, calling onEpoch after every epoch. */
export function fitHeads(train: PairedFeatures, da: number, db: number, s: ZeroShotSettings, onEpoch: (h: { a: ProjectionHead; b: ProjectionHead }) => void): ProjectionPair {
  if (s.loss === 'episodic')
    return trainEpisodic(train, da, db, { ...fitEpisode(s.episode ?? DEFAULT_EPISODE, train.labels), dim: s.dim, lr: s.lr, epochs: s.epochs, seed: s.seed, onEpoch: (_e, _l, h) => onEpoch(h) });
  return trainProjectionPair(train, da, db, { loss: s.loss, dim: s.dim, temperature: s.temperature, lr: s.lr, batch: s.batch, epochs: s.epochs, seed: s.seed, onEpoch: (_e, _l, h) => onEpoch(h) });
}

/** Standardised image (a) and audio (b) rows of paired samples. */
export interface EvalPairs extends PairedFeatures {}

/** Audio→image and image→audio top-1 of heads on a set of pairs. */
export function top1Both(h: { a: ProjectionHead; b: ProjectionHead }, t: EvalPairs, dim: number): { audioToImage: number; imageToAudio: number } {
  const ea = h.a.embed(t.a, t.n);
  const eb = h.b.embed(t.b, t.n);
  return { audioToImage: retrieval(eb, t.labels, ea, t.labels, dim, [1]).topK[1], imageToAudio: retrieval(ea, t.labels, eb, t.labels, dim, [1]).topK[1] };
}

export interface DirectionResult {
  /** audio queries retrieving images, and images retrieving recordings */
  audioToImage: RetrievalResult;
  imageToAudio: RetrievalResult;
}

export interface ZeroShotResult {
  settings: ZeroShotSettings;
  pairs: { train: number; inClass: number; outClass: number };
  /** after the last epoch (what we report) */
  inClass: DirectionResult;
  outClass: DirectionResult;
  /** per epoch: top-1 audio→image, in-class and out-class (and image→audio out-class), on the TEST pairs */
  history: { loss: number[]; inTop1: number[]; outTop1: number[]; outTop1ImageToAudio: number[] };
  /** the paper's selection, for comparison only: the epoch with the best in-class top-1 on the TEST pairs (optimistic) */
  bestInClassEpoch: { epoch: number; inTop1: number; outTop1: number };
}

/** image = modality a, audio = modality b. */
export function zeroShot(img: ModalityFeatures, aud: ModalityFeatures, s: ZeroShotSettings): ZeroShotResult {
  const tr = pairByClass(img.train, aud.train, s.trainClasses);
  const inC = pairByClass(img.test, aud.test, s.trainClasses);
  const outC = pairByClass(img.test, aud.test, s.heldOutClasses);
  const stdA = fitStandardiser(img.train, tr.ia, s.transform ?? 'z');
  const stdB = fitStandardiser(aud.train, tr.ib, s.transform ?? 'z');
  const train: PairedFeatures = { a: standardise(img.train, tr.ia, stdA), b: standardise(aud.train, tr.ib, stdB), labels: tr.labels, n: tr.labels.length };
  const test = (p: ReturnType<typeof pairByClass>) => ({ a: standardise(img.test, p.ia, stdA), b: standardise(aud.test, p.ib, stdB), labels: p.labels, n: p.labels.length });
  const tIn = test(inC);
  const tOut = test(outC);
  const evaluate = (h: { a: ProjectionHead; b: ProjectionHead }, t: ReturnType<typeof test>): DirectionResult => {
    const ea = h.a.embed(t.a, t.n);
    const eb = h.b.embed(t.b, t.n);
    return { audioToImage: retrieval(eb, t.labels, ea, t.labels, s.dim), imageToAudio: retrieval(ea, t.labels, eb, t.labels, s.dim) };
  };
  const inTop1: number[] = [];
  const outTop1: number[] = [];
  const outTop1ImageToAudio: number[] = [];
  const pair = fitHeads(train, img.train.dim, aud.train.dim, s, (h) => {
    inTop1.push(top1Both(h, tIn, s.dim).audioToImage);
    const o = top1Both(h, tOut, s.dim);
    outTop1.push(o.audioToImage);
    outTop1ImageToAudio.push(o.imageToAudio);
  });
  let best = 0;
  for (let e = 1; e < inTop1.length; e++) if (inTop1[e] > inTop1[best]) best = e;
  return {
    settings: s,
    pairs: { train: train.n, inClass: tIn.n, outClass: tOut.n },
    inClass: evaluate(pair, tIn),
    outClass: evaluate(pair, tOut),
    history: { loss: pair.lossHistory, inTop1, outTop1, outTop1ImageToAudio },
    bestInClassEpoch: { epoch: best + 1, inTop1: inTop1[best], outTop1: outTop1[best] },
  };
}

/** Top-1 of both directions over several training seeds (the features stay the same). */
export interface RepeatSummary {
  seeds: number[];
  audioToImage: { inClass: number[]; outClass: number[] };
  imageToAudio: { inClass: number[]; outClass: number[] };
  mean: { audioToImage: { inClass: number; outClass: number }; imageToAudio: { inClass: number; outClass: number } };
  sd: { audioToImage: { inClass: number; outClass: number }; imageToAudio: { inClass: number; outClass: number } };
}

const meanOf = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const sdOf = (v: number[]): number => {
  const m = meanOf(v);
  return v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) * (b - m), 0) / (v.length - 1)) : 0;
};

/** zeroShot with seeds s.seed, s.seed + 1, ...: the first run in full, then every run's top-1. */
export function zeroShotRepeats(img: ModalityFeatures, aud: ModalityFeatures, s: ZeroShotSettings, repeats: number): { first: ZeroShotResult; repeats: RepeatSummary } {
  const runs = Array.from({ length: repeats }, (_, r) => zeroShot(img, aud, { ...s, seed: s.seed + r }));
  const pick = (f: (z: ZeroShotResult) => number): number[] => runs.map(f);
  const a2i = { inClass: pick((z) => z.inClass.audioToImage.topK[1]), outClass: pick((z) => z.outClass.audioToImage.topK[1]) };
  const i2a = { inClass: pick((z) => z.inClass.imageToAudio.topK[1]), outClass: pick((z) => z.outClass.imageToAudio.topK[1]) };
  return {
    first: runs[0],
    repeats: {
      seeds: runs.map((z) => z.settings.seed),
      audioToImage: a2i,
      imageToAudio: i2a,
      mean: { audioToImage: { inClass: meanOf(a2i.inClass), outClass: meanOf(a2i.outClass) }, imageToAudio: { inClass: meanOf(i2a.inClass), outClass: meanOf(i2a.outClass) } },
      sd: { audioToImage: { inClass: sdOf(a2i.inClass), outClass: sdOf(a2i.outClass) }, imageToAudio: { inClass: sdOf(i2a.inClass), outClass: sdOf(i2a.outClass) } },
    },
  };
}
