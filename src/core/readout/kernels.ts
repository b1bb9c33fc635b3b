// The readout's hot loops behind one small interface, with two interchangeable backends:
// WebAssembly SIMD (wasm.ts, several times faster) and plain JS. The readout arithmetic is f32,
// as in the authors' TF1 float32 graph; both backends perform the same IEEE operations in the
// same order (the JS one rounds with Math.fround after each f32 operation), so they return
// bit-identical numbers. The JS backend is the reference and the fallback for engines without
// wasm SIMD (or when the wasm memory cannot be allocated).
//
// Features are kept as the caller's spike counts (u16) plus one scale per row (features.ts):
// x[i][j] = counts[i][j] * scale[i]. The kernels work on raw counts; the trainer applies the
// row scale to the 10 logits (and to the 10 gradient coefficients) instead of to NL features.

import { createWasmKernels, LANES, WASM_MAX_BYTES, type WasmKernels } from './wasm.js';
import { Adadelta, Adam, adamStepSize, type Optimizer } from './optim.js';
import { cholesky } from './cholesky.js';

export { LANES };

/** Number of classes: the kernels are unrolled for exactly 10. */
export const NUM_CLASSES = 10;

export type BackendChoice = 'auto' | 'wasm' | 'js';

/** the optimizer of W, with all hyper-parameters resolved (see optim.ts) */
export type WOptimizerSpec =
  | { kind: 'adadelta'; lr: number; rho: number; eps: number; l2: number }
  | { kind: 'adam'; lr: number; beta1: number; beta2: number; eps: number; l2: number };

export interface GramWorkspace {
  /** padded width: nl + 1 (bias column) + extra columns, rounded up to a multiple of 4 */
  mPad: number;
  /** rows per Z chunk */
  chunk: number;
  /**
   * Z chunk (f64), chunk x mPad in panels of 4 columns: Z[r][j] is at
   * zIndex(r, j) = (j >> 2) * chunk * 4 + r * 4 + (j & 3)
   */
  Z: Float64Array;
  /** Gram accumulator, mPad x mPad; only blocks on/above the diagonal are accumulated */
  gram: Float64Array;
  /** gram += Z[0..k)^T Z[0..k) (upper blocks) */
  accumulate(k: number): void;
  /** factor buffer, row-major m x m with m = nl + 1 */
  L: Float64Array;
  /** in-place Cholesky of L (lower triangle in, L out), as cholesky.ts `cholesky`; false if not PD */
  cholesky(): boolean;
}

export interface Backend {
  readonly kind: 'wasm' | 'js';
  readonly nl: number;
  /** weights, interleaved W[j*12 + c] (c = 10, 11: zero padding, keep them 0) */
  readonly W: Float32Array;
  /** gradient accumulator, same layout as W */
  readonly G: Float32Array;
  /** most rows per fwdRows/accRows call */
  readonly rowCap: number;
  /** raw logits (counts . W) of the last fwdRows call: row r at out[12r + c] */
  readonly out: Float32Array;
  /** gradient coefficients for accRows: row r at d[12r + c] (pads 10, 11 must stay 0) */
  readonly d: Float32Array;
  /** out[12r .. 12r+11] = counts[row0 + r] . W for r < nRows (nRows <= rowCap) */
  fwdRows(split: number, row0: number, nRows: number): void;
  /**
   * G += sum_r counts[row0 + r] (x) d[12r ..], rows taken in pairs (r, r+1) whose two products
   * are added together first; an odd last row alone.
   */
  accRows(split: number, row0: number, nRows: number): void;
  /** set up the optimizer of W with fresh (zero) state */
  initOptimizer(spec: WOptimizerSpec): void;
  /** one optimizer step: W -= update(G + l2*W) */
  stepW(): void;
  readonly gramWs: GramWorkspace | null;
}

export interface BackendSpec {
  nl: number;
  /** the count matrices the kernels will read (row-major n x nl) */
  splits: Array<{ counts: Uint16Array; n: number }>;
  choice: BackendChoice;
  /** most rows per fwdRows/accRows call (the out/d buffers hold this many rows) */
  rowCap: number;
  /** reserve a Gram workspace (ridge): Z has nl + 1 + extraCols columns before padding */
  gram?: { chunk: number; extraCols: number };
}

function checkRowCap(rowCap: number): number {
  if (!Number.isSafeInteger(rowCap) || rowCap < 1) throw new RangeError(`readout: rowCap must be a positive integer, got ${rowCap}`);
  return rowCap;
}

function padTo4(m: number): number {
  return Math.ceil(m / 4) * 4;
}

