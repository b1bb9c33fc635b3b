// Analysis metrics: σ_BF on hand-made networks and rasters with known answers (and against a
// literal port of the authors' loops), matrix rank with numpy's float32 tolerance, the KQ rescaling,
// firing statistics, the MNIST noise, and the analyze CLI on a tiny run.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { branchingFactor, liquidAdjacency, nanmean, type LiquidGraph, type SampleSpikes } from '../src/core/analysis/branching.js';
import {
  matrixRank,
  rankFromGram,
  rankTolerance,
  eigenThreshold,
  kernelQualityScore,
  KQ_RESCALE,
  FLOAT32_EPS,
  drawPerClass,
  classMembers,
  planShuffles,
  shuffleRanks,
  summariseRanks,
  splitGram,
} from '../src/core/analysis/kernel-quality.js';
import { symmetricEigenvalues, inertia, inertiaUnblocked, largestEigenvalue, gramMatrix } from '../src/core/analysis/linalg.js';
import { neuronRates, sampleRates, rateStatistics, histogram, countsFromRasters, summarise } from '../src/core/analysis/rates.js';
import { addPixelNoise } from '../src/core/encode/noise.js';
import { generateNetwork } from '../src/core/network/generate.js';
import { Rng } from '../src/core/rng.js';
import { runPipeline } from '../src/pipeline/run.js';

/** Synapse lists sorted by (post, pre), as network.bin stores them. */
function graph(NL: number, edges: Array<[number, number]>): LiquidGraph {
  const e = [...edges].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return { NL, llPre: Int32Array.from(e.map((x) => x[0])), llPost: Int32Array.from(e.map((x) => x[1])) };
}

function spikes(list: Array<[number, number]>): SampleSpikes {
  return { t: Int32Array.from(list.map((s) => s[0])), n: Int32Array.from(list.map((s) => s[1])) };
}

/** compute_branching_factor.py, loop for loop: per neuron, per qualifying spike, scan the spike lists. */
function referenceBf(g: LiquidGraph, samples: SampleSpikes[], buffer = 25, duration = 250, dt = 4): number {
  const pre: number[][] = Array.from({ length: g.NL }, () => []);
  const post: number[][] = Array.from({ length: g.NL }, () => []);
  for (let k = 0; k < g.llPre.length; k++) {
    pre[g.llPost[k]].push(g.llPre[k]);
    post[g.llPre[k]].push(g.llPost[k]);
  }
  const perSample: number[] = [];
  for (const s of samples) {
    const times: number[][] = Array.from({ length: g.NL }, () => []);
    for (let k = 0; k < s.t.length; k++) {
      const n = s.n[k];
      const t = s.t[k];
      if (n < g.NL && t >= buffer && t < duration - buffer && !times[n].includes(t)) times[n].push(t);
    }
    const sig: number[] = [];
    for (let n = 0; n < g.NL; n++) {
      const ratios: number[] = [];
      for (let t = buffer + dt; t < duration - buffer - dt; t++) {
        if (!times[n].includes(t)) continue;
        let anc = 0;
        for (const j of pre[n]) anc += times[j].filter((ft) => ft >= t - dt && ft <= t - 1).length;
        let desc = 0;
        for (const i of post[n]) desc += times[i].filter((ft) => ft >= t + 1 && ft <= t + dt).length;
        ratios.push(desc / Math.min(Math.max(anc, 1), g.NL * 4 + 100));
      }
      sig.push(ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : NaN);
    }
    perSample.push(nanmean(sig));
  }
  return nanmean(perSample);
}

test('σ_BF: a ring where each spike causes exactly one spike gives 1', () => {
  const N = 10;
  const g = graph(N, Array.from({ length: N }, (_, i) => [i, (i + 1) % N] as [number, number]));
  // one spike travelling round the ring for the whole sample, plus input-neuron spikes that must be ignored
  const list: Array<[number, number]> = [];
  for (let t = 0; t < 250; t++) list.push([t, t % N], [t, N + (t % 7)]);
  const r = branchingFactor(g, [spikes(list)]);
  assert.equal(r.sigma, 1);
  assert.equal(r.perSample[0].events, 220 - 29 + 1, 'every step t ∈ [29, 220] has one qualifying spike');
  assert.equal(r.perSample[0].neurons, N);
  assert.equal(referenceBf(g, [spikes(list)]), 1);
});

