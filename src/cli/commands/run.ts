import { cpus } from 'node:os';
import { parseFlags, intFlag, floatFlag, choiceFlag, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { runPipeline, DATASETS, type DatasetName } from '../../pipeline/run.js';
import { MODEL_NAMES, type ModelName } from '../../core/models.js';
import { cubeDims, parseDims } from '../../core/network/network.js';
import type { ReadoutOptimizer } from '../../core/readout/index.js';

export const RUN_HELP = `nalsm run: generate a liquid, collect spike counts for a dataset, train the readout.

Usage: nalsm run [options]

With no options at all this is the demo: baseline LSM, 1,000 neurons, MNIST subset
(train 5,000 / validation 1,000 / test 1,000), Adam readout for 150 epochs; about a minute on 2 cores.

Model and data
  --model M          lsm | nalsm (lsm-stdp and lsm-apstdp: not yet)       [lsm]
  --dataset D        mnist | fashion-mnist                                  [mnist]
  --data DIR         read the dataset's official IDX files from DIR (gz or not)
  --neurons N        liquid size, a cube: 1000 (10x10x10), 8000 (20x20x20)   [1000]
  --dims AxBxC       liquid grid instead of --neurons
  --weight W         LSM liquid weight, all five synapse blocks (0 < W <= 3) [0.8]
  --astro-w W        astrocyte weight w_astro      [0.015 for <= 1,000 neurons, else 0.0075]
  --init-snapshots N phase-A snapshots for plastic models                 [50000]
  --init FILE        reuse a saved W_INI (w-ini.bin of an earlier run) instead of phase A
  --seed S           one seed for the network, the pulses and phase A     [1]
  --train N --val N --test N   first N samples of each split   [50000 / 10000 / 10000]

Readout
  --readout R        adadelta (the authors' code) | adam (the paper) | ridge      [adadelta]
  --epochs E         training epochs                         [5000 adadelta, 150 adam]
  --lr X             learning rate                           [0.1 adadelta, 0.001 adam]
  --patience P       stop when validation accuracy has not improved for P epochs [off]

Execution and output
  --workers K        worker threads for the spike counts                 [CPU count]
  --out DIR          results folder: writes DIR/<name>.json atomically    [results]
  --artifacts DIR    where network.bin and w-ini.bin go                   [runs/<name>]
  --name NAME        run name                      [<model>-<dataset>-<neurons>-s<seed>]
  --quiet            no progress output
  -h, --help         this help
`;

const OPTIONS = {
  model: { type: 'string' },
  dataset: { type: 'string' },
  data: { type: 'string' },
  neurons: { type: 'string' },
  dims: { type: 'string' },
  weight: { type: 'string' },
  'astro-w': { type: 'string' },
  'init-snapshots': { type: 'string' },
  init: { type: 'string' },
  seed: { type: 'string' },
  train: { type: 'string' },
  val: { type: 'string' },
  test: { type: 'string' },
  readout: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  patience: { type: 'string' },
  workers: { type: 'string' },
  out: { type: 'string' },
  artifacts: { type: 'string' },
  name: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runCommand(argv: string[]): Promise<number> {
  const demo = argv.length === 0;
  const { values, positionals } = parseFlags('run', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`nalsm run takes no positional arguments, got "${positionals[0]}"`);
  const model = choiceFlag<ModelName>(values, 'model', 'lsm', MODEL_NAMES);
  const dataset = choiceFlag<DatasetName>(values, 'dataset', 'mnist', DATASETS);
  if (values.neurons !== undefined && values.dims !== undefined) throw new UsageError('give either --neurons or --dims, not both');
  const dims = values.dims !== undefined ? parseDims(String(values.dims)) : cubeDims(intFlag(values, 'neurons', 1000, 1, 1_000_000)!);
  const optimizer = choiceFlag<ReadoutOptimizer>(values, 'readout', demo ? 'adam' : 'adadelta', ['adadelta', 'adam', 'ridge']);
  const seed = intFlag(values, 'seed', 1, 0)!;
  const sizes = demo
    ? { train: 5000, val: 1000, test: 1000 }
    : { train: intFlag(values, 'train', undefined, 1), val: intFlag(values, 'val', undefined, 1), test: intFlag(values, 'test', undefined, 1) };
  const quiet = Boolean(values.quiet);
  const progress = makeProgress(quiet);
  const log = (s: string): void => {
    if (!quiet) process.stderr.write(s + '\n');
  };
  if (demo) log('demo: nalsm run --model lsm --train 5000 --val 1000 --test 1000 --readout adam --epochs 150 (see nalsm run --help)');
  const command = ['nalsm', 'run', ...argv].join(' ');
  const r = await runPipeline({
    model,
    dataset,
    dataDir: values.data as string | undefined,
    dims,
    weight: floatFlag(values, 'weight', undefined, 0, 3),
    astroW: floatFlag(values, 'astro-w', undefined, 0, 10),
    seed,
    sizes,
    workers: intFlag(values, 'workers', cpus().length, 1, 256)!,
    initSnapshots: intFlag(values, 'init-snapshots', undefined, 1),
    initFile: values.init as string | undefined,
    readout: {
      optimizer,
      epochs: intFlag(values, 'epochs', optimizer === 'adam' ? 150 : 5000, 1),
      lr: floatFlag(values, 'lr', undefined, 0, 100),
      patience: intFlag(values, 'patience', undefined, 1),
    },
    outDir: (values.out as string | undefined) ?? 'results',
    artifactsDir: values.artifacts as string | undefined,
    name: values.name as string | undefined,
    command,
    onProgress: (phase, done, total) => progress.update(phase, done, total),
    log,
  });
  progress.stop();
  const j = r.json as { accuracy: { val: number; test: number }; seconds: Record<string, number>; samplesPerSecond: number; activity: Record<string, number> };
  const pct = (x: number): string => (100 * x).toFixed(2) + ' %';
  process.stdout.write(
    [
      `${model} on ${dataset}, ${dims[0] * dims[1] * dims[2]} neurons, seed ${seed}`,
      `  test accuracy ${pct(j.accuracy.test)} (validation ${pct(j.accuracy.val)}; ${r.readout.optimizer} readout, best epoch ${r.readout.bestEpoch} of ${r.readout.epochs})`,
      `  liquid rate ${j.activity.liquidRateHz} Hz, ${j.activity.synapticEventsPerSample} synaptic events per sample`,
      `  time: init ${j.seconds.init} s, spikes ${j.seconds.spikes} s (${j.samplesPerSecond} samples/s), readout ${j.seconds.readout} s, total ${j.seconds.total} s`,
      `  results: ${r.path}`,
      '',
    ].join('\n'),
  );
  return 0;
}
