// WebAssembly SIMD kernels for the readout, assembled here byte by byte (no toolchain, no
// binary blob): a minimal encoder for the handful of opcodes the kernels need.
//
// The readout kernels (fwd*, acc*) compute in f32 (f32x4 lanes, like the authors' TF1 float32
// graph); the optimizers (f32 parameters, f64 state) and the ridge Gram kernel in f64 (f64x2). Every kernel performs exactly the same IEEE
// operations in exactly the same order as its plain-JS twin in kernels.ts (which rounds with
// Math.fround after every f32 operation), so the two backends give bit-identical results.
// No fused multiply-add is used (relaxed-SIMD is not).
//
// Layouts (all little-endian, as wasm is):
//   counts rows   u16, row-major n x nl (a copy of the caller's Uint16Array)
//   W, G          f32, nl x 12, interleaved: W[j*12 + c], classes 10 and 11 are zero padding
//   out, d        f32, 12 per row, rows consecutive
//   Z (ridge)     f64, K x mPad in panels of 4 columns (see gram), mPad a multiple of 4
//   Gram (ridge)  f64, mPad x mPad, row-major; only blocks on/above the diagonal are written

/** The subset of the WebAssembly JS API used here (the project's lib has no DOM/wasm typings). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number }) => WasmMemory;
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

// ---------------------------------------------------------------------------------------------
// encoder

type Bytes = number[];

function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): Bytes {
  const out: Bytes = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

function name(s: string): Bytes {
  const b: Bytes = [];
  for (let i = 0; i < s.length; i++) b.push(s.charCodeAt(i));
  return [...uleb(b.length), ...b];
}
function vec(items: Bytes[]): Bytes {
  return [...uleb(items.length), ...items.flat()];
}
function section(id: number, body: Bytes): Bytes {
  return [id, ...uleb(body.length), ...body];
}
function simd(code: number): Bytes {
  return [0xfd, ...uleb(code)];
}

const get = (i: number): Bytes => [0x20, ...uleb(i)];
const set = (i: number): Bytes => [0x21, ...uleb(i)];
const i32c = (v: number): Bytes => [0x41, ...sleb(v)];
const ADD: Bytes = [0x6a];
const MUL: Bytes = [0x6c];
const SHL: Bytes = [0x74];
const GE_U: Bytes = [0x4f];
const BLOCK: Bytes = [0x02, 0x40];
const LOOP: Bytes = [0x03, 0x40];
const END: Bytes = [0x0b];
const br = (d: number): Bytes => [0x0c, ...uleb(d)];
const brIf = (d: number): Bytes => [0x0d, ...uleb(d)];
/** i32.load16_u, align 2^1 */
const load16u = (off: number): Bytes => [0x2f, 1, ...uleb(off)];
/** v128.load64_splat (both f64 lanes = the double at the address), align 2^3 */
const load64Splat = (off: number): Bytes => [...simd(0x0a), 3, ...uleb(off)];
const F32_CONVERT_I32_U: Bytes = [0xb3];
/** v128.load / v128.store, align 2^4 */
const vload = (off: number): Bytes => [...simd(0x00), 4, ...uleb(off)];
const vstore = (off: number): Bytes => [...simd(0x0b), 4, ...uleb(off)];
const F32X4_SPLAT = simd(0x13);
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const F64X2_SPLAT = simd(0x14);
const f64x2Lane = (lane: number): Bytes => [...simd(0x21), lane];
/** f64.load / f64.store, align 2^3 */
const f64load = (off: number): Bytes => [0x2b, 3, ...uleb(off)];
const f64store = (off: number): Bytes => [0x39, 3, ...uleb(off)];
const F64_ADD: Bytes = [0xa0];
const F64_SUB: Bytes = [0xa1];
const F64_MUL: Bytes = [0xa2];
const F64_DIV: Bytes = [0xa3];
const F64_SQRT: Bytes = [0x9f];
const F64_GT: Bytes = [0x64];
const I32_EQ: Bytes = [0x46];
const I32_EQZ: Bytes = [0x45];
const GT_U: Bytes = [0x4b];
const IF: Bytes = [0x04, 0x40];
const ELSE: Bytes = [0x05];
const RETURN: Bytes = [0x0f];
const F64X2_ADD = simd(0xf0);
const F64X2_SUB = simd(0xf1);
const F64X2_DIV = simd(0xf3);
const F64X2_SQRT = simd(0xef);
/** two f32 at the address -> f64x2 (v128.load64_zero + f64x2.promote_low_f32x4) */
const loadF32Pair = (off: number): Bytes => [...simd(0x5d), 3, ...uleb(off), ...simd(0x5f)];
/** f64x2 on the stack -> two f32 stored at the address (f32x4.demote_f64x2_zero + v128.store64_lane 0) */
const storeF32PairOps = (off: number): Bytes => [...simd(0x5e), ...simd(0x5b), 3, ...uleb(off), 0];
const F64X2_MUL = simd(0xf2);
const V128_ZERO: Bytes = [...simd(0x0c), ...new Array<number>(16).fill(0)];

