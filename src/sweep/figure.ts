// The sweep's figures, beside its summary (the sweep draws them at its end; nalsm compare draws them from
// a summary): test accuracy against σ_BF, one point per finished run coloured by model (the paper's
// Fig. 2B), as <sweep>-accuracy-sigma.svg; and for a sweep that varies the liquid weight or the astrocyte
// density, accuracy against that axis (mean ± sd over networks and each network, with the paper's
// reference where it has one), as <sweep>-accuracy-weight.svg and <sweep>-accuracy-astroDensity.svg.
import { join } from 'node:path';
import { accuracyVsBfSpec, accuracyVsAxisSpec, type CompareRow, type AxisFigureData } from '../report/figures.js';
import { renderSvg } from '../report/vega.js';
import { writeFileAtomic } from '../pipeline/results.js';
import { describe } from './stats.js';
import { paperFigure, paperDensityClaim } from './paper.js';
import { SWEEP_AXES, axisValue, type SweepAxis } from './axes.js';
import type { RunRecord } from './summary.js';

export { SWEEP_AXES, axisValue, type SweepAxis };


const AXIS_NAME: Record<SweepAxis, string> = { weight: 'liquid weight', astroDensity: 'astrocyte density' };
const AXIS_TITLE: Record<SweepAxis, string> = {
  weight: 'liquid weight |W| (LSM, LSM+AP-STDP)',
  astroDensity: 'astrocyte density (share of input and liquid neurons wired to the astrocyte)',
};

const done = (records: readonly RunRecord[]): RunRecord[] => records.filter((r) => r.status === 'done' && r.accuracy !== undefined);

export async function writeSweepFigure(path: string, records: readonly RunRecord[]): Promise<string | null> {
  const rows: CompareRow[] = done(records)
    .filter((r) => typeof r.sigmaBF === 'number')
    .map((r) => ({ name: r.name, model: r.model, group: `${r.dataset}-${r.neurons}-s${r.seed}`, weight: r.weight ?? null, sigma: r.sigmaBF as number, accuracy: r.accuracy!.test }));
  if (!rows.length) return null;
  writeFileAtomic(path, await renderSvg(accuracyVsBfSpec(rows)));
  return path;
}

/** A run's configuration without the axis: the line its points belong to. */
function seriesOf(r: RunRecord, axis: SweepAxis): string {
  const tags = [axis !== 'weight' && r.weight !== undefined ? `-w${r.weight}` : '', r.astroW !== undefined ? `-aw${r.astroW}` : '', axis !== 'astroDensity' && r.astroDensity !== undefined ? `-ad${r.astroDensity}` : ''];
  return `${r.model}-${r.dataset}-${r.neurons}${tags.join('')}`;
}

/** The axes some configuration of these runs takes at two or more values. */
export function varyingAxes(records: readonly RunRecord[]): SweepAxis[] {
  return SWEEP_AXES.filter((axis) => {
    const values = new Map<string, Set<number>>();
    for (const r of records) {
      const x = axisValue(r, axis);
      if (x === undefined) continue;
      const k = seriesOf(r, axis);
      values.set(k, (values.get(k) ?? new Set()).add(x));
    }
    return [...values.values()].some((v) => v.size >= 2);
  });
}

const fmt = (x: number): string => x.toFixed(2);

