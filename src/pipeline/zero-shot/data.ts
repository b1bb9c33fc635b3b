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
import { readNtidigits, audioEvents, type AudioEventSet, type AudioSplit } from '../../data/ntidigits.js';

export type Split = AudioSplit;

/** One modality's split: input rasters for the fixed LSM, labels, and (images) events for the NALSM liquid. */
export interface ModalitySplit {
  n: number;
  labels: Uint8Array;
  raster: (s: number) => InputRaster;
  events?: EventSet;
}

/** Indices of the first `perDigit` items of each digit 0..9, interleaved (k·10 + d); errors if a digit runs short. */
export function perDigitOrder(labels: ArrayLike<number>, perDigit: number, what: string): Int32Array {
  const byDigit: number[][] = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const d = labels[i];
    if (d < 10 && byDigit[d].length < perDigit) byDigit[d].push(i);
  }
  byDigit.forEach((l, d) => {
    if (l.length < perDigit) throw new Error(`${what}: digit ${d} has ${l.length} recordings, ${perDigit} asked for`);
  });
  const out = new Int32Array(10 * perDigit);
  for (let k = 0; k < perDigit; k++) for (let d = 0; d < 10; d++) out[k * 10 + d] = byDigit[d][k];
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

function audioSplit(set: AudioEventSet, perDigit: number): ModalitySplit {
  const order = perDigitOrder(set.labels, perDigit, set.name);
  const rasters = Array.from(order, (i) => audioRaster(audioEvents(set, i)));
  return { n: order.length, labels: Uint8Array.from(order, (i) => set.labels[i]), raster: (s) => rasters[s] };
}

/** Event audio (digits 0..9, "oh" left out), `perDigit[split]` per digit. */
export async function loadAudio(path: string, perDigit: Record<Split, number>): Promise<Record<Split, ModalitySplit> & { synthetic: string | null }> {
  const train = await readNtidigits(path, 'train', { dropOh: true });
  const test = await readNtidigits(path, 'test', { dropOh: true });
  return { train: audioSplit(train, perDigit.train), test: audioSplit(test, perDigit.test), synthetic: train.synthetic };
}