interface Func {
  name: string;
  params: number[];
  /** result types (default none) */
  results?: number[];
  locals: number[];
  body: Bytes[];
}

function assemble(funcs: Func[]): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec((f.results ?? []).map((t) => [t]))]);
  const bytes: Bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    // import env.mem: memory, limits {min: 1}
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(
      10,
      vec(
        funcs.map((f) => {
          const body = [...vec(f.locals.map((t) => [1, t])), ...f.body.flat(), ...END];
          return [...uleb(body.length), ...body];
        }),
      ),
    ),
  ];
  return new Uint8Array(bytes);
}

// ---------------------------------------------------------------------------------------------
// kernels

/** floats per feature row of W/G and per row of out/d: 10 classes padded to 3 f32x4 vectors */
export const LANES = 12;
const K3 = [0, 1, 2];

/** load the u16 count at `ptr` and splat it as f32x4 into local `dst` (u16 -> f32 is exact) */
function splatCount(ptr: Bytes, dst: number): Bytes {
  return [...ptr, ...load16u(0), ...F32_CONVERT_I32_U, ...F32X4_SPLAT, ...set(dst)];
}

/** fwd1(x, n, w, out): out[c] = sum_j x[j]*W[j][c] in f32, j ascending (c < 12). */
const fwd1: Func = {
  name: 'fwd1',
  params: [I32, I32, I32, I32], // 0 x, 1 n, 2 w, 3 out
  locals: [V128, V128, V128, V128, I32], // 4..6 acc, 7 xs, 8 end
  body: [
    get(0), get(1), i32c(1), SHL, ADD, set(8),
    BLOCK, LOOP,
    get(0), get(8), GE_U, brIf(1),
    splatCount(get(0), 7),
    ...K3.map((k) => [...get(4 + k), ...get(7), ...get(2), ...vload(16 * k), ...F32X4_MUL, ...F32X4_ADD, ...set(4 + k)]),
    get(2), i32c(48), ADD, set(2),
    get(0), i32c(2), ADD, set(0),
    br(0), END, END,
    ...K3.map((k) => [...get(3), ...get(4 + k), ...vstore(16 * k)]),
  ],
};

/**
 * fwdPairs(x, rowBytes, nPairs, n, w, out): for each pair p of consecutive rows (x + 2p*rowBytes,
 * and the row after it), fwd1 of both rows into out + 96p (row 2p at out[24p..24p+11], row 2p+1
 * at out[24p+12..24p+23]). W is shared by the two rows of a pair (one load, two products).
 */
const fwdPairs: Func = {
  name: 'fwdPairs',
  params: [I32, I32, I32, I32, I32, I32], // 0 x, 1 rowBytes, 2 nPairs, 3 n, 4 w, 5 out
  locals: [...new Array<number>(9).fill(V128), I32, I32, I32, I32],
  // 6..8 a, 9..11 b, 12 x1, 13 x2, 14 wv; 15 xp, 16 xEnd, 17 wp, 18 outEnd
  body: [
    get(5), get(2), i32c(96), MUL, ADD, set(18),
    BLOCK, LOOP, // pairs
    get(5), get(18), GE_U, brIf(1),
    ...[6, 7, 8, 9, 10, 11].map((l) => [...V128_ZERO, ...set(l)]),
    get(0), set(15), get(4), set(17), get(0), get(3), i32c(1), SHL, ADD, set(16),
    BLOCK, LOOP, // features
    get(15), get(16), GE_U, brIf(1),
    splatCount(get(15), 12),
    splatCount([...get(15), ...get(1), ...ADD], 13),
    ...K3.map((k) => [
      ...get(17), ...vload(16 * k), ...set(14),
      ...get(6 + k), ...get(12), ...get(14), ...F32X4_MUL, ...F32X4_ADD, ...set(6 + k),
      ...get(9 + k), ...get(13), ...get(14), ...F32X4_MUL, ...F32X4_ADD, ...set(9 + k),
    ]),
    get(17), i32c(48), ADD, set(17),
    get(15), i32c(2), ADD, set(15),
    br(0), END, END,
    ...K3.map((k) => [...get(5), ...get(6 + k), ...vstore(16 * k), ...get(5), ...get(9 + k), ...vstore(48 + 16 * k)]),
    get(5), i32c(96), ADD, set(5),
    get(0), get(1), i32c(1), SHL, ADD, set(0),
    br(0), END, END,
  ],
};

