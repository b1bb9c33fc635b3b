// Heatmaps of an N:A sweep (Vega-Lite → SVG): one value per (N, A) cell, the mean over seeds.
import type { TopLevelSpec } from './vega.js';
import type { CellSummary } from '../core/timeseries/sweep-analysis.js';

export function heatmapSpec(cells: CellSummary[], value: (c: CellSummary) => number, title: string, legend: string, reverse: boolean, digits = 3): TopLevelSpec {
  const values = cells.map((c) => ({ N: c.N, A: c.A, v: value(c), label: value(c).toFixed(digits) }));
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
      { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'label' }, color: { value: 'white' } } },
    ],
    config: { view: { stroke: null } },
  } as TopLevelSpec;
}
