// A small WebAssembly binary assembler: enough of the MVP (plus bulk memory) to write numeric
// kernels from TypeScript without a toolchain or a binary blob.
//
// Function bodies are emitted with a chaining builder in stack-machine order, with named
// params/locals and named block labels (branch depths are computed from the label stack):
//
//   m.func('sum', { params: { p: I32, n: I32 }, results: [F64], locals: { s: F64, end: I32 } }, (c) => {
//     c.get('p').get('n').i32Const(3).i32Shl().i32Add().set('end');
//     c.block('done', () => c.loop('next', () => {
//       c.get('p').get('end').i32GeU().brIf('done');
//       c.get('s').get('p').f64Load().f64Add().set('s');
//       c.get('p').i32Const(8).i32Add().set('p').br('next');
//     }));
//     c.get('s');
//   });
//
// Only what src/core needs is here; it works in any engine with globalThis.WebAssembly
// (no node: imports, no DOM typings).

export type ValType = 0x7f | 0x7e | 0x7d | 0x7c | 0x7b;
export const I32: ValType = 0x7f;
export const I64: ValType = 0x7e;
export const F32: ValType = 0x7d;
export const F64: ValType = 0x7c;
export const V128: ValType = 0x7b;

export const PAGE_BYTES = 65536;

// ---------------------------------------------------------------------------------------------
// the WebAssembly JS API subset used (the project's lib has no wasm typings)

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** grows by `pages`; returns the old size in pages. Detaches the old buffer. */
  grow(pages: number): number;
}
export interface WasmInstance {
  exports: Record<string, unknown>;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
  Memory: new (desc: { initial: number; maximum?: number }) => WasmMemory;
}

export function wasmApi(): WasmApi | undefined {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  return api !== undefined && typeof api.Module === 'function' ? api : undefined;
}

let available: boolean | undefined;

/** Whether this engine can compile and run a module built by this assembler. */
export function wasmAvailable(): boolean {
  if (available !== undefined) return available;
  available = false;
  const api = wasmApi();
  if (api === undefined) return false;
  try {
    const m = new ModuleBuilder();
    m.importMemory('env', 'mem', 1);
    m.func('probe', { params: { a: I32 }, results: [I32] }, (c) => c.get('a').i32Const(1).i32Add());
    const bytes = m.build();
    if (!api.validate(bytes)) return false;
    const mem = new api.Memory({ initial: 1 });
    const inst = new api.Instance(new api.Module(bytes), { env: { mem } });
    available = (inst.exports.probe as (a: number) => number)(41) === 42;
  } catch {
    available = false;
  }
  return available;
}

let simdAvailable: boolean | undefined;

/** Whether this engine also runs fixed-width SIMD (v128), e.g. f64x2 arithmetic. */
export function wasmSimdAvailable(): boolean {
  if (simdAvailable !== undefined) return simdAvailable;
  simdAvailable = false;
  const api = wasmApi();
  if (api === undefined || !wasmAvailable()) return false;
  try {
    const m = new ModuleBuilder();
    m.importMemory('env', 'mem', 1);
    m.func('probe', { params: { a: F64 }, results: [F64] }, (c) => c.get('a').f64x2Splat().get('a').f64x2Splat().f64x2Add().f64x2ExtractLane(1));
    const bytes = m.build();
    if (!api.validate(bytes)) return false;
    const mem = new api.Memory({ initial: 1 });
    const inst = new api.Instance(new api.Module(bytes), { env: { mem } });
    simdAvailable = (inst.exports.probe as (a: number) => number)(1.5) === 3;
  } catch {
    simdAvailable = false;
  }
  return simdAvailable;
}

/**
 * A module compiled once per engine, on first use: `build` assembles it; null where WebAssembly is
 * missing, or the engine rejects the bytes (e.g. SIMD in an engine without it), or building throws.
 */
export function moduleOnce(build: () => Uint8Array): () => object | null {
  let cached: object | null | undefined;
  return () => {
    if (cached !== undefined) return cached;
    cached = null;
    const api = wasmApi();
    if (api === undefined) return null;
    try {
      const bytes = build();
      if (api.validate(bytes)) cached = new api.Module(bytes);
    } catch {
      cached = null;
    }
    return cached;
  };
}

