// The episode-trained prototypical baseline of Lin et al. (their PrototypicalNetworks_ete): a linear
// projection per modality trained on support/query episodes (Snell et al. 2017). Each episode draws
// `way` of the training classes and, per class, `shot` support pairs and `query` other pairs; class
// prototypes are the support embeddings' means in each modality, and each query is scored by its
// negative squared Euclidean distance to the OTHER modality's prototypes. The sampler draws from the
// training pairs only, every choice from (seed, epoch, episode).
import { Rng } from '../rng.js';
import { Adam } from './optim.js';
import { ProjectionHead } from './projection.js';
import { episodeLoss } from './contrastive-loss.js';
import type { PairedFeatures, ProjectionPair } from './projection-pair.js';

export interface EpisodeShape {
  /** classes per episode */
  way: number;
  /** support pairs per class */
  shot: number;
  /** query pairs per class */
  query: number;
}

export interface Episode {
  /** row indices into the training pairs, grouped by class in the order of `classes` */
  support: Int32Array;
  query: Int32Array;
  classes: number[];
}

/** Rows of each class, ascending by class. */
export function rowsByClass(labels: ArrayLike<number>): Map<number, number[]> {
  const by = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!by.has(l)) by.set(l, []);
    by.get(l)!.push(i);
  }
  return new Map([...by.entries()].sort((a, b) => a[0] - b[0]));
}

/** One episode, drawn from `rng`: `way` distinct classes, and per class shot + query distinct rows. */
export function sampleEpisode(byClass: ReadonlyMap<number, readonly number[]>, shape: EpisodeShape, rng: Rng): Episode {
  const all = [...byClass.keys()];
  const { way, shot, query } = shape;
  if (!Number.isInteger(way) || way < 2 || way > all.length) throw new RangeError(`episodes: way must be an integer from 2 to the ${all.length} training classes, got ${way}`);
  if (!Number.isInteger(shot) || shot < 1 || !Number.isInteger(query) || query < 1) throw new RangeError(`episodes: shot and query must be positive integers, got ${shot} and ${query}`);
  const pick = rng.permutation(all.length).subarray(0, way);
  const classes = Array.from(pick, (k) => all[k]).sort((a, b) => a - b);
  const support = new Int32Array(way * shot);
  const q = new Int32Array(way * query);
  classes.forEach((c, k) => {
    const rows = byClass.get(c)!;
    if (rows.length < shot + query) throw new RangeError(`episodes: class ${c} has ${rows.length} training pairs, an episode needs shot + query = ${shot + query}`);
    const perm = rng.permutation(rows.length);
    for (let s = 0; s < shot; s++) support[k * shot + s] = rows[perm[s]];
    for (let s = 0; s < query; s++) q[k * query + s] = rows[perm[shot + s]];
  });
  return { support, query: q, classes };
}

export interface EpisodicOptions extends EpisodeShape {
  dim?: number;
  lr?: number;
  epochs?: number;
  /** episodes per epoch; default: enough to visit about as many pairs as there are */
  episodes?: number;
  seed?: number;
  onEpoch?: (epoch: number, meanLoss: number, heads: { a: ProjectionHead; b: ProjectionHead }) => void;
}

function gather(X: Float64Array, dim: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * dim);
  rows.forEach((r, i) => out.set(X.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** Linear heads for modalities a (da features) and b (db), trained on episodes of the training pairs. */
export function trainEpisodic(train: PairedFeatures, da: number, db: number, o: EpisodicOptions): ProjectionPair {
  const dim = o.dim ?? 64;
  const epochs = o.epochs ?? 100;
  const seed = o.seed ?? 1;
  const perEpisode = o.way * (o.shot + o.query);
  const episodes = o.episodes ?? Math.max(1, Math.round(train.n / perEpisode));
  if (train.a.length !== train.n * da || train.b.length !== train.n * db) throw new RangeError(`episodic heads: features are ${train.a.length} and ${train.b.length} values, expected ${train.n} × ${da} and ${train.n} × ${db}`);
  const byClass = rowsByClass(train.labels);
  const a = new ProjectionHead(da, dim, new Rng(seed, 'episodic', 'a'), 'linear');
  const b = new ProjectionHead(db, dim, new Rng(seed, 'episodic', 'b'), 'linear');
  const opt = [a.W, a.b, b.W, b.b].map((p) => new Adam(p.length, { lr: o.lr ?? 1e-3 }));
  const lossHistory: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    for (let k = 0; k < episodes; k++) {
      const ep = sampleEpisode(byClass, o, new Rng(seed, 'episodic', 'episode', e, k));
      const sl = Uint8Array.from(ep.support, (r) => train.labels[r]);
      const ql = Uint8Array.from(ep.query, (r) => train.labels[r]);
      const sa = a.forward(gather(train.a, da, ep.support), ep.support.length);
      const sb = b.forward(gather(train.b, db, ep.support), ep.support.length);
      const qa = a.forward(gather(train.a, da, ep.query), ep.query.length);
      const qb = b.forward(gather(train.b, db, ep.query), ep.query.length);
      const g = { dSa: new Float64Array(sa.E.length), dSb: new Float64Array(sb.E.length), dQa: new Float64Array(qa.E.length), dQb: new Float64Array(qb.E.length) };
      sum += episodeLoss({ Sa: sa.E, Sb: sb.E, sLabels: sl, ns: sl.length, Qa: qa.E, Qb: qb.E, qLabels: ql, nq: ql.length }, dim, g);
      a.zeroGrad();
      b.zeroGrad();
      a.backward(sa, g.dSa);
      a.backward(qa, g.dQa);
      b.backward(sb, g.dSb);
      b.backward(qb, g.dQb);
      opt[0].step(a.W, a.gW);
      opt[1].step(a.b, a.gb);
      opt[2].step(b.W, b.gW);
      opt[3].step(b.b, b.gb);
    }
    lossHistory.push(sum / episodes);
    o.onEpoch?.(e + 1, lossHistory[e], { a, b });
  }
  return { a, b, loss: 'episodic', lossHistory };
}
