// `nalsm list`: the runs in results folders, one line each, so a user sees what is there before
// naming, comparing or replacing anything.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags, UsageError } from '../args.js';
import { loadRunOrSweep, type RunJson } from '../../pipeline/existing-run.js';

export const LIST_HELP = `nalsm list: the runs in results folders: name, run id, model, dataset, neurons, sample sizes,
test accuracy, date.

Usage: nalsm list [DIR...] [options]

DIR defaults to results/ and runs/demo/ (those that exist). Analysis outputs, readout re-fits
and sweep summaries in them are not runs and are not listed.

  --json             one JSON array instead of the table
  -h, --help         this help
`;

export interface ListedRun {
  name: string;
  runId: string | null;
  model: string;
  dataset: string;
  neurons: number;
  samples: RunJson['samples'];
  accuracy: number;
  finishedAt: string | null;
  path: string;
}

/** The runs whose results JSON lies directly in `dir`, oldest first. */
export function listRuns(dir: string): ListedRun[] {
  const out: ListedRun[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    let r;
    try {
      r = loadRunOrSweep(join(dir, f));
    } catch {
      continue; // not a run: analysis output, readout re-fit, comparison
    }
    if (r.kind !== 'run') continue;
    const j = r.run.json;
    out.push({
      name: j.name,
      runId: j.runId ?? null,
      model: j.model,
      dataset: j.dataset,
      neurons: j.neurons,
      samples: j.samples,
      accuracy: j.accuracy.test,
      finishedAt: typeof j.finishedAt === 'string' ? j.finishedAt : null,
      path: r.run.path,
    });
  }
  return out.sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? '') || a.name.localeCompare(b.name));
}

export async function listCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('list', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(LIST_HELP);
    return 0;
  }
  for (const d of positionals) {
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new UsageError(`${d}: not a folder; nalsm list takes results folders (see nalsm list --help)`);
  }
  const dirs = positionals.length ? positionals : ['results', join('runs', 'demo')].filter((d) => existsSync(d));
  const runs = dirs.flatMap(listRuns);
  if (values.json) {
    process.stdout.write(JSON.stringify(runs, null, 1) + '\n');
    return 0;
  }
  if (runs.length === 0) {
    process.stdout.write(`no runs in ${dirs.length ? dirs.join(', ') : 'results/ (it does not exist)'}\n`);
    return 0;
  }
  const head = ['name', 'run id', 'model', 'dataset', 'neurons', 'train/val/test', 'test acc', 'finished'];
  const body = runs.map((r) => [
    r.name,
    r.runId ?? '-',
    r.model,
    r.dataset,
    String(r.neurons),
    `${r.samples.train}/${r.samples.val}/${r.samples.test}`,
    `${(100 * r.accuracy).toFixed(2)} %`,
    r.finishedAt ? r.finishedAt.slice(0, 16).replace('T', ' ') : '-',
  ]);
  const width = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]): string => cells.map((x, c) => x.padEnd(width[c])).join('  ').trimEnd();
  process.stdout.write([line(head), ...body.map(line), ''].join('\n'));
  return 0;
}