// ---------------------------------------------------------------------------------------------
// encoders

export type Bytes = number[];

/** unsigned LEB128 (values up to 2^32 - 1) */
export function uleb(n: number): Bytes {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`uleb: ${n} is not a u32`);
  const out: Bytes = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** signed LEB128 of a 32-bit value (values >= 2^31 are taken as their two's complement) */
export function sleb(n: number): Bytes {
  n |= 0;
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

/** signed LEB128 of a 64-bit value */
export function sleb64(n: bigint): Bytes {
  const out: Bytes = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** the 8 little-endian bytes of a double, so constants are bit-exact */
export function f64Bytes(v: number): Bytes {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  const out: Bytes = [];
  for (let i = 0; i < 8; i++) out.push(dv.getUint8(i));
  return out;
}

function f32Bytes(v: number): Bytes {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, v, true);
  return [dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3)];
}

/** names are ASCII here (import/export names of our own modules) */
function asciiName(s: string): Bytes {
  const b: Bytes = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch > 0x7f) throw new Error(`name ${s} is not ASCII`);
    b.push(ch);
  }
  return [...uleb(b.length), ...b];
}

function vec(items: Bytes[]): Bytes {
  const out = uleb(items.length);
  for (const it of items) for (const b of it) out.push(b);
  return out;
}

function section(id: number, body: Bytes): Bytes {
  return [id, ...uleb(body.length), ...body];
}

// ---------------------------------------------------------------------------------------------
// function bodies

export interface FuncSig {
  params?: Record<string, ValType>;
  results?: ValType[];
  locals?: Record<string, ValType>;
}

/** Block result: none, or one value type. */
type BlockType = ValType | undefined;

/**
 * Emits one function body. Every method appends instructions and returns `this`.
 * Memory offsets are the memarg's constant byte offset, added to the address on the stack.
 */
export class Code {
  readonly bytes: Bytes = [];
  private readonly localIndex = new Map<string, number>();
  private readonly localTypes: ValType[] = [];
  private readonly nParams: number;
  /** innermost last; undefined for unlabeled blocks */
  private readonly labels: Array<string | undefined> = [];

  constructor(
    sig: FuncSig,
    private readonly funcIndex: (name: string) => number,
  ) {
    const params = Object.entries(sig.params ?? {});
    this.nParams = params.length;
    for (const [n, t] of params) this.declare(n, t);
    for (const [n, t] of Object.entries(sig.locals ?? {})) this.declare(n, t);
  }

  private declare(name: string, t: ValType): void {
    if (this.localIndex.has(name)) throw new Error(`local ${name} declared twice`);
    this.localIndex.set(name, this.localTypes.length);
    this.localTypes.push(t);
  }

  /** Declare an extra local mid-body (names are function-wide). */
  local(name: string, t: ValType): this {
    this.declare(name, t);
    return this;
  }

  /** local declarations, grouped into runs of one type */
  localsBytes(): Bytes {
    const runs: Bytes[] = [];
    const ts = this.localTypes.slice(this.nParams);
    for (let i = 0; i < ts.length; ) {
      let j = i;
      while (j < ts.length && ts[j] === ts[i]) j++;
      runs.push([...uleb(j - i), ts[i]]);
      i = j;
    }
    return vec(runs);
  }

