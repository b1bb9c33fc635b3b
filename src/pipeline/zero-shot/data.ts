// The two modalities of the zero-shot experiment, as per-digit selections in a fixed order
// (sample k·10 + d is the k-th recording of digit d, so every prefix is balanced):
// event images from saccade-MNIST (SYNTHETIC, rendered in memory exactly as `nalsm data
// saccade-mnist` writes them) or an N-MNIST folder, and event audio from an N-TIDIGITS-layout
// HDF5 file (the real release, or nalsm's SYNTHETIC spoken digits).
import { Rng } from '../../core/rng.js';
import { EventSetBuilder, NMNIST_INIT_MS, type EventSet, type RawEvents } from '../../core/encode/events.js';
import { imageRaster, audioRaster, IMAGE_RASTER_DEFAULTS, type InputRaster } from '../../core/fixed-lsm/index.js';
import { SaccadeCamera } from '../../data/saccade-mnist.js';
import { loadMnist } from '../../data/mnist.js';
import { listNmnist, readNmnistFile, type NmnistFile } from '../../data/nmnist.js';
import { readNtidigits, audioEvents, OH_LABEL, type AudioEventSet, type AudioSplit } from '../../data/ntidigits.js';

export type Split = AudioSplit;

/** One modality's split: input rasters for the fixed LSM, labels, and (images) events for the NALSM liquid. */
export interface ModalitySplit {
  n: number;
  labels: Uint8Array;
  raster: (s: number) => InputRaster;
  events?: EventSet;
}

/** Indices of the first `perDigit` items of each class 0..classes−1 (10 digits, or 11 with "oh"), interleaved (k·classes + d); errors if a class runs short. */
export function perDigitOrder(labels: ArrayLike<number>, perDigit: number, what: string, classes = 10): Int32Array {
  const byDigit: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const d = labels[i];
    if (d < classes && byDigit[d].length < perDigit) byDigit[d].push(i);
  }
  byDigit.forEach((l, d) => {
    if (l.length < perDigit) throw new Error(`${what}: ${d === 10 ? '"oh" (label 10)' : `digit ${d}`} has ${l.length} recordings, ${perDigit} asked for`);
  });
  const out = new Int32Array(classes * perDigit);
  for (let k = 0; k < perDigit; k++) for (let d = 0; d < classes; d++) out[k * classes + d] = byDigit[d][k];
  return out;
}

function imageSplit(events: RawEvents[], labels: Uint8Array, name: string): ModalitySplit {
  const rasters = events.map((e) => imageRaster(e, IMAGE_RASTER_DEFAULTS));
  const b = new EventSetBuilder(name, NMNIST_INIT_MS);
  events.forEach((e, s) => b.addRaw(e, labels[s]));
  return { n: events.length, labels, raster: (s) => rasters[s], events: b.finish(false) };
}

export interface ImageSource {
  kind: 'saccade-mnist' | 'nmnist';
  /** N-MNIST folder (kind nmnist) */
  dir?: string;
}

/** Event images, `perDigit[split]` per digit. */
export function loadImages(src: ImageSource, perDigit: Record<Split, number>, seed: number, onEach?: () => void): Record<Split, ModalitySplit> & { label: string } {
  if (src.kind === 'nmnist') {
    const list = listNmnist(src.dir!);
    const pick = (files: NmnistFile[], split: Split): ModalitySplit => {
      const order = perDigitOrder(files.map((f) => f.label), perDigit[split], `${src.dir} (${split})`);
      const events = Array.from(order, (i) => {
        onEach?.();
        return readNmnistFile(files[i].path);
      });
      return imageSplit(events, Uint8Array.from(order, (i) => files[i].label), `${src.dir} ${split}`);
    };
    return { train: pick(list.train, 'train'), test: pick(list.test, 'test'), label: list.synthetic ? 'saccade-mnist (synthetic)' : 'nmnist' };
  }
  const mnist = loadMnist();
  const camera = new SaccadeCamera(seed);
  const pick = (split: Split): ModalitySplit => {
    const set = split === 'train' ? mnist.train : mnist.test;
    const order = perDigitOrder(set.labels, perDigit[split], `MNIST ${split}`);
    // the same stream as `nalsm data saccade-mnist --seed <seed>`: these are the files it writes
    const events = Array.from(order, (i) => {
      onEach?.();
      return camera.record(set.images, i, set.rows, set.cols, new Rng(seed, 'saccade-mnist', split, i));
    });
    return imageSplit(events, Uint8Array.from(order, (i) => set.labels[i]), `saccade-mnist ${split}`);
  };
  return { train: pick('train'), test: pick('test'), label: 'saccade-mnist (synthetic)' };
}

function audioSplit(set: AudioEventSet, perDigit: number, classes = 10): ModalitySplit {
  const order = perDigitOrder(set.labels, perDigit, set.name, classes);
  const rasters = Array.from(order, (i) => audioRaster(audioEvents(set, i)));
  return { n: order.length, labels: Uint8Array.from(order, (i) => set.labels[i]), raster: (s) => rasters[s] };
}

/**
 * Event audio, `perDigit[split]` per digit: digits 0..9 ("oh" left out: the images have no such class),
 * and, when the file has "oh" recordings, the 11-class selection for the supervised readout (`withOh`).
 */
export async function loadAudio(path: string, perDigit: Record<Split, number>): Promise<Record<Split, ModalitySplit> & { synthetic: string | null; withOh: (Record<Split, ModalitySplit> & { classes: 11 }) | null }> {
  const train = await readNtidigits(path, 'train');
  const test = await readNtidigits(path, 'test');
  const hasOh = train.labels.includes(OH_LABEL) && test.labels.includes(OH_LABEL);
  return {
    train: audioSplit(train, perDigit.train),
    test: audioSplit(test, perDigit.test),
    synthetic: train.synthetic,
    withOh: hasOh ? { train: audioSplit(train, perDigit.train, 11), test: audioSplit(test, perDigit.test, 11), classes: 11 } : null,
  };
}
