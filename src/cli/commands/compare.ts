import { join } from 'node:path';
import { parseFlags, UsageError } from '../args.js';
import { loadRunOrSweep, NotARunError } from '../../pipeline/existing-run.js';
import { compareRows, formatTable, writeComparison, type CompareInput } from '../../report/compare.js';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadRun, runPath } from '../../pipeline/existing-run.js';
import { readSweepSummary } from '../../sweep/summary-file.js';
import { formatSummary } from '../../sweep/format.js';
import { writeSweepFigures } from '../../sweep/figure.js';

/** A readout re-fit and the run it was fitted on: <run name>.json beside it, with the same run id. */
function loadRefit(spec: string, resultsDir: string): CompareInput {
  const path = runPath(spec, resultsDir);
  const j = JSON.parse(readFileSync(path, 'utf8')) as { name: string; run?: { name?: string; runId?: string }; accuracy: { val: number; test: number }; readout?: { optimizer?: string } };
  const runName = j.run?.name;
  if (!runName) throw new Error(`${path}: a readout re-fit that does not name its run (run.name); it cannot be placed beside its run`);
  const run = loadRun(join(dirname(path), `${runName}.json`));
  if ((j.run?.runId ?? undefined) !== (run.json.runId ?? undefined))
    throw new Error(`${path}: re-fitted on counts of run id ${j.run?.runId ?? 'none'}, but ${run.path} is run id ${run.json.runId ?? 'none'}: not the same run`);
  return { ...run, refit: { path, name: j.name, accuracy: j.accuracy, optimizer: j.readout?.optimizer ?? '?' } };
}

export const COMPARE_HELP = `nalsm compare: compare finished runs: a table (model, weight, σ_BF, accuracy) and plots of
test accuracy against the branching factor σ_BF (paper Fig. 2B) and, for LSM weight sweeps,
accuracy and σ_BF against the liquid weight.

Usage: nalsm compare RUN... [options]

Each RUN is a results file (results/<name>.json), a run name looked up in --results, or a sweep
summary (<name>-sweep.json from nalsm run --weight a,b,c), which stands for all its runs.
A summary of nalsm sweep (<sweep>-summary.json) is shown as a table: per configuration n, test
accuracy and σ_BF as mean ± sd (min–max), the paper's figure, paired differences with 95 %
confidence intervals, failures; its figures go to --out: <sweep>-accuracy-sigma.svg and, when
the sweep varies the liquid weight or the astrocyte density, <sweep>-accuracy-weight.svg or
<sweep>-accuracy-astroDensity.svg (each network and mean ± sd, with the paper's reference).
σ_BF is computed from each run's rasters.bin (or read from <name>-bf.json of nalsm analyze bf).
A readout re-fit (a JSON of nalsm readout) stands for its run with the re-fit's accuracy, in a
row of its own. Runs are grouped by dataset, size, seed and sample sizes: runs on different
sample sizes never share a sweep line. Outputs of nalsm analyze and compare among the arguments
(e.g. from results/*.json) are skipped with a note.

  --out DIR          write compare.json, compare.html and the figures (SVG) there
                                                                   [<results>/compare]
  --results DIR      where run names are looked up                                  [results]
  -h, --help         this help
`;

export async function compareCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('compare', argv, {
    out: { type: 'string' },
    results: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(COMPARE_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('nalsm compare needs at least one RUN (results JSON, run name or sweep summary) (see nalsm compare --help)');
  const resultsDir = (values.results as string | undefined) ?? 'results';
  const outDir = (values.out as string | undefined) ?? join(resultsDir, 'compare');
  const runs: CompareInput[] = [];
  const summaries: string[] = [];
  const seen = new Set<string>();
  const skipped: string[] = [];
  for (const spec of positionals) {
    let r;
    try {
      r = loadRunOrSweep(spec, resultsDir);
    } catch (e) {
      // analysis outputs next to the runs (results/*.json): skip them, say so
      if (e instanceof NotARunError && e.kind === 'readout') {
        const refit = loadRefit(spec, resultsDir);
        if (!seen.has(refit.path)) {
          seen.add(refit.path);
          runs.push(refit);
        }
        continue;
      }
      if (e instanceof NotARunError && e.kind === 'sweep-summary') {
        const path = runPath(spec, resultsDir);
        if (!seen.has(path)) summaries.push(path);
        seen.add(path);
        continue;
      }
      if (e instanceof NotARunError && e.kind !== undefined) {
        skipped.push(`${spec} (a "${e.kind}" file)`);
        continue;
      }
      throw e;
    }
    const list = r.kind === 'run' ? [r.run] : r.runs.map((p) => {
      const x = loadRunOrSweep(p, resultsDir);
      if (x.kind !== 'run') throw new Error(`${r.path}: lists ${p}, which is not a run results file`);
      return x.run;
    });
    for (const run of list) {
      if (seen.has(run.path)) continue;
      seen.add(run.path);
      runs.push(run);
    }
  }
  if (skipped.length) process.stderr.write(`skipped, not run results: ${skipped.join(', ')}\n`);
  for (const path of summaries) await compareSweepSummary(path, outDir);
  if (runs.length === 0 && summaries.length) return 0;
  if (runs.length === 0) throw new UsageError(`nalsm compare: no run results among the arguments (skipped ${skipped.join(', ')})`);
  const rows = compareRows(runs);
  process.stdout.write(formatTable(rows));
  const w = await writeComparison(rows, outDir, { command: ['nalsm', 'compare', ...argv].join(' ') });
  const missing = w.figures.filter((f) => !f.svg).map((f) => `${f.id} (${f.note})`);
  process.stdout.write([`  written: ${w.json}, ${w.html}${w.svgs.length ? ', ' + w.svgs.join(', ') : ''}`, ...(missing.length ? [`  not drawn: ${missing.join('; ')}`] : []), ''].join('\n'));
  return 0;
}

/** A nalsm sweep summary: its table, and its figures drawn again into outDir. */
async function compareSweepSummary(path: string, outDir: string): Promise<void> {
  const s = readSweepSummary(path);
  process.stdout.write(`sweep ${s.sweep}: ${s.runs.done} of ${s.runs.total} runs done${s.runs.failed ? `, ${s.runs.failed} failed` : ''}\n`);
  process.stdout.write(formatSummary(s, path));
  const figures = await writeSweepFigures(outDir, s.sweep, s.records);
  process.stdout.write(figures.length ? `  written: ${figures.join(', ')}\n` : '  no figures: no finished run has σ_BF, and no configuration varies the liquid weight or the astrocyte density\n');
}
