// The simulator on WebAssembly: the same model and the same IEEE double operations, in the same
// order, as the kernels of simulator.ts (read that file first; this one mirrors it function by
// function), so counts, weights, row sums and traces are bit-identical to the TS backend.
//
// All state, the CSR arrays and the pulses live in one wasm memory. The module is assembled per
// instance with the array addresses baked in as load/store offsets, which saves an add per
// access and keeps registers free in the hot loops. The time loop stays in JS (one wasm call
// per step, ~20 ns against ≥ 1 µs of work) because the astrocyte and the learning-rate decays
// are a few scalars, and a raster is then just the spike list each step leaves in memory.
//
// Every rule of simulator.ts is here: static, 'astro' and 'stdp' (propagatePlastic, potentiate)
// and 'apstdp' (their calcium-gated variants, plus updateCalcium).
//
// Where the kernels differ in form from simulator.ts, the bits do not:
//  - f64x2 SIMD handles two neurons or two synapses at a time (lane-wise IEEE, no FMA); a scalar
//    build (`simd: false`, for engines without SIMD) gives the same bits;
//  - data-dependent choices are branch-free (V8 compiles an f64 `select` to jumps): pmin/pmax,
//    bitselect, or i64 `select` on the bit patterns; each is the exact ternary of the TS code;
//  - STDP adds dd = nw − w to J and rowSum for every visited synapse, ±0 where W did not change,
//    which is an identity because J and rowSum are never −0 (see propagatePlastic);
//  - refractoriness is read from `last` instead of a counter (see neuronLocals).
//
// Memory grows only when a sample brings more pulses than the pulse area holds; growing
// detaches the old ArrayBuffer, so the public arrays are getters: re-read `sim.W` etc. after
// a run rather than keeping the view across runs.
import { NEURON, STDP, ASTRO } from '../params.js';
import type { Pulses } from '../encode/pulses.js';
import { activeListBases, type CompiledNetwork } from './compiled.js';
import { LearningRates } from '../plasticity/learning-rates.js';
import type { PlasticityConfig, Raster, SampleStats } from './simulator.js';
import type { SimulatorLike } from './types.js';
import { Code, ModuleBuilder, wasmApi, wasmSimdAvailable, f64Bytes, I32, I64, F64, V128, PAGE_BYTES, type ValType, type WasmMemory } from '../wasm/assembler.js';
import { EK, EK_MAX, E1 } from './kernel-constants.js';

// header: per-sample scalars shared by JS and wasm
const H_PAR = 0; // which spike buffer is current (0: A, 1: B)
const H_NSPK = 4; // spikes to propagate this step
const H_NACT = 8; // active inputs this sample
const H_PIN = 12; // address of the pulse input list
const H_NNEXT = 16; // spikes registered for the next step
const H_ASTRO = 20; // this step's (liquid − input) spikes for the astrocyte
const H_LIQ = 24; // counted liquid spikes (i32)
const H_INP = 28; // counted input spikes (i32)
const H_EV = 32; // synaptic events (f64)
const H_UPD = 40; // STDP updates (f64)
const HEADER_BYTES = 64;

/** initial pulse area: steps and pulses per sample before the memory has to grow */
const PULSE_STEPS0 = 1024;
const PULSES0 = 1 << 17;

interface Layout {
  outStart: number;
  outPost: number;
  inStart: number;
  inPre: number;
  inSyn: number;
  inLiquidEnd: number;
  /** end of the excitatory-pre part of each in-list */
  inExcEnd: number;
  actStart: number;
  actFill: number;
  actPre: number;
  actSyn: number;
  W: number;
  W0: number;
  rowSum: number;
  rowSum0: number;
  V: number;
  I: number;
  J: number;
  last: number;
  trace: number;
  /** AP-STDP calcium per liquid neuron */
  calcium: number;
  ext: number;
  counts: number;
  astroMask: number;
  activeInputs: number;
  inputMark: number;
  spkA: number;
  spkB: number;
  facA: number;
  facB: number;
  EK: number;
  /** pulse start[steps + 1], then the pulse inputs: always last, so it can grow */
  pulses: number;
}

function layout(c: CompiledNetwork): Layout {
  const { N, NL, NX, S } = c;
  const nIL = S - c.llId.length;
  let top = HEADER_BYTES;
  // 64-byte alignment: every array starts on its own cache line
  const take = (bytes: number): number => {
    const at = top;
    top += Math.ceil(bytes / 64) * 64;
    return at;
  };
  return {
    outStart: take(4 * (N + 1)),
    outPost: take(4 * S),
    inStart: take(4 * (NL + 1)),
    inPre: take(4 * S),
    inSyn: take(4 * S),
    inLiquidEnd: take(4 * NL),
    inExcEnd: take(4 * NL),
    actStart: take(4 * (NL + 1)),
    actFill: take(4 * NL),
    actPre: take(4 * nIL),
    actSyn: take(4 * nIL),
    W: take(8 * S),
    W0: take(8 * S),
    rowSum: take(8 * NL),
    rowSum0: take(8 * NL),
    V: take(8 * N),
    I: take(8 * NL),
    J: take(8 * NL),
    last: take(4 * N),
    trace: take(8 * N),
    calcium: take(8 * NL),
    ext: take(8 * NX),
    counts: take(4 * NL),
    astroMask: take(N),
    activeInputs: take(4 * NX),
    inputMark: take(NX),
    spkA: take(4 * N),
    spkB: take(4 * N),
    facA: take(8 * N),
    facB: take(8 * N),
    EK: take(8 * (EK_MAX + 1)),
    pulses: take(0),
  };
}

/** the IEEE bits of a double, for i64 constants */
function f64Bits(v: number): bigint {
  return new BigInt64Array(new Float64Array([v]).buffer)[0];
}

const pulseBytes = (steps: number, n: number): number => 4 * (steps + 1) + 4 * n;

// ---------------------------------------------------------------------------------------------
// kernels

/**
 * for (v = v; v < end; v += step) body(), with v and end byte addresses in locals; the body
 * runs inside a block labelled `next`, so `br('next')` is `continue`.
 */
function forEach(c: Code, v: string, end: string, step: number, body: () => void): void {
  c.get(v).get(end).i32LtU().if(() =>
    c.loop('loop', () => {
      c.block('next', body);
      c.get(v).i32Const(step).i32Add().tee(v).get(end).i32LtU().brIf('loop');
    }),
  );
}

/** registerSpike(n, tn): d = min(tn − last[n], EK_MAX); facN[nNext] = 1 − e^{−d}; spkN[nNext++] = n; last[n] = tn */
function emitRegister(c: Code, L: Layout, n: string): void {
  c.get('tn').get(n).i32Const(2).i32Shl().i32Load(L.last).i32Sub().set('d');
  c.get('d').i32Const(EK_MAX).i32GtS().if(() => c.i32Const(EK_MAX).set('d'));
  c.get('facN').get('nNext').i32Const(3).i32Shl().i32Add();
  c.f64Const(1).get('d').i32Const(3).i32Shl().f64Load(L.EK).f64Sub().f64Store();
  c.get('spkN').get('nNext').i32Const(2).i32Shl().i32Add().get(n).i32Store();
  c.get('nNext').i32Const(1).i32Add().set('nNext');
  c.get(n).i32Const(2).i32Shl().get('tn').i32Store(L.last);
}

/** header[off] (f64) += the i32 in local `v` */
function addCounter(c: Code, off: number, v: string): void {
  c.i32Const(0).i32Const(0).f64Load(off).get(v).f64ConvertI32U().f64Add().f64Store(off);
}

export interface WasmSimulatorOptions {
  /** use f64x2 SIMD kernels (default: when the engine has SIMD); the scalar ones give the same bits */
  simd?: boolean;
}

/** plastic kernels come with (rows) and without (NoRows) the rowSum upkeep; see PlasticityConfig.keepRowSums */
const variants = [[false, true], [true, true], [false, false], [true, false]] as const;
const kernelName = (base: string, rows: boolean): string => (rows ? base : `${base}NoRows`);

