// The sweep file (YAML or JSON): defaults at the top, and `runs:` blocks, each a product of axes.
// Checked with zod before anything runs or is written; an error names the file, the field, the value
// and what is allowed.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { MODEL_NAMES, LSM_STDP_PHASE_B } from '../core/models.js';
import { DATASETS } from '../pipeline/phases.js';

/** A scalar or a non-empty list; seeds also take { from, to } (inclusive). */
const axis = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v : v === undefined ? undefined : [v]), z.array(item).min(1, 'an axis needs at least one value').optional());

const seedRange = z
  .object({ from: z.number().int().min(0), to: z.number().int().min(0) })
  .strict()
  .refine((r) => r.to >= r.from && r.to - r.from < 10000, 'a seed range needs from <= to, at most 10,000 seeds');

const seedAxis = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : Array.isArray(v) || v === undefined ? v : [v]),
  z.union([seedRange.transform((r) => Array.from({ length: r.to - r.from + 1 }, (_, k) => r.from + k)), z.array(z.number().int().min(0, 'seeds are integers >= 0')).min(1, 'an axis needs at least one value')]).optional(),
);

const readout = z
  .object({
    optimizer: z.enum(['adadelta', 'adam', 'ridge']).optional(),
    epochs: z.number().int().min(1).optional(),
    lr: z.number().positive().optional(),
    patience: z.number().int().min(1).optional(),
    batch: z.number().int().min(1).optional(),
  })
  .strict();

/** Fields a block may set; top-level values are the defaults of every block. */
const blockFields = {
  model: axis(z.enum(MODEL_NAMES as [string, ...string[]])),
  dataset: axis(z.enum(DATASETS as unknown as [string, ...string[]])),
  neurons: axis(z.number().int().min(8).max(1_000_000)),
  seed: seedAxis,
  weight: axis(z.number().gt(0).max(3)),
  astroW: axis(z.number().min(0).max(10)),
  astroDensity: axis(z.number().gt(0).max(1)),
  data: z.string().min(1).optional(),
  lsmStdpPhaseB: z.enum(LSM_STDP_PHASE_B as unknown as [string, ...string[]]).optional(),
  apThreshold: z.number().min(0).max(1000).optional(),
  apRange: z.number().min(0).max(1000).optional(),
  initSnapshots: z.number().int().min(1).optional(),
  train: z.number().int().min(1).optional(),
  val: z.number().int().min(1).optional(),
  test: z.number().int().min(1).optional(),
  readout: readout.optional(),
};

const block = z.object(blockFields).strict();

export const sweepSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a name of letters, digits, ".", "_" and "-"')
      .optional(),
    description: z.string().optional(),
    /** run order: as the file lists them, or seed by seed (every model's seed 1 first: pairs complete early) */
    order: z.enum(['file', 'seed']).optional(),
    ...blockFields,
    runs: z.array(block).min(1, 'runs needs at least one block').optional(),
  })
  .strict();

export type SweepBlock = z.infer<typeof block>;
export type SweepFile = z.infer<typeof sweepSchema> & { name: string };

export class SweepFileError extends Error {}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    // a scalar axis is a one-value list: its value is "element 0"
    if ((v === null || typeof v !== 'object') && k === 0) return v;
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  }
  return v;
}

/** Validate parsed sweep data; `source` names the file in errors. */
export function validateSweep(raw: unknown, source: string): SweepFile {
  const r = sweepSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const field = i.path.length ? i.path.map(String).join('.') : '(top level)';
      const got = valueAt(raw, i.path);
      const shown = got === undefined ? '' : `; got ${JSON.stringify(got)}`;
      return `${field}: ${i.message}${shown}`;
    });
    throw new SweepFileError(`${source}: invalid sweep file:\n  ${lines.join('\n  ')}`);
  }
  const name = r.data.name ?? basename(source, extname(source));
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new SweepFileError(`${source}: give the sweep a name: field "name" (letters, digits, ".", "_" and "-")`);
  return { ...r.data, name };
}

/** Read and validate a sweep file (.yaml, .yml or .json). */
export function readSweepFile(path: string): SweepFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SweepFileError(`${path}: cannot read the sweep file (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const what = e instanceof YAMLParseError ? 'YAML syntax error' : 'JSON syntax error';
    throw new SweepFileError(`${path}: ${what}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SweepFileError(`${path}: a sweep file is a mapping of fields (model, seed, runs, ...), got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`);
  return validateSweep(raw, path);
}
