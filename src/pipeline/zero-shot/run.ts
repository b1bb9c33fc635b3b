// `nalsm zero-shot` end to end: data → encoders (each run once per sample, features cached) →
// supervised, contrastive and prototypical readouts, for the ideal fixed LSM, the fixed LSM with
// the device model, and our NALSM liquid as the image encoder.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { FixedLsm, type DeviceModel, type FixedLsmParams } from '../../core/fixed-lsm/index.js';
import { cachedFeatures, type CachedFeatures } from '../feature-cache.js';
import { generateSpokenDigits } from '../../data/spoken-digits.js';
import { loadAudio, loadImages, type ImageSource, type ModalitySplit, type Split } from './data.js';
import { supervised, zeroShotRepeats, type FeatureTransform, type ModalityFeatures, type RepeatSummary, type SupervisedResult, type ZeroShotLoss, type ZeroShotResult, type ZeroShotSettings } from './protocol.js';
import { summariseDistribution, type DistributionSummary, type RunTop1 } from './distribution.js';
import { supervisedSoftmax } from './supervised-softmax.js';
import { nalsmImageFeatures } from './nalsm-features.js';

export type Encoder = Omit<FixedLsmParams, 'seed' | 'device'>;

/** The settings of Lin et al.'s scripts (MrLinNing/MemristorLSM). */
export const PAPER_ENCODERS: Readonly<Record<'imageSupervised' | 'imageZeroShot' | 'audioSupervised' | 'audioZeroShot', Encoder>> = Object.freeze({
  imageSupervised: { name: 'image', inputs: 256, neurons: 200, decay: 0.9, threshold: 5.0, scale: 0.07 },
  imageZeroShot: { name: 'image', inputs: 256, neurons: 200, decay: 0.9, threshold: 5.0, scale: 0.3 },
  audioSupervised: { name: 'audio', inputs: 64, neurons: 200, decay: 0.97, threshold: 5.3, scale: 0.08 },
  audioZeroShot: { name: 'audio', inputs: 64, neurons: 200, decay: 0.97, threshold: 5.3, scale: 0.1 },
});

/** Projection to 64 dimensions, temperature 1, Adam lr 1e-3, batch 8, 100 epochs (their zero-shot run). */
export const PAPER_PROJECTION = Object.freeze({ dim: 64, temperature: 1, lr: 1e-3, batch: 8, epochs: 100 });
export const TRAIN_CLASSES = [1, 2, 3, 4, 5, 6, 7] as const;
export const HELD_OUT_CLASSES = [8, 9] as const;