function buildModule(cn: CompiledNetwork, L: Layout, pages: number, opts: { simd: boolean }): Uint8Array {
  const simd = opts.simd;
  const { NL, NE, NX } = cn;
  const wMax = STDP.maxWeight;
  const inv = 1 / NEURON.tauV;
  const theta = NEURON.threshold;
  const rfr = NEURON.refractory;
  const m = new ModuleBuilder().importMemory('env', 'mem', pages);

  /** rowSum[i] = Σ_q W[inSyn[q]] over i's in-list, from 0, q ascending */
  m.func('rowSums', { locals: { i: I32, q: I32, qe: I32, s: F64 } }, (c) => {
    c.i32Const(0).set('i');
    c.loop('rows', () => {
      c.f64Const(0).set('s');
      c.get('i').i32Load(L.inStart).i32Const(2).i32Shl().set('q');
      c.get('i').i32Load(L.inStart + 4).i32Const(2).i32Shl().set('qe');
      forEach(c, 'q', 'qe', 4, () => {
        c.get('s').get('q').i32Load(L.inSyn).i32Const(3).i32Shl().f64Load(L.W).f64Add().set('s');
      });
      c.get('i').i32Const(1).i32Shl().get('s').f64Store(L.rowSum);
      c.get('i').i32Const(4).i32Add().tee('i').i32Const(4 * NL).i32LtU().brIf('rows');
    });
  });

  /** I[i] = e^{−20}·rowSum[i]: every pre last spiked deltaInit steps ago */
  m.func('initCurrents', { locals: { i: I32, e: I32 } }, (c) => {
    c.i32Const(0).set('i').i32Const(8 * NL).set('e');
    forEach(c, 'i', 'e', 8, () => {
      c.get('i').f64Const(EK[NEURON.deltaInit]).get('i').f64Load(L.rowSum).f64Mul().f64Store(L.I);
    });
  });

  /**
   * Mark the inputs this sample can touch (pulsed, or carrying a trace when `traced`), list
   * them in activeInputs and return how many; −1 when a pulse names a missing input.
   */
  m.func('markInputs', { params: { steps: I32, traced: I32 }, results: [I32], locals: { k: I32, e: I32, x: I32, n: I32 } }, (c) => {
    c.i32Const(L.inputMark).i32Const(0).i32Const(NX).memoryFill();
    c.i32Const(0).i32Load(H_PIN).set('k');
    c.get('k').get('steps').i32Const(2).i32Shl().i32Load(L.pulses).i32Const(2).i32Shl().i32Add().set('e');
    forEach(c, 'k', 'e', 4, () => {
      c.get('k').i32Load().tee('x').i32Const(NX).i32GeU().if(() => c.i32Const(-1).return());
      c.get('x').i32Const(1).i32Store8(L.inputMark);
    });
    c.get('traced').if(() => {
      c.i32Const(0).set('x').i32Const(NX).set('e');
      forEach(c, 'x', 'e', 1, () => {
        c.get('x').i32Const(3).i32Shl().f64Load(L.trace + 8 * NL).f64Const(0).f64Ne();
        c.if(() => c.get('x').i32Const(1).i32Store8(L.inputMark));
      });
    });
    c.i32Const(0).set('x').i32Const(NX).set('e').i32Const(0).set('n');
    forEach(c, 'x', 'e', 1, () => {
      c.get('x').i32Load8U(L.inputMark).if(() => {
        c.get('n').i32Const(2).i32Shl().get('x').i32Const(NL).i32Add().i32Store(L.activeInputs);
        c.get('n').i32Const(1).i32Add().set('n');
      });
    });
    c.i32Const(0).get('n').i32Store(H_NACT);
    c.get('n');
  });

  /** Per-sample in-lists of the active inputs' synapses, bucketed by post in input order (see activeListBases). */
  m.func('buildActive', { params: { m: I32 }, locals: { a: I32, ae: I32, n: I32, k: I32, ke: I32, i: I32, q: I32 } }, (c) => {

    const overActiveSynapses = (body: () => void): void => {
      c.i32Const(0).set('a').get('m').i32Const(2).i32Shl().set('ae');
      forEach(c, 'a', 'ae', 4, () => {
        c.get('a').i32Load(L.activeInputs).tee('n').i32Const(2).i32Shl().i32Load(L.outStart).i32Const(2).i32Shl().set('k');
        c.get('n').i32Const(2).i32Shl().i32Load(L.outStart + 4).i32Const(2).i32Shl().set('ke');
        forEach(c, 'k', 'ke', 4, body);
      });
    };
    // each post's list starts at its fixed base (room for all its input synapses) and ends at actFill
    c.i32Const(L.actFill).i32Const(L.actStart).i32Const(4 * NL).memoryCopy();
    overActiveSynapses(() => {
      c.get('k').i32Load(L.outPost).i32Const(2).i32Shl().tee('i').i32Load(L.actFill).i32Const(2).i32Shl().set('q');
      c.get('i').get('q').i32Const(4).i32Add().i32Const(2).i32ShrU().i32Store(L.actFill);
      c.get('q').get('n').i32Store(L.actPre);
      c.get('q').get('k').i32Const(2).i32ShrU().i32Store(L.actSyn);
    });
  });

  /**
   * W = W0 on the rows one plastic sample can change: every liquid pre's, and those of the m
   * inputs in activeInputs (the only inputs that spike or potentiate in it). 1/7 of W at MNIST
   * scale instead of all of it.
   */
  m.func('restoreRows', { params: { m: I32 }, locals: { a: I32, ae: I32, s: I32, e: I32 } }, (c) => {
    c.i32Const(L.W).i32Const(L.W0).i32Const(0).i32Load(L.outStart + 4 * NL).i32Const(3).i32Shl().memoryCopy();
    c.i32Const(0).set('a').get('m').i32Const(2).i32Shl().set('ae');
    forEach(c, 'a', 'ae', 4, () => {
      c.get('a').i32Load(L.activeInputs).i32Const(2).i32Shl().tee('s').i32Load(L.outStart + 4).i32Const(3).i32Shl().set('e');
      c.get('s').i32Load(L.outStart).i32Const(3).i32Shl().set('s');
      c.get('s').i32Const(L.W).i32Add().get('s').i32Const(L.W0).i32Add().get('e').get('s').i32Sub().memoryCopy();
    });
  });

  /** propagateStatic: each spike of step t adds W·(1 − e^{−Δ_old}) to its targets */
  m.func('propagateStatic', { params: { spk: I32, fac: I32, n: I32 }, locals: { se: I32, f: F64, j: I32, k: I32, ke: I32, kw: I32, p: I32, events: I32, kp: I32, fV: V128, pV: V128 } }, (c) => {
    c.get('spk').get('n').i32Const(2).i32Shl().i32Add().set('se');
    forEach(c, 'spk', 'se', 4, () => {
      c.get('fac').f64Load().set('f');
      c.get('fac').i32Const(8).i32Add().set('fac');
      c.get('spk').i32Load().i32Const(2).i32Shl().tee('j').i32Load(L.outStart).i32Const(2).i32Shl().set('k');
      c.get('j').i32Load(L.outStart + 4).i32Const(2).i32Shl().set('ke');
      c.get('events').get('ke').get('k').i32Sub().i32Const(2).i32ShrU().i32Add().set('events');
      c.get('k').i32Const(1).i32Shl().set('kw');
      if (simd) {
        // pairs: one f64x2 load and multiply for two synapses
        c.get('f').f64x2Splat().set('fV');
        c.get('ke').i32Const(4).i32Sub().set('kp');
        c.get('k').get('kp').i32LtS().if(() =>
          c.loop('pairs', () => {
            c.get('kw').v128Load(L.W, 3).get('fV').f64x2Mul().set('pV');
            c.get('k').i32Load(L.outPost).i32Const(3).i32Shl().tee('p');
            c.get('p').f64Load(L.I).get('pV').f64x2ExtractLane(0).f64Add().f64Store(L.I);
            c.get('k').i32Load(L.outPost + 4).i32Const(3).i32Shl().tee('p');
            c.get('p').f64Load(L.I).get('pV').f64x2ExtractLane(1).f64Add().f64Store(L.I);
            c.get('kw').i32Const(16).i32Add().set('kw');
            c.get('k').i32Const(8).i32Add().tee('k').get('kp').i32LtS().brIf('pairs');
          }),
        );
      }
      forEach(c, 'k', 'ke', 4, () => {
        // I[post] = I[post] + W[k]·f
        c.get('k').i32Load(L.outPost).i32Const(3).i32Shl().tee('p');
        c.get('p').f64Load(L.I).get('kw').f64Load(L.W).get('f').f64Mul().f64Add().f64Store(L.I);
        c.get('kw').i32Const(8).i32Add().set('kw');
      });
    });
    addCounter(c, H_EV, 'events');
  });

  /**
   * nw = clip(nw) exactly as `if (nw < lo) nw = lo; else if (nw > hi) nw = hi` (lo ≤ hi, so two
   * selects agree), then W[kw] = nw unless `keep` or nw == w, where W keeps w's bits (as the TS
   * `if (nw !== w)` does: −0 and +0 are equal). Branch-free: V8 compiles f64 `select` to jumps,
   * which mispredict here, but i64 `select` to cmov, so the choices run on the bit patterns.
   * Leaves the stored value in `nw` (w when not stored).
   */
  const clipAndStore = (c: Code, keep?: () => void, bounds?: [number, number]): void => {
    const lo = (): void => void (bounds ? c.f64Const(bounds[0]) : c.get('lo'));
    const hi = (): void => void (bounds ? c.f64Const(bounds[1]) : c.get('hi'));
    const loB = (): void => void (bounds ? c.i64Const(f64Bits(bounds[0])) : c.get('loB'));
    const hiB = (): void => void (bounds ? c.i64Const(f64Bits(bounds[1])) : c.get('hiB'));
    loB();
    c.get('nw').i64ReinterpretF64().get('nw');
    lo();
    c.f64Lt().select().tee('nwB').f64ReinterpretI64().set('nw');
    hiB();
    c.get('nwB').get('nw');
    hi();
    c.f64Gt().select().tee('nwB').f64ReinterpretI64().set('nw');
    c.get('kw');
    c.get('nwB').get('w').i64ReinterpretF64().get('nw').get('w').f64Ne();
    if (keep) {
      keep();
      c.i32Eqz().i32And();
    }
    c.select().tee('nwB').i64Store(L.W);
    c.get('nwB').f64ReinterpretI64().set('nw');
  };
  const setBounds = (c: Code, lo: number, hi: number): void => {
    c.f64Const(lo).set('lo').f64Const(hi).set('hi');
    c.get('lo').i64ReinterpretF64().set('loB').get('hi').i64ReinterpretF64().set('hiB');
  };
  const clipLocals = { lo: F64, hi: F64, w: F64, nw: F64, dd: F64, loB: I64, hiB: I64, nwB: I64 };

  /**
   * AP-STDP's gated(x, ltp, ltd) = x > 0 ? (ltp ? x : 0) : x < 0 ? (ltd ? x : 0) : 0, i.e. x where
   * (x > 0 && ltp) || (x < 0 && ltd), else +0; scalar (locals ltp, ltd) and f64x2 (ltpV, ltdV).
   */
  const gate = (c: Code, x: () => void): void => {
    x();
    c.tee('gx').i64ReinterpretF64().i64Const(0n);
    c.get('gx').f64Const(0).f64Gt().get('ltp').i32And().get('gx').f64Const(0).f64Lt().get('ltd').i32And().i32Or();
    c.select().f64ReinterpretI64();
  };
  const gateV = (c: Code, x: () => void): void => {
    x();
    c.tee('gxV').get('zeroV');
    c.get('gxV').get('zeroV').f64x2Gt().get('ltpV').v128And().get('gxV').get('zeroV').f64x2Lt().get('ltdV').v128And().v128Or();
    c.v128Bitselect();
  };

  /**
   * propagatePlastic for synapses k, k+1 in f64x2 lanes (same IEEE operations per lane). The
   * updates of I, J and rowSum stay in synapse order per post, which is all that fixes their bits.
   */
  const plasticPair = (c: Code, gated: boolean, rows: boolean): void => {
    c.get('k').i32Load(L.outPost).i32Const(3).i32Shl().set('i0');
    c.get('k').i32Load(L.outPost + 4).i32Const(3).i32Shl().set('i1');
    c.get('kw').v128Load(L.W, 3).tee('wV').get('fV').f64x2Mul().set('pV');
    // I[i] = I[i] + w·f
    c.get('i0').get('i0').f64Load(L.I).get('pV').f64x2ExtractLane(0).f64Add().f64Store(L.I);
    c.get('i1').get('i1').f64Load(L.I).get('pV').f64x2ExtractLane(1).f64Add().f64Store(L.I);
    // a = (last[i] === t ? lpt : 0): +0 in both lanes, but for the rare post that spiked now
    // (two compare-and-branch pairs: cheaper than materialising and or-ing the flags)
    c.get('zeroV').set('aV');
    c.block('plain', () => {
      c.block('spiked', () => {
        c.get('i0').i32Const(1).i32ShrU().i32Load(L.last).get('t').i32Eq().brIf('spiked');
        c.get('i1').i32Const(1).i32ShrU().i32Load(L.last).get('t').i32Eq().brIf('spiked');
        c.br('plain');
      });
      c.get('lpt').f64Const(0).get('i0').i32Const(1).i32ShrU().i32Load(L.last).get('t').i32Eq().select().f64x2Splat();
      c.get('lpt').f64Const(0).get('i1').i32Const(1).i32ShrU().i32Load(L.last).get('t').i32Eq().select().f64x2ReplaceLane(1);
      c.set('aV');
    });
    // nw = w + (a + ld·trace[i]), clipped: pmax/pmin are exactly `x < lo ? lo : x`, `hi < x ? hi : x`
    c.get('wV');
    if (gated) {
      // AP-STDP: both terms through the posts' calcium gates
      c.get('i1').get('i0').v128Load64Zero(L.calcium).v128Load64Lane(1, L.calcium).set('cV');
      c.get('cV').get('ltpLoV').f64x2Gt().get('cV').get('ltpHiV').f64x2Lt().v128And().set('ltpV');
      c.get('cV').get('ltdLoV').f64x2Gt().get('cV').get('ltdHiV').f64x2Lt().v128And().set('ltdV');
      gateV(c, () => c.get('aV'));
      gateV(c, () => c.get('ldV').get('i1').get('i0').v128Load64Zero(L.trace).v128Load64Lane(1, L.trace).f64x2Mul());
      c.f64x2Add();
    } else {
      c.get('aV').get('ldV').get('i1').get('i0').v128Load64Zero(L.trace).v128Load64Lane(1, L.trace).f64x2Mul().f64x2Add();
    }
    c.f64x2Add().get('loV').f64x2Pmax().get('hiV').f64x2Pmin().set('nwV');
    // W keeps its bits where nw == w (as `if (nw !== w)`); dd is then ±0
    c.get('kw').get('nwV').get('wV').get('nwV').get('wV').f64x2Ne().v128Bitselect().tee('nwV').v128Store(L.W, 3);
    c.get('nwV').get('wV').f64x2Sub().set('ddV');
    c.get('i0').get('i0').f64Load(L.J).get('ddV').f64x2ExtractLane(0).f64Const(E1).f64Mul().f64Add().f64Store(L.J);
    c.get('i1').get('i1').f64Load(L.J).get('ddV').f64x2ExtractLane(1).f64Const(E1).f64Mul().f64Add().f64Store(L.J);
    if (rows) {
      c.get('i0').get('i0').f64Load(L.rowSum).get('ddV').f64x2ExtractLane(0).f64Add().f64Store(L.rowSum);
      c.get('i1').get('i1').f64Load(L.rowSum).get('ddV').f64x2ExtractLane(1).f64Add().f64Store(L.rowSum);
    }
  };

  /**
   * propagatePlastic: items 5 + 9 fused, as in simulator.ts. J and rowSum take dd = nw − w on
   * every synapse: unchanged ones add ±0, which leaves them bit-identical because neither is
   * ever −0 (both start at +0 or a sum from +0, and x + y is −0 only when both are −0).
   */
  for (const [gated, rows] of variants) {
    m.func(
      kernelName(gated ? 'propagateGated' : 'propagatePlastic', rows),
      {
        params: gated
          ? { spk: I32, fac: I32, n: I32, t: I32, aPlus: F64, dep: F64, ltpLo: F64, ltpHi: F64, ltdLo: F64, ltdHi: F64 }
          : { spk: I32, fac: I32, n: I32, t: I32, aPlus: F64, dep: F64 },
        locals: {
          ltp: I32, ltd: I32, gx: F64, cal: F64, cV: V128, ltpV: V128, ltdV: V128, gxV: V128,
          ltpLoV: V128, ltpHiV: V128, ltdLoV: V128, ltdHiV: V128,
          se: I32, j: I32, k: I32, ke: I32, kw: I32, i: I32, events: I32, f: F64, lp: F64, ld: F64, lpt: F64, ...clipLocals,
          kp: I32, i0: I32, i1: I32, wV: V128, pV: V128, aV: V128, nwV: V128, ddV: V128,
          ldV: V128, loV: V128, hiV: V128, fV: V128, zeroV: V128,
        },
      },
      (c) => {
        if (gated && simd) {
          for (const g of ['ltpLo', 'ltpHi', 'ltdLo', 'ltdHi']) c.get(g).f64x2Splat().set(`${g}V`);
        }
        c.get('spk').get('n').i32Const(2).i32Shl().i32Add().set('se');
        forEach(c, 'spk', 'se', 4, () => {
          c.get('fac').f64Load().set('f');
          c.get('fac').i32Const(8).i32Add().set('fac');
          c.get('spk').i32Load().set('j');
          const rule = (lp: () => void, ld: () => void, lo: number, hi: number): void => {
            lp();
            c.set('lp');
            ld();
            c.set('ld');
            setBounds(c, lo, hi);
          };
          const aPlus = (): void => void c.get('aPlus');
          const minusDep = (): void => void c.get('dep').f64Neg();
          c.get('j').i32Const(NE).i32LtS().if(
            () => rule(aPlus, minusDep, 0, wMax),
            () =>
              c.get('j').i32Const(NL).i32LtS().if(
                () => rule(minusDep, aPlus, -wMax, 0),
                () => rule(aPlus, minusDep, -wMax, wMax),
              ),
          );
          c.get('lp').get('j').i32Const(3).i32Shl().f64Load(L.trace).f64Mul().set('lpt');
          c.get('j').i32Const(2).i32Shl().tee('j').i32Load(L.outStart).i32Const(2).i32Shl().set('k');
          c.get('j').i32Load(L.outStart + 4).i32Const(2).i32Shl().set('ke');
          c.get('events').get('ke').get('k').i32Sub().i32Const(2).i32ShrU().i32Add().set('events');
          c.get('k').i32Const(1).i32Shl().set('kw');
          if (simd) {
            c.get('ld').f64x2Splat().set('ldV');
            c.get('lo').f64x2Splat().set('loV');
            c.get('hi').f64x2Splat().set('hiV');
            c.get('f').f64x2Splat().set('fV');
            // pairs while k + 1 < ke (signed: ke − 4 is negative for an empty list at 0)
            c.get('ke').i32Const(4).i32Sub().set('kp');
            c.get('k').get('kp').i32LtS().if(() =>
              c.loop('pairs', () => {
                plasticPair(c, gated, rows);
                c.get('kw').i32Const(16).i32Add().set('kw');
                c.get('k').i32Const(8).i32Add().tee('k').get('kp').i32LtS().brIf('pairs');
              }),
            );
          }
          forEach(c, 'k', 'ke', 4, () => {
            c.get('k').i32Load(L.outPost).set('i');
            c.get('kw').f64Load(L.W).set('w');
            // I[i] = I[i] + w·f
            c.get('i').i32Const(3).i32Shl().get('i').i32Const(3).i32Shl().f64Load(L.I).get('w').get('f').f64Mul().f64Add().f64Store(L.I);
            // nw = w + ((last[i] === t ? lpt : 0) + ld·trace[i])  (this select is predictable: posts rarely spike together)
            c.get('w');
            const a = (): void => void c.get('lpt').f64Const(0).get('i').i32Const(2).i32Shl().i32Load(L.last).get('t').i32Eq().select();
            const b = (): void => void c.get('ld').get('i').i32Const(3).i32Shl().f64Load(L.trace).f64Mul();
            if (gated) {
              c.get('i').i32Const(3).i32Shl().f64Load(L.calcium).set('cal');
              c.get('cal').get('ltpLo').f64Gt().get('cal').get('ltpHi').f64Lt().i32And().set('ltp');
              c.get('cal').get('ltdLo').f64Gt().get('cal').get('ltdHi').f64Lt().i32And().set('ltd');
              gate(c, a);
              gate(c, b);
            } else {
              a();
              b();
            }
            c.f64Add().f64Add().set('nw');
            clipAndStore(c);
            c.get('nw').get('w').f64Sub().set('dd');
            c.get('i').i32Const(3).i32Shl().tee('i');
            c.get('i').f64Load(L.J).get('dd').f64Const(E1).f64Mul().f64Add().f64Store(L.J);
            if (rows) c.get('i').get('i').f64Load(L.rowSum).get('dd').f64Add().f64Store(L.rowSum);
            c.get('kw').i32Const(8).i32Add().set('kw');
          });
        });
        addCounter(c, H_EV, 'events');
        addCounter(c, H_UPD, 'events');
      },
    );
  }

  /** potentiateRange for in-synapses q, q+1 in f64x2 lanes; dJ and dRow still add lane 0, then lane 1 */
  const potentiatePair = (c: Code, kind: 'exc' | 'inh' | 'input', pres: number, syns: number, bounds: [number, number], rows: boolean): void => {
    c.get('q').i32Load(pres).i32Const(3).i32Shl().set('j0');
    c.get('q').i32Load(pres + 4).i32Const(3).i32Shl().set('j1');
    c.get('j0').i32Const(1).i32ShrU().i32Load(L.last).set('l0');
    c.get('j1').i32Const(1).i32ShrU().i32Load(L.last).set('l1');
    c.get('j1').get('j0').v128Load64Zero(L.trace).v128Load64Lane(1, L.trace).set('trV');
    // skip = trace == 0 || last == t
    c.get('trV').get('zeroV').f64x2Eq();
    c.get('l0').i32x4Splat().get('l1').i32x4ReplaceLane(1).tee('lV').get('tV').i32x4Eq().i64x2ExtendLowI32x4S();
    c.v128Or().tee('skipV');
    // skipped lanes are −1: the range's update count is its length + the sum of skipV
    c.get('skipsV').i64x2Add().set('skipsV');
    c.get('q').i32Load(syns).i32Const(3).i32Shl().set('k0');
    c.get('q').i32Load(syns + 4).i32Const(3).i32Shl().set('k1');
    c.get('k1').get('k0').v128Load64Zero(L.W).v128Load64Lane(1, L.W).set('wV');
    // nw = clip(w + lp·trace); W keeps its bits where skipped or nw == w
    c.get('wV').get(kind === 'inh' ? 'mdepV' : 'aPlusV').get('trV').f64x2Mul().f64x2Add();
    c.v128Const([...f64Bytes(bounds[0]), ...f64Bytes(bounds[0])]).f64x2Pmax();
    c.v128Const([...f64Bytes(bounds[1]), ...f64Bytes(bounds[1])]).f64x2Pmin().set('nwV');
    c.get('wV').get('nwV').get('skipV').get('nwV').get('wV').f64x2Eq().v128Or().v128Bitselect().set('nwV');
    c.get('k0').get('nwV').v128Store64Lane(0, L.W);
    c.get('k1').get('nwV').v128Store64Lane(1, L.W);
    c.get('nwV').get('wV').f64x2Sub().set('ddV');
    // d = min(tn − last[j], EK_MAX), as byte offsets into EK
    c.get('tnV').get('lV').i32x4Sub().get('ekMaxV').i32x4MinS().i32Const(3).i32x4Shl().tee('dV');
    c.i32x4ExtractLane(1).get('dV').i32x4ExtractLane(0);
    c.v128Load64Zero(L.EK).v128Load64Lane(1, L.EK).get('ddV').f64x2Mul().set('pV');
    c.get('dJ').get('pV').f64x2ExtractLane(0).f64Add().get('pV').f64x2ExtractLane(1).f64Add().set('dJ');
    if (rows) c.get('dRow').get('ddV').f64x2ExtractLane(0).f64Add().get('ddV').f64x2ExtractLane(1).f64Add().set('dRow');
  };

  /**
   * potentiateRange(i, pres, syns, q, qe) inline, for one kind of pre: 'exc' and 'inh' (the
   * liquid part of the in-list, split at inExcEnd so the rule is a constant) or 'input' (the
   * active in-lists). dJ and dRow take dd on every visited synapse, ±0 where W is unchanged
   * (see propagatePlastic); the caller adds them to J and rowSum once per range, as simulator.ts.
   */
  const potentiateRange = (c: Code, kind: 'exc' | 'inh' | 'input', pres: number, syns: number, rows: boolean): void => {
    const bounds: [number, number] = kind === 'exc' ? [0, wMax] : kind === 'inh' ? [-wMax, 0] : [-wMax, wMax];
    if (simd) {
      c.get('qe').i32Const(4).i32Sub().set('qp');
      c.get('q').get('qp').i32LtS().if(() => {
        // every pair is 2 visits (the count of pairs is (qe − q) / 8 bytes), less the skips
        c.get('updates').get('qe').get('q').i32Sub().i32Const(3).i32ShrU().i32Const(1).i32Shl().i32Add().set('updates');
        c.get('zeroV').set('skipsV');
        c.loop('pairs', () => {
          potentiatePair(c, kind, pres, syns, bounds, rows);
          c.get('q').i32Const(8).i32Add().tee('q').get('qp').i32LtS().brIf('pairs');
        });
        c.get('updates').get('skipsV').i64x2ExtractLane(0).i32WrapI64().i32Add().get('skipsV').i64x2ExtractLane(1).i32WrapI64().i32Add().set('updates');
      });
    }
    forEach(c, 'q', 'qe', 4, () => {
      // skip (W kept, dd = +0) when the pre has no trace or spiked now (done in propagatePlastic);
      // branch-free, as a third of the visits skip, at random
      c.get('q').i32Load(pres).tee('j').i32Const(3).i32Shl().f64Load(L.trace).tee('trj');
      c.f64Const(0).f64Eq().get('j').i32Const(2).i32Shl().i32Load(L.last).tee('lj').get('t').i32Eq().i32Or().set('skip');
      c.get('updates').i32Const(1).i32Add().get('skip').i32Sub().set('updates');
      c.get('q').i32Load(syns).i32Const(3).i32Shl().tee('kw').f64Load(L.W).tee('w');
      c.get(kind === 'inh' ? 'mdep' : 'aPlus').get('trj').f64Mul().f64Add().set('nw');
      clipAndStore(c, () => c.get('skip'), bounds);
      c.get('nw').get('w').f64Sub().set('dd');
      // d = min(tn − last[j], EK_MAX)
      c.i32Const(EK_MAX).get('tn').get('lj').i32Sub().tee('d').get('d').i32Const(EK_MAX).i32GtS().select();
      c.i32Const(3).i32Shl().f64Load(L.EK).get('dd').f64Mul().get('dJ').f64Add().set('dJ');
      if (rows) c.get('dRow').get('dd').f64Add().set('dRow');
    });
  };

  /** J[i] += dJ; rowSum[i] += dRow, once per range as in potentiateRange */
  const flushRange = (c: Code, rows: boolean): void => {
    c.get('i8').get('i8').f64Load(L.J).get('dJ').f64Add().f64Store(L.J);
    if (rows) c.get('i8').get('i8').f64Load(L.rowSum).get('dRow').f64Add().f64Store(L.rowSum);
    c.f64Const(0).set('dJ').f64Const(0).set('dRow');
  };

  /**
   * potentiate: item 9, the pre-before-post term for liquid spikers. Gated (AP-STDP): per spiker,
   * potentiation aPlus only in the LTP window, depression only in the LTD window, else 0.
   */
  for (const [gated, rows] of variants) {
    m.func(
      kernelName(gated ? 'potentiateGated' : 'potentiate', rows),
      {
        params: gated
          ? { spk: I32, n: I32, t: I32, aPlus: F64, dep: F64, ltpLo: F64, ltpHi: F64, ltdLo: F64, ltdHi: F64 }
          : { spk: I32, n: I32, t: I32, aPlus: F64, dep: F64 },
        locals: {
          rate: F64, cal: F64,
          se: I32, i: I32, i8: I32, q: I32, qe: I32, j: I32, lj: I32, kw: I32, d: I32, tn: I32, updates: I32, skip: I32,
          trj: F64, mdep: F64, dJ: F64, dRow: F64, ...clipLocals,
          qp: I32, j0: I32, j1: I32, l0: I32, l1: I32, k0: I32, k1: I32,
          lV: V128, dV: V128, tnV: V128, ekMaxV: V128, skipsV: V128, trV: V128, skipV: V128, wV: V128, nwV: V128, ddV: V128, pV: V128, zeroV: V128, tV: V128, aPlusV: V128, mdepV: V128,
        },
      },
      (c) => {
        c.get('t').i32Const(1).i32Add().set('tn');
        const rates = (): void => {
          c.get('dep').f64Neg().set('mdep');
          c.get('mdep').f64x2Splat().set('mdepV');
          c.get('aPlus').f64x2Splat().set('aPlusV');
        };
        // the gated variant takes A+ in `dep` and sets aPlus, dep per spiker
        if (gated) c.get('dep').set('rate');
        else rates();
        c.get('t').i32x4Splat().set('tV');
        c.get('tn').i32x4Splat().set('tnV');
        c.i32Const(EK_MAX).i32x4Splat().set('ekMaxV');
        c.get('spk').get('n').i32Const(2).i32Shl().i32Add().set('se');
        forEach(c, 'spk', 'se', 4, () => {
          c.get('spk').i32Load().tee('i').i32Const(NL).i32GeS().brIf('next');
          c.get('i').i32Const(3).i32Shl().set('i8');
          if (gated) {
            // pot = ltp ? A+ : 0; dep = ltd ? A+ : 0
            c.get('i8').f64Load(L.calcium).set('cal');
            c.get('rate').f64Const(0).get('cal').get('ltpLo').f64Gt().get('cal').get('ltpHi').f64Lt().i32And().select().set('aPlus');
            c.get('rate').f64Const(0).get('cal').get('ltdLo').f64Gt().get('cal').get('ltdHi').f64Lt().i32And().select().set('dep');
            rates();
          }
          c.get('i').i32Const(2).i32Shl().tee('i').i32Load(L.inStart).i32Const(2).i32Shl().set('q');
          // the liquid pres (E then I: one range in simulator.ts, split here so the bounds are constants)
          c.get('i').i32Load(L.inExcEnd).i32Const(2).i32Shl().set('qe');
          potentiateRange(c, 'exc', L.inPre, L.inSyn, rows);
          c.get('i').i32Load(L.inLiquidEnd).i32Const(2).i32Shl().set('qe');
          potentiateRange(c, 'inh', L.inPre, L.inSyn, rows);
          flushRange(c, rows);
          c.get('i').i32Load(L.actStart).i32Const(2).i32Shl().set('q');
          c.get('i').i32Load(L.actFill).i32Const(2).i32Shl().set('qe');
          potentiateRange(c, 'input', L.actPre, L.actSyn, rows);
          flushRange(c, rows);
        });
        addCounter(c, H_UPD, 'updates');
      },
    );
  }

  /** applyPulses: ext[x] = inputCurrent for the inputs pulsed at step t */
  m.func('applyPulses', { params: { t: I32 }, locals: { k: I32, e: I32 } }, (c) => {
    c.get('t').i32Const(2).i32Shl().tee('e').i32Load(L.pulses).i32Const(2).i32Shl().i32Const(0).i32Load(H_PIN).i32Add().set('k');
    c.get('e').i32Load(L.pulses + 4).i32Const(2).i32Shl().i32Const(0).i32Load(H_PIN).i32Add().set('e');
    forEach(c, 'k', 'e', 4, () => {
      c.get('k').i32Load().i32Const(3).i32Shl().f64Const(NEURON.inputCurrent).f64Store(L.ext);
    });
  });

  // Refractoriness: simulator.ts keeps a counter R (rfr when the neuron spiked now, else R − 1)
  // and fires when R ≤ 0; R is private and only ever tested for ≤ 0, and R ≤ 0 exactly when
  // t − last ≥ rfr (last = −20 at the start gives t + 20 ≥ rfr). So no R array here: the test
  // reads `last`, which the update loads anyway.
  const neuronLocals = { tn: I32, tr0: I32, counted: I32, nNext: I32, astro: I32, spikes: I32, spiked: I32, lt: I32, d: I32, v: F64, tr: F64 };

  /** register neuron `n` (a local) as a spiker of step tn, and count it (items 1–3 after the threshold test) */
  const fire = (c: Code, plastic: boolean, n: string): void => {
    emitRegister(c, L, n);
    c.get('counted').if(() => {
      c.get(n).i32Const(2).i32Shl().tee('d').get('d').i32Load(L.counts).i32Const(1).i32Add().i32Store(L.counts);
      c.get('spikes').i32Const(1).i32Add().set('spikes');
      if (plastic) c.get('astro').get(n).i32Load8S(L.astroMask).i32Add().set('astro');
    });
  };

  /** one liquid neuron i, scalar (the odd one left after the pairs) */
  const liquidScalar = (c: Code, plastic: boolean): void => {
    c.get('i').i32Const(2).i32Shl().set('i4');
    c.get('i').i32Const(3).i32Shl().set('i8');
    // v = v + I[i] − v·(1/64)
    c.get('i8').f64Load(L.V).tee('v').get('i8').f64Load(L.I).f64Add().get('v').f64Const(inv).f64Mul().f64Sub().set('v');
    if (plastic) {
      // I[i] = I[i]·e^{−1} + J[i]; J[i] = 0
      c.get('i8').get('i8').f64Load(L.I).f64Const(E1).f64Mul().get('i8').f64Load(L.J).f64Add().f64Store(L.I);
      c.get('i8').f64Const(0).f64Store(L.J);
    } else {
      c.get('i8').get('i8').f64Load(L.I).f64Const(E1).f64Mul().f64Store(L.I);
    }
    c.get('i4').i32Load(L.last).tee('lt').get('t').i32Eq().set('spiked');
    if (plastic) {
      // trace = d·(spiked ? trace + a : trace)
      c.get('i8').f64Const(STDP.d);
      c.get('i8').f64Load(L.trace).tee('tr').f64Const(STDP.a).f64Add().get('tr').get('spiked').select();
      c.f64Mul().f64Store(L.trace);
    }
    c.get('lt').get('tr0').i32LeS().get('v').f64Const(theta).f64Ge().i32And().if(() => {
      fire(c, plastic, 'i');
      c.f64Const(0).set('v');
    });
    c.get('i8').get('v').f64Store(L.V);
  };

  /**
   * two liquid neurons i, i+1 in f64x2/i32x4 lanes: the same IEEE operations per lane; the rare
   * spikers are then registered one by one, in index order.
   */
  const liquidPair = (c: Code, plastic: boolean): void => {
    c.get('i').i32Const(2).i32Shl().set('i4');
    c.get('i').i32Const(3).i32Shl().set('i8');
    c.get('i8').v128Load(L.V).tee('vV').get('i8').v128Load(L.I).f64x2Add().get('vV').get('invV').f64x2Mul().f64x2Sub().set('vV');
    if (plastic) {
      c.get('i8').get('i8').v128Load(L.I).get('e1V').f64x2Mul().get('i8').v128Load(L.J).f64x2Add().v128Store(L.I);
      c.get('i8').get('zeroV').v128Store(L.J);
    } else {
      c.get('i8').get('i8').v128Load(L.I).get('e1V').f64x2Mul().v128Store(L.I);
    }
    // spiked (i32 lanes 0, 1) = last == t
    c.get('i4').v128Load64Zero(L.last).tee('lastV').get('tV').i32x4Eq().set('m32');
    if (plastic) {
      c.get('i8').get('dV');
      c.get('i8').v128Load(L.trace).tee('trV').get('aV').f64x2Add().get('trV').get('m32').i64x2ExtendLowI32x4S().v128Bitselect();
      c.f64x2Mul().v128Store(L.trace);
    }
    // fire = not refractory && v >= theta, as a lane bitmask
    c.get('lastV').get('tr0V').i32x4LeS().i64x2ExtendLowI32x4S().get('vV').get('thetaV').f64x2Ge().v128And().tee('fireV');
    c.i64x2Bitmask().tee('fired').if(
      () => {
        c.get('i8').get('zeroV').get('vV').get('fireV').v128Bitselect().v128Store(L.V);
        c.get('fired').i32Const(1).i32And().if(() => fire(c, plastic, 'i'));
        c.get('fired').i32Const(2).i32And().if(() => {
          c.get('i').i32Const(1).i32Add().set('n');
          fire(c, plastic, 'n');
        });
      },
      () => c.get('i8').get('vV').v128Store(L.V),
    );
  };

  const splat = (c: Code, v: number, name: string): void => void c.f64Const(v).f64x2Splat().set(name);
  const isplat = (c: Code, v: () => void, name: string): void => {
    v();
    c.i32x4Splat().set(name);
  };

  /** updateLiquid{Static,Plastic}: items 6–8 (and 10, the J correction) of step t, then 1–3 of t+1 */
  for (const plastic of [false, true]) {
    m.func(
      plastic ? 'updateLiquidPlastic' : 'updateLiquidStatic',
      {
        params: { t: I32, T: I32, spkN: I32, facN: I32 },
        locals: {
          ...neuronLocals, i: I32, i4: I32, i8: I32, n: I32, fired: I32,
          vV: V128, trV: V128, lastV: V128, m32: V128, fireV: V128,
          invV: V128, e1V: V128, zeroV: V128, tV: V128, tr0V: V128, dV: V128, aV: V128, thetaV: V128,
        },
      },
      (c) => {
        c.get('t').i32Const(1).i32Add().tee('tn').get('T').i32LtS().set('counted');
        c.get('t').i32Const(rfr).i32Sub().set('tr0');
        c.i32Const(0).i32Load(H_NNEXT).set('nNext');
        splat(c, inv, 'invV');
        splat(c, E1, 'e1V');
        splat(c, STDP.d, 'dV');
        splat(c, STDP.a, 'aV');
        splat(c, theta, 'thetaV');
        isplat(c, () => c.get('t'), 'tV');
        isplat(c, () => c.get('tr0'), 'tr0V');
        c.i32Const(0).set('i');
        if (simd && NL >= 2) {
          c.loop('pairs', () => {
            liquidPair(c, plastic);
            c.get('i').i32Const(2).i32Add().tee('i').i32Const(NL - 1).i32LtS().brIf('pairs');
          });
        }
        if (simd) {
          if (NL % 2 === 1) liquidScalar(c, plastic);
        } else {
          c.loop('neurons', () => {
            liquidScalar(c, plastic);
            c.get('i').i32Const(1).i32Add().tee('i').i32Const(NL).i32LtS().brIf('neurons');
          });
        }
        c.i32Const(0).get('nNext').i32Store(H_NNEXT);
        c.i32Const(0).get('astro').i32Store(H_ASTRO);
        c.i32Const(0).i32Const(0).i32Load(H_LIQ).get('spikes').i32Add().i32Store(H_LIQ);
      },
    );
  }

  /** updateInputs{Static,Plastic}: the same for the active input neurons (trace cut below 1e-30) */
  for (const plastic of [false, true]) {
    m.func(
      plastic ? 'updateInputsPlastic' : 'updateInputsStatic',
      { params: { t: I32, T: I32, spkN: I32, facN: I32 }, locals: { ...neuronLocals, a: I32, ae: I32, n: I32, n4: I32, n8: I32, x8: I32 } },
      (c) => {
        c.get('t').i32Const(1).i32Add().tee('tn').get('T').i32LtS().set('counted');
        c.get('t').i32Const(rfr).i32Sub().set('tr0');
        c.i32Const(0).i32Load(H_NNEXT).set('nNext');
        c.i32Const(0).i32Load(H_ASTRO).set('astro');
        c.i32Const(0).set('a').i32Const(0).i32Load(H_NACT).i32Const(2).i32Shl().set('ae');
        forEach(c, 'a', 'ae', 4, () => {
          c.get('a').i32Load(L.activeInputs).tee('n').i32Const(2).i32Shl().set('n4');
          c.get('n').i32Const(3).i32Shl().set('n8');
          c.get('n').i32Const(NL).i32Sub().i32Const(3).i32Shl().set('x8');
          // v = v + ext[x] − v·(1/64); ext[x] = 0
          c.get('n8').f64Load(L.V).tee('v').get('x8').f64Load(L.ext).f64Add().get('v').f64Const(inv).f64Mul().f64Sub().set('v');
          c.get('x8').f64Const(0).f64Store(L.ext);
          c.get('n4').i32Load(L.last).tee('lt').get('t').i32Eq().set('spiked');
          if (plastic) {
            c.f64Const(STDP.d);
            c.get('n8').f64Load(L.trace).tee('tr').f64Const(STDP.a).f64Add().get('tr').get('spiked').select();
            c.f64Mul().set('tr');
            // if (tr < 1e-30) tr = 0
            c.get('n8').f64Const(0).get('tr').get('tr').f64Const(1e-30).f64Lt().select().f64Store(L.trace);
          }
          c.get('lt').get('tr0').i32LeS().get('v').f64Const(theta).f64Ge().i32And().if(() => {
            emitRegister(c, L, 'n');
            c.f64Const(0).set('v');
            c.get('counted').if(() => {
              c.get('spikes').i32Const(1).i32Add().set('spikes');
              c.get('astro').get('n').i32Load8S(L.astroMask).i32Add().set('astro');
            });
          });
          c.get('n8').get('v').f64Store(L.V);
        });
        c.i32Const(0).get('nNext').i32Store(H_NNEXT);
        c.i32Const(0).get('astro').i32Store(H_ASTRO);
        c.i32Const(0).i32Const(0).i32Load(H_INP).get('spikes').i32Add().i32Store(H_INP);
      },
    );
  }

  /** AP-STDP item 4: C ← C − C/τ_C + S, with this step's spikes, before the weight updates */
  m.func('updateCalcium', { params: { t: I32, tau: F64 }, locals: { i: I32, e: I32, a: I32, cal: F64 } }, (c) => {
    c.i32Const(0).set('i').i32Const(4 * NL).set('e');
    forEach(c, 'i', 'e', 4, () => {
      c.get('i').i32Const(1).i32Shl().tee('a');
      c.get('a').f64Load(L.calcium).tee('cal').get('cal').get('tau').f64Div().f64Sub();
      c.f64Const(1).f64Const(0).get('i').i32Load(L.last).get('t').i32Eq().select().f64Add();
      c.f64Store(L.calcium);
    });
  });

  /** one step t: propagate (+ STDP), pulses, neuron updates, swap; returns the astrocyte input */
  for (const [mode, rows] of [['static', true], ['plastic', true], ['gated', true], ['plastic', false], ['gated', false]] as const) {
    const plastic = mode !== 'static';
    const params: Record<string, ValType> =
      mode === 'static'
        ? { t: I32, T: I32 }
        : mode === 'plastic'
          ? { t: I32, T: I32, aPlus: F64, dep: F64 }
          : { t: I32, T: I32, aPlus: F64, tauC: F64, ltpLo: F64, ltpHi: F64, ltdLo: F64, ltdHi: F64 };
    const name = kernelName(mode === 'static' ? 'stepStatic' : mode === 'plastic' ? 'stepPlastic' : 'stepGated', rows);
    m.func(name, { params, results: [I32], locals: { par: I32, spk: I32, fac: I32, spkN: I32, facN: I32, n: I32 } }, (c) => {
      c.i32Const(0).i32Load(H_PAR).set('par');
      c.i32Const(L.spkB).i32Const(L.spkA).get('par').select().set('spk');
      c.i32Const(L.facB).i32Const(L.facA).get('par').select().set('fac');
      c.i32Const(L.spkA).i32Const(L.spkB).get('par').select().set('spkN');
      c.i32Const(L.facA).i32Const(L.facB).get('par').select().set('facN');
      c.i32Const(0).i32Load(H_NSPK).set('n');
      const gate = (): void => void c.get('ltpLo').get('ltpHi').get('ltdLo').get('ltdHi');
      if (mode === 'gated') {
        c.get('t').get('tauC').call('updateCalcium');
        c.get('spk').get('fac').get('n').get('t').get('aPlus').get('aPlus');
        gate();
        c.call(kernelName('propagateGated', rows));
        c.get('spk').get('n').get('t').f64Const(0).get('aPlus');
        gate();
        c.call(kernelName('potentiateGated', rows));
      } else if (plastic) {
        c.get('spk').get('fac').get('n').get('t').get('aPlus').get('dep').call(kernelName('propagatePlastic', rows));
        c.get('spk').get('n').get('t').get('aPlus').get('dep').call(kernelName('potentiate', rows));
      } else {
        c.get('spk').get('fac').get('n').call('propagateStatic');
      }
      c.get('t').call('applyPulses');
      c.i32Const(0).i32Const(0).i32Store(H_NNEXT);
      c.i32Const(0).i32Const(0).i32Store(H_ASTRO);
      c.get('t').get('T').get('spkN').get('facN').call(plastic ? 'updateLiquidPlastic' : 'updateLiquidStatic');
      c.get('t').get('T').get('spkN').get('facN').call(plastic ? 'updateInputsPlastic' : 'updateInputsStatic');
      // swap: the spikes registered for t+1 become current (none past the last step)
      c.i32Const(0).get('par').i32Const(1).i32Xor().i32Store(H_PAR);
      c.i32Const(0).i32Const(0).i32Load(H_NNEXT).i32Const(0).get('t').i32Const(1).i32Add().get('T').i32LtS().select().i32Store(H_NSPK);
      c.i32Const(0).i32Load(H_ASTRO);
    });
  }

  return m
    .exportOnly(['rowSums', 'initCurrents', 'markInputs', 'buildActive', 'restoreRows', 'stepStatic', 'stepPlastic', 'stepGated', 'stepPlasticNoRows', 'stepGatedNoRows'])
    .build();
}

