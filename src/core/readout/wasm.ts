// WebAssembly SIMD kernels for the readout, assembled with the project's wasm assembler
// (../wasm/assembler.ts: no toolchain, no binary blob).
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
import { ModuleBuilder, moduleOnce, wasmApi, I32, F64, V128, PAGE_BYTES, type Code, type FuncSig, type WasmMemory } from '../wasm/assembler.js';

// ---------------------------------------------------------------------------------------------
// kernels

/** floats per feature row of W/G and per row of out/d: 10 classes padded to 3 f32x4 vectors */
export const LANES = 12;
const K3 = [0, 1, 2];

interface Kernel {
  sig: FuncSig;
  emit: (c: Code) => void;
}

/** 16 zero bytes */
const ZERO = new Array<number>(16).fill(0);

/** the u16 count at the address on the stack, splat as f32x4 into local `dst` (u16 -> f32 is exact) */
function splatCount(c: Code, dst: string): void {
  c.i32Load16U().f32ConvertI32U().f32x4Splat().set(dst);
}

/** two f32 at the address on the stack -> f64x2 */
function loadF32Pair(c: Code): void {
  c.v128Load64Zero().f64x2PromoteLowF32x4();
}

/** pops (address, f64x2): the two lanes rounded to f32 and stored at the address */
function storeF32Pair(c: Code): void {
  c.f32x4DemoteF64x2Zero().v128Store64Lane(0);
}

/**
 * The loops of fwdPairs and accPairs over row pairs (rows x and x + rowBytes, then x advances two
 * rows) and, within a pair, over features j (x1, x2: the two rows' counts splat as f32x4; local
 * `row` points at W[j] or G[j], starting from param `mat`). `vec` points at the pair's 24 f32 of
 * out or d (96 bytes a pair, up to local `vecEnd`). start() runs before a pair's features,
 * feature() for each feature, finish() after them.
 */
function rowPairs(
  c: Code,
  vec: string,
  vecEnd: string,
  mat: string,
  row: string,
  start: () => void,
  feature: () => void,
  finish: () => void,
): void {
  c.get(vec).get('nPairs').i32Const(96).i32Mul().i32Add().set(vecEnd);
  c.block('pairsDone', () =>
    c.loop('pair', () => {
      c.get(vec).get(vecEnd).i32GeU().brIf('pairsDone');
      start();
      c.get('x').set('xp').get(mat).set(row).get('x').get('n').i32Const(1).i32Shl().i32Add().set('xEnd');
      c.block('featuresDone', () =>
        c.loop('feature', () => {
          c.get('xp').get('xEnd').i32GeU().brIf('featuresDone');
          c.get('xp');
          splatCount(c, 'x1');
          c.get('xp').get('rowBytes').i32Add();
          splatCount(c, 'x2');
          feature();
          c.get(row).i32Const(48).i32Add().set(row);
          c.get('xp').i32Const(2).i32Add().set('xp');
          c.br('feature');
        }),
      );
      finish();
      c.get(vec).i32Const(96).i32Add().set(vec);
      c.get('x').get('rowBytes').i32Const(1).i32Shl().i32Add().set('x');
      c.br('pair');
    }),
  );
}

/** fwd1(x, n, w, out): out[c] = sum_j x[j]*W[j][c] in f32, j ascending (c < 12). */
const fwd1: Kernel = {
  sig: {
    params: { x: I32, n: I32, w: I32, out: I32 },
    locals: { acc0: V128, acc1: V128, acc2: V128, xs: V128, end: I32 },
  },
  emit: (c) => {
    const acc = ['acc0', 'acc1', 'acc2'];
    c.get('x').get('n').i32Const(1).i32Shl().i32Add().set('end');
    c.block('done', () =>
      c.loop('feature', () => {
        c.get('x').get('end').i32GeU().brIf('done');
        c.get('x');
        splatCount(c, 'xs');
        for (const k of K3) c.get(acc[k]).get('xs').get('w').v128Load(16 * k).f32x4Mul().f32x4Add().set(acc[k]);
        c.get('w').i32Const(48).i32Add().set('w');
        c.get('x').i32Const(2).i32Add().set('x');
        c.br('feature');
      }),
    );
    for (const k of K3) c.get('out').get(acc[k]).v128Store(16 * k);
  },
};

