// The page: wires the drawing pad, the controls, the worker and the views. The worker runs the
// nalsm core; this thread only draws. ?export=URL loads another export file.
import { DrawPad, showImage } from './draw-pad.js';
import { GridView, RasterView, RateView, showProbabilities, type LiquidShape } from './views.js';
import type { FromWorker, ModelInfo, RunParams, ToWorker } from './protocol.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const exportUrl = new URLSearchParams(location.search).get('export') ?? './nalsm-web.bin';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);

let models: ModelInfo[] = [];
let sampleImages = new Uint8Array(0);
let views: { raster: RasterView; rate: RateView; grid: GridView } | null = null;
let nextId = 1;
let current = 0;
const pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
let lastInput: { image?: Uint8Array; sample?: number } | null = null;

function showError(message: string): void {
  const el = $('error');
  el.textContent = `Error: ${message}`;
  el.hidden = false;
  $('status').textContent = 'error';
  document.body.dataset.state = 'error';
}

function params(): RunParams {
  const m = models.find((x) => x.key === $<HTMLSelectElement>('model').value)!;
  const num = (id: string): number | undefined => {
    const v = $<HTMLInputElement>(id).value;
    return v === '' ? undefined : Number(v);
  };
  return {
    model: m.key,
    liquidWeight: m.name === 'lsm' ? num('weight') : undefined,
    astroW: m.name === 'nalsm' ? num('astro') : undefined,
    inputSeed: num('seed'),
  };
}

function describeModel(): void {
  const m = models.find((x) => x.key === $<HTMLSelectElement>('model').value)!;
  document.querySelectorAll<HTMLElement>('.lsm-only').forEach((e) => (e.hidden = m.name !== 'lsm'));
  document.querySelectorAll<HTMLElement>('.nalsm-only').forEach((e) => (e.hidden = m.name !== 'nalsm'));
  $('sigma-run').textContent = m.sigmaBF === null ? 'n/a' : m.sigmaBF.toFixed(3);
  const s = m.samples;
  $('model-note').textContent =
    `Run ${m.runName}: test accuracy ${(100 * m.accuracy.test).toFixed(2)} % on ${s.test.toLocaleString()} images (trained on ${s.train.toLocaleString()}). ` +
    (m.pageAccuracy ? `One image at a time, as here: ${(100 * m.pageAccuracy.accuracy).toFixed(2)} % on ${m.pageAccuracy.n.toLocaleString()}. ` : '') +
    `The readout was trained at ${m.name === 'lsm' ? `liquid weight ${m.liquidWeight}` : `w_astro ${m.astroW}`}, input seed ${m.seed}; other values show how the liquid changes, with the same readout.`;
}

/**
 * What the worker posted for the current run, drawn one 25 ms chunk per 25 ms of wall time: the
 * simulation itself is faster than real time, the views play it back at it.
 */
