// A sweep summary as text (nalsm sweep at its end, nalsm compare on a summary): per configuration n, test
// accuracy and σ_BF as mean ± sd (min–max), the paper's mean ± sd (top); paired differences with their
// 95 % confidence intervals; the failures.
import type { ConfigurationRow, PairedRow } from './summary.js';
import type { Described } from './stats.js';

const f = (x: number | null | undefined, d = 2): string => (x === null || x === undefined ? '–' : x.toFixed(d));
const spread = (a: Described | null, d: number): string => (!a ? '–' : a.n === 1 ? f(a.mean, d) : `${f(a.mean, d)} ± ${f(a.sd, d)} (${f(a.min, d)}–${f(a.max, d)})`);

export function formatSummary(s: { configurations: ConfigurationRow[]; paired: PairedRow[]; failures: Array<{ name: string; error: string }> }, path: string): string {
  const head = ['configuration', 'n', 'test accuracy % (min–max)', 'σ_BF (min–max)', 'paper % (top)'];
  const body = s.configurations.map((c) => [c.config, String(c.testAccuracy?.n ?? 0), spread(c.testAccuracy, 2), spread(c.sigmaBF, 3), c.paper ? `${f(c.paper.mean)} ± ${f(c.paper.sd)} (${f(c.paper.top)})` : '']);
  const width = head.map((h, k) => Math.max(h.length, ...body.map((b) => b[k].length)));
  const line = (cells: string[]): string => cells.map((x, k) => (k === 1 ? x.padStart(width[k]) : x.padEnd(width[k]))).join('  ').trimEnd();
  const lines = [line(head), ...body.map(line)];
  for (const d of s.paired) {
    const t = d.testAccuracy;
    lines.push(`${d.a} − ${d.b}: ${f(t.mean)} pp (95 % CI ${t.ci95 ? `${f(t.ci95[0])} to ${f(t.ci95[1])}` : '–'}, n ${t.n})`);
  }
  for (const x of s.failures) lines.push(`FAILED ${x.name}: ${x.error}`);
  lines.push(`summary: ${path}`, '');
  return lines.join('\n');
}
