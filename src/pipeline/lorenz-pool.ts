// Sweep tasks (one network each) over worker threads. Each worker builds the protocol's data once;
// a task's numbers depend on the task and the configuration only, and results are placed by task
// index, so the output is identical whatever the number of workers.
import { Worker } from 'node:worker_threads';
import { protocolData } from '../core/timeseries/protocol.js';
import { runSweepTask, type SweepConfig, type SweepTask, type TaskResult } from '../core/timeseries/sweep-task.js';

export async function runSweepTasks(cfg: SweepConfig, tasks: SweepTask[], workers: number, onDone?: (done: number, total: number, r: TaskResult) => void): Promise<TaskResult[]> {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`--workers must be a positive integer, got ${workers}`);
  const out = new Array<TaskResult>(tasks.length);
  let done = 0;
  if (workers === 1 || tasks.length <= 1) {
    const data = protocolData(cfg.protocol);
    tasks.forEach((t, i) => {
      out[i] = runSweepTask(cfg, data, t);
      onDone?.(++done, tasks.length, out[i]);
    });
    return out;
  }
  const url = new URL('./lorenz-worker.js', import.meta.url);
  const pool = Array.from({ length: Math.min(workers, tasks.length) }, () => new Worker(url, { workerData: cfg }));
  let next = 0;
  try {
    await Promise.all(
      pool.map(async (w) => {
        while (next < tasks.length) {
          const i = next++;
          out[i] = await new Promise<TaskResult>((resolve, reject) => {
            const onMsg = (m: { result?: TaskResult; error?: string }): void => {
              w.off('error', reject);
              if (m.error) reject(new Error(`lorenz worker failed on N=${tasks[i].N} A=${tasks[i].A} seed=${tasks[i].seed}: ${m.error}`));
              else resolve(m.result!);
            };
            w.once('message', onMsg);
            w.once('error', reject);
            w.postMessage(tasks[i]);
          });
          onDone?.(++done, tasks.length, out[i]);
        }
      }),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return out;
}
