// Readout speed benchmark on synthetic Poisson-like spike counts.
//   node dist/bench/readout-bench.js [--nl 1000] [--train 50000] [--eval 10000] [--epochs 5]
//        [--opt adadelta,adam,ridge] [--backend wasm,js] [--mean 4] [--sparsity 0] [--dist poisson|uniform]
// Counts: Poisson with mean `mean` modulated by class (so the problem is learnable); with
// --sparsity p a neuron is silent (count 0) for a sample with probability p.

import { trainReadout, type CountSplit, type ReadoutOptimizer } from '../src/core/readout/index.js';
import { Rng } from '../src/core/rng.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const nl = Number(arg('nl', '1000'));
const nTrain = Number(arg('train', '50000'));
const nEval = Number(arg('eval', '10000'));
const epochs = Number(arg('epochs', '5'));
const mean = Number(arg('mean', '4'));
const sparsity = Number(arg('sparsity', '0'));
// 'poisson' (default) or 'uniform' (counts uniform in 0..2*mean, much faster to generate for big NL)
const dist = arg('dist', 'poisson');
const opts = arg('opt', 'adadelta,adam,ridge').split(',') as ReadoutOptimizer[];
const backends = arg('backend', 'wasm').split(',') as Array<'wasm' | 'js'>;

function poisson(rng: Rng, lambda: number): number {
  // Knuth; fine for small lambda
  const L = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > L) {
    k++;
    p *= rng.next();
  }
  return k;
}

function makeSplit(n: number, key: string): CountSplit {
  const rng = new Rng(7, key);
  // class-dependent rate profile: each class boosts a random 10% of the neurons
  const prof = new Float64Array(10 * nl);
  const prng = new Rng(7, 'profile');
  for (let k = 0; k < prof.length; k++) prof[k] = prng.next() < 0.1 ? 1.08 : 1;
  const counts = new Uint16Array(n * nl);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const y = rng.int(10);
    labels[i] = y;
    for (let j = 0; j < nl; j++) {
      if (sparsity > 0 && rng.next() < sparsity) continue;
      const lam = mean * prof[y * nl + j];
      counts[i * nl + j] = dist === 'uniform' ? Math.floor(rng.next() * (2 * lam + 1)) : poisson(rng, lam);
    }
  }
  return { counts, labels, n };
}

const t0 = performance.now();
const train = makeSplit(nTrain, 'train');
const val = makeSplit(nEval, 'val');
const test = makeSplit(nEval, 'test');
let nz = 0;
for (let k = 0; k < train.counts.length; k++) if (train.counts[k] !== 0) nz++;
console.log(
  `data: ${nTrain}/${nEval}/${nEval} x ${nl}, mean ${mean}, nonzero ${(nz / train.counts.length).toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s to make)`,
);

for (const backend of backends) {
  for (const optimizer of opts) {
    const times: number[] = [];
    let last = performance.now();
    const tStart = last;
    const r = trainReadout(train, val, test, nl, {
      optimizer,
      epochs,
      backend,
      onEpoch: () => {
        const now = performance.now();
        times.push(now - last);
        last = now;
      },
    });
    const total = performance.now() - tStart;
    if (optimizer === 'ridge') {
      console.log(
        `${backend} ridge: ${(total / 1000).toFixed(2)} s total; val ${r.accuracy.val.toFixed(4)} test ${r.accuracy.test.toFixed(4)} lambda rel ${r.ridge?.relLambda}`,
      );
    } else {
      // first epoch includes wasm tier-up; report the median of the rest
      const rest = times.slice(1).sort((a, b) => a - b);
      const med = rest.length > 0 ? rest[rest.length >> 1] : times[0];
      console.log(
        `${r.backend} ${optimizer}: ${med.toFixed(1)} ms/epoch (median of epochs 2..${epochs}; first ${times[0].toFixed(0)} ms; setup ${(total - times.reduce((a, b) => a + b, 0)).toFixed(0)} ms) best epoch ${r.bestEpoch} val ${r.accuracy.val.toFixed(4)} test ${r.accuracy.test.toFixed(4)}`,
      );
    }
  }
}
