// `nalsm report RUN`: one self-contained HTML page for a run (inline SVG figures, no scripts, no
// network), plus each figure as its own SVG file next to the page.
import { existsSync, readFileSync } from 'node:fs';
import { checkDerivedRun } from '../pipeline/run-identity.js';
import { basename, dirname, join } from 'node:path';
import {
  type ExistingRun,
  loadRunNetwork,
  loadRunRasters,
  loadRunCounts,
  loadRunWini,
  runModelSpec,
} from '../pipeline/existing-run.js';
import { writeFileAtomic } from '../pipeline/results.js';
import { uniformWeights, type Weights } from '../core/network/weights.js';
import type { Network } from '../core/network/network.js';
import { branchingFactor, splitSamples, type BranchingResult } from '../core/analysis/branching.js';
import { countsFromRasters, neuronRates, sampleRates, summarise, type Summary } from '../core/analysis/rates.js';
import { STDP } from '../core/params.js';
import { renderSvg } from './vega.js';
import { renderPage, type Figure } from './html.js';
import { accuracySpec, confusionSpec, phaseASpec, rasterSpec, ratesSpec, weightsSpec, type WeightGroups } from './figures.js';

/** Spikes drawn at most in the raster figure (one SVG element each, ≈ 130 bytes). */
const RASTER_MARKS = 60000;

export interface ReportOptions {
  /** HTML file to write [<artifacts>/report.html]; figures go next to it as <stem>-<figure>.svg */
  out?: string;
  /** recorded samples to draw in the raster figure [3] */
  rasterSamples?: number;
  log?: (line: string) => void;
}

export interface RunReport {
  html: string;
  figures: Figure[];
  sigmaBF: BranchingResult | null;
  rates: { source: string; perNeuronHz: Summary; perSampleHz: Summary; excitatoryHz: number; inhibitoryHz: number } | null;
}

