// The web export (magic "NALSMWEB", version 1): everything the page needs to run trained models
// on one liquid, in one file. A container (../container.ts) whose JSON header holds
//   { kind: "nalsm-web", format: 1, models: [WebModelInfo...], samples: {...}, meta: {...} }
// and whose sections are
//   network            uint8    the liquid in the network format (NALSMNET, checked on load)
//   <key>.wini         uint8    W_INI in the weights format (NALSMWTS; plastic models only)
//   <key>.readoutW     float32  NL × 10 readout weights, row-major
//   <key>.readoutB     float32  10 biases
//   sampleImages       uint8    n × pixels raw MNIST test images (test indices 0..n−1)
//   sampleLabels       uint8    their labels
// Loading validates the container, each nested file, and every field the page reads, and names the
// file and the field in every error. Encoding and decoding only: reading files is an adapter's job.
import { decodeContainer, encodeContainer, type TypedArray } from '../container.js';
import { decodeNetwork, encodeNetwork, networkFingerprint } from '../network/format.js';
import { decodeWeights, encodeWeights, type Weights } from '../network/weights.js';
import type { Network } from '../network/network.js';
import { MODEL_NAMES, type ModelSpec } from '../models.js';

export const WEB_EXPORT_MAGIC = 'NALSMWEB';
export const WEB_EXPORT_VERSION = 1;

/** A trained linear readout and the divisor that normalises one sample's features (see classify.ts). */
export interface WebReadout {
  weights: Float32Array;
  bias: Float32Array;
  /** the training normalisation batch */
  batchSize: number;
  /** mean over the training batches of each batch's max_j(count_j / Σ count): a single sample's feature divisor */
  featureDivisor: number;
  optimizer: string;
  bestEpoch: number;
}

/** Where a model came from: the run's name, command, commit, sizes and accuracy. */
export interface WebModelRun {
  name: string;
  command: string;
  commit: string;
  dataset: string;
  samples: { train: number; val: number; test: number };
  accuracy: { val: number; test: number };
  sigmaBF?: number;
  /** nalsm export --evaluate: test images 0..n−1 classified one at a time as the page does */
  pageAccuracy?: { n: number; accuracy: number };
}

export interface WebModel {
  /** unique within the file: 'nalsm', 'lsm', ... */
  key: string;
  spec: ModelSpec;
  /** the run's seed: network, pulses and astrocyte mask */
  seed: number;
  /** W_INI for models with phase A; null: uniform weights of spec.initialWeight (baseline LSM) */
  wini: Weights | null;
  readout: WebReadout;
  run: WebModelRun;
}

export interface WebSamples {
  /** n × pixels raw images */
  images: Uint8Array;
  labels: Uint8Array;
  pixels: number;
  /** index of the first image in its split (images are consecutive) */
  firstIndex: number;
  split: 'test';
  /** the split's encoding normaliser R (spec §3.1) */
  R: number;
  source: string;
}

export interface WebExport {
  network: Network;
  models: WebModel[];
  samples: WebSamples;
  meta: Record<string, unknown>;
}

export function encodeWebExport(x: WebExport): Uint8Array {
  const arrays: Record<string, TypedArray> = { network: encodeNetwork(x.network) };
  const models = x.models.map((m) => {
    if (m.wini) arrays[`${m.key}.wini`] = encodeWeights(x.network, m.wini, { model: m.spec.name, seed: m.seed });
    arrays[`${m.key}.readoutW`] = m.readout.weights;
    arrays[`${m.key}.readoutB`] = m.readout.bias;
    const { weights: _w, bias: _b, ...readout } = m.readout;
    return { key: m.key, spec: m.spec, seed: m.seed, hasWini: m.wini !== null, readout, run: m.run };
  });
  arrays.sampleImages = x.samples.images;
  arrays.sampleLabels = x.samples.labels;
  const { images: _i, labels: _l, ...samples } = x.samples;
  return encodeContainer(WEB_EXPORT_MAGIC, WEB_EXPORT_VERSION, { kind: 'nalsm-web', format: WEB_EXPORT_VERSION, network: networkFingerprint(x.network), models, samples, meta: x.meta }, arrays);
}

const OTHER_FILES: Record<string, string> = { NALSMNET: 'a nalsm network file', NALSMWTS: 'a nalsm weights file', NALSMCNT: 'a nalsm counts file', NALSMRAS: 'a nalsm rasters file', NALSMRDO: 'a nalsm readout file' };

