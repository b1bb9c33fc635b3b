// Losses on paired, L2-normalised embeddings of two modalities, with their gradients.
// InfoNCE (CLIP's symmetric form): logits = A Bᵀ / τ, cross-entropy toward the diagonal in both
// directions, averaged. Prototypical (Snell et al.): a query is scored by −‖q − c_k‖² against the
// class means c_k of the other modality in the batch, cross-entropy toward its class, both directions.

/** Mean cross-entropy of each row of logits L (n × m) toward target[i]; adds dLoss/dL·scale into G. */
function rowCrossEntropy(L: Float64Array, n: number, m: number, target: (i: number) => number, G: Float64Array, scale: number): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * m;
    let mx = -Infinity;
    for (let k = 0; k < m; k++) mx = Math.max(mx, L[o + k]);
    let s = 0;
    for (let k = 0; k < m; k++) s += Math.exp(L[o + k] - mx);
    const lse = mx + Math.log(s);
    const y = target(i);
    loss += lse - L[o + y];
    for (let k = 0; k < m; k++) G[o + k] += (scale * (Math.exp(L[o + k] - lse) - (k === y ? 1 : 0))) / n;
  }
  return loss / n;
}

/**
 * Symmetric InfoNCE of n pairs (A[i], B[i]), d dimensions, temperature tau.
 * Writes dLoss/dA into dA and dLoss/dB into dB (overwritten) and returns the loss.
 */
export function infoNce(A: Float64Array, B: Float64Array, n: number, d: number, tau: number, dA: Float64Array, dB: Float64Array): number {
  if (!(tau > 0)) throw new RangeError(`InfoNCE: the temperature must be positive, got ${tau}`);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += A[i * d + c] * B[j * d + c];
      S[i * n + j] = s / tau;
    }
  const St = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) St[j * n + i] = S[i * n + j];
  const G = new Float64Array(n * n);
  const Gt = new Float64Array(n * n);
  const loss = 0.5 * rowCrossEntropy(S, n, n, (i) => i, G, 0.5) + 0.5 * rowCrossEntropy(St, n, n, (i) => i, Gt, 0.5);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[i * n + j] += Gt[j * n + i];
  // S = A Bᵀ/τ: dA = G B / τ, dB = Gᵀ A / τ
  dA.fill(0, 0, n * d);
  dB.fill(0, 0, n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const g = G[i * n + j] / tau;
      if (g === 0) continue;
      for (let c = 0; c < d; c++) {
        dA[i * d + c] += g * B[j * d + c];
        dB[j * d + c] += g * A[i * d + c];
      }
    }
  return loss;
}

/**
 * One direction of the prototypical loss: nq queries Q scored by −‖q − c_k‖² against the class means c_k
 * of np prototype rows P (the query's class must be among P's classes). Adds gradients into dQ and dP.
 */
export function protoDirection(Q: Float64Array, qLabels: ArrayLike<number>, nq: number, P: Float64Array, pLabels: ArrayLike<number>, np: number, d: number, dQ: Float64Array, dP: Float64Array, scale: number): number {
  const classes = [...new Set(Array.from({ length: np }, (_, j) => pLabels[j]))].sort((a, b) => a - b);
  const m = classes.length;
  const slot = new Map(classes.map((c, k) => [c, k]));
  for (let i = 0; i < nq; i++) if (!slot.has(qLabels[i])) throw new RangeError(`prototypical loss: query ${i} has class ${qLabels[i]}, which no prototype row has`);
  const C = new Float64Array(m * d);
  const count = new Float64Array(m);
  for (let j = 0; j < np; j++) {
    const k = slot.get(pLabels[j])!;
    count[k]++;
    for (let c = 0; c < d; c++) C[k * d + c] += P[j * d + c];
  }
  for (let k = 0; k < m; k++) for (let c = 0; c < d; c++) C[k * d + c] /= count[k];
  const L = new Float64Array(nq * m);
  for (let i = 0; i < nq; i++)
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const diff = Q[i * d + c] - C[k * d + c];
        s += diff * diff;
      }
      L[i * m + k] = -s;
    }
  const G = new Float64Array(nq * m);
  const loss = rowCrossEntropy(L, nq, m, (i) => slot.get(qLabels[i])!, G, scale);
  // l_ik = −‖q_i − c_k‖²: dq_i = Σ_k G_ik (−2)(q_i − c_k), dc_k = Σ_i G_ik 2 (q_i − c_k)
  const dC = new Float64Array(m * d);
  for (let i = 0; i < nq; i++)
    for (let k = 0; k < m; k++) {
      const g = G[i * m + k];
      for (let c = 0; c < d; c++) {
        const diff = Q[i * d + c] - C[k * d + c];
        dQ[i * d + c] -= 2 * g * diff;
        dC[k * d + c] += 2 * g * diff;
      }
    }
  for (let j = 0; j < np; j++) {
    const k = slot.get(pLabels[j])!;
    for (let c = 0; c < d; c++) dP[j * d + c] += dC[k * d + c] / count[k];
  }
  return loss;
}

/** Symmetric prototypical loss of n labelled pairs; gradients into dA, dB (overwritten). */
export function prototypicalLoss(A: Float64Array, B: Float64Array, labels: ArrayLike<number>, n: number, d: number, dA: Float64Array, dB: Float64Array): number {
  dA.fill(0, 0, n * d);
  dB.fill(0, 0, n * d);
  return 0.5 * protoDirection(A, labels, n, B, labels, n, d, dA, dB, 0.5) + 0.5 * protoDirection(B, labels, n, A, labels, n, d, dB, dA, 0.5);
}

/**
 * The episode loss of a cross-modal prototypical network (Snell et al.; Lin et al.'s baseline): class
 * prototypes from the support rows of each modality, each query scored against the OTHER modality's
 * prototypes (audio queries against image prototypes and image queries against audio ones), averaged.
 * Gradients into dSa, dSb, dQa, dQb (overwritten).
 */
export function episodeLoss(
  e: { Sa: Float64Array; Sb: Float64Array; sLabels: ArrayLike<number>; ns: number; Qa: Float64Array; Qb: Float64Array; qLabels: ArrayLike<number>; nq: number },
  d: number,
  g: { dSa: Float64Array; dSb: Float64Array; dQa: Float64Array; dQb: Float64Array },
): number {
  g.dSa.fill(0, 0, e.ns * d);
  g.dSb.fill(0, 0, e.ns * d);
  g.dQa.fill(0, 0, e.nq * d);
  g.dQb.fill(0, 0, e.nq * d);
  return 0.5 * protoDirection(e.Qb, e.qLabels, e.nq, e.Sa, e.sLabels, e.ns, d, g.dQb, g.dSa, 0.5) + 0.5 * protoDirection(e.Qa, e.qLabels, e.nq, e.Sb, e.sLabels, e.ns, d, g.dQa, g.dSb, 0.5);
}
