import { join } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseFlags, intFlag, floatFlag, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { runZeroShot, PAPER_ENCODERS, PAPER_PROJECTION, ZERO_SHOT_METHODS, type ZeroShotRunOptions, type ZeroShotRunResult } from '../../pipeline/zero-shot/run.js';
import type { ZeroShotLoss, ZeroShotResult, FeatureTransform } from '../../pipeline/zero-shot/protocol.js';
import { writeFileAtomic, writeJsonAtomic, gitProvenance, machineInfo } from '../../pipeline/results.js';
import { retrievalConfusionSpec } from '../../report/zero-shot-figure.js';
import { renderSvg } from '../../report/vega.js';
import type { DeviceModel } from '../../core/fixed-lsm/index.js';

export const ZERO_SHOT_HELP = `nalsm zero-shot: a fixed random LSM as a multimodal event encoder (Lin et al., Nat. Comput. Sci. 2025):
event images and event audio through fixed liquids, then a supervised softmax per modality and
projection heads trained contrastively on digits 1-7 that retrieve across modalities for digits
1-7 (in-class) and 8-9 (out-class, never trained), against a prototypical baseline; with and
without a resistive-memory device model, and with our NALSM liquid as the image encoder.

Usage: nalsm zero-shot [options]

  --seed N              every random choice (weights, data rendering, training)       [1]
  --images SRC          saccade-mnist (SYNTHETIC, rendered from MNIST) or an N-MNIST folder [saccade-mnist]
  --audio FILE          an N-TIDIGITS HDF5 file (the real release); without it, SYNTHETIC spoken digits:
  --synthetic-audio F   where the synthetic set is kept (made if missing)
                        [runs/data/spoken-digits-synthetic-oh-s<seed>-<train>x<test>.hdf5]
                        (with "oh" as an 11th word: supervised audio over 11 classes;
                        a file without "oh" still works: supervised over 10)
  --image-train N       images per digit, training split                            [300]
  --image-test N        images per digit, test split                                [100]
  --audio-train N       recordings per digit, training split                        [100]
  --audio-test N        recordings per digit, test split                            [50]
  --image-scale C,Z     weight constants of the image liquid, supervised,zero-shot  [${PAPER_ENCODERS.imageSupervised.scale},${PAPER_ENCODERS.imageZeroShot.scale}]
  --audio-scale C,Z     weight constants of the audio liquid, supervised,zero-shot  [${PAPER_ENCODERS.audioSupervised.scale},${PAPER_ENCODERS.audioZeroShot.scale}]
  --epochs N            projection training epochs                                  [${PAPER_PROJECTION.epochs}]
  --supervised-epochs N softmax readout epochs (Adam)                               [150]
  --proto-batch N       batch of the prototypical baseline                          [56]
  --repeats N           projection trainings per loss (seeds seed..seed+N-1)        [1]
  --liquid-seeds N      zero-shot liquids drawn from seeds seed..seed+N-1; with N ≥ 2 the JSON
                        gives mean ± sd and a 95 % CI (unit: the liquid) of every top-1, and
                        InfoNCE − each baseline paired by liquid                    [1]
  --methods LIST        infonce, prototypical (class means), episodic (episode-trained
                        linear prototypical network)                                [infonce,prototypical,episodic]
  --transform T         features before the heads: z (z-scored counts) or log1p-z   [z]
  --dim N               embedding dimension of the heads                            [${PAPER_PROJECTION.dim}]
  --temperature T       InfoNCE temperature                                         [${PAPER_PROJECTION.temperature}]
  --device K,S,R        device model: K levels, programming spread S, read noise R
                        (S, R relative to the largest |w|); "off" to skip           [16,0.05,0.02]
  --nalsm-snapshots N   NALSM phase A snapshots (0: no NALSM comparison)            [20000]
  --cache DIR           feature cache folder ("none": no cache)                     [runs/zero-shot-cache]
  --out DIR             results folder                                              [results]
  --name NAME           result name                                                 [zero-shot-s<seed>]
  --figure RESULTS      only (re)draw the figure of a finished run's results JSON
  --quiet               no progress output
  -h, --help            this help
`;

type FigureSource = Pick<ZeroShotRunResult, 'data' | 'variants'>;