/** acc1(x, n, g, d): G[j][c] = G[j][c] + x[j]*d[c] in f32. */
const acc1: Func = {
  name: 'acc1',
  params: [I32, I32, I32, I32], // 0 x, 1 n, 2 g, 3 d
  locals: [V128, V128, V128, V128, I32], // 4..6 d, 7 xs, 8 end
  body: [
    get(0), get(1), i32c(1), SHL, ADD, set(8),
    ...K3.map((k) => [...get(3), ...vload(16 * k), ...set(4 + k)]),
    BLOCK, LOOP,
    get(0), get(8), GE_U, brIf(1),
    splatCount(get(0), 7),
    ...K3.map((k) => [
      ...get(2), ...get(2), ...vload(16 * k), ...get(7), ...get(4 + k), ...F32X4_MUL, ...F32X4_ADD, ...vstore(16 * k),
    ]),
    get(2), i32c(48), ADD, set(2),
    get(0), i32c(2), ADD, set(0),
    br(0), END, END,
  ],
};

/**
 * accPairs(x, rowBytes, nPairs, n, g, d): for each pair p of consecutive rows in order,
 * G[j][c] = G[j][c] + (x1[j]*d1[c] + x2[j]*d2[c]) in f32, with d1 = d[24p..24p+11] and
 * d2 = d[24p+12..24p+23].
 */
const accPairs: Func = {
  name: 'accPairs',
  params: [I32, I32, I32, I32, I32, I32], // 0 x, 1 rowBytes, 2 nPairs, 3 n, 4 g, 5 d
  locals: [...new Array<number>(8).fill(V128), I32, I32, I32, I32],
  // 6..8 d1, 9..11 d2, 12 x1, 13 x2; 14 xp, 15 xEnd, 16 gp, 17 dEnd
  body: [
    get(5), get(2), i32c(96), MUL, ADD, set(17),
    BLOCK, LOOP, // pairs
    get(5), get(17), GE_U, brIf(1),
    ...K3.map((k) => [...get(5), ...vload(16 * k), ...set(6 + k), ...get(5), ...vload(48 + 16 * k), ...set(9 + k)]),
    get(0), set(14), get(4), set(16), get(0), get(3), i32c(1), SHL, ADD, set(15),
    BLOCK, LOOP, // features
    get(14), get(15), GE_U, brIf(1),
    splatCount(get(14), 12),
    splatCount([...get(14), ...get(1), ...ADD], 13),
    ...K3.map((k) => [
      ...get(16), ...get(16), ...vload(16 * k),
      ...get(12), ...get(6 + k), ...F32X4_MUL, ...get(13), ...get(9 + k), ...F32X4_MUL, ...F32X4_ADD,
      ...F32X4_ADD, ...vstore(16 * k),
    ]),
    get(16), i32c(48), ADD, set(16),
    get(14), i32c(2), ADD, set(14),
    br(0), END, END,
    get(5), i32c(96), ADD, set(5),
    get(0), get(1), i32c(1), SHL, ADD, set(0),
    br(0), END, END,
  ],
};

/**
 * gram(z, k, panelBytes, nPanels, g): Z is stored in panels of 4 columns, panel p holding rows
 * 0..k-1 contiguously (z + p*panelBytes + r*32: the 4 doubles Z[r][4p..4p+3]). For every pair of
 * panels (a, b) with b >= a:
 *   acc[i][j] = sum_{r<k} Z[r][4a+i]*Z[r][4b+j] (r ascending, from 0); G[4a+i][4b+j] += acc[i][j]
 * where G is row-major (4*nPanels) x (4*nPanels) f64.
 */