  op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }

  private idx(name: string): Bytes {
    const i = this.localIndex.get(name);
    if (i === undefined) throw new Error(`unknown local ${name}`);
    return uleb(i);
  }

  private depth(label: string | number): Bytes {
    if (typeof label === 'number') return uleb(label);
    const i = this.labels.lastIndexOf(label);
    if (i < 0) throw new Error(`no enclosing block labelled ${label}`);
    return uleb(this.labels.length - 1 - i);
  }

  // locals
  get(name: string): this {
    return this.op(0x20, ...this.idx(name));
  }
  set(name: string): this {
    return this.op(0x21, ...this.idx(name));
  }
  tee(name: string): this {
    return this.op(0x22, ...this.idx(name));
  }

  // constants
  i32Const(v: number): this {
    return this.op(0x41, ...sleb(v));
  }
  i64Const(v: bigint): this {
    return this.op(0x42, ...sleb64(v));
  }
  f32Const(v: number): this {
    return this.op(0x43, ...f32Bytes(v));
  }
  f64Const(v: number): this {
    return this.op(0x44, ...f64Bytes(v));
  }

  // control flow
  private structured(opcode: number, label: string | undefined, type: BlockType, body: () => void): this {
    this.op(opcode, type ?? 0x40);
    this.labels.push(label);
    body();
    this.labels.pop();
    return this.op(0x0b);
  }
  /** `br label` jumps to the end of a block */
  block(label: string | undefined, body: () => void, type?: ValType): this {
    return this.structured(0x02, label, type, body);
  }
  /** `br label` jumps to the start of a loop */
  loop(label: string | undefined, body: () => void, type?: ValType): this {
    return this.structured(0x03, label, type, body);
  }
  /** pops an i32 condition */
  if(then: () => void, otherwise?: () => void, type?: ValType, label?: string): this {
    this.op(0x04, type ?? 0x40);
    this.labels.push(label);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    this.labels.pop();
    return this.op(0x0b);
  }
  br(label: string | number): this {
    return this.op(0x0c, ...this.depth(label));
  }
  brIf(label: string | number): this {
    return this.op(0x0d, ...this.depth(label));
  }
  return(): this {
    return this.op(0x0f);
  }
  unreachable(): this {
    return this.op(0x00);
  }
  nop(): this {
    return this.op(0x01);
  }
  call(name: string): this {
    return this.op(0x10, ...uleb(this.funcIndex(name)));
  }
  drop(): this {
    return this.op(0x1a);
  }
  /** pops (a, b, cond): a if cond != 0 else b */
  select(): this {
    return this.op(0x1b);
  }

  // memory: memarg = (log2 alignment, constant offset)
  private mem(opcode: number, align: number, offset: number): this {
    return this.op(opcode, align, ...uleb(offset));
  }
  i32Load(offset = 0): this {
    return this.mem(0x28, 2, offset);
  }
  i64Load(offset = 0): this {
    return this.mem(0x29, 3, offset);
  }
  f32Load(offset = 0): this {
    return this.mem(0x2a, 2, offset);
  }
  f64Load(offset = 0): this {
    return this.mem(0x2b, 3, offset);
  }
  i32Load8S(offset = 0): this {
    return this.mem(0x2c, 0, offset);
  }
  i32Load8U(offset = 0): this {
    return this.mem(0x2d, 0, offset);
  }
  i32Load16S(offset = 0): this {
    return this.mem(0x2e, 1, offset);
  }
  i32Load16U(offset = 0): this {
    return this.mem(0x2f, 1, offset);
  }
  i32Store(offset = 0): this {
    return this.mem(0x36, 2, offset);
  }
  i64Store(offset = 0): this {
    return this.mem(0x37, 3, offset);
  }
  f32Store(offset = 0): this {
    return this.mem(0x38, 2, offset);
  }
  f64Store(offset = 0): this {
    return this.mem(0x39, 3, offset);
  }
  i32Store8(offset = 0): this {
    return this.mem(0x3a, 0, offset);
  }
  i32Store16(offset = 0): this {
    return this.mem(0x3b, 1, offset);
  }
  memorySize(): this {
    return this.op(0x3f, 0x00);
  }
  memoryGrow(): this {
    return this.op(0x40, 0x00);
  }
  /** pops (dest, byte, n) */
  memoryFill(): this {
    return this.op(0xfc, ...uleb(11), 0x00);
  }
  /** pops (dest, src, n); overlapping ranges are fine */
  memoryCopy(): this {
    return this.op(0xfc, ...uleb(10), 0x00, 0x00);
  }

  // i32
  i32Eqz(): this { return this.op(0x45); }
  i32Eq(): this { return this.op(0x46); }
  i32Ne(): this { return this.op(0x47); }
  i32LtS(): this { return this.op(0x48); }
  i32LtU(): this { return this.op(0x49); }
  i32GtS(): this { return this.op(0x4a); }
  i32GtU(): this { return this.op(0x4b); }
  i32LeS(): this { return this.op(0x4c); }
  i32LeU(): this { return this.op(0x4d); }
  i32GeS(): this { return this.op(0x4e); }
  i32GeU(): this { return this.op(0x4f); }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32DivS(): this { return this.op(0x6d); }
  i32DivU(): this { return this.op(0x6e); }
  i32RemS(): this { return this.op(0x6f); }
  i32RemU(): this { return this.op(0x70); }
  i32And(): this { return this.op(0x71); }
  i32Or(): this { return this.op(0x72); }
  i32Xor(): this { return this.op(0x73); }
  i32Shl(): this { return this.op(0x74); }
  i32ShrS(): this { return this.op(0x75); }
  i32ShrU(): this { return this.op(0x76); }
  i32Clz(): this { return this.op(0x67); }
  i32Ctz(): this { return this.op(0x68); }
  i32Popcnt(): this { return this.op(0x69); }

  // f64
  f64Eq(): this { return this.op(0x61); }
  f64Ne(): this { return this.op(0x62); }
  f64Lt(): this { return this.op(0x63); }
  f64Gt(): this { return this.op(0x64); }
  f64Le(): this { return this.op(0x65); }
  f64Ge(): this { return this.op(0x66); }
  f64Abs(): this { return this.op(0x99); }
  f64Neg(): this { return this.op(0x9a); }
  f64Sqrt(): this { return this.op(0x9f); }
  f64Add(): this { return this.op(0xa0); }
  f64Sub(): this { return this.op(0xa1); }
  f64Mul(): this { return this.op(0xa2); }
  f64Div(): this { return this.op(0xa3); }
  /** IEEE min/max: NaN-propagating and -0 < +0 (unlike `a < b ? a : b`) */
  f64Min(): this { return this.op(0xa4); }
  f64Max(): this { return this.op(0xa5); }

  // conversions
  i32WrapI64(): this { return this.op(0xa7); }
  i32TruncF64S(): this { return this.op(0xaa); }
  i64ExtendI32S(): this { return this.op(0xac); }
  i64ExtendI32U(): this { return this.op(0xad); }
  /** exact for values below 2^24 (e.g. u16 counts) */
  f32ConvertI32U(): this { return this.op(0xb3); }
  f64ConvertI32S(): this { return this.op(0xb7); }
  f64ConvertI32U(): this { return this.op(0xb8); }
  f64ConvertI64S(): this { return this.op(0xb9); }
  /** bit casts: with i64 `select` (a cmov) they give branch-free f64 choices, which V8 otherwise compiles to jumps */
  i64ReinterpretF64(): this { return this.op(0xbd); }
  f64ReinterpretI64(): this { return this.op(0xbf); }
  i32ReinterpretF32(): this { return this.op(0xbc); }
  f32ReinterpretI32(): this { return this.op(0xbe); }

  // SIMD (0xfd prefix). f64x2 arithmetic is lane-wise IEEE, bit-identical to the scalar ops.
  private simd(code: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(code), ...imm);
  }
  /** memarg alignment is log2 bytes, capped by the access size */
  v128Load(offset = 0, align = 4): this { return this.simd(0x00, align, ...uleb(offset)); }
  v128Store(offset = 0, align = 4): this { return this.simd(0x0b, align, ...uleb(offset)); }
  v128Load32Splat(offset = 0): this { return this.simd(0x09, 2, ...uleb(offset)); }
  v128Load64Splat(offset = 0): this { return this.simd(0x0a, 3, ...uleb(offset)); }
  /** 4 bytes into lane 0, the rest zeroed */
  v128Load32Zero(offset = 0): this { return this.simd(0x5c, 2, ...uleb(offset)); }
  /** 8 bytes into lane 0, lane 1 zeroed */
  v128Load64Zero(offset = 0): this { return this.simd(0x5d, 3, ...uleb(offset)); }
  /** pops (address, vector): replaces one 64-bit lane with the loaded value */
  v128Load64Lane(lane: number, offset = 0): this { return this.simd(0x57, 3, ...uleb(offset), lane); }
  v128Load32Lane(lane: number, offset = 0): this { return this.simd(0x56, 2, ...uleb(offset), lane); }
  /** pops (address, vector): stores one 64-bit lane */
  v128Store64Lane(lane: number, offset = 0): this { return this.simd(0x5b, 3, ...uleb(offset), lane); }
  /** two f64 lanes rounded to f32 in lanes 0, 1; lanes 2, 3 zeroed */
  f32x4DemoteF64x2Zero(): this { return this.simd(0x5e); }
  /** f32 lanes 0, 1 widened (exactly) to f64x2 */
  f64x2PromoteLowF32x4(): this { return this.simd(0x5f); }
  v128Const(bytes: number[]): this {
    if (bytes.length !== 16) throw new Error('v128.const takes 16 bytes');
    return this.simd(0x0c, ...bytes);
  }
  /** pops (a, b): byte k of the result is byte lanes[k] of a‖b (0–15 from a, 16–31 from b) */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => !(l >= 0 && l < 32))) throw new Error('i8x16.shuffle takes 16 lane indices in 0..31');
    return this.simd(0x0d, ...lanes);
  }
  i32x4Splat(): this { return this.simd(0x11); }
  i64x2Splat(): this { return this.simd(0x12); }
  f32x4Splat(): this { return this.simd(0x13); }
  f64x2Splat(): this { return this.simd(0x14); }
  i32x4ExtractLane(l: number): this { return this.simd(0x1b, l); }
  i32x4ReplaceLane(l: number): this { return this.simd(0x1c, l); }
  i64x2ExtractLane(l: number): this { return this.simd(0x1d, l); }
  i64x2ReplaceLane(l: number): this { return this.simd(0x1e, l); }
  f64x2ExtractLane(l: number): this { return this.simd(0x21, l); }
  f64x2ReplaceLane(l: number): this { return this.simd(0x22, l); }
  i32x4Eq(): this { return this.simd(0x37); }
  i32x4Ne(): this { return this.simd(0x38); }
  i32x4LtS(): this { return this.simd(0x39); }
  i32x4GtS(): this { return this.simd(0x3b); }
  i32x4LeS(): this { return this.simd(0x3d); }
  i32x4GeS(): this { return this.simd(0x3f); }
  f64x2Eq(): this { return this.simd(0x47); }
  f64x2Ne(): this { return this.simd(0x48); }
  f64x2Lt(): this { return this.simd(0x49); }
  f64x2Gt(): this { return this.simd(0x4a); }
  f64x2Le(): this { return this.simd(0x4b); }
  f64x2Ge(): this { return this.simd(0x4c); }
  v128Not(): this { return this.simd(0x4d); }
  v128And(): this { return this.simd(0x4e); }
  /** a & ~b */
  v128AndNot(): this { return this.simd(0x4f); }
  v128Or(): this { return this.simd(0x50); }
  v128Xor(): this { return this.simd(0x51); }
  /** pops (a, b, mask): (a & mask) | (b & ~mask) */
  v128Bitselect(): this { return this.simd(0x52); }
  v128AnyTrue(): this { return this.simd(0x53); }
  i32x4Bitmask(): this { return this.simd(0xa4); }
  /** pops (vector, i32 count) */
  i32x4Shl(): this { return this.simd(0xab); }
  i32x4Add(): this { return this.simd(0xae); }
  i32x4Sub(): this { return this.simd(0xb1); }
  i32x4MinS(): this { return this.simd(0xb6); }
  i32x4MaxS(): this { return this.simd(0xb8); }
  i64x2Bitmask(): this { return this.simd(0xc4); }
  /** sign-extends lanes 0, 1 of an i32x4 to i64x2 (e.g. widens a comparison mask) */
  i64x2ExtendLowI32x4S(): this { return this.simd(0xc7); }
  i64x2Add(): this { return this.simd(0xce); }
  i64x2Sub(): this { return this.simd(0xd1); }
  /** f32x4 arithmetic is lane-wise IEEE single precision, like Math.fround after each scalar op */
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Mul(): this { return this.simd(0xe6); }
  f64x2Neg(): this { return this.simd(0xed); }
  f64x2Sqrt(): this { return this.simd(0xef); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2Sub(): this { return this.simd(0xf1); }
  f64x2Mul(): this { return this.simd(0xf2); }
  f64x2Div(): this { return this.simd(0xf3); }
  /** pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a: C-style selects, unlike min/max */
  f64x2Pmin(): this { return this.simd(0xf6); }
  f64x2Pmax(): this { return this.simd(0xf7); }

  // i64 (counters)
  i64Add(): this { return this.op(0x7c); }
  i64Sub(): this { return this.op(0x7d); }
  i64Mul(): this { return this.op(0x7e); }
}

