// Same seed → same counts, whatever the number of worker threads.
import test from 'node:test';
import assert from 'node:assert/strict';
import { generateNetwork } from '../src/core/network/generate.js';
import { encodeNetwork } from '../src/core/network/format.js';
import { uniformWeights } from '../src/core/network/weights.js';
import { compileNetwork, weightsToIds } from '../src/core/sim/compiled.js';
import { Simulator } from '../src/core/sim/simulator.js';
import { modelSpec } from '../src/core/models.js';
import { JobRunner, type SplitImages } from '../src/core/job.js';
import { maxNormalisedPixel } from '../src/core/encode/bernoulli.js';
import { WorkerPool, makeJobs, shareBytes } from '../src/pipeline/pool.js';
import { loadMnist } from '../src/data/mnist.js';

const mnist = loadMnist();
const n = 24;
const test10k: SplitImages = {
  images: shareBytes(mnist.test.images.subarray(0, n * 784)),
  pixels: 784,
  n,
  R: maxNormalisedPixel(mnist.test.images, 784),
};
const net = generateNetwork({ dims: [8, 8, 8], inputs: 784, seed: 11 });
const c = compileNetwork(net);

async function countsWith(workers: number, model: 'lsm' | 'nalsm', jobSize: number): Promise<Uint16Array> {
  const spec = modelSpec(model, { neurons: net.NL, weight: 1.0 });
  const pool = new WorkerPool(workers, {
    network: encodeNetwork(net),
    weights: weightsToIds(c, uniformWeights(net, spec.initialWeight)),
    model: spec,
    seed: 5,
    steps: 250,
    pixels: 784,
    splits: { test: test10k },
  });
  const out = new Uint16Array(n * net.NL);
  try {
    await pool.runAll(makeJobs('test', n, jobSize), (job, r) => out.set(r.counts!, job.start * net.NL));
  } finally {
    await pool.close();
  }
  return out;
}

for (const model of ['lsm', 'nalsm'] as const) {
  test(`${model}: 1 worker, 2 workers and 3 workers with other job sizes give identical counts`, async () => {
    const one = await countsWith(1, model, 24);
    const two = await countsWith(2, model, 5);
    const three = await countsWith(3, model, 7);
    assert.ok(one.some((v) => v > 0), 'the liquid should spike');
    assert.deepEqual(two, one);
    assert.deepEqual(three, one);
    // and the in-process runner agrees with the workers
    const sim = new Simulator(c);
    const spec = modelSpec(model, { neurons: net.NL, weight: 1.0 });
    sim.setWeights(weightsToIds(c, uniformWeights(net, spec.initialWeight)));
    const runner = new JobRunner(sim, spec, 5, 250, 784);
    const local = new Uint16Array(n * net.NL);
    runner.run(test10k, { split: 'test', start: 0, end: n }, local, { liquidSpikes: 0, inputSpikes: 0, synapticEvents: 0, stdpUpdates: 0 });
    assert.deepEqual(local, one);
  });
}

test('another seed draws other pulses', async () => {
  const sim = new Simulator(c);
  sim.setWeights(weightsToIds(c, uniformWeights(net, 1)));
  const spec = modelSpec('lsm', { neurons: net.NL, weight: 1 });
  const a = new JobRunner(sim, spec, 5, 250, 784).pulsesFor(test10k, 'test', 0);
  const events = Array.from(a.input.subarray(0, a.start[250]));
  const b = new JobRunner(sim, spec, 6, 250, 784).pulsesFor(test10k, 'test', 0);
  assert.notDeepEqual(Array.from(b.input.subarray(0, b.start[250])), events);
  // about Σp = 1/R_test ≈ 22 pulses per ms for MNIST test images
  assert.ok(events.length / 250 > 15 && events.length / 250 < 30, `${events.length / 250} pulses/ms`);
});
