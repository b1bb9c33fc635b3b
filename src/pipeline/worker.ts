// Worker thread: builds the simulator once from the network bytes and starting weights,
// then runs sample-range jobs (core/job.ts) and posts the counts back.
import { parentPort, workerData } from 'node:worker_threads';
import type { SampleJob } from '../core/job.js';
import type { WorkerInit, JobReply } from './pool.js';
import { chunkCounter } from './phases.js';

const init = workerData as WorkerInit;
const counter = chunkCounter(init.network, init.weights, init.model, init.seed, init.pixels, init.backend);

parentPort!.on('message', (msg: { id: number; job: SampleJob }) => {
  try {
    const data = init.splits[msg.job.split];
    if (!data) throw new Error(`split ${msg.job.split} was not given to this worker`);
    const { counts: out, totals } = counter.count(data, msg.job);
    const reply: JobReply = { id: msg.id, counts: out, totals };
    parentPort!.postMessage(reply, [out.buffer]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e) });
  }
});
