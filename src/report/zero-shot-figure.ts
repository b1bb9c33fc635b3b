// The zero-shot figure: audio→image retrieval confusion (row-normalised top-1), in-class digits
// (trained, 1–7) beside out-class digits (never trained, 8–9), for InfoNCE and the prototypical baseline.
import type { TopLevelSpec } from './vega.js';
import type { ZeroShotResult } from '../pipeline/zero-shot/protocol.js';

export function retrievalConfusionSpec(title: string, byMethod: Record<string, ZeroShotResult>): TopLevelSpec {
  const values: Array<Record<string, string | number>> = [];
  for (const [name, z] of Object.entries(byMethod)) {
    const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
    // the facet labels must not depend on the numbers (one column per set): the top-1 goes in the row label
    const method = `${name}: top-1 ${pct(z.inClass.audioToImage.topK[1])} in, ${pct(z.outClass.audioToImage.topK[1])} out`;
    for (const [set, r] of [
      [`in-class (trained digits ${z.settings.trainClasses.join(', ')}; chance ${pct(z.inClass.audioToImage.chance)})`, z.inClass.audioToImage],
      [`out-class (never-trained digits ${z.settings.heldOutClasses.join(', ')}; chance ${pct(z.outClass.audioToImage.chance)})`, z.outClass.audioToImage],
    ] as const)
      r.confusion.forEach((row, i) => {
        const total = row.reduce((a, b) => a + b, 0);
        row.forEach((count, j) => values.push({ method, set, query: String(r.classes[i]), retrieved: String(r.classes[j]), count, fraction: total > 0 ? count / total : 0 }));
      });
  }
  return facetedCells(
    title,
    values,
    { row: { field: 'method', type: 'nominal', title: null }, column: { field: 'set', type: 'nominal', title: null } },
    [
      {
        mark: 'rect',
        encoding: {
          x: { field: 'retrieved', type: 'ordinal', title: 'digit of the retrieved image' },
          y: { field: 'query', type: 'ordinal', title: 'digit spoken (query)' },
          color: { field: 'fraction', type: 'quantitative', scale: { domain: [0, 1], scheme: 'blues' }, title: 'fraction of queries' },
        },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          x: { field: 'retrieved', type: 'ordinal' },
          y: { field: 'query', type: 'ordinal' },
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.fraction > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
    { resolve: { scale: { x: 'independent', y: 'independent' } } },
  );
}

/** Facets of 170 × 170 panels, each a layer of cells (a rect and its label). */
function facetedCells(title: string, values: unknown[], facet: unknown, layer: unknown[], extra: Record<string, unknown> = {}): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title, data: { values }, facet, spec: { width: 170, height: 170, layer }, ...extra } as TopLevelSpec;
}

/** One grid cell of the constant search: the image and audio constants and a top-1 per panel. */
export interface GridPoint {
  imageScale: number;
  audioScale: number;
  panel: string;
  top1: number;
}

/** The constant search as heatmaps, one panel per score (validation out-class, and test out-class shown for comparison only). */
export function constantGridSpec(title: string, points: GridPoint[]): TopLevelSpec {
  return facetedCells(
    title,
    points.map((p) => ({ ...p, label: `${(100 * p.top1).toFixed(0)}` })),
    { column: { field: 'panel', type: 'nominal', title: null } },
    [
      {
        mark: 'rect',
        encoding: {
          x: { field: 'imageScale', type: 'ordinal', title: 'image liquid constant' },
          y: { field: 'audioScale', type: 'ordinal', title: 'audio liquid constant', sort: 'descending' },
          color: { field: 'top1', type: 'quantitative', scale: { domain: [0.2, 0.8], domainMid: 0.5, scheme: 'redblue' }, title: 'out-class top-1 (chance 0.5)' },
        },
      },
      { mark: { type: 'text', fontSize: 10 }, encoding: { x: { field: 'imageScale', type: 'ordinal' }, y: { field: 'audioScale', type: 'ordinal', sort: 'descending' }, text: { field: 'label', type: 'nominal' } } },
    ],
  );
}