/** The figure's data: each network, mean ± sd per value, the other models' means as levels, the paper's references. */
export function axisFigureData(records: readonly RunRecord[], axis: SweepAxis): AxisFigureData {
  const runs = done(records);
  const points: AxisFigureData['points'] = [];
  const others = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const x = axisValue(r, axis);
    if (x === undefined) others.set(seriesOf(r, axis), [...(others.get(seriesOf(r, axis)) ?? []), r]);
    else points.push({ x, accuracy: 100 * r.accuracy!.test, series: seriesOf(r, axis), name: r.name, seed: r.seed });
  }
  const groups = new Map<string, number[]>();
  for (const p of points) groups.set(`${p.series}\u0000${p.x}`, [...(groups.get(`${p.series}\u0000${p.x}`) ?? []), p.accuracy]);
  const means: AxisFigureData['means'] = [...groups].map(([k, accs]) => {
    const [series, x] = k.split('\u0000');
    const d = describe(accs)!;
    return { series, x: Number(x), mean: d.mean, sd: d.sd, lo: d.mean - (d.sd ?? 0), hi: d.mean + (d.sd ?? 0), n: d.n };
  });
  means.sort((a, b) => a.series.localeCompare(b.series) || a.x - b.x);
  const levels: AxisFigureData['levels'] = [];
  const slopes: AxisFigureData['slopes'] = [];
  const notes: string[] = [];
  // models without the axis (NALSM in a weight sweep, the LSM in a density sweep): their mean, drawn across
  for (const [series, rs] of others) {
    const d = describe(rs.map((r) => 100 * r.accuracy!.test))!;
    levels.push({ y: d.mean, label: `${series} (no ${AXIS_NAME[axis]}): ${fmt(d.mean)} %, ${d.n} network${d.n > 1 ? 's' : ''}`, source: 'sweep' });
  }
  const paperSeen = new Set<string>();
  const paperLevel = (model: string, dataset: string, neurons: number, why: string): void => {
    const f = paperFigure(model, dataset, neurons, {});
    if (!f || paperSeen.has(`${model}-${dataset}-${neurons}`)) return;
    paperSeen.add(`${model}-${dataset}-${neurons}`);
    levels.push({ y: f.mean, label: `paper ${model}: ${fmt(f.mean)} ± ${fmt(f.sd)} %${why}`, source: 'paper' });
    notes.push(`paper ${model}-${dataset}-${neurons}: ${f.where}`);
  };
  for (const r of runs) {
    if (axis === 'weight') {
      // the paper's means by model (its LSM figure is at each network's best weight, not at one weight)
      paperLevel(r.model, r.dataset, r.neurons, r.model === 'lsm' ? ', at the best weight per network' : '');
      continue;
    }
    const claim = paperDensityClaim(r.model, r.dataset, r.neurons);
    if (!claim || slopes.some((s) => s.series === seriesOf(r, axis))) continue;
    for (const m of claim.above) paperLevel(m, r.dataset, r.neurons, '; the paper has NALSM above it at every density');
    // the text gives the drop, not the levels: drawn from our own full-density mean
    const full = means.find((m) => m.series === seriesOf(r, axis) && m.x === claim.fullDensity);
    if (!full) continue;
    slopes.push({
      series: full.series,
      x: claim.fullDensity,
      y: full.mean,
      x2: claim.lowDensity,
      y2: full.mean - claim.dropPp,
      label: `paper: ${claim.dropPp} pp lower at ${100 * claim.lowDensity} % (drawn from our ${100 * claim.fullDensity} % mean)`,
    });
    notes.push(`paper density result (${claim.dropPp} pp from ${100 * claim.fullDensity} % to ${100 * claim.lowDensity} %): ${claim.where}`);
  }
  return { axis, axisName: AXIS_NAME[axis], axisTitle: AXIS_TITLE[axis], points, means, levels, slopes, notes };
}

/** All the sweep's figures into `dir`: σ_BF always (when there are σ values), an axis figure per varying axis. */
export async function writeSweepFigures(dir: string, sweep: string, records: readonly RunRecord[]): Promise<string[]> {
  const written: string[] = [];
  const sigma = await writeSweepFigure(join(dir, `${sweep}-accuracy-sigma.svg`), records);
  if (sigma) written.push(sigma);
  for (const axis of varyingAxes(records)) {
    const data = axisFigureData(records, axis);
    if (!data.points.length) continue;
    const path = join(dir, `${sweep}-accuracy-${axis}.svg`);
    writeFileAtomic(path, await renderSvg(accuracyVsAxisSpec(data)));
    written.push(path);
  }
  return written;
}
