// The README's second library example: a small run, then its artifacts through the run loaders
// (test/readme-snippets.test.ts runs it from a project that installs nalsm).
import { loadRun, loadRunNetwork, loadRunWini, loadRunCounts, readNetwork, runPipeline } from 'nalsm';

// a small run; artifacts go to <outDir>/<name>/ unless artifactsDir says otherwise
const r = await runPipeline({ model: 'nalsm', dataset: 'mnist', dims: [5, 5, 5], seed: 1,
  sizes: { train: 100, val: 50, test: 50 }, workers: 2, initSnapshots: 50, saveCounts: true,
  readout: { optimizer: 'adam', epochs: 200, patience: 20 }, outDir: 'my-results', command: 'example' });
const run = loadRun(r.path);                                 // checks the artifacts belong to this run
const net = loadRunNetwork(run), wIni = loadRunWini(run, net), counts = loadRunCounts(run);
console.log(run.json.runId, net.NL, wIni.ll.length, counts.counts.test.n, r.json.accuracy);
const again = readNetwork(`my-results/${run.json.name}/network.bin`);  // any network file, validated