export function createBackend(spec: BackendSpec): Backend {
  if (spec.choice !== 'js') {
    const b = WasmBackend.create(spec);
    if (b !== null) return b;
    if (spec.choice === 'wasm') throw new Error('readout: the wasm SIMD backend is unavailable (no WebAssembly SIMD, or the memory could not be allocated)');
  }
  return new JsBackend(spec);
}

// ---------------------------------------------------------------------------------------------

class WasmBackend implements Backend {
  readonly kind = 'wasm' as const;
  readonly W: Float32Array;
  readonly G: Float32Array;
  readonly out: Float32Array;
  readonly d: Float32Array;
  readonly gramWs: GramWorkspace | null;
  readonly rowCap: number;
  private readonly rowBytes: number;
  private readonly wPtr: number;
  private readonly gPtr: number;
  private readonly outPtr: number;
  private readonly dPtr: number;
  private readonly s1Ptr: number;
  private readonly s2Ptr: number;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  private opt: WOptimizerSpec | null = null;
  private t = 0;

  private constructor(
    readonly nl: number,
    private readonly k: WasmKernels,
    private readonly bases: number[],
    layout: { w: number; g: number; out: number; d: number; s1: number; s2: number; z: number; gram: number; l: number; rowCap: number },
    gramSpec: { chunk: number; mPad: number } | null,
  ) {
    const buf = k.memory.buffer;
    this.rowCap = layout.rowCap;
    this.rowBytes = nl * 2;
    this.wPtr = layout.w;
    this.gPtr = layout.g;
    this.outPtr = layout.out;
    this.dPtr = layout.d;
    this.W = new Float32Array(buf, layout.w, nl * LANES);
    this.G = new Float32Array(buf, layout.g, nl * LANES);
    this.out = new Float32Array(buf, layout.out, layout.rowCap * LANES);
    this.d = new Float32Array(buf, layout.d, layout.rowCap * LANES);
    this.s1Ptr = layout.s1;
    this.s2Ptr = layout.s2;
    this.s1 = new Float64Array(buf, layout.s1, nl * LANES);
    this.s2 = new Float64Array(buf, layout.s2, nl * LANES);
    if (gramSpec === null) {
      this.gramWs = null;
    } else {
      const { chunk, mPad } = gramSpec;
      const zPtr = layout.z;
      const gramPtr = layout.gram;
      const lPtr = layout.l;
      const m = nl + 1;
      this.gramWs = {
        mPad,
        chunk,
        Z: new Float64Array(buf, zPtr, chunk * mPad),
        gram: new Float64Array(buf, gramPtr, mPad * mPad),
        accumulate: (rows: number) => k.gram(zPtr, rows, chunk * 32, mPad / 4, gramPtr),
        L: new Float64Array(buf, lPtr, m * m),
        cholesky: () => k.cholesky(lPtr, m) === 1,
      };
    }
  }

  static create(spec: BackendSpec): WasmBackend | null {
    const { nl } = spec;
    let p = 0;
    const take = (bytes: number): number => {
      const at = p;
      p += Math.ceil(bytes / 16) * 16;
      return at;
    };
    const w = take(nl * LANES * 4);
    const g = take(nl * LANES * 4);
    const rowCap = checkRowCap(spec.rowCap);
    const out = take(rowCap * LANES * 4);
    const d = take(rowCap * LANES * 4);
    const s1 = take(nl * LANES * 8);
    const s2 = take(nl * LANES * 8);
    let z = 0;
    let gram = 0;
    let l = 0;
    let gramSpec: { chunk: number; mPad: number } | null = null;
    if (spec.gram !== undefined) {
      const mPad = padTo4(nl + 1 + spec.gram.extraCols);
      gramSpec = { chunk: spec.gram.chunk, mPad };
      z = take(spec.gram.chunk * mPad * 8);
      gram = take(mPad * mPad * 8);
      l = take((nl + 1) * (nl + 1) * 8);
    }
    const bases = spec.splits.map((s) => take(s.n * nl * 2));
    if (p > WASM_MAX_BYTES) return null; // wasm32: 4 GiB at most (pointers are used as unsigned)
    const k = createWasmKernels(p);
    if (k === null) return null;
    const mem16 = new Uint16Array(k.memory.buffer);
    spec.splits.forEach((s, i) => mem16.set(s.counts.subarray(0, s.n * nl), bases[i] / 2));
    return new WasmBackend(nl, k, bases, { w, g, out, d, s1, s2, z, gram, l, rowCap }, gramSpec);
  }

  fwdRows(split: number, row0: number, nRows: number): void {
    const x = this.bases[split] + row0 * this.rowBytes;
    const pairs = nRows >> 1;
    if (pairs > 0) this.k.fwdPairs(x, this.rowBytes, pairs, this.nl, this.wPtr, this.outPtr);
    if ((nRows & 1) !== 0) this.k.fwd1(x + (nRows - 1) * this.rowBytes, this.nl, this.wPtr, this.outPtr + (nRows - 1) * LANES * 4);
  }

