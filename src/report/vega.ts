// Figures as SVG, rendered server-side by Vega (no browser, no canvas): a Vega-Lite spec is
// compiled to Vega, run headless (renderer "none") and serialised with View.toSVG().
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec };

/** Render a Vega-Lite spec to a standalone SVG document (string). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Error });
  try {
    return shortenTranslates(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** Round translate(x,y) offsets to 0.01 px (Vega writes full doubles): a raster has one per spike. */
export function shortenTranslates(svg: string): string {
  return svg.replace(/translate\((-?[\d.]+(?:e-?\d+)?),(-?[\d.]+(?:e-?\d+)?)\)/g, (_m, x: string, y: string) => `translate(${+(+x).toFixed(2)},${+(+y).toFixed(2)})`);
}

/**
 * Make an SVG's ids unique before inlining several SVGs in one page: Vega numbers its clip paths
 * and gradients from 1 in every SVG, and inline ids share the page's namespace.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\sid="([^"]+)"/g, (_m, id: string) => ` id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}
