// The run report renders in a real headless browser: Debian's chromium driven by playwright-core.
// Two tiny runs (NALSM with a short phase A and saved counts, baseline LSM) are made here; the
// report of each is opened over file:// and every figure must be present, have a size and drawn
// marks, and the page must make no request beyond its own file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runPipeline } from '../src/pipeline/run.js';
import { loadRun, loadRunRasters } from '../src/pipeline/existing-run.js';
import { writeRunReport } from '../src/report/report.js';
import { splitSamples } from '../src/core/analysis/branching.js';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const nalsm = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd });

const dir = mkdtempSync(join(tmpdir(), 'nalsm-report-'));

async function tinyRun(model: 'nalsm' | 'lsm', weight?: number, name: string = model): Promise<string> {
  const r = await runPipeline({
    model,
    dataset: 'mnist',
    dims: [5, 5, 5],
    weight,
    seed: 3,
    sizes: { train: 60, val: 20, test: 20 },
    workers: 1,
    initSnapshots: 20,
    readout: { optimizer: 'adam', epochs: 5 },
    outDir: join(dir, 'results'),
    artifactsDir: join(dir, 'runs', name),
    name,
    saveCounts: model === 'nalsm',
    command: `test ${model}`,
  });
  return r.path;
}

interface Shown {
  missing: boolean;
  note: string;
  width: number;
  height: number;
  marks: Record<string, number>;
}

/**
 * What the page shows for each figure: its section, the SVG's size and its drawn marks. Vega puts
 * each mark's items in a <g class="mark-TYPE role-mark ...">; items with an empty box are not counted.
 * (Browser-side code as a string: this project's TypeScript has no DOM types.)
 */
const INSPECT = `(() => {
  const out = {};
  for (const s of document.querySelectorAll('section.figure')) {
    const svg = s.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : null;
    const marks = {};
    for (const g of s.querySelectorAll('g.role-mark')) {
      const type = Array.from(g.classList).find((c) => c.startsWith('mark-')).slice(5);
      let n = 0;
      for (const el of g.children) {
        const b = el.getBBox ? el.getBBox() : null;
        if (b && (b.width > 0 || b.height > 0)) n++;
      }
      marks[type] = (marks[type] || 0) + n;
    }
    const note = s.querySelector('p.note');
    out[s.getAttribute('data-figure')] = { missing: s.classList.contains('missing'), note: note ? note.textContent : '', width: box ? box.width : 0, height: box ? box.height : 0, marks };
  }
  return out;
})()`;

async function inspect(page: Page): Promise<Record<string, Shown>> {
  return (await page.evaluate(INSPECT)) as Record<string, Shown>;
}

const SVG_BOX = `(() => {
  const e = document.documentElement;
  const r = e.getBoundingClientRect();
  return { tag: e.tagName, w: r.width, h: r.height, marks: document.querySelectorAll('g.role-mark > *').length };
})()`;

let browser: Browser | null = null;

