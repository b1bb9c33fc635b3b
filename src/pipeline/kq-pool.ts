// Kernel-quality shuffles over worker threads: each worker ranks a range of shuffles of the same
// plan (counts and the precomputed Gram matrix in shared memory); a shuffle's result depends only on
// (seed, shuffle index), so the ranks are identical whatever the number of workers.
import { Worker } from 'node:worker_threads';
import { shuffleRanks, type ShufflePlan } from '../core/analysis/kernel-quality.js';

function shareTyped<T extends Uint16Array | Float32Array | Float64Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const s = new C(new SharedArrayBuffer(a.byteLength));
  s.set(a as never);
  return s;
}

/** Ranks of shuffles 0..shuffles−1, on `workers` threads (1: in this thread). */
export async function parallelShuffleRanks(plan: ShufflePlan, shuffles: number, workers: number, onProgress?: (done: number, total: number) => void): Promise<Int32Array> {
  const ranks = new Int32Array(shuffles);
  if (workers <= 1 || shuffles <= 1) {
    ranks.set(shuffleRanks(plan, 0, shuffles, (d) => onProgress?.(d, shuffles)));
    return ranks;
  }
  const counts = plan.counts instanceof Uint16Array || plan.counts instanceof Float32Array || plan.counts instanceof Float64Array ? shareTyped(plan.counts) : Float64Array.from(plan.counts as ArrayLike<number>);
  const shared: ShufflePlan = { ...plan, counts, gram: plan.gram ? { n: plan.gram.n, data: shareTyped(plan.gram.data) } : null };
  const chunk = Math.max(1, Math.min(10, Math.ceil(shuffles / (workers * 4))));
  const jobs: Array<[number, number]> = [];
  for (let s = 0; s < shuffles; s += chunk) jobs.push([s, Math.min(shuffles, s + chunk)]);
  const url = new URL('./kq-worker.js', import.meta.url);
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => new Worker(url, { workerData: shared }));
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      pool.map(async (w) => {
        while (next < jobs.length) {
          const [from, to] = jobs[next++];
          const r = await new Promise<Int32Array>((resolve, reject) => {
            const onMsg = (m: { ranks?: Int32Array; error?: string }): void => {
              w.off('message', onMsg);
              w.off('error', reject);
              if (m.error) reject(new Error(`kernel-quality worker failed: ${m.error}`));
              else resolve(m.ranks!);
            };
            w.on('message', onMsg);
            w.once('error', reject);
            w.postMessage({ from, to });
          });
          ranks.set(r, from);
          done += to - from;
          onProgress?.(done, shuffles);
        }
      }),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return ranks;
}
