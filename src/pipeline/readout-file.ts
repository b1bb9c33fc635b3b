// The trained readout of a run (magic "NALSMRDO"): the selected weights and bias, the
// normalisation batch size, and the per-batch maxima of the training features, so the readout
// can be used again without retraining (nalsm export --web).
import { readFileSync } from 'node:fs';
import { encodeContainer, decodeContainer } from '../core/container.js';
import { batchRowScales, type ReadoutResult } from '../core/readout/index.js';
import { writeFileAtomic } from './results.js';
import type { CountMatrix } from './counts-file.js';

export interface SavedReadout {
  nl: number;
  /** NL × 10 row-major (weights[j*10 + c]) */
  weights: Float32Array;
  bias: Float32Array;
  batchSize: number;
  /**
   * max over each training batch of max_j(count_j / Σ count): the divisor of that batch's
   * features (features.ts); a single sample outside any batch needs one of these
   */
  trainBatchMax: Float64Array;
  meta: Record<string, unknown>;
}

/** Per-batch feature divisors of a split (the same batches as the readout's training). */
export function batchMaxima(m: CountMatrix, nl: number, batchSize: number): Float64Array {
  const { scale } = batchRowScales(m.counts, m.n, nl, batchSize);
  const out: number[] = [];
  for (let b0 = 0; b0 < m.n; b0 += batchSize) {
    // scale = 1 / (rowSum · gmax): recover gmax from the first row with spikes
    for (let i = b0; i < Math.min(m.n, b0 + batchSize); i++) {
      if (scale[i] === 0) continue;
      let sum = 0;
      for (let j = i * nl; j < (i + 1) * nl; j++) sum += m.counts[j];
      out.push(1 / (scale[i] * sum));
      break;
    }
  }
  return Float64Array.from(out);
}

/** The readout file's bytes (a queue worker sends these; the coordinator stamps and writes them). */
export function encodeReadout(nl: number, r: ReadoutResult, train: CountMatrix, meta: Record<string, unknown>): Uint8Array {
  const trainBatchMax = batchMaxima(train, nl, r.batchSize);
  return encodeContainer('NALSMRDO', 1, { kind: 'readout', nl, batchSize: r.batchSize, optimizer: r.optimizer, bestEpoch: r.bestEpoch, accuracy: r.accuracy, meta }, { weights: r.weights, bias: r.bias, trainBatchMax });
}

export function writeReadout(path: string, nl: number, r: ReadoutResult, train: CountMatrix, meta: Record<string, unknown>): void {
  writeFileAtomic(path, encodeReadout(nl, r, train, meta));
}

/**
 * Readout bytes with `stamp` (run id, name) added to their meta: the same bytes writeReadout gives when the
 * stamp is in its meta from the start. The queue's payloads stay unstamped; the run's artifact is stamped.
 */
export function stampReadout(bytes: Uint8Array, stamp: Record<string, unknown>, source: string): Uint8Array {
  decodeReadout(bytes, source); // checked before it is re-encoded
  const { fields, arrays } = decodeContainer(bytes, 'NALSMRDO', source, 'nalsm readout');
  return encodeContainer('NALSMRDO', 1, { ...fields, meta: { ...(fields.meta as Record<string, unknown>), ...stamp } }, arrays);
}

export function readReadout(path: string): SavedReadout {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: cannot read the readout (${(e as Error).message}); runs made before readouts were saved have none: run again`);
  }
  return decodeReadout(bytes, path);
}

/** Decode and check readout bytes (a file's or a queue payload's); errors name `path`. */
export function decodeReadout(bytes: Uint8Array, path: string): SavedReadout {
  const { fields, arrays } = decodeContainer(bytes, 'NALSMRDO', path, 'nalsm readout');
  const nl = fields.nl as number;
  const batchSize = fields.batchSize as number;
  const { weights, bias, trainBatchMax } = arrays;
  if (!Number.isInteger(nl) || nl < 1 || !Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${path}: invalid readout: "nl" and "batchSize" must be positive integers`);
  if (!(weights instanceof Float32Array) || weights.length !== nl * 10) throw new Error(`${path}: invalid readout: section "weights" must be float32 × ${nl * 10}`);
  if (!(bias instanceof Float32Array) || bias.length !== 10) throw new Error(`${path}: invalid readout: section "bias" must be float32 × 10`);
  if (!(trainBatchMax instanceof Float64Array) || trainBatchMax.length < 1) throw new Error(`${path}: invalid readout: section "trainBatchMax" must be a non-empty float64 list`);
  return { nl, weights, bias, batchSize, trainBatchMax, meta: { ...(fields.meta as Record<string, unknown>), optimizer: fields.optimizer, bestEpoch: fields.bestEpoch, accuracy: fields.accuracy } };
}
