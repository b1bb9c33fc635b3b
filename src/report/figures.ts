// The report's figures as Vega-Lite specs, built from a run's data. Each builder is pure: data in,
// spec out; rendering is in vega.ts. Data arrays are pre-aggregated here (histograms, bins) so the
// specs stay small.
import type { TopLevelSpec } from 'vega-lite';
import { histogram } from '../core/analysis/rates.js';

const CONFIG = {
  font: 'sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 13, anchor: 'start' as const },
};

const COLORS = { E: '#1f77b4', I: '#d62728', input: '#7f7f7f' };

export interface RasterSample {
  title: string;
  t: ArrayLike<number>;
  n: ArrayLike<number>;
}

/** Spike rasters: liquid E, liquid I and input neurons (inputs drawn above the liquid). */
export function rasterSpec(samples: RasterSample[], NL: number, NE: number, NX: number, steps: number): TopLevelSpec {
  const values: Array<{ t: number; neuron: number; group: string; sample: string }> = [];
  for (const s of samples) {
    for (let k = 0; k < s.t.length; k++) {
      const n = s.n[k];
      values.push({ t: s.t[k], neuron: n, group: n < NE ? 'liquid E' : n < NL ? 'liquid I' : 'input', sample: s.title });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // no per-point ARIA labels: they would triple the size of an SVG with tens of thousands of spikes
    config: { ...CONFIG, aria: false },
    data: { values },
    facet: { row: { field: 'sample', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 12 } } },
    spec: {
      width: 640,
      height: 220,
      mark: { type: 'square', size: 2, opacity: 1, aria: false },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'time (ms)', scale: { domain: [0, steps] } },
        y: { field: 'neuron', type: 'quantitative', title: `neuron (liquid 0–${NL - 1}, inputs ${NL}–${NL + NX - 1})`, scale: { domain: [0, NL + NX] } },
        color: { field: 'group', type: 'nominal', title: null, scale: { domain: ['liquid E', 'liquid I', 'input'], range: [COLORS.E, COLORS.I, COLORS.input] } },
      },
    },
  };
}

export interface PhaseACurve {
  snapshot: number[];
  liquidSpikes: number[];
  inputSpikes: number[];
  bfProxy: number[];
  astroA: number[];
}

/** Phase A: the BF proxy (liquid / input spikes per snapshot) and the astrocyte's A, block means. */
export function phaseASpec(c: PhaseACurve): TopLevelSpec {
  const values = c.snapshot.map((s, i) => ({ snapshot: s, bf: c.bfProxy[i], A: c.astroA[i], L: c.liquidSpikes[i], I: c.inputSpikes[i] }));
  const x = { field: 'snapshot', type: 'quantitative' as const, title: 'snapshot (20 ms each)' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    data: { values },
    vconcat: [
      {
        width: 640,
        height: 180,
        title: 'BF proxy: liquid spikes / input-neuron spikes (1 = the astrocyte balance point)',
        layer: [
          { mark: { type: 'line', point: { size: 12 }, color: COLORS.E }, encoding: { x, y: { field: 'bf', type: 'quantitative', title: 'L / I', scale: { zero: false } } } },
          { mark: { type: 'rule', strokeDash: [4, 4], color: '#555' }, encoding: { y: { datum: 1 } } },
        ],
      },
      {
        width: 640,
        height: 160,
        title: 'astrocyte A (mean over each block of snapshots)',
        mark: { type: 'line', point: { size: 12 }, color: '#2ca02c' },
        encoding: { x, y: { field: 'A', type: 'quantitative', title: 'A', scale: { zero: false } } },
      },
    ],
  };
}

export interface WeightGroups {
  /** weights of the liquid synapses from excitatory neurons, inhibitory neurons, and of the input synapses */
  E: ArrayLike<number>;
  I: ArrayLike<number>;
  input: ArrayLike<number>;
}

