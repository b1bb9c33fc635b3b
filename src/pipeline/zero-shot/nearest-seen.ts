// A diagnosis of zero-shot transfer: in each modality's own feature space (transformed and z-scored
// with training statistics), which trained digit's mean is each test recording of an unseen digit
// nearest to? Cross-modal retrieval of an unseen digit can only work when its images and its sounds
// resemble the SAME trained digits: the heads map both near those digits' shared embedding.
import { nearestClassMean } from '../../core/readout/retrieval.js';
import { fitStandardiser, standardise, type FeatureTransform, type ModalityFeatures } from './protocol.js';

export interface NearestSeen {
  /** counts[unseen digit][trained digit]: test recordings of the unseen digit nearest to that trained digit's mean */
  image: Record<number, Record<number, number>>;
  audio: Record<number, Record<number, number>>;
  /**
   * per unseen digit, Σ_k min(p_image(k), p_audio(k)): how much of the two modalities' nearest-digit
   * distributions coincide (1: the same trained digits, 0: disjoint)
   */
  overlap: Record<number, number>;
  /** the same overlap between the image distribution of one unseen digit and the audio distribution of the other */
  crossOverlap: Record<string, number>;
}

function table(f: ModalityFeatures, trained: readonly number[], unseen: readonly number[], transform: FeatureTransform): Record<number, Record<number, number>> {
  const rows = [...Array(f.train.n).keys()].filter((i) => trained.includes(f.train.labels[i]));
  const std = fitStandardiser(f.train, rows, transform);
  const test = [...Array(f.test.n).keys()].filter((i) => unseen.includes(f.test.labels[i]));
  const pred = nearestClassMean(standardise(f.train, rows, std), rows.map((i) => f.train.labels[i]), standardise(f.test, test, std), f.train.dim);
  const out: Record<number, Record<number, number>> = {};
  for (const u of unseen) out[u] = Object.fromEntries(trained.map((c) => [c, 0]));
  test.forEach((r, k) => out[f.test.labels[r]][pred[k]]++);
  return out;
}

function overlapOf(a: Record<number, number>, b: Record<number, number>): number {
  const na = Object.values(a).reduce((x, y) => x + y, 0);
  const nb = Object.values(b).reduce((x, y) => x + y, 0);
  return Object.keys(a).reduce((s, k) => s + Math.min(a[Number(k)] / na, (b[Number(k)] ?? 0) / nb), 0);
}

export function nearestSeen(img: ModalityFeatures, aud: ModalityFeatures, trained: readonly number[], unseen: readonly number[], transform: FeatureTransform = 'z'): NearestSeen {
  const image = table(img, trained, unseen, transform);
  const audio = table(aud, trained, unseen, transform);
  const overlap = Object.fromEntries(unseen.map((u) => [u, overlapOf(image[u], audio[u])]));
  const crossOverlap: Record<string, number> = {};
  for (const u of unseen) for (const v of unseen) if (u !== v) crossOverlap[`image ${u} / audio ${v}`] = overlapOf(image[u], audio[v]);
  return { image, audio, overlap, crossOverlap };
}
