import { parseFlags, UsageError } from '../args.js';
import { queueTarget } from '../queue-flags.js';

const HELP = `nalsm sweep status: what the queue holds: jobs by state, runs finished, workers, recent failures.

Usage: nalsm sweep status --queue URL [--allow-remote]
`;

export async function sweepStatusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('sweep status', argv, { queue: { type: 'string' }, 'allow-remote': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`nalsm sweep status takes no positional arguments, got "${positionals[0]}"`);
  if (values.queue === undefined) throw new UsageError('nalsm sweep status needs --queue redis://HOST:PORT');
  const target = queueTarget(values);
  const { Queue } = await import('bullmq');
  const { connect } = await import('../../queue/connect.js');
  const { QUEUE_NAME } = await import('../../queue/jobs.js');
  const conn = connect(target, 'nalsm-status');
  const queue = new Queue(QUEUE_NAME, { connection: conn });
  try {
    const counts = await queue.getJobCounts('waiting', 'waiting-children', 'active', 'delayed', 'completed', 'failed');
    const finishes = (await queue.getCompleted(0, -1)).filter((j) => j.name === 'finish');
    const workers = await queue.getWorkers();
    const failed = await queue.getFailed(0, 9);
    const lines = [
      `queue ${target.display} (${QUEUE_NAME})`,
      `  jobs: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}`,
      `  runs finished: ${finishes.length}`,
      `  workers connected: ${workers.length}`,
    ];
    for (const j of failed) lines.push(`  failed ${j.id}: ${j.failedReason}`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await queue.close();
    conn.disconnect();
  }
  return 0;
}