// ---------------------------------------------------------------------------------------------
// modules

interface FuncDef {
  name: string;
  sig: FuncSig;
  emit: (c: Code) => void;
  exported: boolean;
}

export class ModuleBuilder {
  private readonly funcs: FuncDef[] = [];
  private memImport: { module: string; name: string; min: number; max?: number } | undefined;
  private memDef: { min: number; max?: number } | undefined;
  private memExport: string | undefined;

  /** The module's memory comes from the imports object: imports[module][name]. */
  importMemory(module: string, name: string, minPages: number, maxPages?: number): this {
    this.memImport = { module, name, min: minPages, max: maxPages };
    return this;
  }
  /** The module defines its own memory. */
  defineMemory(minPages: number, maxPages?: number): this {
    this.memDef = { min: minPages, max: maxPages };
    return this;
  }
  exportMemory(name: string): this {
    this.memExport = name;
    return this;
  }

  /** Add a function; its body is emitted in build(), so calls may name later functions. */
  func(name: string, sig: FuncSig, emit: (c: Code) => void, exported = true): this {
    if (this.funcs.some((f) => f.name === name)) throw new Error(`function ${name} defined twice`);
    this.funcs.push({ name, sig, emit, exported });
    return this;
  }

  /** Export only the named functions (the rest stay internal, callable with `call`). */
  exportOnly(names: readonly string[]): this {
    for (const n of names) if (!this.funcs.some((f) => f.name === n)) throw new Error(`no function ${n} to export`);
    for (const f of this.funcs) f.exported = names.includes(f.name);
    return this;
  }

