// Trains the two projection heads of the zero-shot readout (Lin et al. 2025) on paired features
// of two modalities: InfoNCE (their CLIP-style loss) or the prototypical loss (their baseline).
// The encoders stay fixed; only the heads learn. Every random choice flows from `seed`.
import { Rng } from '../rng.js';
import { Adam } from './optim.js';
import { ProjectionHead } from './projection.js';
import { infoNce, prototypicalLoss } from './contrastive-loss.js';

export type PairLoss = 'infonce' | 'prototypical';

/** n paired rows: a[i] (da features) and b[i] (db features) share labels[i]. */
export interface PairedFeatures {
  a: Float64Array;
  b: Float64Array;
  labels: Uint8Array;
  n: number;
}

export interface ProjectionPairOptions {
  loss?: PairLoss;
  /** embedding dimension (64 in the paper) */
  dim?: number;
  /** InfoNCE temperature (1.0 in the paper) */
  temperature?: number;
  lr?: number;
  batch?: number;
  epochs?: number;
  seed?: number;
  onEpoch?: (epoch: number, meanLoss: number, heads: { a: ProjectionHead; b: ProjectionHead }) => void;
}

export interface ProjectionPair {
  a: ProjectionHead;
  b: ProjectionHead;
  /** 'episodic': the episode-trained linear heads of episodes.ts */
  loss: PairLoss | 'episodic';
  lossHistory: number[];
}

export function trainProjectionPair(train: PairedFeatures, da: number, db: number, o: ProjectionPairOptions = {}): ProjectionPair {
  const loss = o.loss ?? 'infonce';
  const dim = o.dim ?? 64;
  const tau = o.temperature ?? 1;
  const batch = o.batch ?? 8;
  const epochs = o.epochs ?? 100;
  const seed = o.seed ?? 1;
  const { n } = train;
  if (train.a.length !== n * da || train.b.length !== n * db) throw new RangeError(`projection pair: features are ${train.a.length} and ${train.b.length} values, expected ${n} × ${da} and ${n} × ${db}`);
  if (n < 2) throw new RangeError(`projection pair: need at least 2 training pairs, got ${n}`);
  if (!Number.isInteger(batch) || batch < 2) throw new RangeError(`projection pair: batch must be an integer ≥ 2, got ${batch}`);
  const a = new ProjectionHead(da, dim, new Rng(seed, 'projection', 'a'));
  const b = new ProjectionHead(db, dim, new Rng(seed, 'projection', 'b'));
  const opt = [a.W, a.b, b.W, b.b].map((p) => new Adam(p.length, { lr: o.lr ?? 1e-3 }));
  const xa = new Float64Array(batch * da);
  const xb = new Float64Array(batch * db);
  const lab = new Uint8Array(batch);
  const dA = new Float64Array(batch * dim);
  const dB = new Float64Array(batch * dim);
  const lossHistory: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const order = new Rng(seed, 'projection', 'shuffle', e).permutation(n);
    let sum = 0;
    let steps = 0;
    for (let s = 0; s < n; s += batch) {
      const m = Math.min(batch, n - s);
      if (m < 2) break; // a lone pair has no negatives
      for (let r = 0; r < m; r++) {
        const i = order[s + r];
        xa.set(train.a.subarray(i * da, (i + 1) * da), r * da);
        xb.set(train.b.subarray(i * db, (i + 1) * db), r * db);
        lab[r] = train.labels[i];
      }
      const pa = a.forward(xa, m);
      const pb = b.forward(xb, m);
      const l = loss === 'infonce' ? infoNce(pa.E, pb.E, m, dim, tau, dA, dB) : prototypicalLoss(pa.E, pb.E, lab, m, dim, dA, dB);
      a.zeroGrad();
      b.zeroGrad();
      a.backward(pa, dA);
      b.backward(pb, dB);
      opt[0].step(a.W, a.gW);
      opt[1].step(a.b, a.gb);
      opt[2].step(b.W, b.gW);
      opt[3].step(b.b, b.gb);
      sum += l;
      steps++;
    }
    lossHistory.push(sum / Math.max(1, steps));
    o.onEpoch?.(e + 1, lossHistory[e], { a, b });
  }
  return { a, b, loss, lossHistory };
}