/** Weight histograms by synapse class, before (uniform ±|W|) and, when given, after initialisation (W_INI). */
export function weightsSpec(before: WeightGroups, after: WeightGroups | null, maxWeight = 3, bins = 60): TopLevelSpec {
  const values: Array<{ stage: string; cls: string; x0: number; x1: number; count: number }> = [];
  const stages: Array<[string, WeightGroups]> = [['before: uniform ±|W|', before]];
  if (after) stages.push(['after initialisation (W_INI)', after]);
  const classes: Array<[string, keyof WeightGroups]> = [
    ['E → liquid', 'E'],
    ['I → liquid', 'I'],
    ['input → liquid', 'input'],
  ];
  for (const [stage, g] of stages) {
    for (const [cls, key] of classes) {
      const h = histogram(g[key], { bins, min: -maxWeight, max: maxWeight });
      h.counts.forEach((count, b) => {
        if (count > 0) values.push({ stage, cls, x0: h.edges[b], x1: h.edges[b + 1], count });
      });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    data: { values },
    facet: {
      row: { field: 'stage', type: 'nominal', title: null, sort: stages.map((s) => s[0]), header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 12 } },
      column: { field: 'cls', type: 'nominal', title: null, sort: classes.map((c) => c[0]), header: { labelFontSize: 12 } },
    },
    spec: {
      width: 200,
      height: 140,
      mark: { type: 'rect', color: '#4c78a8' },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: 'weight', scale: { domain: [-maxWeight, maxWeight] } },
        x2: { field: 'x1' },
        y: { field: 'count', type: 'quantitative', title: 'synapses' },
        y2: { datum: 0 },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Validation and test accuracy per readout epoch, with the selected (best validation) epoch marked. */
export function accuracySpec(history: { val: number[]; test: number[] }, bestEpoch: number | undefined): TopLevelSpec {
  const values: Array<{ epoch: number; split: string; accuracy: number }> = [];
  history.val.forEach((v, i) => values.push({ epoch: i + 1, split: 'validation', accuracy: v }));
  history.test.forEach((v, i) => values.push({ epoch: i + 1, split: 'test', accuracy: v }));
  const layer: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    {
      mark: { type: 'line', point: history.val.length <= 60 ? { size: 14 } : false },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { zero: false }, axis: { format: '.1%' } },
        color: { field: 'split', type: 'nominal', title: null, scale: { domain: ['validation', 'test'], range: ['#ff7f0e', '#1f77b4'] } },
      },
    },
  ];
  if (bestEpoch !== undefined && bestEpoch > 0) {
    layer.push({ data: { values: [{ epoch: bestEpoch }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#555' }, encoding: { x: { field: 'epoch', type: 'quantitative' } } });
  }
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, width: 640, height: 260, data: { values }, layer };
}

/** Test confusion matrix (rows = true class), counts in the cells. */
export function confusionSpec(m: number[][]): TopLevelSpec {
  const values: Array<{ truth: number; predicted: number; count: number; share: number }> = [];
  m.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((c, j) => values.push({ truth: i, predicted: j, count: c, share: c / total }));
  });
  const ord = { type: 'ordinal' as const };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    width: 360,
    height: 360,
    data: { values },
    encoding: {
      x: { field: 'predicted', ...ord, title: 'predicted class', axis: { labelAngle: 0 } },
      y: { field: 'truth', ...ord, title: 'true class' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'share', type: 'quantitative', title: 'row share', scale: { scheme: 'blues', domain: [0, 1] } } } },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