  accRows(split: number, row0: number, nRows: number): void {
    const x = this.bases[split] + row0 * this.rowBytes;
    const pairs = nRows >> 1;
    if (pairs > 0) this.k.accPairs(x, this.rowBytes, pairs, this.nl, this.gPtr, this.dPtr);
    if ((nRows & 1) !== 0) this.k.acc1(x + (nRows - 1) * this.rowBytes, this.nl, this.gPtr, this.dPtr + (nRows - 1) * LANES * 4);
  }

  initOptimizer(spec: WOptimizerSpec): void {
    this.opt = spec;
    this.t = 0;
    this.s1.fill(0);
    this.s2.fill(0);
  }

  stepW(): void {
    const o = this.opt;
    if (o === null) throw new Error('readout: initOptimizer first');
    const pairs = (this.nl * LANES) / 2;
    if (o.kind === 'adadelta') {
      this.k.adadelta(this.wPtr, this.gPtr, this.s1Ptr, this.s2Ptr, pairs, o.lr, o.rho, 1 - o.rho, o.eps, o.l2);
    } else {
      this.t++;
      const lrT = adamStepSize(o.lr, o.beta1, o.beta2, this.t);
      this.k.adam(this.wPtr, this.gPtr, this.s1Ptr, this.s2Ptr, pairs, lrT, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.eps, o.l2);
    }
  }
}

// ---------------------------------------------------------------------------------------------

class JsBackend implements Backend {
  readonly kind = 'js' as const;
  readonly nl: number;
  readonly W: Float32Array;
  readonly G: Float32Array;
  readonly rowCap: number;
  readonly out: Float32Array;
  readonly d: Float32Array;
  readonly gramWs: GramWorkspace | null;
  private readonly counts: Uint16Array[];
  private opt: Optimizer | null = null;

  constructor(spec: BackendSpec) {
    const nl = spec.nl;
    this.nl = nl;
    this.rowCap = checkRowCap(spec.rowCap);
    this.out = new Float32Array(this.rowCap * LANES);
    this.d = new Float32Array(this.rowCap * LANES);
    this.W = new Float32Array(nl * LANES);
    this.G = new Float32Array(nl * LANES);
    this.counts = spec.splits.map((s) => s.counts);
    if (spec.gram === undefined) {
      this.gramWs = null;
    } else {
      const mPad = padTo4(nl + 1 + spec.gram.extraCols);
      const chunk = spec.gram.chunk;
      const Z = new Float64Array(chunk * mPad);
      const gram = new Float64Array(mPad * mPad);
      const m = nl + 1;
      const L = new Float64Array(m * m);
      this.gramWs = {
        mPad,
        chunk,
        Z,
        gram,
        accumulate: (k: number) => gramJs(Z, k, chunk, mPad, gram),
        L,
        cholesky: () => cholesky(L, m),
      };
    }
  }

  // f32 semantics: every product and sum is rounded to f32 (count*w is exact in f64, and
  // rounding an f64 sum of two f32 values to f32 is the correctly rounded f32 sum).
  // Classes 10, 11 are padding: their logits are 0 + count*0 = 0, as in the wasm kernels.

  fwdRows(split: number, row0: number, nRows: number): void {
    // each row's sums are independent of the pairing: equal to the wasm kernels bit for bit
    for (let r = 0; r < nRows; r++) this.dot(split, row0 + r, r * LANES);
  }

  accRows(split: number, row0: number, nRows: number): void {
    let r = 0;
    for (; r + 1 < nRows; r += 2) this.acc2(split, row0 + r, r * LANES);
    if (r < nRows) this.acc1(split, row0 + r, r * LANES);
  }

  initOptimizer(spec: WOptimizerSpec): void {
    const n = this.W.length;
    this.opt =
      spec.kind === 'adadelta'
        ? new Adadelta(n, { lr: spec.lr, rho: spec.rho, eps: spec.eps, l2: spec.l2 })
        : new Adam(n, { lr: spec.lr, beta1: spec.beta1, beta2: spec.beta2, eps: spec.eps, l2: spec.l2 });
  }

  stepW(): void {
    if (this.opt === null) throw new Error('readout: initOptimizer first');
    this.opt.step(this.W, this.G);
  }