/**
 * fwdPairs(x, rowBytes, nPairs, n, w, out): for each pair p of consecutive rows (x + 2p*rowBytes,
 * and the row after it), fwd1 of both rows into out + 96p (row 2p at out[24p..24p+11], row 2p+1
 * at out[24p+12..24p+23]). W is shared by the two rows of a pair (one load, two products).
 */
const fwdPairs: Kernel = {
  sig: {
    params: { x: I32, rowBytes: I32, nPairs: I32, n: I32, w: I32, out: I32 },
    locals: {
      a0: V128, a1: V128, a2: V128, b0: V128, b1: V128, b2: V128, x1: V128, x2: V128, wv: V128,
      xp: I32, xEnd: I32, wp: I32, outEnd: I32,
    },
  },
  emit: (c) => {
    const a = ['a0', 'a1', 'a2'];
    const b = ['b0', 'b1', 'b2'];
    rowPairs(
      c, 'out', 'outEnd', 'w', 'wp',
      () => {
        for (const l of [...a, ...b]) c.v128Const(ZERO).set(l);
      },
      () => {
        for (const k of K3) {
          c.get('wp').v128Load(16 * k).set('wv');
          c.get(a[k]).get('x1').get('wv').f32x4Mul().f32x4Add().set(a[k]);
          c.get(b[k]).get('x2').get('wv').f32x4Mul().f32x4Add().set(b[k]);
        }
      },
      () => {
        for (const k of K3) c.get('out').get(a[k]).v128Store(16 * k).get('out').get(b[k]).v128Store(48 + 16 * k);
      },
    );
  },
};

/** acc1(x, n, g, d): G[j][c] = G[j][c] + x[j]*d[c] in f32. */
const acc1: Kernel = {
  sig: {
    params: { x: I32, n: I32, g: I32, d: I32 },
    locals: { d0: V128, d1: V128, d2: V128, xs: V128, end: I32 },
  },
  emit: (c) => {
    const dv = ['d0', 'd1', 'd2'];
    c.get('x').get('n').i32Const(1).i32Shl().i32Add().set('end');
    for (const k of K3) c.get('d').v128Load(16 * k).set(dv[k]);
    c.block('done', () =>
      c.loop('feature', () => {
        c.get('x').get('end').i32GeU().brIf('done');
        c.get('x');
        splatCount(c, 'xs');
        for (const k of K3) c.get('g').get('g').v128Load(16 * k).get('xs').get(dv[k]).f32x4Mul().f32x4Add().v128Store(16 * k);
        c.get('g').i32Const(48).i32Add().set('g');
        c.get('x').i32Const(2).i32Add().set('x');
        c.br('feature');
      }),
    );
  },
};

/**
 * accPairs(x, rowBytes, nPairs, n, g, d): for each pair p of consecutive rows in order,
 * G[j][c] = G[j][c] + (x1[j]*d1[c] + x2[j]*d2[c]) in f32, with d1 = d[24p..24p+11] and
 * d2 = d[24p+12..24p+23].
 */
const accPairs: Kernel = {
  sig: {
    params: { x: I32, rowBytes: I32, nPairs: I32, n: I32, g: I32, d: I32 },
    locals: {
      p0: V128, p1: V128, p2: V128, q0: V128, q1: V128, q2: V128, x1: V128, x2: V128,
      xp: I32, xEnd: I32, gp: I32, dEnd: I32,
    },
  },
  emit: (c) => {
    const d1 = ['p0', 'p1', 'p2'];
    const d2 = ['q0', 'q1', 'q2'];
    rowPairs(
      c, 'd', 'dEnd', 'g', 'gp',
      () => {
        for (const k of K3) c.get('d').v128Load(16 * k).set(d1[k]).get('d').v128Load(48 + 16 * k).set(d2[k]);
      },
      () => {
        for (const k of K3) {
          c.get('gp').get('gp').v128Load(16 * k);
          c.get('x1').get(d1[k]).f32x4Mul().get('x2').get(d2[k]).f32x4Mul().f32x4Add();
          c.f32x4Add().v128Store(16 * k);
        }
      },
      () => {},
    );
  },
};

