// A self-contained HTML page: inline CSS and inline SVG figures, no scripts, no external resources.
import { prefixSvgIds } from './vega.js';

export interface Figure {
  /** stable id: the section's data-figure and the SVG file's suffix */
  id: string;
  title: string;
  caption: string;
  /** the rendered figure; absent when the run has no data for it (then `note` says why) */
  svg?: string;
  note?: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.sub { color: #666; margin-top: 0; }
table.summary { border-collapse: collapse; margin: 1rem 0; font-size: .92rem; }
table.summary th, table.summary td { text-align: left; padding: .25rem .8rem .25rem 0; vertical-align: top; border-bottom: 1px solid #eee; }
table.summary th { color: #555; font-weight: 600; white-space: nowrap; }
section.figure .svg { overflow-x: auto; }
section.figure .svg svg { max-width: 100%; height: auto; }
section.figure p.caption { color: #444; font-size: .9rem; max-width: 60rem; }
section.figure.missing p.note { background: #f6f6f6; border-left: 3px solid #bbb; padding: .5rem .8rem; color: #444; }
code { font-size: .85em; }
footer { margin-top: 3rem; color: #888; font-size: .8rem; }
`;

/** Assemble the page. Rows of the summary table are [label, value] pairs (values are escaped). */
export function renderPage(title: string, subtitle: string, summary: Array<[string, string]>, figures: Figure[], footer: string): string {
  const rows = summary.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  const sections = figures
    .map((f, i) => {
      const head = `<h2>${escapeHtml(f.title)}</h2>`;
      if (!f.svg) return `<section class="figure missing" id="fig-${f.id}" data-figure="${f.id}">${head}<p class="note">${escapeHtml(f.note ?? 'not available for this run')}</p></section>`;
      const svg = prefixSvgIds(f.svg.replace(/^<\?xml[^>]*>\s*/, ''), `f${i}`);
      return `<section class="figure" id="fig-${f.id}" data-figure="${f.id}">${head}<div class="svg">${svg}</div><p class="caption">${escapeHtml(f.caption)}</p></section>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(subtitle)}</p>
<table class="summary">
${rows}
</table>
${sections}
<footer>${escapeHtml(footer)}</footer>
</body>
</html>
`;
}
