// --queue URL and --allow-remote, shared by nalsm sweep, sweep status and worker: a bad or remote
// URL is a usage error (exit 2) naming the flag's problem.
import { UsageError } from './args.js';
import { parseQueueUrl, QueueUrlError, type QueueTarget } from '../queue/url.js';

export function queueTarget(values: Record<string, unknown>): QueueTarget {
  try {
    return parseQueueUrl(String(values.queue), { allowRemote: Boolean(values['allow-remote']) });
  } catch (e) {
    if (e instanceof QueueUrlError) throw new UsageError(e.message);
    throw e;
  }
}
