import { join, basename, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { parseFlags, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { READOUT_HELP, READOUT_OPTIONS, readoutFlags } from '../readout-flags.js';
import { readCounts } from '../../pipeline/counts-file.js';
import { trainReadout } from '../../core/readout/index.js';
import { writeJsonAtomic, gitProvenance, machineInfo } from '../../pipeline/results.js';

export const READOUT_CMD_HELP = `nalsm readout: train the readout again on spike counts saved by nalsm run --save-counts.

Usage: nalsm readout --counts FILE [options]

  --counts FILE      counts.bin of an earlier run (runs/<name>/counts.bin)
${READOUT_HELP}  --out DIR          results folder                                        [results]
  --name NAME        result name   [<run name>-<readout>[-lr<X>]-<epochs cap>[-p<patience>]]
  --force            replace an existing result of that name
  --quiet            no progress output
  -h, --help         this help
`;

export async function readoutCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('readout', argv, {
    counts: { type: 'string' },
    ...READOUT_OPTIONS,
    out: { type: 'string' },
    name: { type: 'string' },
    force: { type: 'boolean' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(READOUT_CMD_HELP);
    return 0;
  }
  if (!values.counts) throw new UsageError('nalsm readout needs --counts FILE (see nalsm readout --help)');
  const opts = readoutFlags(values);
  const path = String(values.counts);
  const { nl, counts, meta } = readCounts(path);
  const runName = (meta.name as string | undefined) ?? basename(dirname(path));
  // the name says what was asked for (the cap, not the epochs early stopping ran), so the same command names the same file
  const tag = opts.optimizer === 'ridge' ? 'ridge' : `${opts.optimizer}${opts.lr !== undefined ? `-lr${opts.lr}` : ''}-${opts.epochs}${opts.patience ? `-p${opts.patience}` : ''}`;
  const name = (values.name as string | undefined) ?? `${runName}-${tag}`;
  const out = join((values.out as string | undefined) ?? 'results', `${name}.json`);
  if (!values.force && existsSync(out)) throw new UsageError(`${out} exists; give another --name, or --force to replace it`);
  const progress = makeProgress(Boolean(values.quiet));
  const t0 = performance.now();
  const r = trainReadout(counts.train, counts.val, counts.test, nl, {
    ...opts,
    onEpoch: (e) => progress.update('readout', e, opts.epochs ?? 0),
  });
  progress.stop();
  const seconds = (performance.now() - t0) / 1000;
  writeJsonAtomic(out, {
    name,
    kind: 'readout',
    runId: meta.runId,
    counts: path,
    run: meta,
    neurons: nl,
    samples: { train: counts.train.n, val: counts.val.n, test: counts.test.n },
    accuracy: r.accuracy,
    readout: { optimizer: r.optimizer, backend: r.backend, epochs: r.epochs, epochCap: opts.epochs, patience: opts.patience, bestEpoch: r.bestEpoch, batchSize: r.batchSize, lr: opts.lr, zeroSpikeRows: r.zeroSpikeRows, history: r.history, confusion: r.confusion, ridge: r.ridge },
    seconds: { readout: Math.round(seconds * 100) / 100 },
    ...gitProvenance(),
    command: ['nalsm', 'readout', ...argv].join(' '),
    machine: machineInfo(),
    finishedAt: new Date().toISOString(),
  });
  process.stdout.write(
    `test accuracy ${(100 * r.accuracy.test).toFixed(2)} % (validation ${(100 * r.accuracy.val).toFixed(2)} %; ${r.optimizer}, best epoch ${r.bestEpoch} of ${r.epochs}) in ${seconds.toFixed(1)} s\n  results: ${out}\n`,
  );
  return 0;
}