// ---------------------------------------------------------------------------------------------

interface Exports {
  rowSums(): void;
  initCurrents(): void;
  markInputs(steps: number, traced: number): number;
  buildActive(m: number): void;
  restoreRows(m: number): void;
  stepStatic(t: number, T: number): number;
  stepPlastic(t: number, T: number, aPlus: number, dep: number): number;
  stepGated(t: number, T: number, aPlus: number, tauC: number, ltpLo: number, ltpHi: number, ltdLo: number, ltdHi: number): number;
  stepPlasticNoRows(t: number, T: number, aPlus: number, dep: number): number;
  stepGatedNoRows(t: number, T: number, aPlus: number, tauC: number, ltpLo: number, ltpHi: number, ltdLo: number, ltdHi: number): number;
}

interface Views {
  buffer: ArrayBuffer;
  i32: Int32Array;
  f64: Float64Array;
  W: Float64Array;
  W0: Float64Array;
  rowSum: Float64Array;
  rowSum0: Float64Array;
  V: Float64Array;
  J: Float64Array;
  last: Int32Array;
  trace: Float64Array;
  calcium: Float64Array;
  counts: Int32Array;
  astroMask: Int8Array;
  spkA: Int32Array;
  spkB: Int32Array;
}

export class WasmSimulator implements SimulatorLike {
  readonly c: CompiledNetwork;
  private readonly L: Layout;
  private readonly memory: WasmMemory;
  private readonly x: Exports;
  private v: Views;
  /**
   * Where W may differ from W0: 'rows' after one plastic sample since W0 was last in force (the
   * rows restoreRows copies), 'all' after more, or before any setWeights. Direct writes into the
   * W view are not tracked: use setWeights.
   */
  private dirty: 'none' | 'rows' | 'all' = 'all';
  /** set by a run with keepRowSums: false; rowSum is then recomputed from W before it is next read */
  private rowSumStale = false;

