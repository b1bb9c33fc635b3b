// Spike-count files (magic "NALSMCNT"): the per-sample liquid counts of each split with their
// labels, so the readout can be retrained (other optimizer, more epochs) without simulating again.
import { readFileSync } from 'node:fs';
import { encodeContainer, decodeContainer } from '../core/container.js';
import { writeFileAtomic } from './results.js';
import type { SplitName } from '../core/job.js';

export interface CountMatrix {
  counts: Uint16Array;
  labels: Uint8Array;
  n: number;
}

const SPLITS: SplitName[] = ['train', 'val', 'test'];

export function writeCounts(path: string, nl: number, counts: Record<SplitName, CountMatrix>, meta: Record<string, unknown>): void {
  const arrays: Record<string, Uint16Array | Uint8Array> = {};
  for (const s of SPLITS) {
    arrays[`${s}Counts`] = counts[s].counts;
    arrays[`${s}Labels`] = counts[s].labels;
  }
  writeFileAtomic(path, encodeContainer('NALSMCNT', 1, { kind: 'counts', nl, meta }, arrays));
}

export function readCounts(path: string): { nl: number; counts: Record<SplitName, CountMatrix>; meta: Record<string, unknown> } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: cannot read counts (${(e as Error).message})`);
  }
  const { fields, arrays } = decodeContainer(bytes, 'NALSMCNT', path, 'nalsm counts');
  const nl = fields.nl as number;
  if (!Number.isInteger(nl) || nl < 1) throw new Error(`${path}: invalid counts: field "nl" must be a positive integer`);
  const counts = {} as Record<SplitName, CountMatrix>;
  for (const s of SPLITS) {
    const c = arrays[`${s}Counts`];
    const l = arrays[`${s}Labels`];
    if (!(c instanceof Uint16Array) || !(l instanceof Uint8Array)) throw new Error(`${path}: invalid counts: sections ${s}Counts (uint16) and ${s}Labels (uint8) are required`);
    if (c.length !== l.length * nl) throw new Error(`${path}: invalid counts: ${s} has ${c.length} counts for ${l.length} labels × ${nl} neurons`);
    counts[s] = { counts: c, labels: l, n: l.length };
  }
  return { nl, counts, meta: (fields.meta as Record<string, unknown>) ?? {} };
}
