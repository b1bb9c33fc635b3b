// Worker thread for kq-pool.ts: ranks ranges of kernel-quality shuffles of one shared plan.
import { parentPort, workerData } from 'node:worker_threads';
import { shuffleRanks, type ShufflePlan } from '../core/analysis/kernel-quality.js';

const plan = workerData as ShufflePlan;
parentPort!.on('message', (m: { from: number; to: number }) => {
  try {
    const ranks = shuffleRanks(plan, m.from, m.to);
    parentPort!.postMessage({ ranks }, [ranks.buffer]);
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
  }
});
