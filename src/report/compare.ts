// `nalsm compare`: runs side by side: a table (model, weight, σ_BF, accuracy), accuracy against σ_BF
// (paper Fig. 2B) and, for LSM weight sweeps, accuracy and σ_BF against the liquid weight.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ExistingRun, loadRunNetwork, loadRunRasters } from '../pipeline/existing-run.js';
import { checkDerivedRun } from '../pipeline/run-identity.js';
import { writeFileAtomic, writeJsonAtomic } from '../pipeline/results.js';
import { branchingFactor, splitSamples } from '../core/analysis/branching.js';
import { accuracyVsBfSpec, sweepSpec, type CompareRow } from './figures.js';
import { renderSvg } from './vega.js';
import { renderPage, type Figure } from './html.js';

export interface CompareEntry extends CompareRow {
  results: string;
  runId: string | null;
  samples: { train: number; val: number; test: number };
  /** a readout re-fit of the run (nalsm readout): its accuracy replaces the run's own */
  refit: { results: string; optimizer: string } | null;
  valAccuracy: number;
  /** where σ_BF came from: computed from rasters.bin, read from <name>-bf.json, or none */
  bfSource: 'rasters' | 'bf.json' | 'none';
}

/** A readout re-fit (kind "readout", nalsm readout) on a run's saved counts. */
export interface ReadoutRefit {
  path: string;
  name: string;
  accuracy: { val: number; test: number };
  optimizer: string;
}

/** A run to compare, with the readout re-fit whose accuracy stands for it, if any. */
export type CompareInput = ExistingRun & { refit?: ReadoutRefit };

/** One row per run (or re-fit); σ_BF from the run's rasters (else its <name>-bf.json, else NaN). */
export function compareRows(runs: CompareInput[]): CompareEntry[] {
  return runs.map((run) => {
    const j = run.json;
    const s = j.samples;
    let sigma = NaN;
    let bfSource: CompareEntry['bfSource'] = 'none';
    const rasters = loadRunRasters(run);
    if (rasters) {
      const net = loadRunNetwork(run);
      sigma = branchingFactor(net, splitSamples(rasters.offset, rasters.t, rasters.n), { duration: rasters.steps }).sigma;
      bfSource = 'rasters';
    } else {
      const p = join(dirname(run.path), `${j.name}-bf.json`);
      if (existsSync(p)) {
        const b = JSON.parse(readFileSync(p, 'utf8')) as { sigma?: number | null; runId?: string; run?: string };
        checkDerivedRun(run, p, b);
        if (typeof b.sigma === 'number') {
          sigma = b.sigma;
          bfSource = 'bf.json';
        }
      }
    }
    const w = j.model_parameters.liquidWeight;
    const acc = run.refit?.accuracy ?? j.accuracy;
    return {
      name: run.refit ? run.refit.name : j.name,
      model: j.model,
      // sample sizes are part of the group: a 300-sample sweep never joins a full one's line
      group: `${j.dataset} ${j.neurons} s${j.seed} n${s.train}/${s.val}/${s.test}`,
      weight: typeof w === 'number' ? w : null,
      sigma,
      accuracy: acc.test,
      valAccuracy: acc.val,
      results: run.path,
      runId: j.runId ?? null,
      samples: s,
      refit: run.refit ? { results: run.refit.path, optimizer: run.refit.optimizer } : null,
      bfSource,
    };
  });
}

export function formatTable(rows: CompareEntry[]): string {
  const head = ['run', 'model', 'samples', 'weight', 'σ_BF', 'test acc', 'val acc'];
  const body = rows.map((r) => [
    r.name,
    r.model,
    `${r.samples.train}/${r.samples.val}/${r.samples.test}`,
    r.weight === null ? '-' : String(r.weight),
    Number.isFinite(r.sigma) ? r.sigma.toFixed(3) : 'n/a',
    `${(100 * r.accuracy).toFixed(2)} %`,
    `${(100 * r.valAccuracy).toFixed(2)} %`,
  ]);
  const width = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]): string => cells.map((x, c) => (c >= 3 ? x.padStart(width[c]) : x.padEnd(width[c]))).join('  ');
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

/** The LSM runs of a weight sweep: at least two LSM runs on one liquid with different weights. */
export function sweepRows(rows: CompareEntry[]): CompareEntry[] {
  const lsm = rows.filter((r) => r.model === 'lsm' && r.weight !== null);
  const byGroup = new Map<string, Set<number>>();
  for (const r of lsm) byGroup.set(r.group, (byGroup.get(r.group) ?? new Set()).add(r.weight!));
  return lsm.filter((r) => byGroup.get(r.group)!.size >= 2);
}

/** Write compare.json, the figures as SVG and compare.html (self-contained) into outDir. */
export async function writeComparison(rows: CompareEntry[], outDir: string, meta: Record<string, unknown> = {}): Promise<{ html: string; json: string; svgs: string[]; figures: Figure[] }> {
  const figures: Figure[] = [];
  const withBf = rows.filter((r) => Number.isFinite(r.sigma));
  if (withBf.length > 0) {
    figures.push({
      id: 'accuracy-vs-bf',
      title: 'Test accuracy against branching factor',
      caption: 'One point per run (paper Fig. 2B); the dashed line marks σ_BF = 1, the edge of chaos.',
      svg: await renderSvg(accuracyVsBfSpec(withBf)),
    });
  } else figures.push({ id: 'accuracy-vs-bf', title: 'Test accuracy against branching factor', caption: '', note: 'None of the runs has rasters.bin or a <name>-bf.json, so there is no σ_BF to plot.' });
  const sweep = sweepRows(withBf);
  if (sweep.length > 0) {
    figures.push({
      id: 'lsm-sweep',
      title: 'LSM weight sweep',
      caption: 'Test accuracy and σ_BF of the baseline LSM against its liquid weight, one line per liquid (dataset, size, seed).',
      svg: await renderSvg(sweepSpec(sweep)),
    });
  } else figures.push({ id: 'lsm-sweep', title: 'LSM weight sweep', caption: '', note: 'No LSM weight sweep among these runs (it needs LSM runs on one liquid with at least two weights and σ_BF).' });
  const svgs: string[] = [];
  for (const f of figures) {
    if (!f.svg) continue;
    const p = join(outDir, `${f.id}.svg`);
    writeFileAtomic(p, f.svg);
    svgs.push(p);
  }
  const json = join(outDir, 'compare.json');
  writeJsonAtomic(json, { kind: 'comparison', runs: rows.map((r) => ({ ...r, sigma: Number.isFinite(r.sigma) ? r.sigma : null })), ...meta });
  const html = join(outDir, 'compare.html');
  const summary: Array<[string, string]> = rows.map((r) => [r.name, `${r.model}${r.weight !== null ? ` w=${r.weight}` : ''}: σ_BF ${Number.isFinite(r.sigma) ? r.sigma.toFixed(3) : 'n/a'}, test ${(100 * r.accuracy).toFixed(2)} %`]);
  writeFileAtomic(html, renderPage('nalsm comparison', `${rows.length} runs`, summary, figures, 'Generated by nalsm compare. Figures rendered with Vega-Lite; this page loads nothing from the network.'));
  return { html, json, svgs, figures };
}