test('σ_BF: each spike causing two spikes gives 2', () => {
  // a binary tree of 7 layers (127 neurons); layer k fires at t = 215 + k, so layers 0..5 fire at
  // t ≤ 220 (qualifying, 2 descendants each) and the leaves at 221 (kept, not qualifying)
  const edges: Array<[number, number]> = [];
  const list: Array<[number, number]> = [];
  const layers = 7;
  const NL = 2 ** layers - 1;
  for (let n = 0; n < NL; n++) {
    const layer = Math.floor(Math.log2(n + 1));
    list.push([215 + layer, n]);
    if (2 * n + 2 < NL) edges.push([n, 2 * n + 1], [n, 2 * n + 2]);
  }
  const g = graph(NL, edges);
  const r = branchingFactor(g, [spikes(list)]);
  assert.equal(r.sigma, 2);
  assert.equal(r.perSample[0].neurons, 63, 'the leaves fire at t = 221 and do not qualify');
  assert.equal(referenceBf(g, [spikes(list)]), 2);
});

test('σ_BF: silence after the input gives 0; samples without qualifying spikes are left out (nanmean)', () => {
  // neurons 0..9 are driven and each projects to two of 10..19, which never fire
  const edges: Array<[number, number]> = [];
  for (let n = 0; n < 10; n++) edges.push([n, 10 + n], [n, 10 + ((n + 3) % 10)]);
  const g = graph(20, edges);
  const list: Array<[number, number]> = [];
  for (let t = 30; t < 200; t += 7) for (let n = 0; n < 10; n++) list.push([t, n], [t, 20 + n]);
  const silent = spikes([[5, 0], [240, 3]]); // only outside [29, 220]
  const r = branchingFactor(g, [spikes(list), silent]);
  assert.equal(r.perSample[0].sigma, 0);
  assert.ok(Number.isNaN(r.perSample[1].sigma));
  assert.equal(r.sigma, 0);
  assert.ok(Number.isNaN(branchingFactor(g, [silent]).sigma));
});

test('σ_BF: windows, ancestors in the denominator and the [29, 220] range', () => {
  // 0 → 2, 1 → 2, 2 → 3
  const g = graph(4, [[0, 2], [1, 2], [2, 3]]);
  // neuron 2 fires at 100 after both ancestors (at 96 and 99: both in [96, 99]); 3 fires at 104 (in [101, 104])
  let r = branchingFactor(g, [spikes([[96, 0], [99, 1], [100, 2], [104, 3]])]);
  // σ_2 = 1/2; neurons 0 and 1 have descendant 2 at 100 (in their windows) → 1 each; 3 has no descendants → 0
  assert.equal(r.perSample[0].sigma, (0.5 + 1 + 1 + 0) / 4);
  // just outside the windows: ancestor at 95, descendant at 105
  r = branchingFactor(g, [spikes([[95, 0], [100, 2], [105, 3]])]);
  assert.equal(r.perSample[0].sigma, (0 + 0 + 0) / 3);
  // t = 220 qualifies, 221 does not; t = 29 qualifies, 28 does not
  r = branchingFactor(g, [spikes([[220, 2], [221, 3], [28, 0], [29, 1]])]);
  assert.equal(r.perSample[0].events, 2);
  assert.equal(r.perSample[0].sigma, (1 + 0) / 2);
});

test('σ_BF: the CSR implementation matches a literal port of the authors\' loops on a generated liquid', () => {
  const net = generateNetwork({ dims: [5, 5, 4], inputs: 30, seed: 7 });
  const rng = new Rng(3, 'bf-test');
  const samples: SampleSpikes[] = [];
  for (let s = 0; s < 4; s++) {
    const list: Array<[number, number]> = [];
    const rate = 0.02 + 0.05 * s;
    for (let t = 0; t < 250; t++) for (let n = 0; n < net.NL + net.NX; n++) if (rng.next() < rate) list.push([t, n]);
    samples.push(spikes(list));
  }
  const fast = branchingFactor(net, samples);
  const slow = referenceBf(net, samples);
  assert.ok(Math.abs(fast.sigma - slow) < 1e-12, `${fast.sigma} vs ${slow}`);
  assert.ok(fast.sigma > 0);
  // adjacency is reusable and rejects self-loops
  assert.equal(branchingFactor(liquidAdjacency(net), samples).sigma, fast.sigma);
  assert.throws(() => liquidAdjacency(graph(3, [[1, 1]])), /itself/);
});