export interface ZeroShotRunOptions {
  seed: number;
  /** an N-TIDIGITS-layout HDF5 file; generated (synthetic) when missing and `generateAudio` */
  audioFile: string;
  generateAudio: boolean;
  audioPerDigit: Record<Split, number>;
  images: ImageSource;
  imagePerDigit: Record<Split, number>;
  epochs: number;
  supervisedEpochs: number;
  /** batch of the prototypical baseline (several shots per class, so class means mean something) */
  protoBatch: number;
  /** projection trainings per loss, seeds seed .. seed + repeats − 1 */
  repeats: number;
  /** seeds of the zero-shot liquids (the first also makes the supervised liquids); default [seed] */
  liquidSeeds?: number[];
  /** feature transform before the heads (default 'z') */
  transform?: FeatureTransform;
  /** methods to run (default all three) */
  methods?: ZeroShotLoss[];
  /** embedding dimension and InfoNCE temperature (default the paper's 64 and 1) */
  dim?: number;
  temperature?: number;
  device: DeviceModel | null;
  nalsm: { dims: [number, number, number]; snapshots: number } | null;
  cacheDir: string | null;
  /** the four liquids (PAPER_ENCODERS unless a weight constant is overridden) */
  encoders: Record<keyof typeof PAPER_ENCODERS, Encoder>;
  log: (line: string) => void;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface EncoderActivity {
  /** mean spikes per neuron per sample, and the fraction of neurons that never fired on the training split */
  meanCount: number;
  silentNeurons: number;
}

export interface VariantResult {
  encoders: { image: string; audio: string };
  supervised: { image: SupervisedResult; audio: SupervisedResult; audio11?: ReturnType<typeof supervisedSoftmax> } | { image: SupervisedResult };
  /** the first liquid seed's first projection seed, in full */
  zeroShot: Partial<Record<ZeroShotLoss, ZeroShotResult>>;
  /** the first liquid seed's projection seeds */
  repeats: Partial<Record<ZeroShotLoss, RepeatSummary>>;
  /** every liquid seed × projection seed: top-1 of each run and the summary (95 % CIs, InfoNCE − baselines) */
  distribution: { runs: Partial<Record<ZeroShotLoss, RunTop1[]>>; summary: DistributionSummary };
  activity: Record<string, EncoderActivity>;
}

export const ZERO_SHOT_METHODS: readonly ZeroShotLoss[] = ['infonce', 'prototypical', 'episodic'];

export interface ZeroShotRunResult {
  data: { images: string; audio: string; audioSynthetic: boolean; perDigit: { image: Record<Split, number>; audio: Record<Split, number> } };
  variants: Record<string, VariantResult>;
  seconds: Record<string, number>;
  cache: { hits: number; misses: number };
}

export function activity(f: CachedFeatures): EncoderActivity {
  let sum = 0;
  const fired = new Uint8Array(f.dim);
  for (let k = 0; k < f.counts.length; k++) {
    sum += f.counts[k];
    if (f.counts[k] > 0) fired[k % f.dim] = 1;
  }
  return { meanCount: sum / Math.max(1, f.counts.length), silentNeurons: 1 - fired.reduce((a, b) => a + b, 0) / f.dim };
}

export type DataOptions = Pick<ZeroShotRunOptions, 'seed' | 'audioFile' | 'generateAudio' | 'audioPerDigit' | 'images' | 'imagePerDigit' | 'cacheDir' | 'log' | 'onProgress'>;

export type ZeroShotData = Awaited<ReturnType<typeof openZeroShotData>>;

/** The two modalities (rendering the synthetic audio if asked and missing), and the key their features are cached under. */
export async function openZeroShotData(o: DataOptions, tick: (what: string, t0: number) => void = () => {}) {
  let t0 = performance.now();
  if (!existsSync(o.audioFile)) {
    if (!o.generateAudio) throw new Error(`${o.audioFile}: no such file (an N-TIDIGITS-layout HDF5 file)`);
    o.log(`audio: rendering SYNTHETIC spoken digits (espeak-ng + cochlea model) into ${o.audioFile}`);
    const total = 11 * (o.audioPerDigit.train + o.audioPerDigit.test);
    await generateSpokenDigits({ out: o.audioFile, seed: o.seed, trainPerDigit: o.audioPerDigit.train, testPerDigit: o.audioPerDigit.test, onProgress: (d) => o.onProgress?.('audio', d, total) });
  }
  const audio = await loadAudio(o.audioFile, o.audioPerDigit);
  if (audio.synthetic) o.log(`audio: ${o.audioFile} is SYNTHETIC spoken digits, not N-TIDIGITS`);
  tick('audio', t0);
  t0 = performance.now();
  let done = 0;
  const nImages = 10 * (o.imagePerDigit.train + o.imagePerDigit.test);
  const images = loadImages(o.images, o.imagePerDigit, o.seed, () => o.onProgress?.('images', ++done, nImages));
  tick('images', t0);
  const dataKey = {
    images: o.images.kind === 'nmnist' ? { kind: 'nmnist', dir: o.images.dir } : { kind: 'saccade-mnist', seed: o.seed },
    // by content, so a moved or renamed file keeps its cached features
    audio: { sha256: createHash('sha256').update(readFileSync(o.audioFile)).digest('hex') },
    perDigit: { image: o.imagePerDigit, audio: o.audioPerDigit },
  };
  return { audio, images, dataKey };
}

/** A fixed-LSM encoder over the data, through the feature cache (counting hits and misses into `cache`). */
export function fixedLsmFeatures(o: DataOptions, dataKey: unknown, cache: { hits: number; misses: number }) {
  return async (enc: Encoder, device: DeviceModel | null, data: Record<Split, ModalitySplit> & { classes?: number }, modality: string, liquidSeed = o.seed): Promise<ModalityFeatures> => {
    const p: FixedLsmParams = { ...enc, seed: liquidSeed, ...(device ? { device } : {}) };
    let lsm: FixedLsm | null = null;
    const out = {} as ModalityFeatures;
    for (const split of ['train', 'test'] as const) {
      const d = data[split];
      // the 11-class (with "oh") selection is keyed apart; the 10-digit key is unchanged, so old caches stay valid
      const key = { kind: 'fixed-lsm', version: 1, params: p, data: dataKey, modality, split, ...(data.classes === 11 ? { classes: 11 } : {}) };
      const r = await cachedFeatures(o.cacheDir, key, async () => {
        lsm ??= new FixedLsm(p);
        const counts = lsm.encodeAll(d.n, d.raster, (s) => [modality, split, s], (s) => o.onProgress?.(`${modality} ${split}`, s + 1, d.n));
        return { counts, labels: d.labels, n: d.n, dim: p.neurons };
      });
      cache[r.cached ? 'hits' : 'misses']++;
      out[split] = r.features;
    }
    return out;
  };
}

export async function runZeroShot(o: ZeroShotRunOptions): Promise<ZeroShotRunResult> {
  const seconds: Record<string, number> = {};
  const tick = (what: string, t0: number): void => {
    seconds[what] = Math.round((performance.now() - t0) / 10) / 100;
  };
  const { audio, images, dataKey } = await openZeroShotData(o, tick);
  const cache = { hits: 0, misses: 0 };
  const encode = fixedLsmFeatures(o, dataKey, cache);
  let t0 = performance.now();

  const methods = o.methods ?? [...ZERO_SHOT_METHODS];
  const liquidSeeds = o.liquidSeeds ?? [o.seed];
  const settings = (loss: ZeroShotLoss): ZeroShotSettings => ({
    trainClasses: TRAIN_CLASSES,
    heldOutClasses: HELD_OUT_CLASSES,
    loss,
    ...PAPER_PROJECTION,
    dim: o.dim ?? PAPER_PROJECTION.dim,
    temperature: o.temperature ?? PAPER_PROJECTION.temperature,
    batch: loss === 'infonce' ? PAPER_PROJECTION.batch : o.protoBatch,
    epochs: o.epochs,
    seed: o.seed,
    transform: o.transform ?? 'z',
  });
  /** every method on the features of each liquid seed (`featuresOf` gives them), projection seeds seed..seed+repeats−1 */
  const allMethods = async (featuresOf: (liquidSeed: number) => Promise<[ModalityFeatures, ModalityFeatures]>): Promise<Pick<VariantResult, 'zeroShot' | 'repeats' | 'distribution'>> => {
    const zeroShot: VariantResult['zeroShot'] = {};
    const repeats: VariantResult['repeats'] = {};
    const runs: Partial<Record<ZeroShotLoss, RunTop1[]>> = {};
    for (const [li, ls] of liquidSeeds.entries()) {
      const [img, aud] = await featuresOf(ls);
      for (const m of methods) {
        o.log(`  liquid seed ${ls}: ${m} × ${o.repeats}`);
        const r = zeroShotRepeats(img, aud, settings(m), o.repeats);
        if (li === 0) {
          zeroShot[m] = r.first;
          repeats[m] = r.repeats;
        }
        (runs[m] ??= []).push(
          ...r.repeats.seeds.map((ps, k) => ({
            liquidSeed: ls,
            projectionSeed: ps,
            audioToImage: { inClass: r.repeats.audioToImage.inClass[k], outClass: r.repeats.audioToImage.outClass[k] },
            imageToAudio: { inClass: r.repeats.imageToAudio.inClass[k], outClass: r.repeats.imageToAudio.outClass[k] },
          })),
        );
      }
    }
    const summary = summariseDistribution(runs as Record<string, RunTop1[]>, { inClass: 1 / TRAIN_CLASSES.length, outClass: 1 / HELD_OUT_CLASSES.length }, 'infonce');
    return { zeroShot, repeats, distribution: { runs, summary } };
  };

  const variants: Record<string, VariantResult> = {};
  let audioZs: ModalityFeatures | null = null;
  for (const device of o.device ? [null, o.device] : [null]) {
    const tag = device ? 'fixed-lsm+device' : 'fixed-lsm';
    t0 = performance.now();
    const imgSup = await encode(o.encoders.imageSupervised, device, images, 'image');
    const audSup = await encode(o.encoders.audioSupervised, device, audio, 'audio');
    const audSup11 = audio.withOh ? await encode(o.encoders.audioSupervised, device, audio.withOh, 'audio') : null;
    const imgZs = await encode(o.encoders.imageZeroShot, device, images, 'image');
    const audZs = await encode(o.encoders.audioZeroShot, device, audio, 'audio');
    if (!device) audioZs = audZs;
    const zeroShotFeatures = async (ls: number): Promise<[ModalityFeatures, ModalityFeatures]> =>
      ls === o.seed ? [imgZs, audZs] : [await encode(o.encoders.imageZeroShot, device, images, 'image', ls), await encode(o.encoders.audioZeroShot, device, audio, 'audio', ls)];
    tick(`${tag} encoders`, t0);
    t0 = performance.now();
    o.log(`${tag}: readouts`);
    variants[tag] = {
      encoders: { image: `fixed LSM 256→200${device ? ' + device model' : ''}`, audio: `fixed LSM 64→200${device ? ' + device model' : ''}` },
      supervised: { image: supervised(imgSup, o.supervisedEpochs), audio: supervised(audSup, o.supervisedEpochs), ...(audSup11 ? { audio11: supervisedSoftmax(audSup11, o.supervisedEpochs, 11, o.seed) } : {}) },
      ...(await allMethods(zeroShotFeatures)),
      activity: { imageSupervised: activity(imgSup.train), audioSupervised: activity(audSup.train), imageZeroShot: activity(imgZs.train), audioZeroShot: activity(audZs.train) },
    };
    tick(`${tag} readouts`, t0);
  }

  if (o.nalsm) {
    t0 = performance.now();
    const nalsm = o.nalsm;
    const key = (split: Split) => ({ kind: 'nalsm-image', version: 1, seed: o.seed, dims: nalsm.dims, snapshots: nalsm.snapshots, data: dataKey, split });
    let computed: ReturnType<typeof nalsmImageFeatures> | null = null;
    const compute = (): ReturnType<typeof nalsmImageFeatures> => {
      computed ??= nalsmImageFeatures(images.train.events!, images.test.events!, { seed: o.seed, dims: nalsm.dims, snapshots: nalsm.snapshots, onProgress: o.onProgress });
      return computed;
    };
    const img = {} as ModalityFeatures;
    for (const split of ['train', 'test'] as const) {
      const r = await cachedFeatures(o.cacheDir, key(split), async () => compute()[split]);
      cache[r.cached ? 'hits' : 'misses']++;
      img[split] = r.features;
    }
    tick('nalsm encoder', t0);
    t0 = performance.now();
    o.log('nalsm image encoder: readouts');
    variants['nalsm-image'] = {
      encoders: { image: `NALSM ${nalsm.dims.join('x')} (2×34×34 events, 250 ms, phase A ${nalsm.snapshots} snapshots)`, audio: 'fixed LSM 64→200 (as fixed-lsm)' },
      supervised: { image: supervised(img, o.supervisedEpochs) },
      // one NALSM liquid (seed `seed`); the audio liquid follows the liquid seeds
      ...(await allMethods(async (ls) => [img, ls === o.seed ? audioZs! : await encode(o.encoders.audioZeroShot, null, audio, 'audio', ls)])),
      activity: { image: activity(img.train) },
    };
    tick('nalsm readouts', t0);
  }
  return {
    data: { images: images.label, audio: o.audioFile, audioSynthetic: audio.synthetic !== null, perDigit: { image: o.imagePerDigit, audio: o.audioPerDigit } },
    variants,
    seconds,
    cache,
  };
}