/** What a file that is not a web export looks like, for the error message. */
function foreign(bytes: Uint8Array): string | null {
  const head = String.fromCharCode(...bytes.subarray(0, Math.min(8, bytes.length)));
  if (head === WEB_EXPORT_MAGIC) return null;
  if (OTHER_FILES[head]) return `it is ${OTHER_FILES[head]}`;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'it is gzip-compressed (serve it uncompressed, or as Content-Encoding: gzip)';
  const text = head.replace(/[^\x20-\x7e]/g, '?');
  if (/^\s*[<{[]/.test(text)) return `it starts with "${text}" (an HTML or JSON file: a missing file answered by an error page?)`;
  return `it starts with "${text}", not "${WEB_EXPORT_MAGIC}"`;
}

/** Decode and validate a web export; every error names `source`, the field and what was expected. */
export function decodeWebExport(bytes: Uint8Array, source = 'web export'): WebExport {
  const why = foreign(bytes);
  if (why !== null) throw new Error(`${source}: not a nalsm web export: ${why}; make one with nalsm export --web RUN`);
  const { version, fields, arrays } = decodeContainer(bytes, WEB_EXPORT_MAGIC, source, 'nalsm web export');
  const fail = (what: string): never => {
    throw new Error(`${source}: invalid nalsm web export: ${what}`);
  };
  if (version !== WEB_EXPORT_VERSION || fields.format !== WEB_EXPORT_VERSION)
    fail(`format version ${version}, this page reads version ${WEB_EXPORT_VERSION} (export it again with this nalsm)`);
  if (fields.kind !== 'nalsm-web') fail(`field "kind" is ${JSON.stringify(fields.kind)}, expected "nalsm-web"`);
  const u8 = (name: string): Uint8Array => {
    const a = arrays[name];
    return a instanceof Uint8Array ? a : fail(`section "${name}" (uint8) is missing`);
  };
  const f32 = (name: string, length: number): Float32Array => {
    const a = arrays[name];
    if (!(a instanceof Float32Array) || a.length !== length) fail(`section "${name}" must be float32 × ${length}`);
    return a as Float32Array;
  };
  const network = decodeNetwork(u8('network'), `${source} (section network)`);
  if (fields.network !== networkFingerprint(network)) fail(`field "network" (fingerprint ${fields.network}) does not match the embedded network (${networkFingerprint(network)})`);
  const models = fields.models;
  if (!Array.isArray(models) || models.length === 0) fail('field "models" must be a non-empty list');
  const keys = new Set<string>();
  const decoded = (models as Array<Record<string, unknown>>).map((m, i): WebModel => {
    const at = `models[${i}]`;
    const key = m.key;
    if (typeof key !== 'string' || !/^[a-z0-9-]+$/.test(key) || keys.has(key)) fail(`${at}.key must be a unique lower-case name, got ${JSON.stringify(key)}`);
    keys.add(key as string);
    const spec = m.spec as ModelSpec;
    if (!spec || !MODEL_NAMES.includes(spec.name)) fail(`${at}.spec.name must be one of ${MODEL_NAMES.join(', ')}`);
    for (const k of ['initialWeight', 'astroW', 'astroDensity', 'plasticEvery'] as const)
      if (typeof spec[k] !== 'number' || !Number.isFinite(spec[k])) fail(`${at}.spec.${k} must be a finite number`);
    if (!Number.isSafeInteger(m.seed)) fail(`${at}.seed must be an integer`);
    const r = m.readout as Record<string, unknown>;
    if (!r || !(typeof r.featureDivisor === 'number' && r.featureDivisor > 0)) fail(`${at}.readout.featureDivisor must be a positive number`);
    if (!Number.isSafeInteger(r.batchSize) || (r.batchSize as number) < 1) fail(`${at}.readout.batchSize must be a positive integer`);
    const needsWini = spec.phaseA !== 'none';
    if (Boolean(m.hasWini) !== needsWini) fail(`${at}: model ${spec.name} ${needsWini ? 'needs' : 'has no'} W_INI, but hasWini is ${m.hasWini}`);
    const wini = needsWini ? decodeWeights(u8(`${key}.wini`), network, `${source} (section ${key}.wini)`) : null;
    return {
      key: key as string,
      spec,
      seed: m.seed as number,
      wini: wini ? { ll: wini.ll, il: wini.il } : null,
      readout: {
        weights: f32(`${key}.readoutW`, network.NL * 10),
        bias: f32(`${key}.readoutB`, 10),
        batchSize: r.batchSize as number,
        featureDivisor: r.featureDivisor as number,
        optimizer: String(r.optimizer),
        bestEpoch: Number(r.bestEpoch),
      },
      run: m.run as WebModelRun,
    };
  });
  const s = fields.samples as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') fail('field "samples" is missing');
  const pixels = s!.pixels;
  if (pixels !== network.NX) fail(`samples.pixels is ${pixels}, the network has ${network.NX} inputs`);
  if (!(typeof s!.R === 'number' && s!.R > 0 && s!.R <= 1)) fail('samples.R must be a number in (0, 1]');
  const images = u8('sampleImages');
  const labels = u8('sampleLabels');
  if (images.length !== labels.length * network.NX) fail(`sampleImages holds ${images.length} bytes, expected ${labels.length} × ${network.NX}`);
  if (labels.some((l) => l > 9)) fail('sampleLabels must be classes 0..9');
  return {
    network,
    models: decoded,
    samples: { images, labels, pixels: network.NX, firstIndex: Number(s!.firstIndex ?? 0), split: 'test', R: s!.R as number, source: String(s!.source ?? '') },
    meta: (fields.meta as Record<string, unknown>) ?? {},
  };
}
