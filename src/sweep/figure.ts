// The sweep's figure: test accuracy against σ_BF, one point per finished run, coloured by model (the paper's
// Fig. 2B), as <out>/<sweep>-accuracy-sigma.svg beside the summary.
import { accuracyVsBfSpec, type CompareRow } from '../report/figures.js';
import { renderSvg } from '../report/vega.js';
import { writeFileAtomic } from '../pipeline/results.js';
import type { RunRecord } from './summary.js';

export async function writeSweepFigure(path: string, records: readonly RunRecord[]): Promise<string | null> {
  const rows: CompareRow[] = records
    .filter((r) => r.status === 'done' && r.accuracy && typeof r.sigmaBF === 'number')
    .map((r) => ({ name: r.name, model: r.model, group: `${r.dataset}-${r.neurons}-s${r.seed}`, weight: r.weight ?? null, sigma: r.sigmaBF as number, accuracy: r.accuracy!.test }));
  if (!rows.length) return null;
  writeFileAtomic(path, await renderSvg(accuracyVsBfSpec(rows)));
  return path;
}
