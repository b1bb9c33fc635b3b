// `nalsm lorenz`: the spiking reservoir with astrocyte-like units on Lorenz prediction (after Yang
// et al. 2025; parameters ours): `run` one network (optionally with the ESN baseline), `sweep` the
// N:A grid over seeds on worker threads, `generate` a network file.
import { readFileSync } from 'node:fs';
import { parseFlags, intFlag, floatFlag, choiceFlag, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { writeFileAtomic, writeJsonAtomic, gitProvenance, machineInfo } from '../../pipeline/results.js';
import { runLorenzSweep, writeSweepReport, type SweepRecord } from '../../pipeline/lorenz-sweep.js';
import { astroParams, BLOCKS, DEFAULT_ASTRO_PARAMS, type AstroReservoirParams } from '../../core/astro-units/params.js';
import { generateAstroNetwork, blockCounts, type AstroNetwork } from '../../core/astro-units/network.js';
import { AstroReservoir } from '../../core/astro-units/reservoir.js';
import { encodeAstroNetwork, decodeAstroNetwork } from '../../core/astro-units/format.js';
import { LORENZ_PROTOCOL, protocolData, type Protocol } from '../../core/timeseries/protocol.js';
import { DEFAULT_READOUTS, runPrediction, type ReadoutSettings, type PredictionResult } from '../../core/timeseries/experiment.js';
import { DEFAULT_ESN, EchoStateNetwork } from '../../core/timeseries/esn.js';
import { YANG_LABEL, type SweepConfig } from '../../core/timeseries/sweep-task.js';

const PARAM_HELP = `Reservoir parameters (the paper publishes none; defaults are ours, fixed on a pilot):
  --beta-n X        neuron membrane decay per step                           [${DEFAULT_ASTRO_PARAMS.betaN}]
  --beta-a X        astrocyte membrane decay per step                        [${DEFAULT_ASTRO_PARAMS.betaA}]
  --alpha-a X       astrocyte synaptic-current decay per step (slow)         [${DEFAULT_ASTRO_PARAMS.alphaA}]
  --threshold X     firing threshold θ                                       [${DEFAULT_ASTRO_PARAMS.threshold}]
  --astro-output M  spikes | graded (no reset, output clamp(U/θ, 0, 1))      [${DEFAULT_ASTRO_PARAMS.astroOutput}]
  --p-nn, --p-na, --p-an, --p-aa P   connection probability per block       [${BLOCKS.map((b) => DEFAULT_ASTRO_PARAMS.p[b]).join(', ')}]
  --w-nn, --w-na, --w-an, --w-aa W   weight scale per block (fan-in normalised) [${BLOCKS.map((b) => DEFAULT_ASTRO_PARAMS.w[b]).join(', ')}]
  --input-fraction F  share of units receiving the input                    [${DEFAULT_ASTRO_PARAMS.inputFraction}]
  --input-gain G    input weights U(−G, G)                                    [${DEFAULT_ASTRO_PARAMS.inputGain}]
  --bias-max B      bias currents U(0, B)                                     [${DEFAULT_ASTRO_PARAMS.biasMax}]
  --astro-gain G    factor on every current into an astrocyte                 [${DEFAULT_ASTRO_PARAMS.astroGain}]
Readouts and protocol:
  --epochs E        MLP epochs (Adam, minibatch ${DEFAULT_READOUTS.mlp!.batchSize}, lr ${DEFAULT_READOUTS.mlp!.lr})   [${DEFAULT_READOUTS.mlp!.epochs}]
  --slope-epochs K  epochs 1..K give the learning rate (slope of ln MSE)       [${DEFAULT_READOUTS.mlp!.slopeEpochs}]
  --lr X            the MLP's Adam step size                                  [${DEFAULT_READOUTS.mlp!.lr}]
  --hidden H1,H2    MLP hidden widths (3 weight layers)                      [${DEFAULT_READOUTS.mlp!.hidden.join(',')}]
  --washout W --train T --test S   protocol lengths (shorter only for tests) [${LORENZ_PROTOCOL.washout}, ${LORENZ_PROTOCOL.train}, ${LORENZ_PROTOCOL.test}]
  --quiet           no progress output
`;

export const LORENZ_HELP = `nalsm lorenz: a spiking reservoir of neuron-like and astrocyte-like units predicting the Lorenz
system (after Yang et al. 2025; parameters ours), with an echo state network baseline.

Usage:
  nalsm lorenz run --neurons N --astrocytes A [--seed S] [--esn] [--network FILE] [--save-network FILE] [--out FILE]
  nalsm lorenz sweep [--sizes 0,50,100,200,400] [--seeds 5] [--workers 2] [--out results/lorenz-sweep.json]
  nalsm lorenz generate --neurons N --astrocytes A [--seed S] --out FILE
  nalsm lorenz analyse SWEEP.json [--out FILE]   redo the analysis and heatmaps of a saved sweep

Protocol: Lorenz (σ 10, ρ 28, β 8/3), RK4 dt 0.01 from (1, 1, 1), first 1,000 steps dropped; each component
normalised with the training part's mean and sd; 500 washout, 5,000 train, 2,000 test steps in this order;
horizons k = 1 and 10. Readouts: ridge (λ chosen on the last 20 % of the training rows) and a 3-layer MLP.

  --neurons N       neuron-like units (run, generate)
  --astrocytes A    astrocyte-like units (run, generate)
  --seed S          network and readout seed                                 [1]
  --network FILE    run a saved network (nalsm lorenz generate / --save-network)
  --save-network F  save the generated network
  --esn             run: also the ESN baseline with the same number of units
  --sizes LIST      sweep: N and A values                                    [0,50,100,200,400]
  --neuron-sizes L, --astro-sizes L   sweep: separate N and A lists
  --seeds K         sweep: seeds 1..K                                        [5]
  --workers W       sweep: worker threads (the numbers do not depend on it)  [2]
  --no-figures      sweep: skip the SVG heatmaps
  --out FILE        results JSON
  -h, --help        this help

${PARAM_HELP}`;

const FLAGS = {
  neurons: { type: 'string' },
  astrocytes: { type: 'string' },
  seed: { type: 'string' },
  network: { type: 'string' },
  'save-network': { type: 'string' },
  esn: { type: 'boolean' },
  sizes: { type: 'string' },
  'neuron-sizes': { type: 'string' },
  'astro-sizes': { type: 'string' },
  seeds: { type: 'string' },
  workers: { type: 'string' },
  'no-figures': { type: 'boolean' },
  out: { type: 'string' },
  'beta-n': { type: 'string' },
  'beta-a': { type: 'string' },
  'alpha-a': { type: 'string' },
  threshold: { type: 'string' },
  'astro-output': { type: 'string' },
  'p-nn': { type: 'string' },
  'p-na': { type: 'string' },
  'p-an': { type: 'string' },
  'p-aa': { type: 'string' },
  'w-nn': { type: 'string' },
  'w-na': { type: 'string' },
  'w-an': { type: 'string' },
  'w-aa': { type: 'string' },
  'input-fraction': { type: 'string' },
  'input-gain': { type: 'string' },
  'bias-max': { type: 'string' },
  'astro-gain': { type: 'string' },
  epochs: { type: 'string' },
  'slope-epochs': { type: 'string' },
  lr: { type: 'string' },
  hidden: { type: 'string' },
  washout: { type: 'string' },
  train: { type: 'string' },
  test: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Record<string, string | boolean | undefined>;

function unitCount(values: Values, name: string): number {
  const v = values[name];
  if (v === undefined) throw new UsageError(`nalsm lorenz: --${name} is required (a unit count, 0 or more)`);
  if (!/^-?\d+$/.test(String(v))) throw new UsageError(`--${name} must be a whole number of units, got "${v}"`);
  const n = Number(v);
  if (n < 0) throw new UsageError(`--${name} must be 0 or more (a unit count), got ${n}`);
  if (n > 100000) throw new UsageError(`--${name} must be at most 100000, got ${n}`);
  return n;
}

function intList(values: Values, name: string, def: number[]): number[] {
  const v = values[name];
  if (v === undefined) return def;
  const parts = String(v).split(',');
  return parts.map((s) => {
    if (!/^-?\d+$/.test(s.trim())) throw new UsageError(`--${name} must be a comma-separated list of whole numbers, got "${v}"`);
    const n = Number(s);
    if (n < 0 || n > 100000) throw new UsageError(`--${name}: unit counts must be in 0..100000, got ${n}`);
    return n;
  });
}

function reservoirParams(values: Values): Omit<AstroReservoirParams, 'N' | 'A'> {
  const d = DEFAULT_ASTRO_PARAMS;
  const unit = (name: string, def: number, openHi = false): number => {
    const x = floatFlag(values, name, def, 0, 1)!;
    if (openHi && x === 1) throw new UsageError(`--${name} must be below 1 (a decay per step), got 1`);
    return x;
  };
  const big = (name: string, def: number): number => floatFlag(values, name, def, 0, 1e6)!;
  const p = { ...d.p };
  const w = { ...d.w };
  for (const b of BLOCKS) {
    const lower = b.toLowerCase();
    const v = values[`p-${lower}`];
    if (v !== undefined) {
      const x = Number(v);
      if (String(v).trim() === '' || !Number.isFinite(x)) throw new UsageError(`--p-${lower} must be a probability, got "${v}"`);
      if (x < 0 || x > 1) throw new UsageError(`--p-${lower} is a connection probability and must lie in [0, 1], got ${x}`);
      p[b] = x;
    }
    w[b] = big(`w-${lower}`, d.w[b]);
  }
  const threshold = floatFlag(values, 'threshold', d.threshold, 0, 1e6)!;
  if (!(threshold > 0)) throw new UsageError('--threshold must be > 0');
  return {
    betaN: unit('beta-n', d.betaN, true),
    betaA: unit('beta-a', d.betaA, true),
    alphaA: unit('alpha-a', d.alphaA, true),
    threshold,
    astroOutput: choiceFlag(values, 'astro-output', d.astroOutput, ['spikes', 'graded'] as const),
    p,
    w,
    inputFraction: unit('input-fraction', d.inputFraction),
    inputGain: big('input-gain', d.inputGain),
    biasMax: big('bias-max', d.biasMax),
    astroGain: big('astro-gain', d.astroGain),
  };
}

function protocolFrom(values: Values): Protocol {
  return {
    ...LORENZ_PROTOCOL,
    washout: intFlag(values, 'washout', LORENZ_PROTOCOL.washout, 0, 1_000_000)!,
    train: intFlag(values, 'train', LORENZ_PROTOCOL.train, 10, 1_000_000)!,
    test: intFlag(values, 'test', LORENZ_PROTOCOL.test, 2, 1_000_000)!,
  };
}

function readoutsFrom(values: Values): ReadoutSettings {
  const m = DEFAULT_READOUTS.mlp!;
  const epochs = intFlag(values, 'epochs', m.epochs, 2, 100000)!;
  const slopeEpochs = intFlag(values, 'slope-epochs', Math.min(m.slopeEpochs, epochs), 2, 100000)!;
  if (slopeEpochs > epochs) throw new UsageError(`--slope-epochs (${slopeEpochs}) cannot exceed --epochs (${epochs})`);
  const hidden = values.hidden === undefined ? m.hidden : String(values.hidden).split(',').map((s) => {
    if (!/^\d+$/.test(s.trim()) || Number(s) < 1 || Number(s) > 4096) throw new UsageError(`--hidden must be comma-separated widths in 1..4096, got "${values.hidden}"`);
    return Number(s);
  });
  const lr = floatFlag(values, 'lr', m.lr, 1e-9, 10)!;
  return { ...DEFAULT_READOUTS, mlp: { ...m, epochs, slopeEpochs, hidden, lr } };
}

const isProtocolDefault = (p: Protocol): boolean => p.washout === LORENZ_PROTOCOL.washout && p.train === LORENZ_PROTOCOL.train && p.test === LORENZ_PROTOCOL.test;

function commandLine(argv: string[]): string {
  return ['nalsm', 'lorenz', ...argv].join(' ');
}

function loadNetwork(path: string): AstroNetwork {
  let bytes: Uint8Array;
  try {
    // a plain Uint8Array copy: a Buffer's slice() is a view into Node's pool, which the decoder must not see
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UsageError(`--network ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeAstroNetwork(bytes, path);
}

function formatResult(name: string, r: PredictionResult): string {
  const h = r.horizons.map((x) => `k=${x.k}: NRMSE ridge ${x.ridge.nrmse.toFixed(4)}${x.mlp ? `, MLP ${x.mlp.nrmse.toFixed(4)}, learning rate ${x.mlp.learningRate.toFixed(4)}` : ''}`).join('; ');
  return `${name}: ${h}${r.freeRun ? `; valid prediction time ${r.freeRun.lyapunovTimes.toFixed(2)} Lyapunov times (${r.freeRun.steps} steps)` : ''}\n`;
}

async function runOne(argv: string[], values: Values): Promise<number> {
  const seed = intFlag(values, 'seed', 1, 0)!;
  const protocol = protocolFrom(values);
  const readouts = readoutsFrom(values);
  let net: AstroNetwork;
  if (values.network !== undefined) {
    if (values.neurons !== undefined || values.astrocytes !== undefined) throw new UsageError('give either --network FILE or --neurons/--astrocytes, not both');
    net = loadNetwork(String(values.network));
  } else {
    net = generateAstroNetwork(astroParams(unitCount(values, 'neurons'), unitCount(values, 'astrocytes'), reservoirParams(values)), seed);
  }
  if (values['save-network'] !== undefined) writeFileAtomic(String(values['save-network']), encodeAstroNetwork(net));
  const { N, A } = net.params;
  const progress = makeProgress(values.quiet === true);
  const t0 = performance.now();
  const data = protocolData(protocol);
  progress.update('lorenz', 0, values.esn ? 2 : 1);
  const res = new AstroReservoir(net);
  const spiking = runPrediction(res, data, protocol, readouts, seed);
  progress.update('lorenz', 1, values.esn ? 2 : 1);
  let esn: (PredictionResult & { rawRadius: number }) | null = null;
  if (values.esn) {
    const e = new EchoStateNetwork({ ...DEFAULT_ESN, units: N + A }, seed);
    esn = { ...runPrediction(e, data, protocol, readouts, seed), rawRadius: e.rawRadius };
    progress.update('lorenz', 2, 2);
  }
  progress.stop();
  const out = String(values.out ?? `results/lorenz-run-N${N}-A${A}-s${seed}.json`);
  writeJsonAtomic(out, {
    label: YANG_LABEL,
    kind: 'lorenz-run',
    command: commandLine(argv),
    ...gitProvenance(),
    machine: machineInfo(),
    date: new Date().toISOString(),
    seed,
    network: values.network ?? null,
    parameters: net.params,
    synapses: blockCounts(net),
    protocol,
    protocolShortened: !isProtocolDefault(protocol),
    readouts,
    esnParameters: esn ? { ...DEFAULT_ESN, units: N + A } : null,
    spiking: { ...spiking, spikeRate: { N: N ? res.spikesN / N / res.steps : null, A: A ? res.spikesA / A / res.steps : null } },
    esn,
    seconds: (performance.now() - t0) / 1000,
  });
  process.stdout.write(formatResult(`spiking N=${N} A=${A} (${YANG_LABEL})`, spiking));
  if (esn) process.stdout.write(formatResult(`ESN ${N + A} units`, esn));
  process.stdout.write(`results: ${out}\n`);
  return 0;
}

async function sweep(argv: string[], values: Values): Promise<number> {
  const sizes = intList(values, 'sizes', [0, 50, 100, 200, 400]);
  const neurons = intList(values, 'neuron-sizes', sizes);
  const astrocytes = intList(values, 'astro-sizes', sizes);
  const nSeeds = intFlag(values, 'seeds', 5, 1, 1000)!;
  const workers = intFlag(values, 'workers', 2, 1, 256)!;
  const cfg: SweepConfig = { params: reservoirParams(values), esn: DEFAULT_ESN, protocol: protocolFrom(values), readouts: readoutsFrom(values) };
  const out = String(values.out ?? 'results/lorenz-sweep.json');
  const progress = makeProgress(values.quiet === true);
  const r = await runLorenzSweep(cfg, {
    neurons,
    astrocytes,
    seeds: Array.from({ length: nSeeds }, (_, i) => i + 1),
    workers,
    out,
    figures: values['no-figures'] !== true,
    command: commandLine(argv),
    onProgress: (phase, d, n) => progress.update(phase, d, n),
  });
  progress.stop();
  process.stdout.write(`${YANG_LABEL}\n${JSON.stringify(r.summary, null, 1)}\nresults: ${r.json}\n${r.svgs.map((s) => `figure: ${s}\n`).join('')}`);
  return 0;
}

/** Redo the analysis of a saved sweep (its runs are kept in the JSON) with this build's analysis code. */
async function analyse(argv: string[], values: Values, file: string | undefined): Promise<number> {
  if (file === undefined) throw new UsageError('nalsm lorenz analyse needs the sweep results JSON (nalsm lorenz sweep --out)');
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: cannot read a sweep results JSON (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (j.kind !== 'lorenz-sweep' || !Array.isArray(j.runs) || !Array.isArray(j.esnRuns) || typeof j.config !== 'object')
    throw new UsageError(`${file}: not a lorenz sweep results file (expected kind "lorenz-sweep" with runs, esnRuns and config)`);
  const keys = ['command', 'commit', 'machine', 'date', 'seeds', 'workers', 'grid', 'config', 'seconds', 'runs', 'esnRuns'] as const;
  const rec = Object.fromEntries(keys.map((k) => [k, j[k]])) as unknown as SweepRecord;
  rec.reanalysed = { command: commandLine(argv), ...gitProvenance(), date: new Date().toISOString() };
  const r = await writeSweepReport(rec, String(values.out ?? file), values['no-figures'] !== true);
  process.stdout.write(`${YANG_LABEL}\n${JSON.stringify(r.summary, null, 1)}\nresults: ${r.json}\n${r.svgs.map((s) => `figure: ${s}\n`).join('')}`);
  return 0;
}

export async function lorenzCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(LORENZ_HELP);
    return 0;
  }
  const { values, positionals } = parseFlags(`lorenz ${sub}`, rest, FLAGS);
  if (values.help) {
    process.stdout.write(LORENZ_HELP);
    return 0;
  }
  if (sub === 'analyse' || sub === 'analyze') return analyse(argv, values, positionals[0]);
  if (positionals.length) throw new UsageError(`nalsm lorenz ${sub}: unexpected argument "${positionals[0]}"`);
  if (sub === 'run') return runOne(argv, values);
  if (sub === 'sweep') return sweep(argv, values);
  if (sub === 'generate') {
    if (values.out === undefined) throw new UsageError('nalsm lorenz generate needs --out FILE');
    const seed = intFlag(values, 'seed', 1, 0)!;
    const net = generateAstroNetwork(astroParams(unitCount(values, 'neurons'), unitCount(values, 'astrocytes'), reservoirParams(values)), seed);
    writeFileAtomic(String(values.out), encodeAstroNetwork(net));
    const c = blockCounts(net);
    process.stdout.write(`${values.out}: ${net.params.N} neurons, ${net.params.A} astrocytes; synapses N→N ${c.NN}, N→A ${c.NA}, A→N ${c.AN}, A→A ${c.AA}\n`);
    return 0;
  }
  throw new UsageError(`unknown lorenz subcommand "${sub}"; use run, sweep, generate or analyse (see nalsm lorenz --help)`);
}