const gram: Func = {
  name: 'gram',
  params: [I32, I32, I32, I32, I32], // 0 z, 1 k, 2 panelBytes, 3 nPanels, 4 g
  locals: [
    I32, I32, I32, I32, I32, I32, // 5 ap, 6 bp, 7 pa, 8 pb, 9 paEnd, 10 gRowBytes (= 32*nPanels)
    ...new Array<number>(8).fill(V128), // 11..18 acc[i][q]: i in 0..3 (a rows), q in 0..1 (b pairs)
    V128, V128, V128, V128, V128, V128, // 19..22 splat Z[r][4a+i], 23..24 Z[r][4b..4b+3]
    I32, // 25 g row ptr
  ],
  body: [
    get(3), i32c(5), SHL, set(10),
    i32c(0), set(5),
    BLOCK, LOOP, // panel a
    get(5), get(3), GE_U, brIf(1),
    get(5), set(6),
    BLOCK, LOOP, // panel b
    get(6), get(3), GE_U, brIf(1),
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((q) => [...V128_ZERO, ...set(11 + q)]),
    get(0), get(5), get(2), MUL, ADD, set(7),
    get(0), get(6), get(2), MUL, ADD, set(8),
    get(7), get(1), i32c(5), SHL, ADD, set(9),
    BLOCK, LOOP, // rows
    get(7), get(9), GE_U, brIf(1),
    ...[0, 1, 2, 3].map((i) => [...get(7), ...load64Splat(8 * i), ...set(19 + i)]),
    get(8), vload(0), set(23),
    get(8), vload(16), set(24),
    ...[0, 1, 2, 3].map((i) =>
      [0, 1].map((q) => [...get(11 + 2 * i + q), ...get(19 + i), ...get(23 + q), ...F64X2_MUL, ...F64X2_ADD, ...set(11 + 2 * i + q)]).flat(),
    ),
    get(7), i32c(32), ADD, set(7),
    get(8), i32c(32), ADD, set(8),
    br(0), END, END,
    // G[4a+i][4b..4b+3] at g + (4a+i)*gRowBytes + 32b
    ...[0, 1, 2, 3].map((i) => [
      ...get(4), ...get(5), ...i32c(2), ...SHL, ...i32c(i), ...ADD, ...get(10), ...MUL, ...ADD, ...get(6), ...i32c(5), ...SHL, ...ADD, ...set(25),
      ...get(25), ...get(25), ...vload(0), ...get(11 + 2 * i), ...F64X2_ADD, ...vstore(0),
      ...get(25), ...get(25), ...vload(16), ...get(12 + 2 * i), ...F64X2_ADD, ...vstore(16),
    ]),
    get(6), i32c(1), ADD, set(6),
    br(0), END, END,
    get(5), i32c(1), ADD, set(5),
    br(0), END, END,
  ],
};

/**
 * adadelta(theta, grad, acc, accUpd, nPairs, lr, rho, r1, eps, l2): the Adadelta class of optim.ts
 * on f32 theta/grad and f64 state, two elements at a time, same operations in the same order.
 */
const adadelta: Func = {
  name: 'adadelta',
  params: [I32, I32, I32, I32, I32, F64, F64, F64, F64, F64], // 0 theta 1 grad 2 acc 3 accUpd 4 nPairs, 5 lr 6 rho 7 r1 8 eps 9 l2
  locals: [V128, V128, V128, V128, V128, V128, V128, V128, V128, I32],
  // 10 LR 11 RHO 12 R1 13 EPS 14 L2 15 th 16 g 17 a 18 u 19 end
  body: [
    ...[5, 6, 7, 8, 9].map((p) => [...get(p), ...F64X2_SPLAT, ...set(p + 5)]),
    get(0), get(4), i32c(3), SHL, ADD, set(19),
    BLOCK, LOOP,
    get(0), get(19), GE_U, brIf(1),
    get(0), loadF32Pair(0), set(15),
    get(1), loadF32Pair(0), get(14), get(15), F64X2_MUL, F64X2_ADD, set(16),
    // a = rho*acc + (r1*g)*g
    get(11), get(2), vload(0), F64X2_MUL, get(12), get(16), F64X2_MUL, get(16), F64X2_MUL, F64X2_ADD, set(17),
    get(2), get(17), vstore(0),
    // u = sqrt((accUpd + eps)/(a + eps))*g
    get(3), vload(0), get(13), F64X2_ADD, get(17), get(13), F64X2_ADD, F64X2_DIV, F64X2_SQRT, get(16), F64X2_MUL, set(18),
    // accUpd = rho*accUpd + (r1*u)*u
    get(3), get(11), get(3), vload(0), F64X2_MUL, get(12), get(18), F64X2_MUL, get(18), F64X2_MUL, F64X2_ADD, vstore(0),
    // theta = f32(theta - lr*u)
    get(0), get(15), get(10), get(18), F64X2_MUL, F64X2_SUB, storeF32PairOps(0),
    get(0), i32c(8), ADD, set(0),
    get(1), i32c(8), ADD, set(1),
    get(2), i32c(16), ADD, set(2),
    get(3), i32c(16), ADD, set(3),
    br(0), END, END,
  ],
};

