import { join } from 'node:path';
import { parseFlags, intFlag, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { ZERO_SHOT_DATA_FLAGS, zeroShotDataFlags, writeFigure } from './zero-shot.js';
import { searchConstants, type SearchResult } from '../../pipeline/zero-shot/search.js';
import { runZeroShot, PAPER_ENCODERS, PAPER_PROJECTION, ZERO_SHOT_METHODS } from '../../pipeline/zero-shot/run.js';
import { writeFileAtomic, writeJsonAtomic, gitProvenance, machineInfo } from '../../pipeline/results.js';
import { constantGridSpec, type GridPoint } from '../../report/zero-shot-figure.js';
import { renderSvg } from '../../report/vega.js';
import type { FeatureTransform, ZeroShotLoss } from '../../pipeline/zero-shot/protocol.js';

export const ZERO_SHOT_SEARCH_HELP = `nalsm zero-shot-search: choose the liquids' weight constants for zero-shot retrieval WITHOUT
looking at the test set, then report the choice on test over several liquids (issue 22).

Lin et al. searched image × audio constants and kept what cleared 65 % in-class and 85 % out-class
on the test pairs. Here each grid cell (× feature transform) is scored on validation folds of the
TRAINING split of digits 1-7: two of them play the unseen digits, the heads learn the other five.
The best cell and epoch count by that score are then run on the test pairs (digits 8, 9 never
trained) over --liquid-seeds liquids × --repeats projection seeds, with all three readouts. Each
cell's test history is kept only to report, labelled, what selecting on the test set would give.

Usage: nalsm zero-shot-search [options]

  data flags as nalsm zero-shot: --seed --images --audio --synthetic-audio --image-train
  --image-test --audio-train --audio-test --cache
  --image-grid LIST     image liquid constants                          [0.05,0.1,0.2,0.4]
  --audio-grid LIST     audio liquid constants                          [0.05,0.1,0.2,0.4]
  --transforms LIST     z, log1p-z                                      [z,log1p-z]
  --dims LIST           embedding dimensions                            [${PAPER_PROJECTION.dim}]
  --temperatures LIST   InfoNCE temperatures                            [${PAPER_PROJECTION.temperature}]
  --folds N             validation folds (pseudo-unseen digit pairs 6-7, 4-5, 2-3)   [2]
  --hold-back N         pairs per fitted digit held back for validation in-class     [20]
  --epochs N            projection epochs (the choice picks 1..N by validation)      [${PAPER_PROJECTION.epochs}]
  --method M            readout whose validation score chooses: infonce, prototypical, episodic [infonce]
  --liquid-seeds N      liquids for the final test report                 [5]
  --repeats N           projection seeds per liquid for the final report  [2]
  --out DIR             results folder                                    [results]
  --name NAME           result name                                       [zero-shot-search-s<seed>]
  --quiet               no progress output
  -h, --help            this help
`;

function listFlag(values: Record<string, unknown>, name: string, def: number[]): number[] {
  const v = values[name];
  if (v === undefined) return def;
  const xs = String(v).split(',').map(Number);
  if (!xs.length || !xs.every((x) => Number.isFinite(x) && x > 0)) throw new UsageError(`--${name} must be a comma list of positive numbers, got "${v}"`);
  return xs;
}

export async function zeroShotSearchCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('zero-shot-search', argv, {
    ...ZERO_SHOT_DATA_FLAGS,
    'image-grid': { type: 'string' },
    'audio-grid': { type: 'string' },
    transforms: { type: 'string' },
    dims: { type: 'string' },
    temperatures: { type: 'string' },
    folds: { type: 'string' },
    'hold-back': { type: 'string' },
    epochs: { type: 'string' },
    method: { type: 'string' },
    'liquid-seeds': { type: 'string' },
    repeats: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(ZERO_SHOT_SEARCH_HELP);
    return 0;
  }
  const data = zeroShotDataFlags(values);
  const transforms = String(values.transforms ?? 'z,log1p-z').split(',');
  if (!transforms.every((t) => t === 'z' || t === 'log1p-z')) throw new UsageError(`--transforms must be a comma list of z, log1p-z, got "${values.transforms}"`);
  const method = String(values.method ?? 'infonce');
  if (!(ZERO_SHOT_METHODS as readonly string[]).includes(method)) throw new UsageError(`--method must be one of ${ZERO_SHOT_METHODS.join(', ')}, got "${method}"`);
  const liquidSeeds = intFlag(values, 'liquid-seeds', 5, 1, 1000)!;
  const repeats = intFlag(values, 'repeats', 2, 1, 1000)!;
  const epochs = intFlag(values, 'epochs', PAPER_PROJECTION.epochs, 1, 100000)!;
  const name = (values.name as string | undefined) ?? `zero-shot-search-s${data.seed}`;
  const outDir = (values.out as string | undefined) ?? 'results';
  const progress = makeProgress(Boolean(values.quiet));
  const log = (line: string): void => {
    if (!values.quiet) process.stderr.write(`${line}\n`);
  };
  const common = { ...data, log, onProgress: (phase: string, done: number, total: number) => progress.update(phase, done, total) };
  const t0 = performance.now();
  log('constant search, scored on validation folds of training digits 1-7 only');
  const search: SearchResult = await searchConstants({
    ...common,
    imageScales: listFlag(values, 'image-grid', [0.05, 0.1, 0.2, 0.4]),
    audioScales: listFlag(values, 'audio-grid', [0.05, 0.1, 0.2, 0.4]),
    transforms: transforms as FeatureTransform[],
    dims: listFlag(values, 'dims', [PAPER_PROJECTION.dim]).map((d) => {
      if (!Number.isInteger(d)) throw new UsageError(`--dims must be positive integers, got ${d}`);
      return d;
    }),
    temperatures: listFlag(values, 'temperatures', [PAPER_PROJECTION.temperature]),
    folds: intFlag(values, 'folds', 2, 1, 3)!,
    holdBack: intFlag(values, 'hold-back', 20, 1, 10000)!,
    epochs,
    method: method as ZeroShotLoss,
    protoBatch: 56,
  });
  const c = search.chosen;
  log(`chosen on validation: image ${c.imageScale}, audio ${c.audioScale}, ${c.transform}, dim ${c.dim}, τ ${c.temperature}, ${c.epochs} epochs (validation out-class ${(100 * c.validationScore).toFixed(1)} %); final: ${liquidSeeds} liquids × ${repeats} projection seeds on test`);
  const final = await runZeroShot({
    ...common,
    epochs: c.epochs,
    supervisedEpochs: 150,
    protoBatch: 56,
    repeats,
    liquidSeeds: Array.from({ length: liquidSeeds }, (_, k) => data.seed + k),
    transform: c.transform,
    dim: c.dim,
    temperature: c.temperature,
    device: null,
    nalsm: null,
    encoders: {
      ...PAPER_ENCODERS,
      imageZeroShot: { ...PAPER_ENCODERS.imageZeroShot, scale: c.imageScale },
      audioZeroShot: { ...PAPER_ENCODERS.audioZeroShot, scale: c.audioScale },
    },
  });
  progress.stop();
  const seconds = (performance.now() - t0) / 1000;
  const out = join(outDir, `${name}.json`);
  const svgPath = join(outDir, `${name}-retrieval.svg`);
  const gridPath = join(outDir, `${name}-grid.svg`);
  await writeFigure(svgPath, final);
  const points: GridPoint[] = [];
  for (const cell of search.cells.filter((x) => x.transform === c.transform && x.dim === c.dim && x.temperature === c.temperature)) {
    const e = cell.validation.bestEpoch - 1;
    points.push({ imageScale: cell.imageScale, audioScale: cell.audioScale, panel: 'validation out-class (digits 1-7 folds): the choice', top1: cell.validation.bestScore });
    points.push({ imageScale: cell.imageScale, audioScale: cell.audioScale, panel: 'TEST out-class 8-9 at that epoch (not used to choose)', top1: (cell.test.outTop1[e] + cell.test.outTop1ImageToAudio[e]) / 2 });
  }
  writeFileAtomic(gridPath, await renderSvg(constantGridSpec(`constant search (${c.transform} features, dim ${c.dim}, τ ${c.temperature}), ${method}, liquid seed ${data.seed}; SYNTHETIC data`, points)));
  const v = final.variants['fixed-lsm'];
  writeJsonAtomic(out, {
    name,
    kind: 'zero-shot-search',
    synthetic: { images: final.data.images.includes('synthetic'), audio: final.data.audioSynthetic },
    paper: 'Lin et al., Resistive memory-based zero-shot liquid state machine for multimodal event data learning, Nat. Comput. Sci. 2025 (arXiv 2307.00771)',
    seed: data.seed,
    data: final.data,
    protocol: {
      selection: `grid × transforms scored on ${search.cells[0]?.validation.folds.length ?? 0} validation folds of the training split of digits 1-7 (pseudo-unseen pairs ${search.cells[0]?.validation.folds.map((f) => f.pseudoUnseen.join('-')).join(', ')}); score = out-class top-1, both directions, mean over folds; method ${method}`,
      final: `chosen constants and epochs, ${liquidSeeds} liquid seeds × ${repeats} projection seeds, test pairs; 95 % CI with the liquid as unit`,
    },
    search,
    chosen: search.chosen,
    selectedOnTest: { note: 'SELECTED ON TEST, as in the authors\' script: for comparison only, never used for a choice', ...search.selectedOnTest },
    final: { variants: final.variants, seconds: final.seconds },
    summary: v.distribution.summary,
    figures: { retrieval: svgPath, grid: gridPath },
    seconds: Math.round(seconds * 100) / 100,
    ...gitProvenance(),
    command: ['nalsm', 'zero-shot-search', ...argv].join(' '),
    machine: machineInfo(),
    finishedAt: new Date().toISOString(),
  });
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const lines = [`zero-shot-search in ${seconds.toFixed(0)} s; chosen on validation: image ${c.imageScale}, audio ${c.audioScale}, ${c.transform}, dim ${c.dim}, τ ${c.temperature}, ${c.epochs} epochs`];
  for (const [m, s] of Object.entries(v.distribution.summary.methods)) {
    const o = s.audioToImage.outClass.liquids;
    const i = s.audioToImage.inClass.liquids;
    lines.push(`  ${m.padEnd(12)} audio→image in-class ${pct(i.mean)}, out-class ${pct(o.mean)}${o.ci95 ? ` (95 % CI ${pct(o.ci95[0])} to ${pct(o.ci95[1])}: ${o.verdict})` : ''}`);
  }
  const b = search.selectedOnTest.bestOutClass;
  lines.push(`  SELECTED ON TEST (as the authors' script; not a result): best out-class ${pct(b.outTop1)} at image ${b.imageScale}, audio ${b.audioScale}, ${b.transform}, epoch ${b.epoch}`);
  lines.push(`  results: ${out}`, `  figures: ${svgPath}, ${gridPath}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
