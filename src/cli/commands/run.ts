import { cpus } from 'node:os';
import { parseFlags, intFlag, floatFlag, choiceFlag, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { join } from 'node:path';
import type { SimBackend } from '../../core/sim/types.js';
import { runPipeline, runTargets, defaultRunName, datasetLabelOf, DEFAULT_INIT_SNAPSHOTS, DATASETS, type DatasetName, type RunResult } from '../../pipeline/run.js';
import { formatPlan } from '../../pipeline/plan.js';
import { readNetwork } from '../../pipeline/network-file.js';
import { existsSync } from 'node:fs';
import { writeJsonAtomic, gitProvenance, machineInfo } from '../../pipeline/results.js';
import { MODEL_NAMES, LSM_STDP_PHASE_B, modelSpec, type ModelName, type ModelSpec, type LsmStdpPhaseB } from '../../core/models.js';
import { cubeDims, parseDims } from '../../core/network/network.js';
import { READOUT_HELP, READOUT_OPTIONS, readoutFlags } from '../readout-flags.js';

export const RUN_HELP = `nalsm run: generate a liquid, collect spike counts for a dataset, train the readout.

Usage: nalsm run [options]

It prints its plan first (sizes, phase A, readout, where it writes, a time estimate); --dry-run
prints only that. With no options, or only options that change how it runs and where it writes
(--dry-run, --quiet, --workers, --backend, --out, --artifacts, --force, --save-counts), or with
--demo, this is the demo: baseline LSM, 1,000 neurons, MNIST subset (train 5,000 / validation 1,000 / test 1,000), about 12 s on 2 cores; it
writes under runs/demo/ (a taken name gets -2, -3, ...) and never touches results/.

Model and data
  --model M          lsm | nalsm | lsm-stdp | lsm-apstdp                  [lsm]
  --dataset D        mnist | fashion-mnist | nmnist (N-MNIST layout in --data DIR) [mnist]
  --data DIR         read the dataset's official IDX files from DIR (gz or not)
  --neurons N        liquid size, a cube: 1000 (10x10x10), 8000 (20x20x20)   [1000]
  --dims AxBxC       liquid grid instead of --neurons
  --network FILE     run this network (network.bin of nalsm generate or an earlier run) instead of
                     generating one from --seed; its size sets the liquid
  --seed S           one seed for the network, the pulses and phase A     [1]
  --train N --val N --test N   first N samples of each split   [all: 50000 / 10000 / 10000]

Model options (each applies to the models named; any other model refuses it)
  --weight W         lsm, lsm-apstdp: liquid weight on all five synapse blocks (0 < W <= 3)
                     [lsm 0.8, lsm-apstdp 1.0 (its initial weight)]; a list (--weight 0.4,0.6,0.8)
                     sweeps it on the same network and seed, one results JSON per weight plus
                     <name>-sweep.json
  --astro-w W        nalsm: astrocyte weight w_astro   [0.015 for <= 1,000 neurons, else 0.0075]
  --astro-density D  nalsm: fraction of input and liquid neurons wired to the astrocyte [1]
  --lsm-stdp-phase-b lsm-stdp: static | as-run | plastic-all while counting; as-run is the
                     original's GPU behaviour (only batch slot 0 plastic)   [static]
  --ap-threshold C   lsm-apstdp: calcium threshold C_θ, Hz                        [37]
  --ap-range D       lsm-apstdp: calcium window ΔC                                [23]
  --init-snapshots N nalsm, lsm-stdp, lsm-apstdp: phase-A snapshots            [50000]
  --init FILE        nalsm, lsm-stdp, lsm-apstdp: reuse a saved W_INI (w-ini.bin of an earlier
                     run on the same network) instead of phase A

Readout
${READOUT_HELP}
Execution and output
  --workers K        worker threads for the spike counts                 [CPU count]
  --backend B        simulator: auto | wasm | js (identical counts)          [auto]
  --out DIR          results folder: writes DIR/<name>.json atomically    [results]
  --artifacts DIR    where network.bin, w-ini.bin, rasters.bin (and counts.bin) go [runs/<name>]
  --name NAME        run name; the default names the model, data, size and seed, then the sizes
                     and model options given: nalsm-mnist-1000-s1-n300-100-100-init300
  --force            replace an earlier run of the same name (its results and artifacts);
                     without it, an existing result or artifacts folder is an error
  --save-counts      keep the spike counts (artifacts/counts.bin) for nalsm readout and analyze kq
  --dry-run          print the plan and stop (writes nothing)
  --demo             the demo's settings (what nalsm run with no options does)
  --quiet            no progress output (the plan is still printed unless --quiet)
  -h, --help         this help
`;

const OPTIONS = {
  model: { type: 'string' },
  dataset: { type: 'string' },
  data: { type: 'string' },
  neurons: { type: 'string' },
  dims: { type: 'string' },
  network: { type: 'string' },
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
  force: { type: 'boolean' },
  'save-counts': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  demo: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HOW_FLAGS: ReadonlySet<string> = new Set(['quiet', 'dry-run', 'workers', 'backend', 'force', 'out', 'artifacts', 'save-counts', 'demo']);

/** The demo: small enough to finish in seconds, and kept apart from committed results. */
const DEMO = { model: 'lsm' as ModelName, sizes: { train: 5000, val: 1000, test: 1000 }, outDir: join('runs', 'demo') };

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('run', argv, OPTIONS);
  // flags that change how, not what, keep the demo: `nalsm run --dry-run` plans the demo too
  const demo = Boolean(values.demo) || Object.keys(values).every((k) => HOW_FLAGS.has(k));
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`nalsm run takes no positional arguments, got "${positionals[0]}"`);
  const model = choiceFlag<ModelName>(values, 'model', DEMO.model, MODEL_NAMES);
  if (demo) {
    const fixed = ['model', 'dataset', 'data', 'neurons', 'dims', 'network', 'train', 'val', 'test', 'name'].filter((f) => values[f] !== undefined);
    if (fixed.length) throw new UsageError(`--demo sets the model, data and sizes itself; drop --${fixed.join(', --')} (or drop --demo)`);
  }
  checkModelFlags(model, values);
  const dataset = choiceFlag<DatasetName>(values, 'dataset', 'mnist', DATASETS);
  if (values.neurons !== undefined && values.dims !== undefined) throw new UsageError('give either --neurons or --dims, not both');
  const networkFile = values.network as string | undefined;
  if (networkFile !== undefined && (values.neurons !== undefined || values.dims !== undefined)) throw new UsageError('--network sets the liquid; drop --neurons/--dims');
  const network = networkFile !== undefined ? readNetwork(networkFile) : undefined;
  const dims = network ? network.dims : values.dims !== undefined ? parseDims(String(values.dims)) : cubeDims(intFlag(values, 'neurons', 1000, 1, 1_000_000)!);
  const seed = intFlag(values, 'seed', 1, 0)!;
  const sizes = demo ? DEMO.sizes : { train: intFlag(values, 'train', undefined, 1), val: intFlag(values, 'val', undefined, 1), test: intFlag(values, 'test', undefined, 1) };
  const quiet = Boolean(values.quiet);
  const dryRun = Boolean(values['dry-run']);
  const progress = makeProgress(quiet);
  const log = (s: string): void => {
    if (!quiet) process.stderr.write(s + '\n');
  };
  const command = ['nalsm', 'run', ...argv].join(' ');
  const weights = weightList(values.weight);
  if (weights.length > 1 && model !== 'lsm' && model !== 'lsm-apstdp') throw new UsageError('a --weight list (sweep) applies to --model lsm and lsm-apstdp only');
  const outDir = (values.out as string | undefined) ?? (demo ? DEMO.outDir : 'results');
  const base = {
    model,
    dataset,
    dataDir: values.data as string | undefined,
    dims,
    network,
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
    readout: readoutFlags(values),
    outDir,
    force: Boolean(values.force),
    saveCounts: Boolean(values['save-counts']),
    command,
    onProgress: (phase: 'init' | 'spikes' | 'readout', done: number, total: number) => progress.update(phase, done, total),
    log,
  };
  const NL = dims[0] * dims[1] * dims[2];
  const given = values.name as string | undefined;
  let baseName = given ?? defaultRunName(base);
  if (demo) baseName = base.force ? 'demo-lsm-mnist-1000-s1' : freeDemoName('demo-lsm-mnist-1000-s1', outDir);
  // every run of the command, planned and checked for collisions before the first one starts
  const planned = weights.map((weight) => {
    const name = weights.length > 1 ? `${baseName}-w${weight}` : given === undefined && !demo ? defaultRunName({ ...base, weight }) : baseName;
    const artifactsDir = (values.artifacts as string | undefined) ?? (demo ? join(DEMO.outDir, name) : join('runs', name));
    if (weights.length > 1 && values.artifacts !== undefined) throw new UsageError('--artifacts names one folder; a --weight list writes one per weight under runs/ (drop --artifacts)');
    const model = modelSpec(base.model, { ...base.modelOptions, weight, astroW: base.astroW, neurons: NL });
    const targets = dryRun ? { results: join(outDir, `${name}.json`), artifacts: artifactsDir } : runTargets({ outDir, artifactsDir, force: base.force, name });
    return { weight, name, artifactsDir, model, targets };
  });
  const sweepPath = join(outDir, `${baseName}-sweep.json`);
  if (weights.length > 1 && !base.force && !dryRun && existsSync(sweepPath)) throw new UsageError(`${sweepPath} exists: a finished sweep of that name; give another --name, or --force to replace it`);
  const label = datasetLabelOf(dataset, base.dataDir);
  for (const p of planned) {
    const plan = formatPlan({
      name: p.name,
      model,
      dataset: label,
      neurons: NL,
      dims,
      seed,
      sizes,
      initSnapshots: p.model.phaseA === 'none' || base.initFile ? null : (base.initSnapshots ?? DEFAULT_INIT_SNAPSHOTS),
      initFile: base.initFile,
      networkFile,
      modelLine: describeModel(p.model),
      readout: base.readout,
      workers: base.workers,
      results: p.targets.results,
      artifacts: p.targets.artifacts,
      saveCounts: base.saveCounts,
    });
    if (dryRun) process.stdout.write(plan);
    else if (!quiet) process.stderr.write(plan);
  }
  if (dryRun) return 0;
  const sweep: Array<{ weight: number | undefined; accuracy: { val: number; test: number }; liquidRateHz: number; results: string; runId: string }> = [];
  for (const p of planned) {
    const r = await runPipeline({ ...base, weight: p.weight, name: p.name, artifactsDir: p.artifactsDir });
    progress.stop();
    printSummary(r, model, dataset, NL, seed);
    const j = r.json as { accuracy: { val: number; test: number }; activity: { liquidRateHz: number }; runId: string };
    sweep.push({ weight: p.weight, accuracy: j.accuracy, liquidRateHz: j.activity.liquidRateHz, results: r.path, runId: j.runId });
  }
  if (weights.length > 1) {
    const best = sweep.reduce((a, b) => (b.accuracy.val > a.accuracy.val ? b : a));
    writeJsonAtomic(sweepPath, { kind: 'sweep', model, dataset, neurons: NL, seed, samples: sizes, command, ...gitProvenance(), machine: machineInfo(), sweep, bestByValidation: best });
    process.stdout.write(`sweep: best validation accuracy at weight ${best.weight}: test ${(100 * best.accuracy.test).toFixed(2)} %\n  sweep results: ${sweepPath}\n`);
  }
  return 0;
}

