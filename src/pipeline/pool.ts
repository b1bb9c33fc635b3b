// A pool of worker threads that run sample-range jobs. Images travel once, in shared memory;
// each job returns its counts, which land in the split's count matrix at the job's rows.
import { Worker } from 'node:worker_threads';
import type { ModelSpec } from '../core/models.js';
import type { SimBackend } from '../core/sim/types.js';
import type { SampleJob, SplitData, SplitName, JobTotals } from '../core/job.js';

export interface WorkerInit {
  network: Uint8Array;
  weights: Float64Array;
  model: ModelSpec;
  seed: number;
  steps: number;
  pixels: number;
  splits: Partial<Record<SplitName, SplitData>>;
  /** simulator backend: 'auto' (wasm when available), 'wasm' or 'js'; all give identical counts */
  backend?: SimBackend;
}

export interface JobReply {
  id: number;
  counts?: Uint16Array;
  totals?: JobTotals;
  error?: string;
}

/** Copy into shared memory so every worker reads the same bytes without a copy of its own. */
export function shareBytes(a: Uint8Array): Uint8Array {
  const s = new Uint8Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: JobReply) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(size: number, init: WorkerInit) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`--workers must be a positive integer, got ${size}`);
    const url = new URL('./worker.js', import.meta.url);
    for (let k = 0; k < size; k++) {
      const w = new Worker(url, { workerData: init });
      w.on('message', (r: JobReply) => {
        const p = this.pending.get(r.id);
        if (!p) return;
        this.pending.delete(r.id);
        if (r.error) p.reject(new Error(`worker failed: ${r.error}`));
        else p.resolve(r);
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private submit(worker: Worker, job: SampleJob): Promise<JobReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, job });
    });
  }

  /**
   * Run all jobs, each worker pulling the next job when it finishes one. `onDone` gets each
   * job with its counts in completion order; placement is by the job's own range.
   */
  async runAll(jobs: SampleJob[], onDone: (job: SampleJob, reply: JobReply) => void): Promise<void> {
    let next = 0;
    const loop = async (w: Worker): Promise<void> => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const reply = await this.submit(w, job);
        onDone(job, reply);
      }
    };
    await Promise.all(this.workers.map(loop));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Cut a split into jobs of at most `size` samples. */
export function makeJobs(split: SplitName, n: number, size: number): SampleJob[] {
  const jobs: SampleJob[] = [];
  for (let s = 0; s < n; s += size) jobs.push({ split, start: s, end: Math.min(n, s + size) });
  return jobs;
}
