// Worker thread of generateSaccadeMnist: converts the image ranges it is sent and writes their files.
import { parentPort, workerData } from 'node:worker_threads';
import { convertRange, SaccadeCamera, type SaccadeWorkerInit, type SaccadeWorkerJob, type SaccadeWorkerReply } from './saccade-mnist.js';

const init = workerData as SaccadeWorkerInit;
const camera = new SaccadeCamera(init.seed, init.params);
const port = parentPort!;
const send = (r: SaccadeWorkerReply): void => port.postMessage(r);

port.on('message', (job: SaccadeWorkerJob) => {
  if (job === null) {
    port.close();
    return;
  }
  try {
    let pending = 0;
    const totals = convertRange(camera, init.seed, init.out, job.split, init.sets[job.split], job.start, job.end, () => {
      if (++pending === 20) {
        send({ kind: 'progress', done: pending });
        pending = 0;
      }
    });
    if (pending > 0) send({ kind: 'progress', done: pending });
    send({ kind: 'done', totals });
  } catch (e) {
    send({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