/** Random m×r times r×n, row-major (m rows). */
function lowRank(m: number, n: number, r: number, rng: Rng): Float64Array {
  const A = Float64Array.from({ length: m * r }, () => rng.next() - 0.5);
  const B = Float64Array.from({ length: r * n }, () => rng.next() - 0.5);
  const X = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let k = 0; k < r; k++) {
    const a = A[i * r + k];
    for (let j = 0; j < n; j++) X[i * n + j] += a * B[k * n + j];
  }
  return X;
}

test('rank: a product of random 1000×r and r×N matrices has rank r (both methods)', () => {
  const rng = new Rng(1, 'rank');
  for (const [m, n, r] of [[1000, 120, 37], [60, 1000, 20], [1000, 1000, 150]] as const) {
    const X = lowRank(m, n, r, rng);
    for (const method of ['inertia', 'eigen'] as const) {
      if (method === 'eigen' && m === 1000 && n === 1000) continue; // the slow path, covered at smaller sizes
      const res = matrixRank(X, m, n, { method });
      assert.equal(res.rank, r, `${m}×${n} rank ${r} by ${method}`);
      assert.equal(res.tol, Math.fround(res.sigmaMax) * Math.max(m, n) * 2 ** -23);
    }
  }
});

test('rank: duplicate columns and rows add nothing; zero columns count nothing', () => {
  const rng = new Rng(2, 'dup');
  const rows = 200;
  const base = 50;
  // integer counts (as the liquid's), 50 independent columns, then 20 duplicated and 10 zero columns
  const cols = base + 20 + 10;
  const X = new Uint16Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < base; j++) X[i * cols + j] = rng.int(15);
    for (let j = 0; j < 20; j++) X[i * cols + base + j] = X[i * cols + ((j * 7) % base)];
  }
  for (const method of ['inertia', 'eigen'] as const) assert.equal(matrixRank(X, rows, cols, { method }).rank, base);
  // duplicated samples (rows): select every row twice
  const idx = Int32Array.from({ length: 2 * 40 }, (_, i) => i % 40);
  assert.equal(matrixRank(X, rows, cols, { idx }).rank, 40);
  // the zero matrix has rank 0
  assert.equal(matrixRank(new Uint16Array(12), 3, 4).rank, 0);
});

test('rank tolerance: numpy\'s matrix_rank on float32, tol = fround(σ_max)·max(M, N)·2^-23', () => {
  assert.equal(FLOAT32_EPS, 1.1920928955078125e-7);
  const tol = rankTolerance(1, 1000);
  assert.equal(tol, 1000 * 2 ** -23); // ≈ 1.19e-4
  // σ² threshold: the smallest σ whose float32 rounding exceeds tol
  const tau = eigenThreshold(tol);
  const s = Math.sqrt(tau);
  assert.ok(Math.fround(s * (1 + 1e-9)) > tol && !(Math.fround(s * (1 - 1e-9)) > tol));
  // a spectrum straddling the tolerance, hidden behind a random orthogonal basis: σ = 1, 2e-4,
  // 1.25e-4 (above tol), 1.15e-4, 5e-5, 0 (below)
  const n = 40;
  const sig = [1, 2e-4, 1.25e-4, 1.15e-4, 5e-5, 0, ...Array.from({ length: n - 6 }, (_, i) => 0.5 + i / 100)];
  const above = sig.filter((x) => Math.fround(x) > rankTolerance(1, 1000)).length;
  const rng = new Rng(5, 'orth');
  // Q = product of random Householder reflections; G = Q diag(σ²) Qᵀ
  let G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) G[i * n + i] = sig[i] ** 2;
  for (let h = 0; h < 4; h++) {
    const v = Float64Array.from({ length: n }, () => rng.next() - 0.5);
    const vv = v.reduce((a, b) => a + b * b, 0);
    const H = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * n + j] = (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
    const T = new Float64Array(n * n);
    const G2 = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) T[i * n + j] += H[i * n + k] * G[k * n + j];
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) G2[i * n + j] += T[i * n + k] * H[k * n + j];
    G = G2;
  }
  for (const method of ['inertia', 'eigen'] as const) {
    const r = rankFromGram(G.slice(), n, 1000, method);
    assert.equal(r.rank, above, method);
    assert.equal(r.sigmaMax, 1);
  }
  assert.equal(above, n - 3);
});

