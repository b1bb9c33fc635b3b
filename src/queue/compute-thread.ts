// A queue worker's compute thread: runs compute() for the tasks its parent posts.
import { parentPort } from 'node:worker_threads';
import { compute, type ComputeTask } from './compute.js';

parentPort!.on('message', (msg: { id: number; task: ComputeTask }) => {
  try {
    const result = compute(msg.task);
    parentPort!.postMessage({ id: msg.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).message });
  }
});
