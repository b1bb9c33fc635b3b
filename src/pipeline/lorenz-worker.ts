// Worker thread for lorenz-pool.ts: runs sweep tasks of one configuration.
import { parentPort, workerData } from 'node:worker_threads';
import { protocolData } from '../core/timeseries/protocol.js';
import { runSweepTask, type SweepConfig, type SweepTask } from '../core/timeseries/sweep-task.js';

const cfg = workerData as SweepConfig;
const data = protocolData(cfg.protocol);
parentPort!.on('message', (task: SweepTask) => {
  try {
    parentPort!.postMessage({ result: runSweepTask(cfg, data, task) });
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
  }
});