test('eigen solvers: known spectra; blocked and unblocked inertia agree with the eigenvalues', () => {
  // the second-difference matrix: eigenvalues 2 − 2cos(kπ/(n+1))
  const n = 30;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    A[i * n + i] = 2;
    if (i > 0) A[i * n + i - 1] = A[(i - 1) * n + i] = -1;
  }
  const want = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((a, b) => a - b);
  const got = symmetricEigenvalues(A.slice(), n);
  for (let k = 0; k < n; k++) assert.ok(Math.abs(got[k] - want[k]) < 1e-12);
  assert.ok(Math.abs(largestEigenvalue(A.slice(), n) - want[n - 1]) < 1e-12);
  // random symmetric indefinite matrices with zero diagonals (2×2 pivots) at several shifts
  const rng = new Rng(8, 'inertia');
  for (const m of [1, 2, 5, 33, 97]) {
    const B = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) B[i * m + j] = B[j * m + i] = i % 3 === 0 && i === j ? 0 : rng.next() - 0.5;
    const lam = symmetricEigenvalues(B.slice(), m);
    for (const tau of [-0.4, 0, 0.05, 0.3]) {
      const count = lam.filter((x) => x > tau).length;
      for (const block of [2, 5, 32]) {
        const r = inertia(B.slice(), m, tau, block);
        assert.equal(r.positive, count, `n=${m} τ=${tau} block ${block}`);
        assert.equal(r.positive + r.negative + r.zero, m);
      }
      assert.equal(inertiaUnblocked(B.slice(), m, tau).positive, count);
    }
  }
});

test('rank of spike-count-like matrices: inertia and eigen methods agree, Gram with and without precomputation', () => {
  const rng = new Rng(4, 'counts');
  const NL = 150;
  const n = 300;
  const counts = new Uint16Array(n * NL);
  const labels = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    labels[s] = s % 3;
    for (let i = 0; i < NL; i++) if (i >= 10) counts[s * NL + i] = rng.int(3) + (i % 7 === 0 ? rng.int(9) : 0);
  }
  // k = 3 × 40 = 120 < NL: sample Gram; both methods, precomputed or not, whole or in ranges
  const plans = [
    planShuffles(counts, labels, NL, { perClass: 40, seed: 9, precompute: false }),
    planShuffles(counts, labels, NL, { perClass: 40, seed: 9, precompute: true }),
    planShuffles(counts, labels, NL, { perClass: 40, seed: 9, precompute: true, method: 'eigen' }),
  ];
  assert.equal(plans[0].gram, null);
  assert.ok(plans[1].gram && plans[1].gram.data instanceof Float32Array);
  const all = plans.map((p) => Array.from(shuffleRanks(p, 0, 6)));
  assert.deepEqual(all[1], all[0]);
  assert.deepEqual(all[2], all[0]);
  assert.deepEqual([...shuffleRanks(plans[1], 0, 2), ...shuffleRanks(plans[1], 2, 6)], all[0]);
  for (const r of all[0]) assert.ok(r <= 120 && r > 100, `rank ${r}`);
  // k = 3 × 90 = 270 > NL: the NL×NL feature Gram; rank ≤ 140 (10 silent neurons)
  const f = planShuffles(counts, labels, NL, { perClass: 90, seed: 9 });
  assert.equal(f.features, true);
  const rf = shuffleRanks(f, 0, 3);
  const re = shuffleRanks({ ...f, method: 'eigen' }, 0, 3);
  assert.deepEqual(Array.from(rf), Array.from(re));
  for (const r of rf) assert.equal(r, 140);
  // the Gram matrix of integer counts is exact
  const { G } = gramMatrix(counts, NL, [0, 1], false);
  let dot = 0;
  for (let i = 0; i < NL; i++) dot += counts[i] * counts[NL + i];
  assert.equal(G[1], dot);
  // the precomputed split Gram (4×4 blocks, packed lower triangle) equals the plain dot products
  for (const m of [1, 6, 9]) {
    const sg = splitGram(counts, NL, m);
    for (let a = 0; a < m; a++) {
      for (let b2 = 0; b2 <= a; b2++) {
        let d = 0;
        for (let i = 0; i < NL; i++) d += counts[a * NL + i] * counts[b2 * NL + i];
        assert.equal(sg.data[(a * (a + 1)) / 2 + b2], d, `n=${m} (${a}, ${b2})`);
      }
    }
  }
  assert.ok(splitGram(Float64Array.from([0.5, 1, 2, 3]), 2, 2).data instanceof Float64Array, 'non-integer counts keep float64');
  const sm = summariseRanks(Int32Array.from([3, 5]), 40, 120, NL);
  assert.equal(sm.mean, 4);
  assert.equal(sm.std, 1);
});