/** Split a run's weights by synapse class: liquid synapses from E and from I neurons, input synapses. */
export function weightGroups(net: Network, w: Weights): WeightGroups {
  const E: number[] = [];
  const I: number[] = [];
  for (let k = 0; k < w.ll.length; k++) (net.llPre[k] < net.NE ? E : I).push(w.ll[k]);
  return { E, I, input: w.il };
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** Per-neuron and per-sample rates from counts.bin (all splits) or else from the recorded rasters. */
function runRates(run: ExistingRun, net: Network, steps: number): { neuron: Float64Array; sample: Float64Array; source: string } | null {
  const c = loadRunCounts(run);
  if (c) {
    const neuron = new Float64Array(c.nl);
    const samples: number[] = [];
    let n = 0;
    for (const s of ['train', 'val', 'test'] as const) {
      const m = c.counts[s];
      if (m.n === 0) continue;
      const view = { counts: m.counts, n: m.n, NL: c.nl };
      const r = neuronRates(view, steps);
      for (let i = 0; i < c.nl; i++) neuron[i] += r[i] * m.n;
      n += m.n;
      for (const v of sampleRates(view, steps)) samples.push(v);
    }
    for (let i = 0; i < c.nl; i++) neuron[i] /= Math.max(1, n);
    return { neuron, sample: Float64Array.from(samples), source: `counts.bin, ${n} samples` };
  }
  const r = loadRunRasters(run);
  if (!r) return null;
  const view = countsFromRasters(r.offset, r.n, net.NL);
  return { neuron: neuronRates(view, steps), sample: sampleRates(view, steps), source: `rasters.bin, ${view.n} recorded ${r.split} samples` };
}

export async function buildRunReport(run: ExistingRun, o: ReportOptions = {}): Promise<RunReport> {
  const j = run.json;
  const log = o.log ?? (() => {});
  const net = loadRunNetwork(run);
  const model = runModelSpec(run);
  const steps = j.encoding?.steps ?? 250;
  const rasters = loadRunRasters(run);
  const figures: Figure[] = [];
  const noRasters = `${join(run.artifacts, 'rasters.bin')} is missing (runs record it since rasters were added; rerun to get one)`;

  // rasters
  if (rasters) {
    const k = Math.min(o.rasterSamples ?? 3, rasters.samples.length);
    const all = splitSamples(rasters.offset, rasters.t, rasters.n);
    const pick = Array.from({ length: k }, (_, q) => Math.floor((q * all.length) / k));
    // one SVG mark per spike: past RASTER_MARKS spikes (large liquids) draw every stride-th neuron only
    const total = pick.reduce((a, q) => a + all[q].t.length, 0);
    const stride = Math.max(1, Math.ceil(total / RASTER_MARKS));
    const samples = pick.map((q) => {
      let { t, n } = all[q];
      if (stride > 1) {
        const keep: number[] = [];
        for (let e = 0; e < n.length; e++) if (n[e] % stride === 0) keep.push(e);
        t = Int32Array.from(keep, (e) => all[q].t[e]);
        n = Int32Array.from(keep, (e) => all[q].n[e]);
      }
      return { title: `${rasters.split} sample #${rasters.samples[q]} (label ${rasters.labels[q]})`, t, n };
    });
    log(`report: raster of ${k} samples${stride > 1 ? `, every ${stride}th neuron` : ''}`);
    figures.push({
      id: 'raster',
      title: 'Spike rasters',
      caption: `${stride > 1 ? `The spikes of every ${stride}th neuron (${total} spikes in all are too many to draw)` : 'Every spike'} of ${k} of the ${rasters.samples.length} recorded ${rasters.split} samples: excitatory and inhibitory liquid neurons (0–${net.NL - 1}) and input neurons (${net.NL}–${net.NL + net.NX - 1}), ${steps} ms each.`,
      svg: await renderSvg(rasterSpec(samples, net.NL, net.NE, net.NX, steps)),
    });
  } else figures.push({ id: 'raster', title: 'Spike rasters', caption: '', note: noRasters });

  // phase A
  const curve = j.phaseA?.curve;
  if (curve && curve.snapshot.length > 0) {
    figures.push({
      id: 'phase-a',
      title: 'Initialisation (phase A): BF proxy and astrocyte',
      caption: `${j.phaseA!.snapshots} snapshots of 20 ms, averaged over ${curve.snapshot.length} blocks. The BF proxy is liquid spikes over input-neuron spikes; the astrocyte balances potentiation and depression at 1. Last 1,000 snapshots: L/I = ${j.phaseA!.bfProxyLast1000 ?? 'n/a'}, liquid rate ${j.phaseA!.liquidRateHzLast1000 ?? 'n/a'} Hz.`,
      svg: await renderSvg(phaseASpec(curve)),
    });
  } else {
    figures.push({
      id: 'phase-a',
      title: 'Initialisation (phase A): BF proxy and astrocyte',
      caption: '',
      note: model.phaseA === 'none' ? `The ${model.name.toUpperCase()} baseline has no initialisation phase: its weights are fixed at ±${model.initialWeight}, so there is no BF-proxy or astrocyte curve.` : `This run reused a saved W_INI (${j.model_parameters.initSource ?? 'unknown'}), so phase A did not run here.`,
    });
  }

  // weights
  const before = weightGroups(net, uniformWeights(net, model.initialWeight));
  let after: WeightGroups | null = null;
  let weightNote = '';
  try {
    const w = loadRunWini(run, net);
    if (w) after = weightGroups(net, w);
    else weightNote = ' The baseline LSM keeps these weights throughout (no initialisation).';
  } catch (e) {
    weightNote = ` W_INI could not be read: ${(e as Error).message}.`;
  }
  figures.push({
    id: 'weights',
    title: 'Synaptic weights by class',
    caption: `Histograms of the weights of liquid synapses from excitatory neurons (E →), from inhibitory neurons (I →) and of input synapses, before initialisation (every synapse at ±${model.initialWeight}: E → +w, I → −w, input ±w)${after ? ' and after it (W_INI, the weights every sample starts from)' : ''}. Each panel has its own count scale.${weightNote}`,
    svg: await renderSvg(weightsSpec(before, after, STDP.maxWeight)),
  });

  // accuracy per epoch
  const hist = j.readout?.history;
  if (hist && hist.val.length > 0) {
    figures.push({
      id: 'accuracy',
      title: 'Readout accuracy per epoch',
      caption: `Validation and test accuracy after each epoch of the ${j.readout?.optimizer ?? ''} readout; the dashed line marks the epoch selected by validation accuracy (${j.readout?.bestEpoch ?? 'n/a'}).`,
      svg: await renderSvg(accuracySpec(hist, j.readout?.bestEpoch)),
    });
  } else figures.push({ id: 'accuracy', title: 'Readout accuracy per epoch', caption: '', note: `The ${j.readout?.optimizer ?? ''} readout has no epochs (closed-form), so there is no per-epoch history.` });

  // confusion
  const conf = j.readout?.confusion;
  if (conf && conf.length > 0) {
    figures.push({ id: 'confusion', title: 'Test confusion matrix', caption: 'Rows are the true class, columns the predicted class; cells give counts, shading the share of the row.', svg: await renderSvg(confusionSpec(conf)) });
  } else figures.push({ id: 'confusion', title: 'Test confusion matrix', caption: '', note: 'The results file has no confusion matrix.' });

  // firing rates
  const rr = runRates(run, net, steps);
  let rates: RunReport['rates'] = null;
  if (rr) {
    let e = 0;
    let i = 0;
    for (let k = 0; k < net.NL; k++) (k < net.NE ? (e += rr.neuron[k]) : (i += rr.neuron[k]));
    rates = { source: rr.source, perNeuronHz: summarise(rr.neuron), perSampleHz: summarise(rr.sample), excitatoryHz: e / Math.max(1, net.NE), inhibitoryHz: i / Math.max(1, net.NL - net.NE) };
    figures.push({
      id: 'rates',
      title: 'Firing rates',
      caption: `From ${rr.source}. Left: each liquid neuron's mean rate (E ${fmt(rates.excitatoryHz, 2)} Hz, I ${fmt(rates.inhibitoryHz, 2)} Hz on average). Right: the liquid's mean rate in each sample (${fmt(rates.perSampleHz.min, 1)}–${fmt(rates.perSampleHz.max, 1)} Hz; the paper quotes 12–37 Hz for NALSM).`,
      svg: await renderSvg(ratesSpec(rr.neuron, net.NE, rr.sample, rr.source)),
    });
  } else figures.push({ id: 'rates', title: 'Firing rates', caption: '', note: `Neither counts.bin nor rasters.bin is in ${run.artifacts}.` });

  const sigmaBF = rasters ? branchingFactor(net, splitSamples(rasters.offset, rasters.t, rasters.n), { duration: steps }) : null;

  // summary table
  const kqPath = join(dirname(run.path), `${j.name}-kq.json`);
  const kq = existsSync(kqPath) ? (JSON.parse(readFileSync(kqPath, 'utf8')) as { SP?: { mean: number }; AP?: { mean: number } | null; KQ?: number | null; runId?: string; run?: string }) : null;
  // a -kq.json left by another run of the same name must not be shown as this run's
  if (kq) checkDerivedRun(run, kqPath, kq);
  const weight = j.model_parameters.liquidWeight;
  const summary: Array<[string, string]> = [
    ['model', `${j.model}${weight !== undefined ? `, liquid weight ${weight}` : ''}${model.phaseA === 'astro' || model.phaseB === 'astro' ? `, w_astro ${model.astroW}` : ''}`],
    ['dataset', `${j.dataset}: train ${j.samples.train}, validation ${j.samples.val}, test ${j.samples.test}`],
    ['liquid', `${net.NL} neurons (${net.dims.join('×')}, ${net.NE} E), ${net.NX} inputs, ${net.llPre.length} liquid and ${net.ilPre.length} input synapses, seed ${j.seed}`],
    ['accuracy', `test ${pct(j.accuracy.test)}, validation ${pct(j.accuracy.val)} (${j.readout?.optimizer ?? '?'} readout, ${j.readout?.epochs ?? '?'} epochs, best ${j.readout?.bestEpoch ?? '?'})`],
    ['branching factor σ_BF', sigmaBF ? `${fmt(sigmaBF.sigma)} (nanmean over ${sigmaBF.perSample.length} recorded ${rasters!.split} samples)` : 'n/a (no rasters.bin)'],
  ];
  if (rates) summary.push(['firing rate', `${fmt(rates.perNeuronHz.mean, 2)} Hz mean; E ${fmt(rates.excitatoryHz, 2)} Hz, I ${fmt(rates.inhibitoryHz, 2)} Hz; per sample ${fmt(rates.perSampleHz.min, 1)}–${fmt(rates.perSampleHz.max, 1)} Hz (${rates.source})`]);
  if (kq) summary.push(['kernel quality', `SP ${fmt(kq.SP?.mean ?? NaN, 1)}${kq.AP ? `, AP ${fmt(kq.AP.mean, 1)}` : ''}${kq.KQ !== undefined && kq.KQ !== null ? `, KQ ${fmt(kq.KQ)}` : ''} (${basename(kqPath)})`]);
  summary.push(
    ['run id', j.runId ?? 'none (results written before run ids)'],
    ['command', j.command ?? 'n/a'],
    ['commit', `${String(j.commit ?? 'n/a')}${j.dirty ? ' (with uncommitted changes)' : ''}`],
    ['results', run.path],
  );

  const html = renderPage(
    `nalsm run ${j.name}`,
    `${j.model} on ${j.dataset}, ${j.neurons} neurons, seed ${j.seed}${j.finishedAt ? `; finished ${j.finishedAt}` : ''}`,
    summary,
    figures,
    `Generated by nalsm report from ${run.path}. Figures rendered with Vega-Lite; this page loads nothing from the network.`,
  );
  return { html, figures, sigmaBF, rates };
}

/** Write the page and one SVG per rendered figure next to it; returns the paths. */
export async function writeRunReport(run: ExistingRun, o: ReportOptions = {}): Promise<{ html: string; svgs: string[]; report: RunReport }> {
  const out = o.out ?? join(run.artifacts, 'report.html');
  const report = await buildRunReport(run, o);
  const stem = out.replace(/\.html?$/i, '');
  const svgs: string[] = [];
  for (const f of report.figures) {
    if (!f.svg) continue;
    const p = `${stem}-${f.id}.svg`;
    writeFileAtomic(p, f.svg);
    svgs.push(p);
  }
  writeFileAtomic(out, report.html);
  return { html: out, svgs, report };
}
