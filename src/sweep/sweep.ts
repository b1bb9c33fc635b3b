// Running a sweep: expand the file, skip the runs already done (same key, results file present), run the
// rest on an executor (this machine's worker threads, or the queue), and rewrite <sweep>-summary.json
// atomically after every run, so a stopped sweep resumes where it was.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic, gitProvenance, machineInfo } from '../pipeline/results.js';
import { readSweepFile, SweepFileError } from './schema.js';
import { expandSweep, type SweepRun } from './expand.js';
import { summarise, type RunRecord } from './summary.js';
import { writeSweepFigures } from './figure.js';

export interface SweepPaths {
  /** results folder: <out>/<sweep>/<run>.json and <out>/<sweep>-summary.json */
  out: string;
  /** artifacts: <runs>/<sweep>/<run>/ */
  runs: string;
}

/** Runs the pending runs, reporting each record as its run finishes (or fails for good). */
export interface SweepExecutor {
  readonly description: string;
  runAll(runs: SweepRun[], paths: SweepPaths & { sweep: string }, onRecord: (r: RunRecord) => void): Promise<void>;
}

export interface SweepOutcome {
  summaryPath: string;
  summary: Record<string, unknown>;
  records: RunRecord[];
  ran: number;
  reused: number;
}

/** Read and expand a sweep file: every error (file, schema, expansion) before anything is written. */
export function loadSweep(file: string): { name: string; runs: SweepRun[]; description?: string } {
  const s = readSweepFile(file);
  return { name: s.name, runs: expandSweep(s, file), description: s.description };
}

export function summaryPathOf(out: string, sweep: string): string {
  return join(out, `${sweep}-summary.json`);
}

/** Records of an earlier session of the same sweep that can stand: finished, same key, results file still there. */
export function reusableRecords(summaryPath: string, runs: readonly SweepRun[]): Map<string, RunRecord> {
  const keep = new Map<string, RunRecord>();
  if (!existsSync(summaryPath)) return keep;
  let old: { records?: RunRecord[] };
  try {
    old = JSON.parse(readFileSync(summaryPath, 'utf8'));
  } catch (e) {
    throw new SweepFileError(`${summaryPath}: cannot read the earlier summary of this sweep (${(e as Error).message}); move it away to start afresh`);
  }
  const byName = new Map(runs.map((r) => [r.name, r]));
  for (const r of old.records ?? []) {
    const run = byName.get(r.name);
    if (!run) continue;
    if (run.key !== r.key)
      throw new SweepFileError(`${summaryPath}: run ${r.name} was made with other options (key ${r.key}, now ${run.key}); give the sweep another name, or move the old results away`);
    if (r.status === 'done' && r.results && existsSync(r.results)) keep.set(r.name, r);
  }
  return keep;
}

export async function runSweep(
  file: string,
  executor: SweepExecutor,
  o: SweepPaths & { command: string; log?: (s: string) => void },
): Promise<SweepOutcome> {
  const log = o.log ?? (() => {});
  const { name, runs, description } = loadSweep(file);
  const summaryPath = summaryPathOf(o.out, name);
  const records = reusableRecords(summaryPath, runs);
  const pending = runs.filter((r) => !records.has(r.name));
  log(`sweep ${name}: ${runs.length} runs, ${records.size} already done, ${pending.length} to run on ${executor.description}`);
  const startedAt = new Date().toISOString();
  const write = (): Record<string, unknown> => {
    const ordered = runs.map((r) => records.get(r.name)).filter((r): r is RunRecord => r !== undefined);
    const summary = {
      kind: 'sweep-summary',
      sweep: name,
      description,
      file,
      command: o.command,
      ...gitProvenance(),
      machine: machineInfo(),
      executor: executor.description,
      runs: { total: runs.length, done: ordered.filter((r) => r.status === 'done').length, failed: ordered.filter((r) => r.status === 'failed').length },
      ...summarise(ordered),
      accuracyUnit: 'test accuracy in %; paired differences in percentage points (a − b on the same seeds, 95 % CI from Student t with n − 1 df)',
      sigmaBFDefinition: 'branching factor of the 20 recorded test samples, as nalsm analyze bf (compute_branching_factor.py)',
      records: ordered,
      startedAt,
      updatedAt: new Date().toISOString(),
    };
    writeJsonAtomic(summaryPath, summary);
    return summary;
  };
  let summary = write();
  await executor.runAll(pending, { ...o, sweep: name }, (r) => {
    records.set(r.name, r);
    summary = write();
    if (r.status === 'done') log(`  ${r.name}: test ${(100 * r.accuracy!.test).toFixed(2)} %, σ_BF ${r.sigmaBF ?? 'n/a'}`);
    else log(`  ${r.name}: FAILED: ${r.error}`);
  });
  const done = runs.map((r) => records.get(r.name)!).filter(Boolean);
  for (const figure of await writeSweepFigures(o.out, name, done)) log(`figure: ${figure}`);
  return { summaryPath, summary, records: done, ran: pending.length, reused: runs.length - pending.length };
}