test('kernel-quality draws: perClass distinct samples of each class, keyed by (seed, shuffle)', () => {
  const labels = Uint8Array.from({ length: 500 }, (_, i) => (i * 7) % 10);
  const byClass = classMembers(labels);
  assert.equal(byClass.length, 10);
  const a = drawPerClass(byClass, 30, 1, 5);
  assert.deepEqual(a, drawPerClass(byClass, 30, 1, 5));
  assert.notDeepEqual(a, drawPerClass(byClass, 30, 1, 6));
  assert.equal(new Set(a).size, 300);
  for (let c = 0; c < 10; c++) assert.equal(Array.from(a.subarray(c * 30, c * 30 + 30)).filter((i) => labels[i] === c).length, 30);
  assert.throws(() => drawPerClass(byClass, 51, 1, 0), /fewer than the 51 per class/);
  assert.throws(() => planShuffles(new Uint16Array(500 * 4), labels, 4, { perClass: 60 }), /smallest class has 50 samples/);
});

test('KQ rescaling: the spreadsheet constants', () => {
  assert.deepEqual(KQ_RESCALE, { spMin: 558.096, spRange: 436.363, apMin: 127.499, apRange: 865.785, diffMin: -0.375889, diffRange: 0.440915 });
  const s = kernelQualityScore(558.096 + 436.363, 127.499);
  assert.ok(Math.abs(s.spr - 1) < 1e-12 && Math.abs(s.apr) < 1e-12);
  assert.ok(Math.abs(s.kq - (1 + 0.375889) / 0.440915) < 1e-12);
  // the paper's NALSM MNIST means (SP 994.2, AP 986.4) land near its reported KQ (.838, pooled over datasets)
  const nalsm = kernelQualityScore(994.2, 986.4);
  assert.ok(Math.abs(nalsm.kq - 0.869) < 0.001, String(nalsm.kq));
});

test('firing rates and histograms', () => {
  // 2 samples × 3 neurons, 250 ms: counts per sample [5, 0, 10] and [15, 0, 20]
  const c = { counts: Uint16Array.from([5, 0, 10, 15, 0, 20]), n: 2, NL: 3 };
  assert.deepEqual(Array.from(neuronRates(c)), [40, 0, 60]);
  assert.deepEqual(Array.from(sampleRates(c)), [20, 140 / 3]);
  const st = rateStatistics(c, 2);
  assert.equal(st.excitatoryHz, 20);
  assert.equal(st.inhibitoryHz, 60);
  assert.equal(st.silentNeurons, 1);
  assert.equal(st.perSample.min, 20);
  const h = histogram([0, 1, 2, 3, 4, 4], { bins: 4, min: 0, max: 4 });
  assert.deepEqual(h.edges, [0, 1, 2, 3, 4]);
  assert.deepEqual(h.counts, [1, 1, 1, 3]);
  assert.equal(histogram([7, 7], { bins: 3 }).counts.reduce((a, b) => a + b, 0), 2);
  assert.equal(histogram([1, 99], { bins: 2, min: 0, max: 10 }).outside, 1);
  const fr = countsFromRasters([0, 3, 4], [0, 1, 5, 1], 3);
  assert.deepEqual(Array.from(fr.counts), [1, 1, 0, 0, 1, 0]);
  assert.equal(summarise([1, 2, 3, 4]).median, 2.5);
});

