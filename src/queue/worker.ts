// `nalsm worker`: takes nalsm's jobs from the queue and runs them on K compute threads. It runs only the
// three job kinds, refuses payloads that fail their schema or come from another nalsm version, and checks
// the data fingerprint (compute.ts). Stalled jobs (a worker killed mid-job) go back to the queue when their
// lock lapses; a job fails for good after its bounded attempts, with this worker's error message.
import { hostname } from 'node:os';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { NALSM_VERSION } from './version.js';
import { JOB_KINDS, JOB_SCHEMAS, QUEUE_NAME, type AnyJob, type InitReturn, type CountReturn, type FinishReturn } from './jobs.js';
import { BlobStore } from './store.js';
import { ComputePool } from './compute-pool.js';
import { connect } from './connect.js';
import type { QueueTarget } from './url.js';
import type { RunSpec, DatasetName } from '../pipeline/phases.js';
import type { ReadoutOptions } from '../core/readout/index.js';

export interface QueueWorkerOptions {
  target: QueueTarget;
  threads: number;
  store?: string;
  /** this machine's own folder per dataset (nalsm worker --data DATASET=DIR), used instead of the folder a job names */
  data?: Partial<Record<DatasetName, string>>;
  /** how long a job's lock lasts without renewal; a killed worker's job is taken again after about this long */
  lockMs?: number;
  log?: (s: string) => void;
}

export interface RunningWorker {
  /** resolves when the worker has stopped (after close()) */
  close(): Promise<void>;
}

/** Check a job before anything runs: its kind, its version, its payload. */
export function checkJob(job: { id?: string; name: string; data: unknown }): AnyJob {
  if (!(JOB_KINDS as readonly string[]).includes(job.name)) throw new UnrecoverableError(`job ${job.id}: unknown kind "${job.name}"; a nalsm worker runs only ${JOB_KINDS.join(', ')} jobs`);
  const v = (job.data as { version?: unknown } | null)?.version;
  if (v !== NALSM_VERSION) throw new UnrecoverableError(`job ${job.id} was made by nalsm ${String(v)}; this worker runs nalsm ${NALSM_VERSION} (run the sweep and its workers from the same version)`);
  const r = JOB_SCHEMAS[job.name as keyof typeof JOB_SCHEMAS].safeParse(job.data);
  if (!r.success) throw new UnrecoverableError(`job ${job.id}: its ${job.name} payload does not match the schema: ${r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  return r.data as AnyJob;
}

export function startQueueWorker(o: QueueWorkerOptions): RunningWorker {
  const log = o.log ?? (() => {});
  const redis = connect(o.target, 'nalsm-worker-store');
  const store = new BlobStore(redis, o.store);
  const pool = new ComputePool(o.threads);
  const initCache = new Map<string, Uint8Array>();
  const initBytes = async (ref: { sha256: string; bytes: number; where: 'redis' | 'dir' }): Promise<Uint8Array> => {
    let b = initCache.get(ref.sha256);
    if (!b) {
      b = await store.get(ref);
      if (initCache.size > 4) initCache.clear();
      initCache.set(ref.sha256, b);
    }
    return b;
  };
  const lockMs = o.lockMs ?? 30000;

  // a failed job's message names the worker it failed on: the sweep's summary shows which machine to look at
  const self = `worker ${hostname()} pid ${process.pid}`;
  const processor = async (job: Job): Promise<InitReturn | CountReturn | FinishReturn> => {
    const d = checkJob(job);
    try {
      return await run(job, d);
    } catch (e) {
      throw new Error(`${self}: ${(e as Error).message}`);
    }
  };

  const run = async (job: Job, d: AnyJob): Promise<InitReturn | CountReturn | FinishReturn> => {
    const spec = d.run.spec as RunSpec;
    log(`job ${job.id} start (${d.kind} of ${d.run.name}, attempt ${job.attemptsMade + 1})`);
    const base = { spec, key: d.run.key, fingerprint: d.fingerprint, dataDir: o.data?.[spec.dataset] };
    if (d.kind === 'init') {
      const r = await pool.run({ kind: 'init', ...base });
      if (r.kind !== 'init') throw new Error('compute thread answered the wrong kind');
      const ret = { init: await store.put(r.bytes), seconds: r.seconds };
      log(`job ${job.id} done`);
      return ret;
    }
    if (d.kind === 'count') {
      const r = await pool.run({ kind: 'count', ...base, init: await initBytes(d.init), initHash: d.init.sha256, split: d.split, start: d.start, end: d.end });
      if (r.kind !== 'count') throw new Error('compute thread answered the wrong kind');
      const ret = { chunk: await store.put(r.bytes), split: d.split, start: d.start, end: d.end };
      log(`job ${job.id} done`);
      return ret;
    }
    const children = Object.values(await job.getChildrenValues()) as CountReturn[];
    const chunks = await Promise.all(children.map((c) => store.get(c.chunk)));
    const r = await pool.run({ kind: 'finish', ...base, init: await initBytes(d.init), chunks, name: d.run.name, artifacts: d.artifacts, command: d.command, readout: d.run.readout as ReadoutOptions });
    if (r.kind !== 'finish') throw new Error('compute thread answered the wrong kind');
    const ret = { json: r.json, rasters: await store.put(r.rasters), readout: await store.put(r.readout), sigmaBF: r.sigmaBF, countsSha256: r.countsSha256 };
    log(`job ${job.id} done`);
    return ret;
  };

  const wConn = connect(o.target, 'nalsm-worker');
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: wConn,
    concurrency: o.threads,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
    // a job whose worker died is taken again up to this many times before it fails
    maxStalledCount: 3,
    autorun: true,
  });
  worker.on('failed', (job, err) => log(`job ${job?.id} failed: ${err.message}`));
  worker.on('error', (err) => log(`worker error (will retry): ${err.message}`));
  const own = Object.entries(o.data ?? {}).map(([k, v]) => `${k} from ${v}`);
  log(`nalsm worker ${NALSM_VERSION} on ${hostname()} (pid ${process.pid}): ${o.threads} threads, queue ${o.target.display}${o.store ? `, store ${o.store}` : ''}${own.length ? `, data: ${own.join(', ')}` : ''}`);
  return {
    async close() {
      await worker.close();
      await pool.close();
      redis.disconnect();
      wConn.disconnect();
    },
  };
}
