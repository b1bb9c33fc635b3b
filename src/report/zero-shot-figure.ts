// The zero-shot figure: audio→image retrieval confusion (row-normalised top-1), in-class digits
// (trained, 1–7) beside out-class digits (never trained, 8–9), for InfoNCE and the prototypical baseline.
import type { TopLevelSpec } from './vega.js';
import type { ZeroShotResult } from '../pipeline/zero-shot/protocol.js';

export function retrievalConfusionSpec(title: string, byMethod: Record<string, ZeroShotResult>): TopLevelSpec {
  const values: Array<Record<string, string | number>> = [];
  for (const [method, z] of Object.entries(byMethod))
    for (const [set, r] of [
      [`in-class (digits ${z.settings.trainClasses.join('')}), top-1 ${(100 * z.inClass.audioToImage.topK[1]).toFixed(1)} %`, z.inClass.audioToImage],
      [`out-class (digits ${z.settings.heldOutClasses.join('')}), top-1 ${(100 * z.outClass.audioToImage.topK[1]).toFixed(1)} %`, z.outClass.audioToImage],
    ] as const)
      r.confusion.forEach((row, i) => {
        const total = row.reduce((a, b) => a + b, 0);
        row.forEach((count, j) => values.push({ method, set, query: String(r.classes[i]), retrieved: String(r.classes[j]), count, fraction: total > 0 ? count / total : 0 }));
      });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values },
    facet: { row: { field: 'method', type: 'nominal', title: null }, column: { field: 'set', type: 'nominal', title: null } },
    spec: {
      width: 170,
      height: 170,
      layer: [
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
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as TopLevelSpec;
}