  /** Throws when WebAssembly is unavailable or the memory cannot be allocated. */
  constructor(c: CompiledNetwork, opts: WasmSimulatorOptions = {}) {
    const api = wasmApi();
    if (api === undefined) throw new Error('WebAssembly is not available');
    this.c = c;
    const L = layout(c);
    this.L = L;
    const bytes = L.pulses + pulseBytes(PULSE_STEPS0, PULSES0);
    const pages = Math.ceil(bytes / PAGE_BYTES);
    if (pages > 65536) throw new Error(`the network needs ${bytes} bytes, more than a wasm32 memory holds`);
    this.memory = new api.Memory({ initial: pages });
    const mod = new api.Module(buildModule(c, L, pages, { simd: opts.simd ?? wasmSimdAvailable() }));
    this.x = new api.Instance(mod, { env: { mem: this.memory } }).exports as unknown as Exports;
    this.v = this.makeViews();

    const buf = this.memory.buffer;
    const put = (at: number, a: Int32Array): void => new Int32Array(buf, at, a.length).set(a);
    put(L.outStart, c.outStart);
    put(L.outPost, c.outPost);
    put(L.inStart, c.inStart);
    put(L.inPre, c.inPre);
    put(L.inSyn, c.inSyn);
    put(L.inLiquidEnd, c.inLiquidEnd);
    const excEnd = new Int32Array(c.NL);
    for (let i = 0; i < c.NL; i++) {
      let q = c.inStart[i];
      while (q < c.inLiquidEnd[i] && c.inPre[q] < c.NE) q++;
      excEnd[i] = q;
    }
    put(L.inExcEnd, excEnd);
    put(L.actStart, activeListBases(c));
    new Float64Array(buf, L.EK, EK.length).set(EK);
    this.v.astroMask.fill(1, 0, c.NL);
    this.v.astroMask.fill(-1, c.NL, c.N);
  }