/**
 * gram(z, k, panelBytes, nPanels, g): Z is stored in panels of 4 columns, panel p holding rows
 * 0..k-1 contiguously (z + p*panelBytes + r*32: the 4 doubles Z[r][4p..4p+3]). For every pair of
 * panels (a, b) with b >= a:
 *   acc[i][j] = sum_{r<k} Z[r][4a+i]*Z[r][4b+j] (r ascending, from 0); G[4a+i][4b+j] += acc[i][j]
 * where G is row-major (4*nPanels) x (4*nPanels) f64.
 */
const gram: Kernel = {
  sig: {
    params: { z: I32, k: I32, panelBytes: I32, nPanels: I32, g: I32 },
    locals: {
      ap: I32, bp: I32, pa: I32, pb: I32, paEnd: I32, gRowBytes: I32, // gRowBytes = 32*nPanels
      // acc[i][q]: i in 0..3 (a rows), q in 0..1 (b pairs)
      acc00: V128, acc01: V128, acc10: V128, acc11: V128, acc20: V128, acc21: V128, acc30: V128, acc31: V128,
      za0: V128, za1: V128, za2: V128, za3: V128, // splat Z[r][4a+i]
      zb0: V128, zb1: V128, // Z[r][4b..4b+3]
      gRow: I32,
    },
  },
  emit: (c) => {
    const I4 = [0, 1, 2, 3];
    const Q2 = [0, 1];
    const acc = (i: number, q: number): string => `acc${i}${q}`;
    c.get('nPanels').i32Const(5).i32Shl().set('gRowBytes');
    c.i32Const(0).set('ap');
    c.block('aDone', () =>
      c.loop('panelA', () => {
        c.get('ap').get('nPanels').i32GeU().brIf('aDone');
        c.get('ap').set('bp');
        c.block('bDone', () =>
          c.loop('panelB', () => {
            c.get('bp').get('nPanels').i32GeU().brIf('bDone');
            for (const i of I4) for (const q of Q2) c.v128Const(ZERO).set(acc(i, q));
            c.get('z').get('ap').get('panelBytes').i32Mul().i32Add().set('pa');
            c.get('z').get('bp').get('panelBytes').i32Mul().i32Add().set('pb');
            c.get('pa').get('k').i32Const(5).i32Shl().i32Add().set('paEnd');
            c.block('rowsDone', () =>
              c.loop('row', () => {
                c.get('pa').get('paEnd').i32GeU().brIf('rowsDone');
                for (const i of I4) c.get('pa').v128Load64Splat(8 * i).set(`za${i}`);
                c.get('pb').v128Load(0).set('zb0');
                c.get('pb').v128Load(16).set('zb1');
                for (const i of I4) for (const q of Q2) c.get(acc(i, q)).get(`za${i}`).get(`zb${q}`).f64x2Mul().f64x2Add().set(acc(i, q));
                c.get('pa').i32Const(32).i32Add().set('pa');
                c.get('pb').i32Const(32).i32Add().set('pb');
                c.br('row');
              }),
            );
            // G[4a+i][4b..4b+3] at g + (4a+i)*gRowBytes + 32b
            for (const i of I4) {
              c.get('g').get('ap').i32Const(2).i32Shl().i32Const(i).i32Add().get('gRowBytes').i32Mul().i32Add();
              c.get('bp').i32Const(5).i32Shl().i32Add().set('gRow');
              c.get('gRow').get('gRow').v128Load(0).get(acc(i, 0)).f64x2Add().v128Store(0);
              c.get('gRow').get('gRow').v128Load(16).get(acc(i, 1)).f64x2Add().v128Store(16);
            }
            c.get('bp').i32Const(1).i32Add().set('bp');
            c.br('panelB');
          }),
        );
        c.get('ap').i32Const(1).i32Add().set('ap');
        c.br('panelA');
      }),
    );
  },
};

/** one elementwise optimizer loop over nPairs pairs of f32 theta/grad and f64 state: ptrs advance 8/8/16/16 bytes */
function optimizerLoop(c: Code, state: [string, string], step: () => void): void {
  c.get('theta').get('nPairs').i32Const(3).i32Shl().i32Add().set('end');
  c.block('done', () =>
    c.loop('pair', () => {
      c.get('theta').get('end').i32GeU().brIf('done');
      step();
      c.get('theta').i32Const(8).i32Add().set('theta');
      c.get('grad').i32Const(8).i32Add().set('grad');
      c.get(state[0]).i32Const(16).i32Add().set(state[0]);
      c.get(state[1]).i32Const(16).i32Add().set(state[1]);
      c.br('pair');
    }),
  );
}

