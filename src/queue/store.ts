// Content-addressed payloads: bytes are stored under their SHA-256, so a retried or duplicated job writes
// the same bytes under the same name once. Small payloads live in Redis (key nalsm:blob:<hash>); with a
// shared --store DIR, payloads of STORE_MIN_BYTES or more live there as DIR/<hh>/<hash> instead.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { sha256 } from '../pipeline/phase-payloads.js';
import { writeFileAtomic } from '../pipeline/results.js';

export const STORE_MIN_BYTES = 64 * 1024;

export interface BlobRef {
  sha256: string;
  bytes: number;
  where: 'redis' | 'dir';
}

export class BlobStore {
  constructor(
    private readonly redis: Redis,
    private readonly dir: string | undefined,
  ) {}

  private key(hash: string): string {
    return `nalsm:blob:${hash}`;
  }

  private path(hash: string): string {
    return join(this.dir!, hash.slice(0, 2), hash);
  }

  async put(bytes: Uint8Array): Promise<BlobRef> {
    const hash = sha256(bytes);
    if (this.dir && bytes.byteLength >= STORE_MIN_BYTES) {
      const p = this.path(hash);
      if (!existsSync(p)) writeFileAtomic(p, bytes);
      return { sha256: hash, bytes: bytes.byteLength, where: 'dir' };
    }
    await this.redis.set(this.key(hash), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'NX');
    return { sha256: hash, bytes: bytes.byteLength, where: 'redis' };
  }

  /** The bytes of a ref, checked against its hash (a damaged or foreign payload is an error, never used). */
  async get(ref: BlobRef): Promise<Uint8Array> {
    let bytes: Uint8Array;
    if (ref.where === 'dir') {
      if (!this.dir) throw new Error(`payload ${ref.sha256} is in a shared store folder, and this process has none: give it the same --store DIR as the sweep`);
      const p = this.path(ref.sha256);
      if (!existsSync(p)) throw new Error(`payload ${ref.sha256} is missing from --store ${this.dir} (${p}): is the folder shared by every machine?`);
      bytes = new Uint8Array(readFileSync(p));
    } else {
      const b = await this.redis.getBuffer(this.key(ref.sha256));
      if (!b) throw new Error(`payload ${ref.sha256} is missing from Redis (key ${this.key(ref.sha256)})`);
      bytes = new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    }
    if (bytes.byteLength !== ref.bytes || sha256(bytes) !== ref.sha256) throw new Error(`payload ${ref.sha256}: stored bytes do not match their hash (damaged or overwritten)`);
    return bytes;
  }
}