export async function writeFigure(svgPath: string, r: FigureSource): Promise<void> {
  const main = r.variants['fixed-lsm'].zeroShot;
  const title = `audio → image retrieval, fixed LSM (${r.data.images} + ${r.data.audioSynthetic ? 'SYNTHETIC spoken digits' : 'N-TIDIGITS'})`;
  const named = { InfoNCE: main.infonce, 'prototypical (class means)': main.prototypical, 'prototypical (episodes, linear)': main.episodic };
  const byMethod = Object.fromEntries(Object.entries(named).filter((e): e is [string, ZeroShotResult] => e[1] !== undefined));
  writeFileAtomic(svgPath, await renderSvg(retrievalConfusionSpec(title, byMethod)));
}

async function redrawFigure(path: string): Promise<number> {
  let j: FigureSource & { kind?: string; figure?: string };
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--figure ${path}: not a readable JSON file (${(e as Error).message})`);
  }
  if (j.kind !== 'zero-shot' || !j.variants?.['fixed-lsm']) throw new UsageError(`--figure ${path}: not the results of nalsm zero-shot (kind "${j.kind}")`);
  const svgPath = path.replace(/\.json$/, '') + '-retrieval.svg';
  await writeFigure(svgPath, j);
  process.stdout.write(`figure: ${svgPath}\n`);
  return 0;
}

function pairFlag(values: Record<string, unknown>, name: string, def: [number, number]): [number, number] {
  const v = values[name];
  if (v === undefined) return def;
  const parts = String(v).split(',').map(Number);
  if (parts.length !== 2 || !parts.every((x) => Number.isFinite(x) && x >= 0)) throw new UsageError(`--${name} must be two non-negative numbers C,Z (supervised,zero-shot), got "${v}"`);
  return [parts[0], parts[1]];
}

function deviceFlag(values: Record<string, unknown>): DeviceModel | null {
  const v = values.device;
  if (v === undefined) return { levels: 16, spread: 0.05, readNoise: 0.02 };
  if (v === 'off') return null;
  const parts = String(v).split(',').map(Number);
  if (parts.length !== 3 || !parts.every(Number.isFinite) || !Number.isInteger(parts[0]) || (parts[0] !== 0 && parts[0] < 2) || parts[1] < 0 || parts[2] < 0)
    throw new UsageError(`--device must be K,S,R (K = 0 or an integer ≥ 2 levels, S and R ≥ 0) or "off", got "${v}"`);
  return { levels: parts[0], spread: parts[1], readNoise: parts[2] };
}

/** The data flags `nalsm zero-shot` and `nalsm zero-shot-search` share. */
export const ZERO_SHOT_DATA_FLAGS = {
  seed: { type: 'string' },
  images: { type: 'string' },
  audio: { type: 'string' },
  'synthetic-audio': { type: 'string' },
  'image-train': { type: 'string' },
  'image-test': { type: 'string' },
  'audio-train': { type: 'string' },
  'audio-test': { type: 'string' },
  cache: { type: 'string' },
} as const;

export function zeroShotDataFlags(values: Record<string, unknown>) {
  const seed = intFlag(values, 'seed', 1, 0)!;
  const imagePerDigit = { train: intFlag(values, 'image-train', 300, 1, 5000)!, test: intFlag(values, 'image-test', 100, 1, 800)! };
  const audioPerDigit = { train: intFlag(values, 'audio-train', 100, 1, 10000)!, test: intFlag(values, 'audio-test', 50, 1, 10000)! };
  const imagesFlag = (values.images as string | undefined) ?? 'saccade-mnist';
  if (imagesFlag !== 'saccade-mnist' && !(existsSync(imagesFlag) && statSync(imagesFlag).isDirectory()))
    throw new UsageError(`--images must be saccade-mnist or an N-MNIST folder (Train/0..9, Test/0..9), got "${imagesFlag}"`);
  const defaultAudio = join('runs', 'data', `spoken-digits-synthetic-oh-s${seed}-${audioPerDigit.train}x${audioPerDigit.test}.hdf5`);
  if (values.audio !== undefined && values['synthetic-audio'] !== undefined) throw new UsageError('give --audio (a real N-TIDIGITS file) or --synthetic-audio, not both');
  const audioFile = (values.audio as string | undefined) ?? (values['synthetic-audio'] as string | undefined) ?? defaultAudio;
  const cacheFlag = (values.cache as string | undefined) ?? join('runs', 'zero-shot-cache');
  return {
    seed,
    imagePerDigit,
    audioPerDigit,
    imagesFlag,
    images: imagesFlag === 'saccade-mnist' ? ({ kind: 'saccade-mnist' } as const) : ({ kind: 'nmnist', dir: imagesFlag } as const),
    audioFile,
    generateAudio: values.audio === undefined,
    cacheDir: cacheFlag === 'none' ? null : cacheFlag,
  };
}

function methodsFlag(values: Record<string, unknown>): ZeroShotLoss[] {
  if (values.methods === undefined) return [...ZERO_SHOT_METHODS];
  const list = String(values.methods).split(',');
  const bad = list.filter((m) => !(ZERO_SHOT_METHODS as readonly string[]).includes(m));
  if (bad.length || !list.includes('infonce')) throw new UsageError(`--methods must be a comma list of ${ZERO_SHOT_METHODS.join(', ')} including infonce, got "${values.methods}"`);
  return list as ZeroShotLoss[];
}

export function transformFlag(values: Record<string, unknown>): FeatureTransform {
  const v = values.transform ?? 'z';
  if (v !== 'z' && v !== 'log1p-z') throw new UsageError(`--transform must be z or log1p-z, got "${v}"`);
  return v;
}

export async function zeroShotCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('zero-shot', argv, {
    ...ZERO_SHOT_DATA_FLAGS,
    'image-scale': { type: 'string' },
    'audio-scale': { type: 'string' },
    epochs: { type: 'string' },
    'supervised-epochs': { type: 'string' },
    'proto-batch': { type: 'string' },
    repeats: { type: 'string' },
    'liquid-seeds': { type: 'string' },
    methods: { type: 'string' },
    transform: { type: 'string' },
    dim: { type: 'string' },
    temperature: { type: 'string' },
    device: { type: 'string' },
    'nalsm-snapshots': { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    figure: { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(ZERO_SHOT_HELP);
    return 0;
  }
  if (values.figure !== undefined) return redrawFigure(String(values.figure));
  const { seed, imagePerDigit, audioPerDigit, imagesFlag, audioFile, cacheDir } = zeroShotDataFlags(values);
  const imgScale = pairFlag(values, 'image-scale', [PAPER_ENCODERS.imageSupervised.scale, PAPER_ENCODERS.imageZeroShot.scale]);
  const audScale = pairFlag(values, 'audio-scale', [PAPER_ENCODERS.audioSupervised.scale, PAPER_ENCODERS.audioZeroShot.scale]);
  const liquidSeeds = intFlag(values, 'liquid-seeds', 1, 1, 1000)!;
  const methods = methodsFlag(values);
  const transform = transformFlag(values);
  const snapshots = intFlag(values, 'nalsm-snapshots', 20000, 0, 1_000_000)!;
  const name = (values.name as string | undefined) ?? `zero-shot-s${seed}`;
  const outDir = (values.out as string | undefined) ?? 'results';
  const progress = makeProgress(Boolean(values.quiet));
  const log = (line: string): void => {
    if (!values.quiet) process.stderr.write(`${line}\n`);
  };
  const opts: ZeroShotRunOptions = {
    seed,
    audioFile,
    generateAudio: values.audio === undefined,
    audioPerDigit,
    images: imagesFlag === 'saccade-mnist' ? { kind: 'saccade-mnist' } : { kind: 'nmnist', dir: imagesFlag },
    imagePerDigit,
    epochs: intFlag(values, 'epochs', PAPER_PROJECTION.epochs, 1, 100000)!,
    supervisedEpochs: intFlag(values, 'supervised-epochs', 150, 1, 100000)!,
    protoBatch: intFlag(values, 'proto-batch', 56, 2, 100000)!,
    repeats: intFlag(values, 'repeats', 1, 1, 1000)!,
    liquidSeeds: Array.from({ length: liquidSeeds }, (_, k) => seed + k),
    methods,
    transform,
    dim: intFlag(values, 'dim', PAPER_PROJECTION.dim, 1, 4096)!,
    temperature: floatFlag(values, 'temperature', PAPER_PROJECTION.temperature, 1e-4, 1e4)!,
    device: deviceFlag(values),
    nalsm: snapshots > 0 ? { dims: [10, 10, 10], snapshots } : null,
    cacheDir,
    encoders: {
      imageSupervised: { ...PAPER_ENCODERS.imageSupervised, scale: imgScale[0] },
      imageZeroShot: { ...PAPER_ENCODERS.imageZeroShot, scale: imgScale[1] },
      audioSupervised: { ...PAPER_ENCODERS.audioSupervised, scale: audScale[0] },
      audioZeroShot: { ...PAPER_ENCODERS.audioZeroShot, scale: audScale[1] },
    },
    log,
    onProgress: (phase, done, total) => progress.update(phase, done, total),
  };
  const t0 = performance.now();
  const r = await runZeroShot(opts);
  progress.stop();
  const seconds = (performance.now() - t0) / 1000;
  const out = join(outDir, `${name}.json`);
  const svgPath = join(outDir, `${name}-retrieval.svg`);
  await writeFigure(svgPath, r);
  writeJsonAtomic(out, {
    name,
    kind: 'zero-shot',
    synthetic: { images: r.data.images.includes('synthetic'), audio: r.data.audioSynthetic },
    paper: 'Lin et al., Resistive memory-based zero-shot liquid state machine for multimodal event data learning, Nat. Comput. Sci. 2025 (arXiv 2307.00771)',
    seed,
    data: r.data,
    encoders: opts.encoders,
    device: opts.device,
    projection: { ...PAPER_PROJECTION, dim: opts.dim, temperature: opts.temperature, epochs: opts.epochs, protoBatch: opts.protoBatch, repeats: opts.repeats, liquidSeeds: opts.liquidSeeds, methods: opts.methods, transform: opts.transform },
    nalsm: opts.nalsm,
    variants: r.variants,
    figure: svgPath,
    seconds: { ...r.seconds, total: Math.round(seconds * 100) / 100 },
    cache: { dir: opts.cacheDir, ...r.cache },
    ...gitProvenance(),
    command: ['nalsm', 'zero-shot', ...argv].join(' '),
    machine: machineInfo(),
    finishedAt: new Date().toISOString(),
  });
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const lines = [`zero-shot (${r.data.images}; audio ${r.data.audioSynthetic ? 'SYNTHETIC spoken digits' : r.data.audio}) in ${seconds.toFixed(0)} s`];
  for (const [tag, v] of Object.entries(r.variants)) {
    const sup = v.supervised as { image: { test: number }; audio?: { test: number } };
    lines.push(`  ${tag}: supervised image ${pct(sup.image.test)}${sup.audio ? `, audio ${pct(sup.audio.test)}` : ''}`);
    for (const m of methods) {
      const z = v.zeroShot[m];
      const r = v.repeats[m];
      if (!z || !r) continue;
      lines.push(`    ${m.padEnd(12)} audio→image top-1 in-class ${pct(z.inClass.audioToImage.topK[1])} (chance ${pct(z.inClass.audioToImage.chance)}), out-class ${pct(z.outClass.audioToImage.topK[1])} (chance ${pct(z.outClass.audioToImage.chance)}); image→audio ${pct(z.inClass.imageToAudio.topK[1])} / ${pct(z.outClass.imageToAudio.topK[1])}`);
      if (r.seeds.length > 1)
        lines.push(`    ${''.padEnd(12)} over ${r.seeds.length} seeds: audio→image in-class ${pct(r.mean.audioToImage.inClass)} ± ${pct(r.sd.audioToImage.inClass)}, out-class ${pct(r.mean.audioToImage.outClass)} ± ${pct(r.sd.audioToImage.outClass)}`);
      const d = v.distribution.summary.methods[m]?.audioToImage.outClass.liquids;
      if (d?.ci95) lines.push(`    ${''.padEnd(12)} ${d.n} liquids: audio→image out-class ${pct(d.mean)}, 95 % CI ${pct(d.ci95[0])} to ${pct(d.ci95[1])}: ${d.verdict}`);
    }
  }
  lines.push(`  results: ${out}`, `  figure: ${svgPath}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
