// Worker thread: builds the simulator once from the network bytes and starting weights,
// then runs sample-range jobs (core/job.ts) and posts the counts back.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeNetwork } from '../core/network/format.js';
import { compileNetwork } from '../core/sim/compiled.js';
import { createSimulator } from '../core/sim/types.js';
import { JobRunner, type SampleJob, type JobTotals } from '../core/job.js';
import type { WorkerInit, JobReply } from './pool.js';

const init = workerData as WorkerInit;
const net = decodeNetwork(init.network, 'worker network');
const c = compileNetwork(net);
const sim = createSimulator(c, { backend: init.backend });
sim.setWeights(init.weights);
const runner = new JobRunner(sim, init.model, init.seed, init.steps, init.pixels);

parentPort!.on('message', (msg: { id: number; job: SampleJob }) => {
  try {
    const data = init.splits[msg.job.split];
    if (!data) throw new Error(`split ${msg.job.split} was not given to this worker`);
    const out = new Uint16Array((msg.job.end - msg.job.start) * c.NL);
    const totals: JobTotals = { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 };
    runner.run(data, msg.job, out, totals);
    const reply: JobReply = { id: msg.id, counts: out, totals };
    parentPort!.postMessage(reply, [out.buffer]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e) });
  }
});
