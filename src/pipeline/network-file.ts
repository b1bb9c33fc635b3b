// Network files on disk: the Node adapter around the core's byte format (core/network/format.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { decodeNetwork, encodeNetwork } from '../core/network/format.js';
import type { Network } from '../core/network/network.js';
import { writeFileAtomic } from './results.js';

/** Read and validate a network file (nalsm generate, or network.bin of a run); errors name the file. */
export function readNetwork(path: string): Network {
  if (!existsSync(path)) throw new Error(`${path}: no such network file (expected a nalsm network: nalsm generate, or runs/<name>/network.bin)`);
  if (statSync(path).isDirectory()) throw new Error(`${path}: is a folder; give its network.bin`);
  return decodeNetwork(readFileSync(path), path);
}

/** Write a network file atomically; `meta` (e.g. a run id) goes into its header. */
export function writeNetwork(path: string, net: Network, meta?: Record<string, unknown>): void {
  writeFileAtomic(path, encodeNetwork(net, meta));
}
