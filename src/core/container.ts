// A small self-describing binary container: magic, a JSON header that lists typed-array
// sections, the sections (8-byte aligned, little-endian), and a CRC-32 of everything before it.
//
//   bytes 0..7    magic (ASCII, e.g. "NALSMNET")
//   bytes 8..11   u32 format version
//   bytes 12..15  u32 header length H
//   16..16+H      UTF-8 JSON: { ...fields, sections: [{ name, type, length, offset }] }
//   ...           sections at their offsets (relative to the file start, 8-aligned)
//   last 4 bytes  u32 CRC-32 of bytes [0, end-4)
import { crc32 } from './checksum.js';

export type ArrayType = 'int8' | 'uint8' | 'int32' | 'uint16' | 'float32' | 'float64';
export type TypedArray = Int8Array | Uint8Array | Int32Array | Uint16Array | Float32Array | Float64Array;

const CTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  int32: Int32Array,
  uint16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

function typeOf(a: TypedArray): ArrayType {
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}

interface SectionInfo {
  name: string;
  type: ArrayType;
  length: number;
  offset: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeContainer(
  magic: string,
  version: number,
  fields: Record<string, unknown>,
  arrays: Record<string, TypedArray>,
): Uint8Array {
  if (magic.length !== 8) throw new Error('container magic must be 8 ASCII characters');
  // offsets depend on the header length, which depends on the offsets: iterate to a fixed point
  const names = Object.keys(arrays);
  let sections: SectionInfo[] = [];
  let headerBytes = new Uint8Array(0);
  for (let guess = 0, iter = 0; iter < 4; iter++) {
    let off = align8(16 + guess);
    sections = names.map((name) => {
      const a = arrays[name];
      const s = { name, type: typeOf(a), length: a.length, offset: off };
      off = align8(off + a.byteLength);
      return s;
    });
    headerBytes = new TextEncoder().encode(JSON.stringify({ ...fields, sections }));
    if (align8(16 + headerBytes.length) === align8(16 + guess)) break;
    guess = headerBytes.length;
  }
  const last = sections[sections.length - 1];
  const bodyEnd = last ? align8(last.offset + arrays[last.name].byteLength) : align8(16 + headerBytes.length);
  const out = new Uint8Array(bodyEnd + 4);
  for (let i = 0; i < 8; i++) out[i] = magic.charCodeAt(i);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, version, true);
  dv.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, 16);
  for (const s of sections) {
    const a = arrays[s.name];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), s.offset);
  }
  dv.setUint32(bodyEnd, crc32(out.subarray(0, bodyEnd)), true);
  return out;
}

export interface DecodedContainer {
  version: number;
  fields: Record<string, unknown>;
  arrays: Record<string, TypedArray>;
}

/** Decode and validate a container; every error names `source` and what was expected. */
export function decodeContainer(bytes: Uint8Array, magic: string, source: string, kind: string): DecodedContainer {
  const fail = (why: string): never => {
    throw new Error(`${source}: not a valid ${kind} file: ${why}`);
  };
  if (bytes.length < 20) fail(`file is ${bytes.length} bytes, too short for the header (truncated?)`);
  const got = String.fromCharCode(...bytes.subarray(0, 8));
  if (got !== magic) fail(`expected magic "${magic}", found "${got.replace(/[^\x20-\x7e]/g, '?')}"`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  const hlen = dv.getUint32(12, true);
  if (16 + hlen + 4 > bytes.length) fail(`header length ${hlen} runs past the end of the file (truncated?)`);
  let header: { sections?: SectionInfo[] } & Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + hlen)));
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  const sections = header.sections;
  if (!Array.isArray(sections)) return fail('header has no "sections" list');
  let end = align8(16 + hlen);
  for (const s of sections) {
    if (!(s.type in CTORS)) fail(`section "${s.name}" has unknown type "${s.type}"`);
    const size = s.length * CTORS[s.type].BYTES_PER_ELEMENT;
    if (!Number.isInteger(s.offset) || s.offset % 8 !== 0 || s.offset < end)
      fail(`section "${s.name}" has a bad offset ${s.offset}`);
    end = align8(s.offset + size);
  }
  if (bytes.length < end + 4) fail(`file is ${bytes.length} bytes but its sections need ${end + 4} (truncated)`);
  if (bytes.length > end + 4) fail(`file is ${bytes.length} bytes, expected ${end + 4} (trailing data)`);
  const want = dv.getUint32(end, true);
  const have = crc32(bytes.subarray(0, end));
  if (want !== have) fail(`checksum mismatch (stored ${want.toString(16)}, computed ${have.toString(16)}): the file is corrupt`);
  const arrays: Record<string, TypedArray> = {};
  for (const s of sections) {
    const C = CTORS[s.type];
    // copy into a fresh buffer of its own: the input's byteOffset may not be aligned, and a Node
    // Buffer's slice() is a view into a shared pool, not a copy
    const copy = new Uint8Array(s.length * C.BYTES_PER_ELEMENT);
    copy.set(bytes.subarray(s.offset, s.offset + copy.length));
    arrays[s.name] = new (C as unknown as new (b: ArrayBuffer, o: number, l: number) => TypedArray)(copy.buffer, 0, s.length);
  }
  const { sections: _omit, ...fields } = header;
  return { version, fields, arrays };
}

/**
 * The magic and header fields of a container without checking or copying its sections: enough to
 * read the run stamp of a large artifact. Returns null for bytes that are not a container.
 */
export function peekContainer(bytes: Uint8Array): { magic: string; version: number; fields: Record<string, unknown> } | null {
  if (bytes.length < 20) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = dv.getUint32(12, true);
  if (16 + hlen > bytes.length) return null;
  try {
    const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + hlen))) as Record<string, unknown>;
    const { sections: _omit, ...fields } = header;
    return { magic: String.fromCharCode(...bytes.subarray(0, 8)), version: dv.getUint32(8, true), fields };
  } catch {
    return null;
  }
}