/** Firing rates: per-neuron mean rates (E and I stacked) and per-sample liquid rates. */
export function ratesSpec(neuronRates: ArrayLike<number>, NE: number, sampleRates: ArrayLike<number>, source: string): TopLevelSpec {
  const e: number[] = [];
  const i: number[] = [];
  for (let k = 0; k < neuronRates.length; k++) (k < NE ? e : i).push(neuronRates[k]);
  let hi = 0;
  for (let k = 0; k < neuronRates.length; k++) hi = Math.max(hi, neuronRates[k]);
  hi = Math.max(1, Math.ceil(hi));
  const bins = 40;
  const nv: Array<{ x0: number; x1: number; count: number; type: string }> = [];
  for (const [type, a] of [['excitatory', e], ['inhibitory', i]] as const) {
    const h = histogram(a, { bins, min: 0, max: hi });
    h.counts.forEach((c, b) => nv.push({ x0: h.edges[b], x1: h.edges[b + 1], count: c, type }));
  }
  let smin = Infinity;
  let smax = -Infinity;
  for (let k = 0; k < sampleRates.length; k++) {
    smin = Math.min(smin, sampleRates[k]);
    smax = Math.max(smax, sampleRates[k]);
  }
  const sh = histogram(sampleRates, { bins: Math.min(30, Math.max(5, Math.ceil(Math.sqrt(sampleRates.length)))), min: Math.floor(smin), max: Math.max(Math.floor(smin) + 1, Math.ceil(smax)) });
  const sv = sh.counts.map((c, b) => ({ x0: sh.edges[b], x1: sh.edges[b + 1], count: c }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    hconcat: [
      {
        title: `per-neuron mean rate (${source})`,
        width: 330,
        height: 220,
        data: { values: nv },
        mark: 'rect',
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: 'rate (Hz)', bin: { binned: true, step: hi / bins } },
          x2: { field: 'x1' },
          y: { field: 'count', type: 'quantitative', title: 'neurons', stack: 'zero' },
          color: { field: 'type', type: 'nominal', title: null, scale: { domain: ['excitatory', 'inhibitory'], range: [COLORS.E, COLORS.I] } },
        },
      },
      {
        title: 'per-sample liquid rate',
        width: 280,
        height: 220,
        data: { values: sv },
        mark: { type: 'rect', color: '#2ca02c' },
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: 'mean liquid rate in a sample (Hz)', bin: { binned: true } },
          x2: { field: 'x1' },
          y: { field: 'count', type: 'quantitative', title: 'samples' },
        },
      },
    ],
  };
}

export interface CompareRow {
  name: string;
  model: string;
  /** runs on the same liquid: dataset, neurons, seed */
  group: string;
  weight: number | null;
  sigma: number;
  accuracy: number;
}

/** Test accuracy against σ_BF, one point per run, coloured by model (paper Fig. 2B). */
export function accuracyVsBfSpec(rows: CompareRow[]): TopLevelSpec {
  const values = rows.filter((r) => Number.isFinite(r.sigma)).map((r) => ({ ...r, weight: r.weight ?? undefined }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    width: 480,
    height: 320,
    data: { values },
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 4], color: '#999' }, encoding: { x: { datum: 1 } } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x: { field: 'sigma', type: 'quantitative', title: 'branching factor σ_BF', scale: { zero: false } },
          y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { zero: false }, axis: { format: '.1%' } },
          color: { field: 'model', type: 'nominal', title: 'model' },
          tooltip: [{ field: 'name' }, { field: 'weight' }, { field: 'sigma', format: '.3f' }, { field: 'accuracy', format: '.2%' }],
        },
      },
    ],
  };
}

/** LSM weight sweep: test accuracy and σ_BF against the liquid weight. */
export function sweepSpec(rows: CompareRow[]): TopLevelSpec {
  const values = rows.filter((r) => r.weight !== null && Number.isFinite(r.sigma)).sort((a, b) => a.weight! - b.weight!);
  const x = { field: 'weight', type: 'quantitative' as const, title: 'LSM liquid weight |W|' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    data: { values },
    hconcat: [
      {
        width: 300,
        height: 240,
        title: 'test accuracy',
        mark: { type: 'line', point: { size: 40 } },
        encoding: { x, y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { zero: false }, axis: { format: '.1%' } }, color: { field: 'group', type: 'nominal', title: 'liquid' } },
      },
      {
        width: 300,
        height: 240,
        title: 'branching factor',
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 4], color: '#999' }, encoding: { y: { datum: 1 } } },
          { mark: { type: 'line', point: { size: 40 } }, encoding: { x, y: { field: 'sigma', type: 'quantitative', title: 'σ_BF', scale: { zero: false } }, color: { field: 'group', type: 'nominal', title: 'liquid' } } },
        ],
      },
    ],
  };
}