/**
 * adam(theta, grad, m, v, nPairs, lrT, b1, c1, b2, c2, eps, l2): the Adam class of optim.ts
 * (c1 = 1-b1, c2 = 1-b2, lrT the step's size), same operations in the same order.
 */
const adam: Func = {
  name: 'adam',
  params: [I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64], // 0 theta 1 grad 2 m 3 v 4 nPairs, 5 lrT 6 b1 7 c1 8 b2 9 c2 10 eps 11 l2
  locals: [V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, I32],
  // 12 LRT 13 B1 14 C1 15 B2 16 C2 17 EPS 18 L2 19 th 20 g 21 mk 22 vk 23 unused 24 end
  body: [
    ...[5, 6, 7, 8, 9, 10, 11].map((p) => [...get(p), ...F64X2_SPLAT, ...set(p + 7)]),
    get(0), get(4), i32c(3), SHL, ADD, set(24),
    BLOCK, LOOP,
    get(0), get(24), GE_U, brIf(1),
    get(0), loadF32Pair(0), set(19),
    get(1), loadF32Pair(0), get(18), get(19), F64X2_MUL, F64X2_ADD, set(20),
    // m = b1*m + c1*g
    get(13), get(2), vload(0), F64X2_MUL, get(14), get(20), F64X2_MUL, F64X2_ADD, set(21),
    get(2), get(21), vstore(0),
    // v = b2*v + (c2*g)*g
    get(15), get(3), vload(0), F64X2_MUL, get(16), get(20), F64X2_MUL, get(20), F64X2_MUL, F64X2_ADD, set(22),
    get(3), get(22), vstore(0),
    // theta = f32(theta - (lrT*m)/(sqrt(v) + eps))
    get(0), get(19), get(12), get(21), F64X2_MUL, get(22), F64X2_SQRT, get(17), F64X2_ADD, F64X2_DIV, F64X2_SUB, storeF32PairOps(0),
    get(0), i32c(8), ADD, set(0),
    get(1), i32c(8), ADD, set(1),
    get(2), i32c(16), ADD, set(2),
    get(3), i32c(16), ADD, set(3),
    br(0), END, END,
  ],
};

/**
 * cholesky(a, m) -> 1 | 0: in-place Cholesky of the row-major m x m matrix at a (lower triangle
 * in, L out), the `cholesky` of ridge.ts operation for operation: each dot product
 * sum_{k<j} L[i][k] L[j][k] is kept as four partial sums by k mod 4 (two f64x2), the tail
 * (j mod 4 terms) added to the k mod 4 = 0 sum, combined as (s0 + s2) + (s1 + s3).
 * Returns 0 at a non-positive pivot.
 */