  private makeViews(): Views {
    const { L, c } = this;
    const buf = this.memory.buffer;
    const f64 = (at: number, n: number): Float64Array => new Float64Array(buf, at, n);
    const i32 = (at: number, n: number): Int32Array => new Int32Array(buf, at, n);
    return {
      buffer: buf,
      i32: i32(0, HEADER_BYTES / 4),
      f64: f64(0, HEADER_BYTES / 8),
      W: f64(L.W, c.S),
      W0: f64(L.W0, c.S),
      rowSum: f64(L.rowSum, c.NL),
      rowSum0: f64(L.rowSum0, c.NL),
      V: f64(L.V, c.N),
      J: f64(L.J, c.NL),
      last: i32(L.last, c.N),
      trace: f64(L.trace, c.N),
      calcium: f64(L.calcium, c.NL),
      counts: i32(L.counts, c.NL),
      astroMask: new Int8Array(buf, L.astroMask, c.N),
      spkA: i32(L.spkA, c.N),
      spkB: i32(L.spkB, c.N),
    };
  }

  /** the views, remade when the memory has grown (which detaches the old buffer) */
  private views(): Views {
    if (this.v.buffer !== this.memory.buffer) this.v = this.makeViews();
    return this.v;
  }

  /** working weights, by synapse id (a view into the wasm memory) */
  get W(): Float64Array {
    return this.views().W;
  }
  /** per-post Σ_j W_ij */
  get rowSum(): Float64Array {
    return this.views().rowSum;
  }
  get V(): Float64Array {
    return this.views().V;
  }
  get trace(): Float64Array {
    return this.views().trace;
  }
  /** AP-STDP calcium per liquid neuron; like W and the trace it is never reset by a sample */
  get calcium(): Float64Array {
    return this.views().calcium;
  }
  /** liquid spike counts of the last sample */
  get counts(): Int32Array {
    return this.views().counts;
  }
  /** astrocyte mask: +1 liquid, −1 input, 0 not connected to the astrocyte */
  get astroMask(): Int8Array {
    return this.views().astroMask;
  }