/** Flags that only some models use: any other model refuses them (exit 2), rather than ignoring them. */
const MODEL_FLAGS: Record<string, readonly ModelName[]> = {
  weight: ['lsm', 'lsm-apstdp'],
  'astro-w': ['nalsm'],
  'astro-density': ['nalsm'],
  'lsm-stdp-phase-b': ['lsm-stdp'],
  'ap-threshold': ['lsm-apstdp'],
  'ap-range': ['lsm-apstdp'],
  'init-snapshots': ['nalsm', 'lsm-stdp', 'lsm-apstdp'],
  init: ['nalsm', 'lsm-stdp', 'lsm-apstdp'],
};

export function checkModelFlags(model: ModelName, values: Record<string, unknown>): void {
  for (const [flag, models] of Object.entries(MODEL_FLAGS)) {
    if (values[flag] !== undefined && !models.includes(model))
      throw new UsageError(`--${flag} does not apply to --model ${model} (it applies to ${models.join(', ')}); drop it or choose one of those models`);
  }
  if (values.init !== undefined && values['init-snapshots'] !== undefined) throw new UsageError('--init reuses a W_INI, so there is no phase A to size: drop --init-snapshots');
}

function describeModel(m: ModelSpec): string {
  switch (m.name) {
    case 'lsm':
      return `lsm: static liquid, weight ${m.initialWeight}`;
    case 'nalsm':
      return `nalsm: astrocyte-modulated STDP, w_astro ${m.astroW}, astrocyte density ${m.astroDensity}`;
    case 'lsm-stdp':
      return `lsm-stdp: phase-A STDP, then ${m.phaseB === 'static' ? 'static' : `plastic (every ${m.plasticEvery})`} while counting`;
    case 'lsm-apstdp':
      return `lsm-apstdp: calcium-gated STDP from weight ${m.initialWeight}, C_θ ${m.calcium?.threshold} Hz, ΔC ${m.calcium?.range}`;
  }
}

/** The demo never refuses and never overwrites: a taken name gets -2, -3, ... */
function freeDemoName(name: string, outDir: string): string {
  const taken = (n: string): boolean => existsSync(join(outDir, `${n}.json`)) || existsSync(join(outDir, n));
  if (!taken(name)) return name;
  for (let k = 2; ; k++) if (!taken(`${name}-${k}`)) return `${name}-${k}`;
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
