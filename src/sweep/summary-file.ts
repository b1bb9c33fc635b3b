// Reading <sweep>-summary.json back (nalsm compare): checked with zod against the fields that are read,
// so a damaged or foreign file is an error naming the file and the field, never a half-drawn figure.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ConfigurationRow, PairedRow, RunRecord } from './summary.js';

const described = z.object({ n: z.number().int().min(0), mean: z.number(), sd: z.number().nullable(), min: z.number(), max: z.number() });
const paper = z.object({ mean: z.number(), sd: z.number(), top: z.number(), networks: z.number(), where: z.string() });
const axes = { weight: z.number().optional(), astroW: z.number().optional(), astroDensity: z.number().optional() };

const summarySchema = z.object({
  kind: z.literal('sweep-summary'),
  sweep: z.string().min(1),
  runs: z.object({ total: z.number().int(), done: z.number().int(), failed: z.number().int() }),
  configurations: z.array(z.object({ config: z.string(), model: z.string(), dataset: z.string(), neurons: z.number().int(), ...axes, seeds: z.array(z.number().int()), testAccuracy: described.nullable(), sigmaBF: described.nullable(), paper: paper.nullable() })),
  paired: z.array(z.object({ a: z.string(), b: z.string(), testAccuracy: described.extend({ seeds: z.array(z.number().int()), ci95: z.tuple([z.number(), z.number()]).nullable() }) })),
  failures: z.array(z.object({ name: z.string(), error: z.string() })),
  records: z.array(
    z.object({
      name: z.string(),
      config: z.string(),
      key: z.string(),
      model: z.string(),
      dataset: z.string(),
      neurons: z.number().int(),
      seed: z.number().int(),
      ...axes,
      status: z.enum(['done', 'failed']),
      accuracy: z.object({ val: z.number(), test: z.number() }).optional(),
      sigmaBF: z.number().nullable().optional(),
      countsSha256: z.string().optional(),
      results: z.string().optional(),
      seconds: z.number().optional(),
      error: z.string().optional(),
    }),
  ),
});

export interface SweepSummary {
  path: string;
  sweep: string;
  runs: { total: number; done: number; failed: number };
  configurations: ConfigurationRow[];
  paired: PairedRow[];
  failures: Array<{ name: string; error: string }>;
  records: RunRecord[];
}

export function readSweepSummary(path: string): SweepSummary {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read the sweep summary (${(e as Error).message})`);
  }
  const r = summarySchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${path}: not a valid sweep summary (nalsm sweep writes <sweep>-summary.json): field ${i.path.map(String).join('.') || '(top level)'}: ${i.message}`);
  }
  return { path, ...r.data } as SweepSummary;
}