/**
 * adadelta(theta, grad, acc, accUpd, nPairs, lr, rho, r1, eps, l2): the Adadelta class of optim.ts
 * on f32 theta/grad and f64 state, two elements at a time, same operations in the same order.
 */
const adadelta: Kernel = {
  sig: {
    params: { theta: I32, grad: I32, acc: I32, accUpd: I32, nPairs: I32, lr: F64, rho: F64, r1: F64, eps: F64, l2: F64 },
    locals: { LR: V128, RHO: V128, R1: V128, EPS: V128, L2: V128, th: V128, g: V128, a: V128, u: V128, end: I32 },
  },
  emit: (c) => {
    for (const p of ['lr', 'rho', 'r1', 'eps', 'l2']) c.get(p).f64x2Splat().set(p.toUpperCase());
    optimizerLoop(c, ['acc', 'accUpd'], () => {
      c.get('theta');
      loadF32Pair(c);
      c.set('th');
      c.get('grad');
      loadF32Pair(c);
      c.get('L2').get('th').f64x2Mul().f64x2Add().set('g');
      // a = rho*acc + (r1*g)*g
      c.get('RHO').get('acc').v128Load(0).f64x2Mul().get('R1').get('g').f64x2Mul().get('g').f64x2Mul().f64x2Add().set('a');
      c.get('acc').get('a').v128Store(0);
      // u = sqrt((accUpd + eps)/(a + eps))*g
      c.get('accUpd').v128Load(0).get('EPS').f64x2Add().get('a').get('EPS').f64x2Add().f64x2Div().f64x2Sqrt().get('g').f64x2Mul().set('u');
      // accUpd = rho*accUpd + (r1*u)*u
      c.get('accUpd').get('RHO').get('accUpd').v128Load(0).f64x2Mul().get('R1').get('u').f64x2Mul().get('u').f64x2Mul().f64x2Add().v128Store(0);
      // theta = f32(theta - lr*u)
      c.get('theta').get('th').get('LR').get('u').f64x2Mul().f64x2Sub();
      storeF32Pair(c);
    });
  },
};

/**
 * adam(theta, grad, m, v, nPairs, lrT, b1, c1, b2, c2, eps, l2): the Adam class of optim.ts
 * (c1 = 1-b1, c2 = 1-b2, lrT the step's size), same operations in the same order.
 */
const adam: Kernel = {
  sig: {
    params: { theta: I32, grad: I32, m: I32, v: I32, nPairs: I32, lrT: F64, b1: F64, c1: F64, b2: F64, c2: F64, eps: F64, l2: F64 },
    locals: { LRT: V128, B1: V128, C1: V128, B2: V128, C2: V128, EPS: V128, L2: V128, th: V128, g: V128, mk: V128, vk: V128, end: I32 },
  },
  emit: (c) => {
    for (const p of ['lrT', 'b1', 'c1', 'b2', 'c2', 'eps', 'l2']) c.get(p).f64x2Splat().set(p.toUpperCase());
    optimizerLoop(c, ['m', 'v'], () => {
      c.get('theta');
      loadF32Pair(c);
      c.set('th');
      c.get('grad');
      loadF32Pair(c);
      c.get('L2').get('th').f64x2Mul().f64x2Add().set('g');
      // m = b1*m + c1*g
      c.get('B1').get('m').v128Load(0).f64x2Mul().get('C1').get('g').f64x2Mul().f64x2Add().set('mk');
      c.get('m').get('mk').v128Store(0);
      // v = b2*v + (c2*g)*g
      c.get('B2').get('v').v128Load(0).f64x2Mul().get('C2').get('g').f64x2Mul().get('g').f64x2Mul().f64x2Add().set('vk');
      c.get('v').get('vk').v128Store(0);
      // theta = f32(theta - (lrT*m)/(sqrt(v) + eps))
      c.get('theta').get('th').get('LRT').get('mk').f64x2Mul().get('vk').f64x2Sqrt().get('EPS').f64x2Add().f64x2Div().f64x2Sub();
      storeF32Pair(c);
    });
  },
};

/**
 * cholesky(a, m) -> 1 | 0: in-place Cholesky of the row-major m x m matrix at a (lower triangle
 * in, L out), the `cholesky` of ridge.ts operation for operation: each dot product
 * sum_{k<j} L[i][k] L[j][k] is kept as four partial sums by k mod 4 (two f64x2), the tail
 * (j mod 4 terms) added to the k mod 4 = 0 sum, combined as (s0 + s2) + (s1 + s3).
 * Returns 0 at a non-positive pivot.
 */