  /** Bytes of wasm memory in use (grows with the largest sample seen). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  setWeights(W: Float64Array): void {
    if (W.length !== this.c.S) throw new Error(`expected ${this.c.S} weights, got ${W.length}`);
    const v = this.views();
    v.W.set(W);
    v.W0.set(v.W);
    this.x.rowSums();
    v.rowSum0.set(v.rowSum);
    this.rowSumStale = false;
    this.dirty = 'none';
  }

  commitWeights(): void {
    const v = this.views();
    if (this.rowSumStale) this.x.rowSums();
    this.rowSumStale = false;
    v.W0.set(v.W);
    v.rowSum0.set(v.rowSum);
    this.dirty = 'none';
  }

  restoreWeights(): void {
    const v = this.views();
    if (this.dirty === 'rows') this.x.restoreRows(v.i32[H_NACT >> 2]);
    else if (this.dirty === 'all') v.W.set(v.W0);
    this.dirty = 'none';
    v.rowSum.set(v.rowSum0);
    this.rowSumStale = false;
  }

  resetTrace(): void {
    this.views().trace.fill(0);
  }

  resetCalcium(): void {
    this.views().calcium.fill(0);
  }

  runStatic(p: Pulses, raster: Raster | null = null, stats?: SampleStats): Int32Array {
    return this.run(p, null, raster, stats);
  }

  runPlastic(p: Pulses, cfg: PlasticityConfig, raster: Raster | null = null, stats?: SampleStats): Int32Array {
    return this.run(p, cfg, raster, stats);
  }

  /** Copy the pulses in (growing the memory if needed); reset V, Δ, I, J, counts; list the active inputs. */
  private resetState(p: Pulses, plastic: boolean): void {
    const { L, c } = this;
    const T = p.steps;
    const nPulses = p.start[T];
    const need = L.pulses + pulseBytes(T, nPulses);
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE_BYTES));
    const v = this.views();
    const buf = v.buffer;
    new Int32Array(buf, L.pulses, T + 1).set(p.start.subarray(0, T + 1));
    const pin = L.pulses + 4 * (T + 1);
    new Int32Array(buf, pin, nPulses).set(p.input.subarray(0, nPulses));
    v.V.fill(0);
    v.last.fill(-NEURON.deltaInit);
    v.counts.fill(0);
    v.J.fill(0);
    const h = v.i32;
    h[H_PIN >> 2] = pin;
    h[H_PAR >> 2] = 0;
    h[H_NSPK >> 2] = 0;
    h[H_LIQ >> 2] = 0;
    h[H_INP >> 2] = 0;
    v.f64[H_EV >> 3] = 0;
    v.f64[H_UPD >> 3] = 0;
    if (this.rowSumStale) this.x.rowSums();
    this.rowSumStale = false;
    this.x.initCurrents();
    const m = this.x.markInputs(T, plastic ? 1 : 0);
    if (m < 0) {
      for (let k = 0; k < nPulses; k++) {
        const x = p.input[k];
        if (x < 0 || x >= c.NX) throw new Error(`pulse input ${x} is outside 0..${c.NX - 1}`);
      }
      throw new Error('pulse input outside the inputs');
    }
    if (plastic) this.x.buildActive(m);
  }

  private run(p: Pulses, cfg: PlasticityConfig | null, raster: Raster | null, stats?: SampleStats): Int32Array {
    const plastic = cfg !== null;
    const gated = plastic && cfg.rule === 'apstdp';
    const lr = new LearningRates(cfg);
    this.resetState(p, plastic);
    const x = this.x;
    const T = p.steps;
    const rows = !plastic || cfg.keepRowSums !== false;
    const stepGated = rows ? x.stepGated : x.stepGatedNoRows;
    const stepPlastic = rows ? x.stepPlastic : x.stepPlasticNoRows;
    let astroNow = 0;
    let astroNext = 0;
    for (let t = 0; t < T; t++) {
      if (gated) astroNext = stepGated(t, T, lr.aPlus, lr.tauC, lr.ltpLo, lr.ltpHi, lr.ltdLo, lr.ltdHi);
      else if (plastic) astroNext = stepPlastic(t, T, lr.aPlus, lr.depression);
      else astroNext = x.stepStatic(t, T);
      if (raster !== null) this.record(raster, t + 1);
      // item 11: the astrocyte integrates this step's (liquid − input) spikes; item 12: decays
      lr.endStep(astroNow);
      astroNow = astroNext;
    }
    if (!rows) this.rowSumStale = true;
    if (plastic) this.dirty = this.dirty === 'none' ? 'rows' : 'all';
    const v = this.views();
    if (stats) {
      stats.liquidSpikes = v.i32[H_LIQ >> 2];
      stats.inputSpikes = v.i32[H_INP >> 2];
      stats.synapticEvents = v.f64[H_EV >> 3];
      stats.stdpUpdates = v.f64[H_UPD >> 3];
      stats.astroA = plastic && cfg.rule === 'astro' ? lr.A : 0;
      stats.aPlus = plastic ? lr.aPlus : 0;
    }
    return v.counts;
  }

  /** the spikes registered for step tn (all counted: none are registered past the last step) */
  private record(raster: Raster, tn: number): void {
    const v = this.views();
    const n = v.i32[H_NSPK >> 2];
    const spk = v.i32[H_PAR >> 2] === 0 ? v.spkA : v.spkB;
    for (let s = 0; s < n; s++) raster.push(tn, spk[s]);
  }
}
