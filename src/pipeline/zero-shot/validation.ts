// Selection without peeking: validation splits carved from the TRAINING split of the trained digits
// (1–7) only. Each fold plays the zero-shot game inside 1–7: two of the seven digits are held out as
// pseudo-unseen classes (validation out-class), the heads are fitted on the other five, and the last
// `holdBack` pairs of each of those five are kept for validation in-class. No test recording and no
// recording of 8 or 9 can enter a fold: every row comes from pairByClass over the training split and
// the training classes.
import { pairByClass, fitStandardiser, standardise, fitHeads, top1Both, type ModalityFeatures, type ZeroShotSettings, type EvalPairs } from './protocol.js';
import type { PairedFeatures } from '../../core/readout/projection-pair.js';

/** Rows of the training split: image rows ia, audio rows ib, paired, with their digit. */
export interface RowPairs {
  ia: number[];
  ib: number[];
  labels: Uint8Array;
}

export interface ValidationFold {
  /** the two training digits that play the unseen classes */
  pseudoUnseen: number[];
  fit: RowPairs;
  inClass: RowPairs;
  outClass: RowPairs;
}

/** Pseudo-unseen pairs of the training digits: (6, 7), (4, 5), (2, 3) for digits 1–7. */
export function defaultFolds(trainClasses: readonly number[], folds: number): number[][] {
  const c = [...trainClasses].sort((a, b) => a - b);
  const out: number[][] = [];
  for (let k = c.length; k >= 2 && out.length < folds; k -= 2) out.push([c[k - 2], c[k - 1]]);
  if (out.length < folds) throw new RangeError(`validation: ${trainClasses.length} training classes give at most ${out.length} folds of two pseudo-unseen classes, ${folds} asked for`);
  return out;
}

function subset(p: RowPairs, keep: (k: number) => boolean): RowPairs {
  const idx = p.labels.map((_, k) => k).filter((k) => keep(k));
  return { ia: Array.from(idx, (k) => p.ia[k]), ib: Array.from(idx, (k) => p.ib[k]), labels: Uint8Array.from(idx, (k) => p.labels[k]) };
}

/** The folds, from the training split only (image and audio training features). */
export function validationFolds(img: ModalityFeatures, aud: ModalityFeatures, trainClasses: readonly number[], pseudoUnseen: number[][], holdBack: number): ValidationFold[] {
  return pseudoUnseen.map((unseen) => {
    for (const u of unseen) if (!trainClasses.includes(u)) throw new RangeError(`validation: pseudo-unseen digit ${u} is not a training digit (${trainClasses.join(', ')})`);
    const seen = trainClasses.filter((c) => !unseen.includes(c));
    const pairs = pairByClass(img.train, aud.train, seen);
    // rank of each pair within its class, to hold back the last `holdBack` of each
    const rank = new Map<number, number>();
    const count = new Map<number, number>();
    pairs.labels.forEach((l) => count.set(l, (count.get(l) ?? 0) + 1));
    const kth = Array.from(pairs.labels, (l) => {
      const r = rank.get(l) ?? 0;
      rank.set(l, r + 1);
      return r;
    });
    const held = (k: number): boolean => kth[k] >= count.get(pairs.labels[k])! - holdBack;
    const fit = subset(pairs, (k) => !held(k));
    const inClass = subset(pairs, held);
    const out = pairByClass(img.train, aud.train, unseen);
    return { pseudoUnseen: unseen, fit, inClass, outClass: { ia: out.ia, ib: out.ib, labels: out.labels } };
  });
}

export interface FoldHistory {
  pseudoUnseen: number[];
  /** per epoch, on the fold's validation pairs: top-1 in both directions */
  inClass: { audioToImage: number[]; imageToAudio: number[] };
  outClass: { audioToImage: number[]; imageToAudio: number[] };
}

/** Fits the heads of `s` on a fold (training statistics of the fold's fitting rows) and records validation top-1 every epoch. */
export function runFold(img: ModalityFeatures, aud: ModalityFeatures, fold: ValidationFold, s: ZeroShotSettings): FoldHistory {
  const t = s.transform ?? 'z';
  const stdA = fitStandardiser(img.train, fold.fit.ia, t);
  const stdB = fitStandardiser(aud.train, fold.fit.ib, t);
  const pairs = (p: RowPairs): EvalPairs => ({ a: standardise(img.train, p.ia, stdA), b: standardise(aud.train, p.ib, stdB), labels: p.labels, n: p.labels.length });
  const fit: PairedFeatures = pairs(fold.fit);
  const vIn = pairs(fold.inClass);
  const vOut = pairs(fold.outClass);
  const h: FoldHistory = { pseudoUnseen: fold.pseudoUnseen, inClass: { audioToImage: [], imageToAudio: [] }, outClass: { audioToImage: [], imageToAudio: [] } };
  fitHeads(fit, img.train.dim, aud.train.dim, s, (heads) => {
    for (const [set, p] of [['inClass', vIn], ['outClass', vOut]] as const) {
      const r = top1Both(heads, p, s.dim);
      h[set].audioToImage.push(r.audioToImage);
      h[set].imageToAudio.push(r.imageToAudio);
    }
  });
  return h;
}

/** The validation score per epoch: out-class top-1, both directions and all folds averaged. */
export function validationScore(folds: FoldHistory[]): number[] {
  const epochs = folds[0].outClass.audioToImage.length;
  return Array.from({ length: epochs }, (_, e) => folds.reduce((a, f) => a + f.outClass.audioToImage[e] + f.outClass.imageToAudio[e], 0) / (2 * folds.length));
}
