// K compute threads for a queue worker; a task goes to an idle thread (BullMQ's concurrency is K, so
// one is always free when a job arrives).
import { Worker } from 'node:worker_threads';
import type { ComputeTask, ComputeResult } from './compute.js';

export class ComputePool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly waiting: Array<(w: Worker) => void> = [];
  private nextId = 0;

  constructor(size: number) {
    for (let k = 0; k < size; k++) {
      const w = new Worker(new URL('./compute-thread.js', import.meta.url));
      this.all.push(w);
      this.idle.push(w);
    }
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    return w ? Promise.resolve(w) : new Promise((res) => this.waiting.push(res));
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  async run(task: ComputeTask): Promise<ComputeResult> {
    const w = await this.acquire();
    const id = this.nextId++;
    try {
      return await new Promise<ComputeResult>((resolve, reject) => {
        const onMessage = (m: { id: number; result?: ComputeResult; error?: string }): void => {
          if (m.id !== id) return;
          w.off('message', onMessage);
          w.off('error', onError);
          if (m.error !== undefined) reject(new Error(m.error));
          else resolve(m.result!);
        };
        const onError = (e: Error): void => {
          w.off('message', onMessage);
          reject(e);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.postMessage({ id, task });
      });
    } finally {
      this.release(w);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
