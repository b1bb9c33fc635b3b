// `nalsm sweep FILE --queue URL`: puts each run on the queue as init → (count chunks → finish), follows
// the jobs by polling (polls survive a Redis restart), and writes each finished run's results JSON and
// artifacts here, exactly where a local sweep writes them. Job ids derive from the run key, so a restarted
// coordinator finds its jobs and recomputes nothing that finished.
import { join } from 'node:path';
import { Queue, FlowProducer, Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { writeFileAtomic, writeJsonAtomic } from '../pipeline/results.js';
import { newRunId } from '../pipeline/run-identity.js';
import { writeNetwork } from '../pipeline/network-file.js';
import { decodeRasters, writeRasters } from '../pipeline/rasters-file.js';
import { stampReadout } from '../pipeline/readout-file.js';
import { decodeNetwork } from '../core/network/format.js';
import { decodeWeights, encodeWeights } from '../core/network/weights.js';
import { loadSplits, COUNT_ORDER, CHUNK_SAMPLES, type LoadedSplits } from '../pipeline/phases.js';
import { canonicalJson } from '../pipeline/phase-payloads.js';
import { decodeInit } from '../pipeline/phase-payloads.js';
import type { SweepExecutor } from '../sweep/sweep.js';
import type { SweepRun } from '../sweep/expand.js';
import { baseRecord, failedRecord } from '../sweep/record.js';
import type { RunRecord } from '../sweep/summary.js';
import { NALSM_VERSION } from './version.js';
import { QUEUE_NAME, jobId, type InitReturn, type FinishReturn } from './jobs.js';
import { BlobStore } from './store.js';
import { connect } from './connect.js';
import { parseQueueUrl } from './url.js';
import { dataFingerprint } from './fingerprint.js';

const ATTEMPTS = 3;
const JOB_OPTS = { attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false } as const;

interface Tracked {
  run: SweepRun;
  fingerprint: string;
  chunks: Array<{ split: 'train' | 'val' | 'test'; start: number; end: number }>;
  stage: 'init' | 'counts' | 'done';
  init?: InitReturn;
  /** not looked at yet this session: a job that failed in an earlier session is removed and tried afresh */
  fresh: boolean;
}

export async function queueExecutor(o: {
  url: string;
  allowRemote: boolean;
  store?: string;
  command: string;
  pollMs?: number;
  onProgress?: (done: number, total: number) => void;
  log?: (s: string) => void;
}): Promise<SweepExecutor> {
  const target = parseQueueUrl(o.url, { allowRemote: o.allowRemote });
  const log = o.log ?? (() => {});
  return {
    description: `the queue ${target.display}`,
    async runAll(runs, paths, onRecord) {
      if (!runs.length) return;
      // BullMQ leaves connections it was handed open: these three are closed in `finally`
      const redis: Redis = connect(target, 'nalsm-sweep-store');
      const qConn = connect(target, 'nalsm-sweep-queue');
      const fConn = connect(target, 'nalsm-sweep-flows');
      const queue = new Queue(QUEUE_NAME, { connection: qConn });
      const flows = new FlowProducer({ connection: fConn });
      const store = new BlobStore(redis, o.store);
      try {
        // the data each run needs, as the coordinator loads it: workers must load the same
        const loadedBy = new Map<string, { fingerprint: string; loaded: LoadedSplits }>();
        const tracked: Tracked[] = runs.flatMap((run) => {
          const k = canonicalJson({ dataset: run.spec.dataset, dataDir: run.spec.dataDir, sizes: run.spec.sizes });
          let d = loadedBy.get(k);
          if (!d) {
            try {
              const loaded = loadSplits(run.spec, log);
              d = { loaded, fingerprint: dataFingerprint(loaded) };
              loadedBy.set(k, d);
            } catch (e) {
              // unreadable data fail this run; the others go on
              onRecord(failedRecord(run, `cannot load its data here: ${(e as Error).message}`));
              return [];
            }
          }
          const chunks = COUNT_ORDER.flatMap((split) => {
            const n = d!.loaded.data[split].n;
            return Array.from({ length: Math.ceil(n / CHUNK_SAMPLES) }, (_, q) => ({ split, start: q * CHUNK_SAMPLES, end: Math.min(n, (q + 1) * CHUNK_SAMPLES) }));
          });
          return [{ run, fingerprint: d.fingerprint, chunks, stage: 'init' as const, fresh: true }];
        });
        const totalJobs = tracked.reduce((a, t) => a + t.chunks.length + 2, 0);
        const jobData = (t: Tracked) => ({ version: NALSM_VERSION, run: { name: t.run.name, key: t.run.key, spec: t.run.spec, readout: t.run.readout }, fingerprint: t.fingerprint });
        const stripUndefined = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
        const v = NALSM_VERSION;

        const fail = async (t: Tracked, job: Job | undefined, what: string): Promise<void> => {
          let failed = { what, attempts: job?.attemptsMade, reason: job?.failedReason ?? 'unknown reason' };
          if (what === 'finish') {
            // a failed chunk fails its parent without an attempt of its own: report the chunk, its attempts, its worker's message
            for (const c of t.chunks) {
              const cj = await Job.fromId(queue, jobId.count(v, t.run.key, c.split, c.start));
              if (cj?.failedReason && (await cj.getState()) === 'failed') {
                failed = { what: `count ${c.split} ${c.start}..${c.end}`, attempts: cj.attemptsMade, reason: cj.failedReason };
                break;
              }
            }
          }
          t.stage = 'done';
          onRecord(failedRecord(t.run, `${failed.what} job failed after ${failed.attempts ?? '?'} attempts: ${failed.reason}`));
        };

        const step = async (t: Tracked): Promise<number> => {
          const key = t.run.key;
          if (t.fresh) {
            t.fresh = false;
            for (const id of [jobId.init(v, key), jobId.finish(v, key)]) {
              const old = await Job.fromId(queue, id);
              if (old && (await old.getState()) === 'failed') {
                log(`${t.run.name}: failed in an earlier session; trying it afresh`);
                await old.remove({ removeChildren: true });
              }
            }
          }
          if (t.stage === 'init') {
            const id = jobId.init(v, key);
            let job = await Job.fromId(queue, id);
            if (!job) job = await queue.add('init', stripUndefined({ ...jobData(t), kind: 'init' }), { ...JOB_OPTS, jobId: id });
            const state = await job.getState();
            if (state === 'failed') {
              await fail(t, job, 'init');
              return 0;
            }
            if (state !== 'completed') return 0;
            // the job object was read before its state: read it again for the return value
            const ret = (await Job.fromId(queue, id))?.returnvalue as InitReturn | null | undefined;
            if (!ret) return 0;
            t.init = ret;
            t.stage = 'counts';
            const fid = jobId.finish(v, key);
            if (!(await Job.fromId(queue, fid))) {
              const base = { ...jobData(t), init: t.init.init };
              await flows.add({
                name: 'finish',
                queueName: QUEUE_NAME,
                data: stripUndefined({ ...base, kind: 'finish', artifacts: join(paths.runs, paths.sweep, t.run.name), command: o.command }),
                opts: { ...JOB_OPTS, jobId: fid },
                children: t.chunks.map((c) => ({
                  name: 'count',
                  queueName: QUEUE_NAME,
                  data: stripUndefined({ ...base, kind: 'count', split: c.split, start: c.start, end: c.end }),
                  opts: { ...JOB_OPTS, jobId: jobId.count(v, key, c.split, c.start), failParentOnFailure: true },
                })),
              });
            }
            return 1;
          }
          if (t.stage === 'counts') {
            const job = await Job.fromId(queue, jobId.finish(v, key));
            if (!job) {
              t.stage = 'init'; // lost (e.g. Redis without its append-only file): add it again
              return 1;
            }
            const state = await job.getState();
            if (state === 'failed') {
              await fail(t, job, 'finish');
              return 0;
            }
            if (state !== 'completed') {
              const dep = await job.getDependenciesCount({ processed: true });
              return 1 + (dep.processed ?? 0);
            }
            const ret = (await Job.fromId(queue, jobId.finish(v, key)))?.returnvalue as FinishReturn | null | undefined;
            if (!ret) return 1;
            await finishLocally(t, ret);
            return t.chunks.length + 2;
          }
          return t.chunks.length + 2;
        };

        const finishLocally = async (t: Tracked, r: FinishReturn): Promise<void> => {
          const artifacts = join(paths.runs, paths.sweep, t.run.name);
          const init = decodeInit(await store.get(t.init!.init), t.run.key, `init payload of ${t.run.name}`);
          // the run's id goes into its results and the header of each artifact, as nalsm run does; the
          // content-addressed payloads the workers shared stay unstamped
          const stamp = { runId: newRunId(), name: t.run.name };
          const net = decodeNetwork(init.network, `network of ${t.run.name}`);
          writeNetwork(join(artifacts, 'network.bin'), net, stamp);
          if (init.wini) {
            const w = decodeWeights(init.wini, net, `W_INI of ${t.run.name}`);
            writeFileAtomic(join(artifacts, 'w-ini.bin'), encodeWeights(net, w, { ...w.meta, ...stamp }));
          }
          const rasters = decodeRasters(await store.get(r.rasters), `rasters of ${t.run.name}`);
          writeRasters(join(artifacts, 'rasters.bin'), { ...rasters, runId: stamp.runId });
          writeFileAtomic(join(artifacts, 'readout.bin'), stampReadout(await store.get(r.readout), stamp, `readout of ${t.run.name}`));
          const path = join(paths.out, paths.sweep, `${t.run.name}.json`);
          writeJsonAtomic(path, { name: r.json.name, runId: stamp.runId, ...r.json });
          const j = r.json as { dataset: string; accuracy: { val: number; test: number }; seconds: { total: number } };
          t.stage = 'done';
          const rec: RunRecord = { ...baseRecord(t.run), dataset: j.dataset, status: 'done', accuracy: j.accuracy, sigmaBF: r.sigmaBF, countsSha256: r.countsSha256, results: path, seconds: j.seconds.total };
          onRecord(rec);
        };

        log(`queue ${target.display}: ${tracked.length} runs, ${totalJobs} jobs; start workers with: nalsm worker --queue ${target.display}${o.store ? ` --store ${o.store}` : ''}`);
        for (;;) {
          let done = 0;
          for (const t of tracked) done += await step(t);
          o.onProgress?.(done, totalJobs);
          if (tracked.every((t) => t.stage === 'done')) break;
          await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
        }
      } finally {
        await flows.close();
        await queue.close();
        for (const c of [redis, qConn, fConn]) c.disconnect();
      }
    },
  };
}