let queue: FromWorker[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;
function play(): void {
  timer = null;
  const m = queue.shift();
  if (!m) return;
  show(m);
  if (queue.length) timer = setTimeout(play, 25);
}
function enqueue(m: FromWorker): void {
  queue.push(m);
  if (timer === null) timer = setTimeout(play, 0);
}

/** Simulate the current input; the views fill as the worker streams the spikes. */
function run(input: { image?: Uint8Array; sample?: number }): void {
  if (!views) return;
  lastInput = input;
  current = nextId++;
  $('error').hidden = true; // a run error (e.g. a weight out of range) is cleared by the next run
  queue = [];
  document.body.dataset.chunks = '0';
  views.raster.clear();
  views.rate.clear();
  views.grid.clear();
  showProbabilities($('probs'), null);
  $('prediction').textContent = '…';
  $('sigma').textContent = '…';
  $('status').textContent = 'simulating…';
  document.body.dataset.state = 'running';
  send({ type: 'run', id: current, params: params(), image: input.image, sample: input.sample });
}

worker.onmessage = (ev: MessageEvent<FromWorker>): void => {
  const m = ev.data;
  if ('id' in m && m.id !== undefined && pending.has(m.id) && (m.type === 'batch-result' || m.type === 'error')) {
    const p = pending.get(m.id)!;
    pending.delete(m.id);
    if (m.type === 'error') p.reject(new Error(m.message));
    else p.resolve(m);
    return;
  }
  switch (m.type) {
    case 'loaded':
      return loaded(m);
    case 'error':
      return showError(m.message);
    case 'chunk':
    case 'result':
      if (m.id === current) enqueue(m);
  }
};

function show(m: FromWorker): void {
  switch (m.type) {
    case 'chunk':
      if (m.id !== current || !views) return;
      views.raster.add(m.t, m.n);
      views.rate.add(m.to, m.t, m.n, m.astro);
      views.grid.add(m.t, m.n);
      document.body.dataset.chunks = String(Number(document.body.dataset.chunks ?? 0) + 1);
      $('status').textContent = `simulated ${m.to} ms`;
      return;
    case 'result':
      if (m.id !== current) return;
      showProbabilities($('probs'), m.probabilities);
      $('prediction').textContent = String(m.predicted);
      $('sigma').textContent = Number.isNaN(m.sigmaBF) ? 'n/a' : m.sigmaBF.toFixed(3);
      $('status').textContent = `${m.steps} ms in ${m.ms.toFixed(1)} ms of compute (${m.backend}); ${m.liquidSpikes} liquid and ${m.inputSpikes} input spikes`;
      document.body.dataset.state = 'done';
      document.body.dataset.run = String(m.id);
      return;
  }
}
worker.onerror = (e) => showError(e.message || 'the worker failed to start');

function loaded(m: Extract<FromWorker, { type: 'loaded' }>): void {
  models = m.models;
  sampleImages = m.sampleImages;
  const shape: LiquidShape = { NL: m.NL, NE: m.NE, NX: m.NX, dims: m.dims, gridPoint: m.gridPoint, steps: 250 };
  views = { raster: new RasterView($('raster'), shape), rate: new RateView($('rate'), shape), grid: new GridView($('grid3d'), shape) };
  const sel = $<HTMLSelectElement>('model');
  sel.replaceChildren(...models.map((x) => new Option(x.name === 'nalsm' ? 'NALSM' : x.name === 'lsm' ? 'LSM' : x.name, x.key)));
  const lsm = models.find((x) => x.name === 'lsm');
  const nalsm = models.find((x) => x.name === 'nalsm');
  $<HTMLInputElement>('weight').value = String(lsm?.liquidWeight ?? 0.8);
  $<HTMLInputElement>('astro').value = String(nalsm?.astroW ?? 0.015);
  $<HTMLInputElement>('seed').value = String(models[0].seed);
  const samples = $<HTMLSelectElement>('sample');
  samples.replaceChildren(new Option('—', ''), ...m.sampleLabels.map((l, i) => new Option(`#${i} (a ${l})`, String(i))));
  describeModel();
  showProbabilities($('probs'), null);
  $('status').textContent = 'ready: draw a digit';
  $('footer').textContent = `export ${exportUrl}: ${(m.bytes / 1024).toFixed(0)} KiB, ${m.NL} neurons, ${m.NX} inputs; ${String(m.meta.createdBy ?? '')}`;
  document.body.dataset.state = 'ready';
}

const pad = new DrawPad($('draw'));
pad.onStroke = () => {
  const img = pad.image();
  if (!img || !views) return;
  $<HTMLSelectElement>('sample').value = '';
  showImage($('preview'), img);
  run({ image: img });
};
$('clear').onclick = () => {
  pad.clear();
  lastInput = null;
};
$<HTMLSelectElement>('sample').onchange = (e) => {
  const v = (e.target as HTMLSelectElement).value;
  if (v === '') return;
  const i = Number(v);
  pad.clear();
  showImage($('preview'), sampleImages.subarray(i * 784, (i + 1) * 784));
  run({ sample: i });
};
$<HTMLSelectElement>('model').onchange = () => {
  describeModel();
  if (lastInput) run(lastInput);
};
for (const id of ['weight', 'astro', 'seed']) $(id).onchange = () => lastInput && run(lastInput);

/** For scripted checks (the test suite): the bundled images through the worker, as the CLI would run them. */
(window as unknown as { nalsm: unknown }).nalsm = {
  batch(p: RunParams, count: number, passes = 2): Promise<FromWorker> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send({ type: 'batch', id, params: p, count, passes });
    });
  },
};

send({ type: 'load', url: new URL(exportUrl, location.href).href });
