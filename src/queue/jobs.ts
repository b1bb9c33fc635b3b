// The job kinds a nalsm worker runs, and their payloads as zod schemas: a worker checks every job against
// them before it touches it (no code travels in a job: only these fields). A run is the graph
// init → count chunks (children of) → finish; job ids derive from the run key, so adding a job twice is a no-op.
import { z } from 'zod';
import { MODEL_NAMES, LSM_STDP_PHASE_B } from '../core/models.js';
import { DATASETS } from '../pipeline/phases.js';

export const QUEUE_NAME = 'nalsm-sweep';
export const JOB_KINDS = ['init', 'count', 'finish'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const int0 = z.number().int().min(0);

export const blobRefSchema = z.object({ sha256: hex64, bytes: int0, where: z.enum(['redis', 'dir']) }).strict();

const runSpecSchema = z
  .object({
    model: z.enum(MODEL_NAMES as [string, ...string[]]),
    dataset: z.enum(DATASETS as unknown as [string, ...string[]]),
    dataDir: z.string().optional(),
    dims: z.tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)]),
    weight: z.number().gt(0).max(3).optional(),
    astroW: z.number().min(0).max(10).optional(),
    modelOptions: z
      .object({
        astroDensity: z.number().gt(0).max(1).optional(),
        lsmStdpPhaseB: z.enum(LSM_STDP_PHASE_B as unknown as [string, ...string[]]).optional(),
        apThreshold: z.number().min(0).max(1000).optional(),
        apRange: z.number().min(0).max(1000).optional(),
      })
      .strict()
      .optional(),
    seed: int0,
    sizes: z.object({ train: z.number().int().min(1).optional(), val: z.number().int().min(1).optional(), test: z.number().int().min(1).optional() }).strict(),
    backend: z.enum(['auto', 'wasm', 'js']).optional(),
    initSnapshots: z.number().int().min(1).optional(),
  })
  .strict();

const readoutSchema = z
  .object({
    optimizer: z.enum(['adadelta', 'adam', 'ridge']),
    epochs: z.number().int().min(1),
    lr: z.number().positive().optional(),
    patience: z.number().int().min(1).optional(),
    batchSize: z.number().int().min(1).optional(),
  })
  .strict();

const common = {
  version: z.string(),
  run: z.object({ name: z.string().min(1), key: z.string().regex(/^[0-9a-f]{32}$/), spec: runSpecSchema, readout: readoutSchema }).strict(),
  /** the coordinator's data, as loaded: the worker's must match */
  fingerprint: hex64,
};

export const initJobSchema = z.object({ ...common, kind: z.literal('init') }).strict();
export const countJobSchema = z.object({ ...common, kind: z.literal('count'), init: blobRefSchema, split: z.enum(['train', 'val', 'test']), start: int0, end: int0 }).strict();
export const finishJobSchema = z.object({ ...common, kind: z.literal('finish'), init: blobRefSchema, artifacts: z.string(), command: z.string() }).strict();

export type InitJob = z.infer<typeof initJobSchema>;
export type CountJob = z.infer<typeof countJobSchema>;
export type FinishJob = z.infer<typeof finishJobSchema>;
export type AnyJob = InitJob | CountJob | FinishJob;

export const JOB_SCHEMAS = { init: initJobSchema, count: countJobSchema, finish: finishJobSchema } as const;

export interface InitReturn {
  init: z.infer<typeof blobRefSchema>;
  seconds: number;
}
export interface CountReturn {
  chunk: z.infer<typeof blobRefSchema>;
  split: string;
  start: number;
  end: number;
}
export interface FinishReturn {
  json: Record<string, unknown>;
  rasters: z.infer<typeof blobRefSchema>;
  /** readout.bin without the run's stamp (the coordinator adds it) */
  readout: z.infer<typeof blobRefSchema>;
  sigmaBF: number | null;
  countsSha256: string;
}

/** Job ids: from the version and the run key, so the same run on the same version is the same job. */
export const jobId = {
  init: (v: string, key: string) => `v${v}-${key}-init`,
  count: (v: string, key: string, split: string, start: number) => `v${v}-${key}-count-${split}-${start}`,
  finish: (v: string, key: string) => `v${v}-${key}-finish`,
};
