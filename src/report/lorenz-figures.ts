// Heatmaps of an N:A sweep (Vega-Lite → SVG): one value per (N, A) cell, the mean over seeds.
import type { TopLevelSpec } from './vega.js';
import type { CellSummary } from '../core/timeseries/sweep-analysis.js';

export function heatmapSpec(cells: CellSummary[], value: (c: CellSummary) => number, title: string, legend: string, reverse: boolean, digits = 3): TopLevelSpec {
  // the empty network (N = A = 0) has no features: labelled, left out of the colour scale
  const values = cells.map((c) => (c.N + c.A === 0 ? { N: c.N, A: c.A, v: null, label: 'no units' } : { N: c.N, A: c.A, v: value(c), label: value(c).toFixed(digits) }));
  // dark text on the bright end of viridis, white on the dark end
  const vs = values.flatMap((d) => (d.v === null ? [] : [d.v]));
  const mid = (Math.min(...vs) + Math.max(...vs)) / 2;
  const bright = reverse ? `datum.v < ${mid}` : `datum.v > ${mid}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'after Yang et al. 2025; parameters ours' },
    width: 300,
    height: 300,
    data: { values },
    encoding: {
      x: { field: 'N', type: 'ordinal', title: 'neuron-like units N' },
      y: { field: 'A', type: 'ordinal', title: 'astrocyte-like units A', sort: 'descending' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'v', type: 'quantitative', title: legend, scale: { scheme: 'viridis', reverse } } } },
      { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'label' }, color: { condition: { test: `datum.v === null || ${bright}`, value: 'black' }, value: 'white' } } },
    ],
    config: { view: { stroke: null } },
  } as TopLevelSpec;
}