const cholesky: Func = {
  name: 'cholesky',
  params: [I32, I32], // 0 a, 1 m
  results: [I32],
  locals: [I32, I32, I32, I32, I32, I32, V128, V128, F64, F64, F64, F64, F64],
  // 2 rowBytes 3 ri 4 rj 5 jb (j*8) 6 kb 7 aEnd; 8 acc0 9 acc1; 10 x0 11 x1 12 x2 13 x3 14 s
  body: [
    get(1), i32c(3), SHL, set(2),
    get(0), get(1), get(2), MUL, ADD, set(7),
    get(0), set(3),
    BLOCK, LOOP, // rows i (ri = row pointer)
    get(3), get(7), GE_U, brIf(1),
    i32c(0), set(5), get(0), set(4),
    BLOCK, LOOP, // j = 0..i (rj = row pointer, jb = j*8)
    get(4), get(3), GT_U, brIf(1),
    V128_ZERO, set(8), V128_ZERO, set(9),
    i32c(0), set(6),
    BLOCK, LOOP, // main: while kb + 32 <= jb
    get(6), i32c(32), ADD, get(5), GT_U, brIf(1),
    get(8), get(3), get(6), ADD, vload(0), get(4), get(6), ADD, vload(0), F64X2_MUL, F64X2_ADD, set(8),
    get(9), get(3), get(6), ADD, vload(16), get(4), get(6), ADD, vload(16), F64X2_MUL, F64X2_ADD, set(9),
    get(6), i32c(32), ADD, set(6),
    br(0), END, END,
    get(8), f64x2Lane(0), set(10), get(8), f64x2Lane(1), set(11),
    get(9), f64x2Lane(0), set(12), get(9), f64x2Lane(1), set(13),
    BLOCK, LOOP, // tail: while kb < jb
    get(6), get(5), GE_U, brIf(1),
    get(10), get(3), get(6), ADD, f64load(0), get(4), get(6), ADD, f64load(0), F64_MUL, F64_ADD, set(10),
    get(6), i32c(8), ADD, set(6),
    br(0), END, END,
    // s = A[i][j] - ((x0 + x2) + (x1 + x3))
    get(3), get(5), ADD, f64load(0), get(10), get(12), F64_ADD, get(11), get(13), F64_ADD, F64_ADD, F64_SUB, set(14),
    get(4), get(3), I32_EQ,
    IF,
    get(14), i32c(0), [0xb7] /* f64.convert_i32_s */, F64_GT, I32_EQZ, IF, i32c(0), RETURN, END,
    get(3), get(5), ADD, get(14), F64_SQRT, f64store(0),
    ELSE,
    get(3), get(5), ADD, get(14), get(4), get(5), ADD, f64load(0), F64_DIV, f64store(0),
    END,
    get(5), i32c(8), ADD, set(5),
    get(4), get(2), ADD, set(4),
    br(0), END, END,
    get(3), get(2), ADD, set(3),
    br(0), END, END,
    i32c(1),
  ],
};

// ---------------------------------------------------------------------------------------------
// instantiation

export interface WasmKernels {
  memory: WasmMemory;
  fwd1(x: number, n: number, w: number, out: number): void;
  fwdPairs(x: number, rowBytes: number, nPairs: number, n: number, w: number, out: number): void;
  acc1(x: number, n: number, g: number, d: number): void;
  accPairs(x: number, rowBytes: number, nPairs: number, n: number, g: number, d: number): void;
  gram(z: number, k: number, panelBytes: number, nPanels: number, g: number): void;
  cholesky(a: number, m: number): number;
  adadelta(theta: number, grad: number, acc: number, accUpd: number, nPairs: number, lr: number, rho: number, r1: number, eps: number, l2: number): void;
  adam(theta: number, grad: number, m: number, v: number, nPairs: number, lrT: number, b1: number, c1: number, b2: number, c2: number, eps: number, l2: number): void;
}

const PAGE = 65536;
/** wasm32 memories top out at 65536 pages (4 GiB); some engines allow less. */
export const WASM_MAX_BYTES = 65536 * PAGE;

let cachedModule: object | null | undefined;

function compiledModule(): object | null {
  if (cachedModule !== undefined) return cachedModule;
  cachedModule = null;
  const api = wasmApi();
  if (api === undefined) return null;
  try {
    const bytes = assemble([fwd1, fwdPairs, acc1, accPairs, gram, adadelta, adam, cholesky]);
    if (!api.validate(bytes)) return null; // e.g. an engine without SIMD
    cachedModule = new api.Module(bytes);
  } catch {
    cachedModule = null;
  }
  return cachedModule;
}

/** Whether the SIMD kernels can run in this engine. */
export function wasmAvailable(): boolean {
  return compiledModule() !== null;
}

/**
 * Instantiate the kernels over a fresh memory of at least `bytes` bytes, or return null when
 * wasm/SIMD is unavailable or the memory cannot be allocated. The memory never grows, so typed
 * array views on it stay valid.
 */
export function createWasmKernels(bytes: number): WasmKernels | null {
  const mod = compiledModule();
  const api = wasmApi();
  if (mod === null || api === undefined) return null;
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if (pages > 65536) return null;
  try {
    const memory = new api.Memory({ initial: pages, maximum: pages });
    const inst = new api.Instance(mod, { env: { mem: memory } });
    const e = inst.exports as unknown as Omit<WasmKernels, 'memory'>;
    return {
      memory,
      fwd1: e.fwd1,
      fwdPairs: e.fwdPairs,
      acc1: e.acc1,
      accPairs: e.accPairs,
      gram: e.gram,
      adadelta: e.adadelta,
      adam: e.adam,
      cholesky: e.cholesky,
    };
  } catch {
    return null;
  }
}
