// Feature cache: an encoder runs once per sample; its count matrix is stored on disk under a
// name derived from everything that determines it (encoder parameters, data, sizes, seed), so
// every readout after the first run is cheap. File: "NALSMFTR", u32 header length, JSON header
// (the key, n, dim), u8 labels, then u16 counts row-major, written atomically.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './results.js';

const MAGIC = 'NALSMFTR';

export interface CachedFeatures {
  counts: Uint16Array;
  labels: Uint8Array;
  n: number;
  dim: number;
}

export function featureKeyHash(key: unknown): string {
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 20);
}

export function encodeFeatures(key: unknown, f: CachedFeatures): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ key, n: f.n, dim: f.dim }));
  const pad = (8 - ((12 + header.length + f.n) % 8)) % 8;
  const bytes = new Uint8Array(12 + header.length + f.n + pad + 2 * f.n * f.dim);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, header.length, true);
  bytes.set(header, 12);
  bytes.set(f.labels, 12 + header.length);
  const o = 12 + header.length + f.n + pad;
  const dv = new DataView(bytes.buffer);
  for (let k = 0; k < f.counts.length; k++) dv.setUint16(o + 2 * k, f.counts[k], true);
  return bytes;
}

export function decodeFeatures(bytes: Uint8Array, source: string): { key: unknown; features: CachedFeatures } {
  const bad = (what: string): never => {
    throw new Error(`${source}: not a nalsm feature cache file (${what}); delete it to recompute`);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) bad('bad magic');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = dv.getUint32(8, true);
  if (12 + hl > bytes.length) bad('header runs past the end');
  let h: { key: unknown; n: number; dim: number };
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hl)));
  } catch {
    return bad('header is not JSON');
  }
  const { n, dim } = h;
  if (!Number.isInteger(n) || !Number.isInteger(dim) || n < 0 || dim < 1) bad(`n ${n}, dim ${dim}`);
  const pad = (8 - ((12 + hl + n) % 8)) % 8;
  const o = 12 + hl + n + pad;
  if (bytes.length !== o + 2 * n * dim) bad(`${bytes.length} bytes, expected ${o + 2 * n * dim}`);
  const labels = bytes.slice(12 + hl, 12 + hl + n);
  const counts = new Uint16Array(n * dim);
  for (let k = 0; k < counts.length; k++) counts[k] = dv.getUint16(o + 2 * k, true);
  return { key: h.key, features: { counts, labels, n, dim } };
}

/** Features for `key` from `dir` if cached there (with the same key), else computed and stored. */
export async function cachedFeatures(dir: string | null, key: unknown, compute: () => Promise<CachedFeatures>): Promise<{ features: CachedFeatures; cached: boolean; path: string | null }> {
  if (dir !== null) {
    const path = join(dir, `features-${featureKeyHash(key)}.bin`);
    if (existsSync(path)) {
      const got = decodeFeatures(new Uint8Array(readFileSync(path)), path);
      if (JSON.stringify(got.key) === JSON.stringify(key)) return { features: got.features, cached: true, path };
    }
    const features = await compute();
    writeFileAtomic(path, encodeFeatures(key, features));
    return { features, cached: false, path };
  }
  return { features: await compute(), cached: false, path: null };
}