const cholesky: Kernel = {
  sig: {
    params: { a: I32, m: I32 },
    results: [I32],
    // ri, rj: row pointers of i and j; jb = j*8, kb = k*8
    locals: { rowBytes: I32, ri: I32, rj: I32, jb: I32, kb: I32, aEnd: I32, acc0: V128, acc1: V128, x0: F64, x1: F64, x2: F64, x3: F64, s: F64 },
  },
  emit: (c) => {
    c.get('m').i32Const(3).i32Shl().set('rowBytes');
    c.get('a').get('m').get('rowBytes').i32Mul().i32Add().set('aEnd');
    c.get('a').set('ri');
    c.block('rowsDone', () =>
      c.loop('row', () => {
        c.get('ri').get('aEnd').i32GeU().brIf('rowsDone');
        c.i32Const(0).set('jb').get('a').set('rj');
        c.block('colsDone', () =>
          c.loop('col', () => {
            // j = 0..i
            c.get('rj').get('ri').i32GtU().brIf('colsDone');
            c.v128Const(ZERO).set('acc0').v128Const(ZERO).set('acc1');
            c.i32Const(0).set('kb');
            c.block('mainDone', () =>
              c.loop('main', () => {
                // while kb + 32 <= jb
                c.get('kb').i32Const(32).i32Add().get('jb').i32GtU().brIf('mainDone');
                c.get('acc0').get('ri').get('kb').i32Add().v128Load(0).get('rj').get('kb').i32Add().v128Load(0).f64x2Mul().f64x2Add().set('acc0');
                c.get('acc1').get('ri').get('kb').i32Add().v128Load(16).get('rj').get('kb').i32Add().v128Load(16).f64x2Mul().f64x2Add().set('acc1');
                c.get('kb').i32Const(32).i32Add().set('kb');
                c.br('main');
              }),
            );
            c.get('acc0').f64x2ExtractLane(0).set('x0').get('acc0').f64x2ExtractLane(1).set('x1');
            c.get('acc1').f64x2ExtractLane(0).set('x2').get('acc1').f64x2ExtractLane(1).set('x3');
            c.block('tailDone', () =>
              c.loop('tail', () => {
                // while kb < jb
                c.get('kb').get('jb').i32GeU().brIf('tailDone');
                c.get('x0').get('ri').get('kb').i32Add().f64Load().get('rj').get('kb').i32Add().f64Load().f64Mul().f64Add().set('x0');
                c.get('kb').i32Const(8).i32Add().set('kb');
                c.br('tail');
              }),
            );
            // s = A[i][j] - ((x0 + x2) + (x1 + x3))
            c.get('ri').get('jb').i32Add().f64Load().get('x0').get('x2').f64Add().get('x1').get('x3').f64Add().f64Add().f64Sub().set('s');
            c.get('rj').get('ri').i32Eq();
            c.if(
              () => {
                c.get('s').i32Const(0).f64ConvertI32S().f64Gt().i32Eqz().if(() => c.i32Const(0).return());
                c.get('ri').get('jb').i32Add().get('s').f64Sqrt().f64Store();
              },
              () => c.get('ri').get('jb').i32Add().get('s').get('rj').get('jb').i32Add().f64Load().f64Div().f64Store(),
            );
            c.get('jb').i32Const(8).i32Add().set('jb');
            c.get('rj').get('rowBytes').i32Add().set('rj');
            c.br('col');
          }),
        );
        c.get('ri').get('rowBytes').i32Add().set('ri');
        c.br('row');
      }),
    );
    c.i32Const(1);
  },
};

const KERNELS = { fwd1, fwdPairs, acc1, accPairs, gram, adadelta, adam, cholesky };

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

/** wasm32 memories top out at 65536 pages (4 GiB); some engines allow less. */
export const WASM_MAX_BYTES = 65536 * PAGE_BYTES;

const compiledModule = moduleOnce(() => {
  const m = new ModuleBuilder().importMemory('env', 'mem', 1);
  for (const [name, k] of Object.entries(KERNELS)) m.func(name, k.sig, k.emit);
  return m.build();
});

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
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
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
