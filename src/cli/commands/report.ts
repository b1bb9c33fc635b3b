import { parseFlags, intFlag, UsageError } from '../args.js';
import { loadRun } from '../../pipeline/existing-run.js';
import { writeRunReport } from '../../report/report.js';

export const REPORT_HELP = `nalsm report: an HTML report of a finished run, one self-contained file (inline SVG figures,
no scripts, nothing loaded from the network), plus each figure as an SVG file next to it.

Usage: nalsm report RUN [options]

RUN is a results file (results/<name>.json) or a run name looked up in --results.
Figures: spike rasters of recorded test samples; phase-A BF proxy and astrocyte signal (plastic
models); weight histograms by synapse class before and after initialisation; validation and test
accuracy per epoch; the test confusion matrix; firing-rate histograms (counts.bin if saved, else
the rasters).

  --out FILE.html    where to write the page; figures go to FILE-<figure>.svg  [runs/<name>/report.html]
  --results DIR      where run names are looked up                             [results]
  --samples N        recorded samples drawn in the raster figure               [3]
  --quiet            no progress output
  -h, --help         this help
`;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('report', argv, {
    out: { type: 'string' },
    results: { type: 'string' },
    samples: { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`nalsm report needs exactly one RUN (a results JSON or a run name), got ${positionals.length} (see nalsm report --help)`);
  const out = values.out as string | undefined;
  if (out !== undefined && !/\.html?$/i.test(out)) throw new UsageError(`--out must name an .html file, got "${out}"`);
  const run = loadRun(positionals[0], (values.results as string | undefined) ?? 'results');
  const quiet = Boolean(values.quiet);
  const t0 = performance.now();
  const r = await writeRunReport(run, {
    out,
    rasterSamples: intFlag(values, 'samples', 3, 1, 20),
    log: (s) => {
      if (!quiet) process.stderr.write(s + '\n');
    },
  });
  const missing = r.report.figures.filter((f) => !f.svg).map((f) => `${f.id} (${f.note})`);
  process.stdout.write(
    [
      `${run.json.name}: report ${r.html} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      `  figures: ${r.svgs.join(', ')}`,
      ...(missing.length ? [`  not drawn: ${missing.join('; ')}`] : []),
      '',
    ].join('\n'),
  );
  return 0;
}
