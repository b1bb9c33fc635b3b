import { cpus } from 'node:os';
import { parseFlags, intFlag, floatFlag, choiceFlag, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { join } from 'node:path';
import { nmnistDatasetLabel } from '../../data/nmnist.js';
import type { SimBackend } from '../../core/sim/types.js';
import { runPipeline, DATASETS, type DatasetName, type RunResult } from '../../pipeline/run.js';
import { writeJsonAtomic, gitCommit, machineInfo } from '../../pipeline/results.js';
import { MODEL_NAMES, LSM_STDP_PHASE_B, type ModelName, type LsmStdpPhaseB } from '../../core/models.js';
import { cubeDims, parseDims } from '../../core/network/network.js';
import { READOUT_HELP, READOUT_OPTIONS, readoutFlags } from '../readout-flags.js';

export const RUN_HELP = `nalsm run: generate a liquid, collect spike counts for a dataset, train the readout.

Usage: nalsm run [options]

With no options at all this is the demo: baseline LSM, 1,000 neurons, MNIST subset
(train 5,000 / validation 1,000 / test 1,000), Adam readout for 150 epochs; about 12 s on 2 cores.

Model and data
  --model M          lsm | nalsm | lsm-stdp | lsm-apstdp                  [lsm]
  --dataset D        mnist | fashion-mnist | nmnist (N-MNIST layout in --data DIR) [mnist]
  --data DIR         read the dataset's official IDX files from DIR (gz or not)
  --neurons N        liquid size, a cube: 1000 (10x10x10), 8000 (20x20x20)   [1000]
  --dims AxBxC       liquid grid instead of --neurons
  --weight W         LSM liquid weight (LSM+AP-STDP: initial weight, default 1.0), all five synapse blocks (0 < W <= 3) [0.8];
                     a list (--weight 0.4,0.6,0.8,1.0,1.2) sweeps it on the same network and
                     seed, one results JSON per weight plus <name>-sweep.json
  --astro-w W        astrocyte weight w_astro      [0.015 for <= 1,000 neurons, else 0.0075]
  --astro-density D  fraction of input and liquid neurons wired to the astrocyte [1]
  --lsm-stdp-phase-b static | as-run | plastic-all: LSM+STDP while counting; as-run
                     is the original's GPU behaviour (only batch slot 0 plastic)   [static]
  --ap-threshold C   LSM+AP-STDP calcium threshold C_θ, Hz                        [37]
  --ap-range D       LSM+AP-STDP calcium window ΔC                                [23]
  --init-snapshots N phase-A snapshots for plastic models                 [50000]
  --init FILE        reuse a saved W_INI (w-ini.bin of an earlier run) instead of phase A
  --seed S           one seed for the network, the pulses and phase A     [1]
  --train N --val N --test N   first N samples of each split   [50000 / 10000 / 10000]

Readout
${READOUT_HELP}
Execution and output
  --workers K        worker threads for the spike counts                 [CPU count]
  --backend B        simulator: auto | wasm | js (identical counts)          [auto]
  --out DIR          results folder: writes DIR/<name>.json atomically    [results]
  --artifacts DIR    where network.bin and w-ini.bin go                   [runs/<name>]
  --name NAME        run name                      [<model>-<dataset>-<neurons>-s<seed>]
  --save-counts      keep the spike counts (artifacts/counts.bin) for nalsm readout
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
  'astro-density': { type: 'string' },
  'lsm-stdp-phase-b': { type: 'string' },
  'ap-threshold': { type: 'string' },
  'ap-range': { type: 'string' },
  'init-snapshots': { type: 'string' },
  init: { type: 'string' },
  seed: { type: 'string' },
  train: { type: 'string' },
  val: { type: 'string' },
  test: { type: 'string' },
  ...READOUT_OPTIONS,
  workers: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  artifacts: { type: 'string' },
  name: { type: 'string' },
  'save-counts': { type: 'boolean' },
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
  const weights = weightList(values.weight);
  if (weights.length > 1 && model !== 'lsm' && model !== 'lsm-apstdp') throw new UsageError('a --weight list (sweep) applies to --model lsm and lsm-apstdp only');
  const base = {
    model,
    dataset,
    dataDir: values.data as string | undefined,
    dims,
    astroW: floatFlag(values, 'astro-w', undefined, 0, 10),
    modelOptions: {
      astroDensity: floatFlag(values, 'astro-density', undefined, 0.001, 1),
      lsmStdpPhaseB: choiceFlag<LsmStdpPhaseB>(values, 'lsm-stdp-phase-b', 'static', LSM_STDP_PHASE_B),
      apThreshold: floatFlag(values, 'ap-threshold', undefined, 0, 1000),
      apRange: floatFlag(values, 'ap-range', undefined, 0, 1000),
    },
    seed,
    sizes,
    workers: intFlag(values, 'workers', cpus().length, 1, 256)!,
    backend: choiceFlag<SimBackend>(values, 'backend', 'auto', ['auto', 'wasm', 'js']),
    initSnapshots: intFlag(values, 'init-snapshots', undefined, 1),
    initFile: values.init as string | undefined,
    readout: readoutFlags(values, demo ? 'adam' : 'adadelta'),
    outDir: (values.out as string | undefined) ?? 'results',
    saveCounts: Boolean(values['save-counts']),
    command,
    onProgress: (phase: 'init' | 'spikes' | 'readout', done: number, total: number) => progress.update(phase, done, total),
    log,
  };
  const NL = dims[0] * dims[1] * dims[2];
  // synthetic event data is named as such in every file name (saccade-mnist, never nmnist)
  const label = dataset === 'nmnist' && values.data !== undefined ? nmnistDatasetLabel(String(values.data)) : dataset;
  const baseName = (values.name as string | undefined) ?? `${demo ? 'demo-' : ''}${model}-${label}-${NL}-s${seed}`;
  const sweep: Array<{ weight: number | undefined; accuracy: { val: number; test: number }; liquidRateHz: number; results: string }> = [];
  for (const weight of weights) {
    const name = weights.length > 1 ? `${baseName}-w${weight}` : baseName;
    const r = await runPipeline({ ...base, weight, name, artifactsDir: (values.artifacts as string | undefined) ?? join('runs', name) });
    progress.stop();
    printSummary(r, model, dataset, NL, seed);
    const j = r.json as { accuracy: { val: number; test: number }; activity: { liquidRateHz: number } };
    sweep.push({ weight, accuracy: j.accuracy, liquidRateHz: j.activity.liquidRateHz, results: r.path });
  }
  if (weights.length > 1) {
    const best = sweep.reduce((a, b) => (b.accuracy.val > a.accuracy.val ? b : a));
    const path = join(base.outDir, `${baseName}-sweep.json`);
    writeJsonAtomic(path, { kind: 'sweep', model, dataset, neurons: NL, seed, command, commit: gitCommit(), machine: machineInfo(), sweep, bestByValidation: best });
    process.stdout.write(`sweep: best validation accuracy at weight ${best.weight}: test ${(100 * best.accuracy.test).toFixed(2)} %\n  sweep results: ${path}\n`);
  }
  return 0;
}

function weightList(v: unknown): Array<number | undefined> {
  if (v === undefined) return [undefined];
  const parts = String(v).split(',');
  return parts.map((p) => {
    const n = Number(p);
    if (p.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--weight must be a number or a comma-separated list of numbers, got "${v}"`);
    if (n <= 0 || n > 3) throw new UsageError(`--weight must be between 0 and 3, got ${n}`);
    return n;
  });
}