  build(): Uint8Array {
    if (this.memImport && this.memDef) throw new Error('a module has one memory: import it or define it');
    const index = (name: string): number => {
      const i = this.funcs.findIndex((f) => f.name === name);
      if (i < 0) throw new Error(`call to unknown function ${name}`);
      return i;
    };
    const limits = (min: number, max?: number): Bytes => (max === undefined ? [0x00, ...uleb(min)] : [0x01, ...uleb(min), ...uleb(max)]);

    const typeKeys: string[] = [];
    const types: Bytes[] = [];
    const funcType = this.funcs.map((f) => {
      const t = [0x60, ...vec(Object.values(f.sig.params ?? {}).map((v) => [v])), ...vec((f.sig.results ?? []).map((v) => [v]))];
      const key = t.join(',');
      let i = typeKeys.indexOf(key);
      if (i < 0) {
        i = typeKeys.length;
        typeKeys.push(key);
        types.push(t);
      }
      return i;
    });

    const out: Bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const push = (b: Bytes): void => {
      for (const x of b) out.push(x);
    };
    push(section(1, vec(types)));
    if (this.memImport) {
      const m = this.memImport;
      push(section(2, vec([[...asciiName(m.module), ...asciiName(m.name), 0x02, ...limits(m.min, m.max)]])));
    }
    push(section(3, vec(funcType.map((t) => uleb(t)))));
    if (this.memDef) push(section(5, vec([limits(this.memDef.min, this.memDef.max)])));
    const exports: Bytes[] = [];
    this.funcs.forEach((f, i) => {
      if (f.exported) exports.push([...asciiName(f.name), 0x00, ...uleb(i)]);
    });
    if (this.memExport !== undefined) exports.push([...asciiName(this.memExport), 0x02, 0x00]);
    push(section(7, vec(exports)));
    const bodies = this.funcs.map((f) => {
      const c = new Code(f.sig, index);
      f.emit(c);
      const body = [...c.localsBytes(), ...c.bytes, 0x0b];
      return [...uleb(body.length), ...body];
    });
    push(section(10, vec(bodies)));
    return new Uint8Array(out);
  }
}