/** A sweep's test accuracy (%) against one of its axes (liquid weight, astrocyte density): see sweep/figure.ts. */
export interface AxisFigureData {
  axis: string;
  /** in the title ("astrocyte density") and on the x axis (with units or what it means) */
  axisName: string;
  axisTitle: string;
  /** one per finished run: a network at one axis value */
  points: Array<{ x: number; accuracy: number; series: string; name: string; seed: number }>;
  /** per configuration and axis value: mean and sample sd over networks (lo, hi = mean ∓ sd; sd null for one network) */
  means: Array<{ series: string; x: number; mean: number; sd: number | null; lo: number; hi: number; n: number }>;
  /** horizontal references: this sweep's models without the axis, the paper's means */
  levels: Array<{ y: number; label: string; source: 'sweep' | 'paper' }>;
  /** the paper's change between two axis values, drawn as a segment */
  slopes: Array<{ series: string; x: number; y: number; x2: number; y2: number; label: string }>;
  /** where each paper reference is in the paper */
  notes: string[];
}

/** Accuracy against a swept axis: each network (open points), mean ± sd (line and bars), references (dashed). */
export function accuracyVsAxisSpec(d: AxisFigureData): TopLevelSpec {
  const xs = [...d.points.map((p) => p.x), ...d.slopes.flatMap((s) => [s.x, s.x2])];
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const pad = (x1 - x0) * 0.05 || 0.05;
  const x = { field: 'x', type: 'quantitative' as const, title: d.axisTitle, scale: { domain: [x0 - pad, x1 + pad], nice: false } };
  const y = { type: 'quantitative' as const, title: 'test accuracy (%)', scale: { zero: false } };
  const color = { field: 'series', type: 'nominal' as const, title: 'configuration' };
  const paper = d.levels.filter((l) => l.source === 'paper');
  const ours = d.levels.filter((l) => l.source === 'sweep');
  const layer: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    { data: { values: d.points }, mark: { type: 'point', size: 36, opacity: 0.7 }, encoding: { x, y: { ...y, field: 'accuracy' }, color, tooltip: [{ field: 'name' }, { field: 'accuracy', format: '.2f' }] } },
    { data: { values: d.means }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
    { data: { values: d.means }, mark: { type: 'line', point: { filled: true, size: 60 }, strokeWidth: 2 }, encoding: { x, y: { ...y, field: 'mean' }, color, tooltip: [{ field: 'series' }, { field: 'x' }, { field: 'mean', format: '.2f' }, { field: 'sd', format: '.2f' }, { field: 'n' }] } },
  ];
  // our other models' means labelled on the left, the paper's on the right, so the two sets of labels do not collide
  // (ours above their lines, the paper's below theirs)
  for (const [levels, colour, dash, at, align, baseline, dy] of [[ours, '#555', [6, 3], x0 - pad, 'left', 'bottom', -2], [paper, '#888', [2, 3], x1 + pad, 'right', 'top', 2]] as const) {
    if (!levels.length) continue;
    layer.push({ data: { values: levels }, mark: { type: 'rule', color: colour, strokeDash: [...dash] }, encoding: { y: { ...y, field: 'y' } } });
    layer.push({ data: { values: levels }, mark: { type: 'text', align, baseline, dx: align === 'left' ? 3 : -3, dy, fontSize: 10, color: colour }, encoding: { x: { datum: at, type: 'quantitative', scale: x.scale }, y: { ...y, field: 'y' }, text: { field: 'label' } } });
  }
  if (d.slopes.length) {
    layer.push({ data: { values: d.slopes }, mark: { type: 'rule', color: '#d62728', strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x: { ...x }, y: { ...y, field: 'y' }, x2: { field: 'x2' }, y2: { field: 'y2' } } });
    layer.push({ data: { values: d.slopes }, mark: { type: 'text', align: 'left', dx: 6, dy: 12, fontSize: 10, color: '#d62728' }, encoding: { x: { field: 'x2', type: 'quantitative', scale: x.scale }, y: { ...y, field: 'y2' }, text: { field: 'label' } } });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: `Test accuracy against ${d.axisName}: mean ± sd over networks (line and bars), each network (open points)`, subtitle: d.notes.length ? d.notes : undefined },
    width: 560,
    height: 340,
    layer,
  };
}