function printSummary(r: RunResult, model: string, dataset: string, NL: number, seed: number): void {
  const j = r.json as { dataset: string; accuracy: { val: number; test: number }; seconds: Record<string, number>; samplesPerSecond: number; activity: Record<string, number>; model_parameters: { liquidWeight?: number } };
  const pct = (x: number): string => (100 * x).toFixed(2) + ' %';
  const w = j.model_parameters.liquidWeight !== undefined ? `, weight ${j.model_parameters.liquidWeight}` : '';
  process.stdout.write(
    [
      `${model} on ${j.dataset}, ${NL} neurons, seed ${seed}${w}`,
      `  test accuracy ${pct(j.accuracy.test)} (validation ${pct(j.accuracy.val)}; ${r.readout.optimizer} readout, best epoch ${r.readout.bestEpoch} of ${r.readout.epochs})`,
      `  liquid rate ${j.activity.liquidRateHz} Hz, ${j.activity.synapticEventsPerSample} synaptic events per sample`,
      `  time: init ${j.seconds.init} s, spikes ${j.seconds.spikes} s (${j.samplesPerSecond} samples/s), readout ${j.seconds.readout} s, total ${j.seconds.total} s`,
      `  results: ${r.path}`,
      '',
    ].join('\n'),
  );
}