  private dot(split: number, row: number, off: number): void {
    const x = this.counts[split];
    const W = this.W;
    const nl = this.nl;
    const f = Math.fround;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0, a9 = 0;
    for (let j = 0, p = row * nl, o = 0; j < nl; j++, p++, o += LANES) {
      const v = x[p];
      a0 = f(a0 + f(v * W[o])); a1 = f(a1 + f(v * W[o + 1])); a2 = f(a2 + f(v * W[o + 2]));
      a3 = f(a3 + f(v * W[o + 3])); a4 = f(a4 + f(v * W[o + 4])); a5 = f(a5 + f(v * W[o + 5]));
      a6 = f(a6 + f(v * W[o + 6])); a7 = f(a7 + f(v * W[o + 7])); a8 = f(a8 + f(v * W[o + 8]));
      a9 = f(a9 + f(v * W[o + 9]));
    }
    const out = this.out;
    out[off] = a0; out[off + 1] = a1; out[off + 2] = a2; out[off + 3] = a3; out[off + 4] = a4;
    out[off + 5] = a5; out[off + 6] = a6; out[off + 7] = a7; out[off + 8] = a8; out[off + 9] = a9;
    out[off + 10] = 0; out[off + 11] = 0;
  }

  private acc1(split: number, row: number, dOff: number): void {
    const x = this.counts[split];
    const G = this.G;
    const nl = this.nl;
    const f = Math.fround;
    const d = this.d;
    const o0 = dOff;
    const d0 = d[o0], d1 = d[o0 + 1], d2 = d[o0 + 2], d3 = d[o0 + 3], d4 = d[o0 + 4];
    const d5 = d[o0 + 5], d6 = d[o0 + 6], d7 = d[o0 + 7], d8 = d[o0 + 8], d9 = d[o0 + 9];
    for (let j = 0, p = row * nl, o = 0; j < nl; j++, p++, o += LANES) {
      const v = x[p];
      G[o] += f(v * d0); G[o + 1] += f(v * d1); G[o + 2] += f(v * d2); G[o + 3] += f(v * d3);
      G[o + 4] += f(v * d4); G[o + 5] += f(v * d5); G[o + 6] += f(v * d6); G[o + 7] += f(v * d7);
      G[o + 8] += f(v * d8); G[o + 9] += f(v * d9);
    }
  }

  private acc2(split: number, row: number, dOff: number): void {
    const x = this.counts[split];
    const G = this.G;
    const nl = this.nl;
    const f = Math.fround;
    const d = this.d;
    const o0 = dOff;
    const o1 = dOff + LANES;
    const d0 = d[o0], d1 = d[o0 + 1], d2 = d[o0 + 2], d3 = d[o0 + 3], d4 = d[o0 + 4];
    const d5 = d[o0 + 5], d6 = d[o0 + 6], d7 = d[o0 + 7], d8 = d[o0 + 8], d9 = d[o0 + 9];
    const e0 = d[o1], e1 = d[o1 + 1], e2 = d[o1 + 2], e3 = d[o1 + 3], e4 = d[o1 + 4];
    const e5 = d[o1 + 5], e6 = d[o1 + 6], e7 = d[o1 + 7], e8 = d[o1 + 8], e9 = d[o1 + 9];
    for (let j = 0, p = row * nl, q = p + nl, o = 0; j < nl; j++, p++, q++, o += LANES) {
      const u = x[p];
      const v = x[q];
      // Float32Array stores round, so G[o] += t is f32(G + t)
      G[o] += f(f(u * d0) + f(v * e0)); G[o + 1] += f(f(u * d1) + f(v * e1));
      G[o + 2] += f(f(u * d2) + f(v * e2)); G[o + 3] += f(f(u * d3) + f(v * e3));
      G[o + 4] += f(f(u * d4) + f(v * e4)); G[o + 5] += f(f(u * d5) + f(v * e5));
      G[o + 6] += f(f(u * d6) + f(v * e6)); G[o + 7] += f(f(u * d7) + f(v * e7));
      G[o + 8] += f(f(u * d8) + f(v * e8)); G[o + 9] += f(f(u * d9) + f(v * e9));
    }
  }
}

/** JS twin of the wasm `gram` kernel (same blocks, same summation order). */
function gramJs(Z: Float64Array, k: number, chunk: number, mPad: number, gram: Float64Array): void {
  for (let a0 = 0; a0 < mPad; a0 += 4) {
    for (let b0 = a0; b0 < mPad; b0 += 4) {
      const pa = a0 * chunk;
      const pb = b0 * chunk;
      for (let i = 0; i < 4; i++) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let r = 0, q = 0; r < k; r++, q += 4) {
          const za = Z[pa + q + i];
          s0 += za * Z[pb + q]; s1 += za * Z[pb + q + 1]; s2 += za * Z[pb + q + 2]; s3 += za * Z[pb + q + 3];
        }
        const g = (a0 + i) * mPad + b0;
        gram[g] += s0; gram[g + 1] += s1; gram[g + 2] += s2; gram[g + 3] += s3;
      }
    }
  }
}