test.before(async () => {
  if (!existsSync(CHROMIUM)) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

test.after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

function needBrowser(): Browser {
  if (!existsSync(CHROMIUM)) {
    assert.fail(`chromium is not installed at ${CHROMIUM}: the report tests render the HTML in a real browser. 'npm test' installs it (scripts/ensure-test-deps.sh, as pretest); run the tests through npm test, or install Debian chromium`);
  }
  assert.ok(browser, 'chromium did not start');
  return browser;
}

/** Open a file in a fresh page; every request other than file:// of that file is recorded and aborted. */
async function open(b: Browser, file: string): Promise<{ page: Page; external: string[] }> {
  const page = await b.newPage({ viewport: { width: 1200, height: 900 } });
  const external: string[] = [];
  const url = pathToFileURL(file).href;
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    external.push(u);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, external };
}

test('nalsm report: every figure is present and rendered in headless chromium (NALSM run)', async () => {
  const b = needBrowser();
  const run = loadRun(await tinyRun('nalsm'));
  const out = await writeRunReport(run);
  assert.equal(out.html, join(run.artifacts, 'report.html'));
  const html = readFileSync(out.html, 'utf8');
  // self-contained: no scripts, no stylesheets or images from elsewhere
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|(src|href)="(https?:)?\/\//i);
  const figures = ['raster', 'phase-a', 'weights', 'accuracy', 'confusion', 'rates'];
  assert.deepEqual(out.svgs, figures.map((f) => join(run.artifacts, `report-${f}.svg`)));

  const { page, external } = await open(b, out.html);
  const seen = await inspect(page);
  assert.deepEqual(Object.keys(seen), figures);
  for (const id of figures) {
    const f = seen[id];
    assert.equal(f.missing, false, `${id}: ${f.note}`);
    assert.ok(f.width > 100 && f.height > 100, `${id}: svg is ${f.width}×${f.height}`);
    assert.ok(Object.values(f.marks).reduce((a, c) => a + c, 0) > 0, `${id}: no marks drawn`);
  }
  // every spike of the drawn samples is a symbol in the raster
  const r = loadRunRasters(run)!;
  const all = splitSamples(r.offset, r.t, r.n);
  const drawn = [0, 6, 13].reduce((a, q) => a + all[q].t.length, 0);
  assert.equal(seen.raster.marks.symbol, drawn);
  assert.ok(seen['phase-a'].marks.line >= 2, 'BF proxy and astrocyte lines');
  assert.ok(seen.weights.marks.rect >= 6, 'weight histograms: 3 classes before and after');
  assert.equal(seen.confusion.marks.rect, 100);
  assert.ok(seen.accuracy.marks.line >= 2);
  assert.ok(seen.rates.marks.rect > 0);
  assert.deepEqual(external, []);
  await page.close();

  // each SVG file stands alone and renders
  for (const svg of out.svgs) {
    const { page: p } = await open(b, svg);
    const box = (await p.evaluate(SVG_BOX)) as { tag: string; w: number; h: number; marks: number };
    assert.equal(box.tag, 'svg', svg);
    assert.ok(box.w > 0 && box.h > 0 && box.marks > 0, `${svg}: ${JSON.stringify(box)}`);
    await p.close();
  }
});

test('nalsm report on a baseline LSM says there is no phase A; compare plots accuracy vs σ_BF and the weight sweep', async () => {
  const b = needBrowser();
  await tinyRun('lsm', 0.6, 'lsm-w0.6');
  await tinyRun('lsm', 1.0, 'lsm-w1');
  const rep = nalsm(dir, 'report', 'lsm-w1', '--out', join(dir, 'reports', 'lsm.html'));
  assert.equal(rep.status, 0, rep.stderr);
  assert.match(rep.stdout, /not drawn: phase-a/);
  const { page, external } = await open(b, join(dir, 'reports', 'lsm.html'));
  const seen = await inspect(page);
  assert.equal(seen['phase-a'].missing, true);
  assert.match(seen['phase-a'].note, /no initialisation phase/);
  for (const id of ['raster', 'weights', 'accuracy', 'confusion', 'rates']) assert.ok(seen[id].width > 100 && !seen[id].missing, id);
  assert.deepEqual(external, []);
  await page.close();

  assert.equal(nalsm(dir, 'analyze', 'bf', 'lsm-w1').status, 0);
  const cmp = nalsm(dir, 'compare', 'nalsm', 'lsm-w0.6', join('results', 'lsm-w1.json'), join('results', 'lsm-w1-bf.json'), '--out', 'cmp');
  assert.equal(cmp.status, 0, cmp.stderr);
  assert.match(cmp.stderr, /skipped, not run results: results\/lsm-w1-bf\.json \(a "branching-factor" file\)/);
  assert.match(cmp.stdout, /model\s+samples\s+weight\s+σ_BF\s+test acc/);
  assert.match(cmp.stdout, /lsm-w0\.6\s+lsm\s+60\/20\/20\s+0\.6\s+\d\.\d{3}/);
  const c = await open(b, join(dir, 'cmp', 'compare.html'));
  const figs = await inspect(c.page);
  assert.equal(figs['accuracy-vs-bf'].marks.symbol, 3);
  assert.ok(figs['lsm-sweep'].marks.line >= 2 && !figs['lsm-sweep'].missing);
  assert.deepEqual(c.external, []);
  await c.page.close();

  // bad input names the file
  for (const [args, re] of [
    [['report', 'nosuch'], /run "nosuch" not found/],
    [['report', join('runs', 'lsm-w1', 'rasters.bin')], /rasters\.bin: a nalsm binary file \(rasters\)/],
    [['report', 'lsm-w1', '--out', 'x.txt'], /--out must name an \.html file/],
    [['compare'], /needs at least one RUN/],
    [['compare', join('cmp', 'compare.json')], /no run results among the arguments \(skipped cmp\/compare\.json \(a "comparison" file\)\)/],
    [['compare', join('runs', 'nalsm', 'network.bin')], /network\.bin: a nalsm binary file \(network\)/],
  ] as Array<[string[], RegExp]>) {
    const r = nalsm(dir, ...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
  }
});