test('MNIST noise: σ = 125 per pixel, clipped to 0..255, one stream per image', () => {
  const px = 784;
  const imgs = new Uint8Array(3 * px).fill(128);
  const a = addPixelNoise(imgs, px, { seed: 1 });
  assert.deepEqual(a, addPixelNoise(imgs, px, { seed: 1 }));
  assert.notDeepEqual(a.subarray(0, px), a.subarray(px, 2 * px));
  // image 1 of the set is image 1 of its split, whatever subset it came in
  assert.deepEqual(addPixelNoise(imgs.subarray(px, 2 * px), px, { seed: 1, firstIndex: 1 }), a.subarray(px, 2 * px));
  let clipped = 0;
  let s = 0;
  for (const v of a) {
    if (v === 0 || v === 255) clipped++;
    s += v;
  }
  // N(128, 125) clipped at 0 and 255: about 15 % at each end, mean about 128
  assert.ok(clipped / a.length > 0.25 && clipped / a.length < 0.37, String(clipped / a.length));
  assert.ok(Math.abs(s / a.length - 128) < 5);
  assert.deepEqual(addPixelNoise(imgs, px, { seed: 1, sigma: 0 }), imgs);
});

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const nalsm = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd });

test('nalsm analyze bf / rates / kq on a tiny run; errors name the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-analyze-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await runPipeline({
    model: 'lsm',
    dataset: 'mnist',
    dims: [5, 5, 5],
    seed: 2,
    sizes: { train: 60, val: 20, test: 40 },
    workers: 1,
    readout: { optimizer: 'adam', epochs: 3 },
    outDir: join(dir, 'results'),
    artifactsDir: join(dir, 'runs', 'tiny'),
    name: 'tiny',
    saveCounts: true,
    command: 'test',
  });
  const bf = nalsm(dir, 'analyze', 'bf', 'tiny');
  assert.equal(bf.status, 0, bf.stderr);
  assert.match(bf.stdout, /tiny: σ_BF = \d+\.\d+ over 20 recorded test samples/);
  const bfJson = JSON.parse(readFileSync(join(dir, 'results', 'tiny-bf.json'), 'utf8'));
  assert.equal(bfJson.kind, 'branching-factor');
  assert.equal(bfJson.samples.length, 20);
  assert.ok(bfJson.sigma > 0);
  const rates = nalsm(dir, 'analyze', 'rates', join('results', 'tiny.json'), '--split', 'test');
  assert.equal(rates.status, 0, rates.stderr);
  assert.match(rates.stdout, /excitatory .* Hz .* inhibitory/);
  const kq = nalsm(dir, 'analyze', 'kq', 'tiny', '--shuffles', '3', '--workers', '1', '--quiet');
  assert.equal(kq.status, 0, kq.stderr);
  const kqJson = JSON.parse(readFileSync(join(dir, 'results', 'tiny-kq.json'), 'utf8'));
  assert.equal(kqJson.SP.shuffles, 3);
  assert.ok(kqJson.AP.mean > 0 && Number.isFinite(kqJson.KQ));
  assert.ok(existsSync(join(dir, 'results', 'tiny-rates.json')));
  // bad input: missing run, wrong kind of file, missing measure
  const cases: Array<[string[], RegExp]> = [
    [['analyze', 'bf', 'nosuch'], /run "nosuch" not found/],
    [['analyze', 'bf', join('runs', 'tiny', 'network.bin')], /network\.bin: a nalsm binary file/],
    [['analyze', 'bf', join('results', 'tiny-bf.json')], /tiny-bf\.json: not a run results file \(it is a "branching-factor" file\)/],
    [['analyze', 'kq'], /needs exactly one RUN/],
    [['analyze'], /needs a measure: bf, rates, kq/],
    [['analyze', 'kq', 'tiny', '--shuffles', '0'], /--shuffles must be between 1/],
  ];
  for (const [args, re] of cases) {
    const r = nalsm(dir, ...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
  }
  for (const cmd of ['analyze', 'report', 'compare']) {
    const r = nalsm(dir, cmd, '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^nalsm ${cmd}:`));
  }
});
