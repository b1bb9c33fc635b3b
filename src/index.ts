// nalsm for Node: the model core plus the Node adapters (datasets, worker pool, pipeline).
export * from './core/index.js';
export { loadMnist, mnistDataDir } from './data/mnist.js';
export { loadFashionMnistNpm, loadFashionMnistIdx } from './data/fashion.js';
export { standardSplit, subset, type ImageSet, type ImageDataset, type Splits } from './data/images.js';
export { readIdxFile, parseIdx, loadIdxImageSet } from './data/idx.js';
export { loadFixture, parseFixture, type Fixture } from './data/fixture.js';
export { runPipeline, loadDataset, type RunOptions, type RunResult } from './pipeline/run.js';
export { WorkerPool, makeJobs } from './pipeline/pool.js';
export { writeCounts, readCounts } from './pipeline/counts-file.js';
export { writeRunReport, buildRunReport } from './report/report.js';
export { writeComparison, compareRows } from './report/compare.js';
export { loadRun, simulateImages } from './pipeline/existing-run.js';
export { readRasters, writeRasters } from './pipeline/rasters-file.js';
export { defaultRunName, runTargets, datasetLabelOf, DATASETS, type DatasetName } from './pipeline/run.js';
export { readNetwork, writeNetwork } from './pipeline/network-file.js';
export {
  loadRunOrSweep,
  runPath,
  loadRunNetwork,
  loadRunWini,
  loadRunCounts,
  loadRunRasters,
  runStartWeights,
  runModelSpec,
  simulateEvents,
  type ExistingRun,
  type RunJson,
} from './pipeline/existing-run.js';
export { newRunId, artifactRunId, checkArtifactRun, checkDerivedRun, RunExistsError } from './pipeline/run-identity.js';
export { formatPlan, estimateSeconds, type PlanInput } from './pipeline/plan.js';
export { gitProvenance, machineInfo, writeJsonAtomic } from './pipeline/results.js';
export { readNtidigits, writeNtidigits, ntidigitsLabel, audioEvents, type AudioEventSet } from './data/ntidigits.js';
export { generateSpokenDigits, utterance, renderUtterance } from './data/spoken-digits.js';
export { decodeWav } from './data/wav.js';
export { runZeroShot, PAPER_ENCODERS, PAPER_PROJECTION, type ZeroShotRunOptions, type ZeroShotRunResult } from './pipeline/zero-shot/run.js';
export { runLorenzSweep, sweepTasks, type SweepOptions } from './pipeline/lorenz-sweep.js';
export { runSweepTasks } from './pipeline/lorenz-pool.js';
