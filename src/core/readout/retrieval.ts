// Cross-modal retrieval metrics (Lin et al.'s protocol): each query embedding retrieves the most
// similar keys of the other modality (dot product of L2-normalised embeddings = cosine); a query
// is right at k when one of its top-k keys has the query's label. Ties go to the lower key index.

export interface RetrievalResult {
  /** fraction of queries right at k, for each k asked */
  topK: Record<number, number>;
  /** the classes present, ascending; rows and columns of the confusion */
  classes: number[];
  /** confusion[r][c]: queries of classes[r] whose top-1 key has classes[c] */
  confusion: number[][];
  /** 1 / number of classes among the keys: a blind guess's top-1 for balanced sets */
  chance: number;
  queries: number;
}

export function retrieval(Q: Float64Array, qLabels: ArrayLike<number>, K: Float64Array, kLabels: ArrayLike<number>, d: number, ks: readonly number[] = [1, 5]): RetrievalResult {
  const nq = qLabels.length;
  const nk = kLabels.length;
  if (Q.length !== nq * d || K.length !== nk * d) throw new RangeError(`retrieval: embeddings hold ${Q.length} and ${K.length} values, expected ${nq} × ${d} and ${nk} × ${d}`);
  const classes = [...new Set([...Array.from(qLabels), ...Array.from(kLabels)])].sort((a, b) => a - b);
  const slot = new Map(classes.map((c, i) => [c, i]));
  const confusion = classes.map(() => classes.map(() => 0));
  const hits: Record<number, number> = {};
  for (const k of ks) hits[k] = 0;
  const maxK = Math.max(...ks);
  const sims = new Float64Array(nk);
  const idx = new Int32Array(nk);
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < nk; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += Q[i * d + c] * K[j * d + c];
      sims[j] = s;
      idx[j] = j;
    }
    // partial selection of the top maxK (stable: lower index first on ties)
    const top: number[] = [];
    for (let r = 0; r < Math.min(maxK, nk); r++) {
      let best = -1;
      for (let j = 0; j < nk; j++) {
        if (idx[j] < 0) continue;
        if (best < 0 || sims[j] > sims[best]) best = j;
      }
      top.push(best);
      idx[best] = -1;
    }
    const y = qLabels[i];
    confusion[slot.get(y)!][slot.get(kLabels[top[0]])!]++;
    for (const k of ks) if (top.slice(0, k).some((j) => kLabels[j] === y)) hits[k]++;
  }
  const topK: Record<number, number> = {};
  for (const k of ks) topK[k] = nq > 0 ? hits[k] / nq : 0;
  const keyClasses = new Set(Array.from(kLabels)).size;
  return { topK, classes, confusion, chance: keyClasses > 0 ? 1 / keyClasses : 0, queries: nq };
}

/** Nearest class mean: classify rows of X by the closest (Euclidean) mean of the training rows of each class. */
export function nearestClassMean(train: Float64Array, trainLabels: ArrayLike<number>, X: Float64Array, d: number): Uint8Array {
  const classes = [...new Set(Array.from(trainLabels))].sort((a, b) => a - b);
  const means = classes.map(() => new Float64Array(d));
  const counts = classes.map(() => 0);
  const slot = new Map(classes.map((c, i) => [c, i]));
  for (let i = 0; i < trainLabels.length; i++) {
    const k = slot.get(trainLabels[i])!;
    counts[k]++;
    for (let c = 0; c < d; c++) means[k][c] += train[i * d + c];
  }
  means.forEach((m, k) => m.forEach((_, c) => (m[c] /= counts[k])));
  const n = X.length / d;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < classes.length; k++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const diff = X[i * d + c] - means[k][c];
        s += diff * diff;
      }
      if (s < bestD) {
        bestD = s;
        best = k;
      }
    }
    out[i] = classes[best];
  }
  return out;
}
