import { cpus } from 'node:os';
import { parseFlags, intFlag, UsageError } from '../args.js';
import { makeProgress } from '../progress.js';
import { runSweep, loadSweep, type SweepExecutor } from '../../sweep/sweep.js';
import { SweepFileError } from '../../sweep/schema.js';
import { localExecutor } from '../../sweep/local.js';
import type { ConfigurationRow, PairedRow } from '../../sweep/summary.js';
import { formatSummary } from '../../sweep/format.js';

export const SWEEP_HELP = `nalsm sweep: run a sweep file (YAML or JSON) here, or spread it over machines on a queue.

Usage: nalsm sweep FILE [options]
       nalsm sweep status --queue URL

A sweep file lists axes (model, dataset, neurons, seed, weight, astroW, astroDensity) at the top level
(defaults) and in "runs:" blocks, each block a product of its axes; sizes (train, val, test),
initSnapshots and readout (optimizer, epochs, lr, patience, batch) may be set anywhere. The readout
defaults to Adam with early stopping on validation (1,000 epochs at most, patience 30).
Each run writes the same results JSON as nalsm run to OUT/<sweep>/<run>.json; OUT/<sweep>-summary.json
(rewritten after every run) has per configuration n, mean, sd, min, max of test accuracy and σ_BF, the
paper's figure, and paired differences between models on the same seeds with 95 % confidence intervals.
At the end it draws OUT/<sweep>-accuracy-sigma.svg (accuracy against σ_BF) and, when the sweep varies
the liquid weight or the astrocyte density, OUT/<sweep>-accuracy-weight.svg or
OUT/<sweep>-accuracy-astroDensity.svg (nalsm compare OUT/<sweep>-summary.json draws them again).
Running the same command again resumes: finished runs are kept, a stopped run resumes from its chunks.

Options
  --out DIR          results folder                                          [results]
  --runs DIR         artifacts folder: DIR/<sweep>/<run>/                    [runs]
  --workers K        worker threads on this machine                          [CPU count]
  --queue URL        run on BullMQ workers: redis://[user:password@]HOST:PORT[/db] or rediss://
                     (TLS); nalsm worker --queue URL on each machine takes the jobs
  --store DIR        with --queue: a folder every machine shares for large payloads
                     (networks, W_INI, count chunks); without it they live in Redis
  --allow-remote     with --queue: allow a Redis host that is not on loopback
  --resume           say that finished work may be reused (it always is; the flag is for scripts)
  --quiet            no progress output
  -h, --help         this help
`;

const OPTIONS = {
  out: { type: 'string' },
  runs: { type: 'string' },
  workers: { type: 'string' },
  queue: { type: 'string' },
  store: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  resume: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function sweepCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'status') return (await import('./sweep-status.js')).sweepStatusCommand(argv.slice(1));
  const { values, positionals } = parseFlags('sweep', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(SWEEP_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`nalsm sweep takes one sweep file (YAML or JSON), got ${positionals.length ? positionals.map((p) => `"${p}"`).join(' ') : 'none'} (see nalsm sweep --help)`);
  const file = positionals[0];
  const quiet = Boolean(values.quiet);
  const log = (s: string): void => {
    if (!quiet) process.stderr.write(s + '\n');
  };
  // every error in the file before anything is written or started
  try {
    loadSweep(file);
  } catch (e) {
    if (e instanceof SweepFileError) throw new UsageError(e.message);
    throw e;
  }
  const command = ['nalsm', 'sweep', ...argv].join(' ');
  const progress = makeProgress(quiet);
  let executor: SweepExecutor;
  if (values.queue !== undefined) {
    const { queueExecutor } = await import('../../queue/coordinator.js');
    const { queueTarget } = await import('../queue-flags.js');
    queueTarget(values); // checked before any connection: a bad or remote URL is a usage error
    executor = await queueExecutor({
      url: String(values.queue),
      allowRemote: Boolean(values['allow-remote']),
      store: values.store as string | undefined,
      command,
      onProgress: (done, total) => progress.update('jobs', done, total),
      log,
    });
  } else {
    if (values.store !== undefined || values['allow-remote']) throw new UsageError('--store and --allow-remote apply with --queue only');
    const t0 = performance.now();
    executor = localExecutor({
      workers: intFlag(values, 'workers', cpus().length, 1, 256)!,
      command,
      onRunStart: (name, i, n) => {
        progress.stop();
        // the sweep's ETA from the runs done so far in this session (runs differ in cost: a rough guide)
        const s = (performance.now() - t0) / 1000;
        const eta = i > 0 ? `; sweep ${Math.round(s / 60)} min so far, ETA ${Math.round(((s / i) * (n - i)) / 60)} min` : '';
        log(`run ${i + 1}/${n}: ${name}${eta}`);
      },
      onProgress: (phase, done, total) => progress.update(phase, done, total),
    });
  }
  let out;
  try {
    out = await runSweep(file, executor, { out: (values.out as string | undefined) ?? 'results', runs: (values.runs as string | undefined) ?? 'runs', command, log });
  } catch (e) {
    if (e instanceof SweepFileError) throw new UsageError(e.message);
    throw e;
  } finally {
    progress.stop();
  }
  process.stdout.write(formatSummary(out.summary as unknown as { configurations: ConfigurationRow[]; paired: PairedRow[]; failures: Array<{ name: string; error: string }> }, out.summaryPath));
  const { failed, total } = (out.summary as { runs: { failed: number; total: number } }).runs;
  if (failed === 0) return 0;
  // exit 1 and say so: a script sees the failure, a person sees what to do
  process.stderr.write(`nalsm sweep: ${failed} of ${total} runs failed (listed above and in ${out.summaryPath}); fix the cause and run the same command again to retry them\n`);
  return 1;
}
