// The page's worker: loads the web export, runs the real nalsm core (wasm backend where the
// browser has it) and streams each sample's spikes back to the page.
import { decodeWebExport, LiveModel, type WebExport } from '../../src/core/index.js';
import type { FromWorker, ModelInfo, RunParams, ToWorker } from './protocol.js';

let exp: WebExport | null = null;
let live: { key: string; model: LiveModel } | null = null;

const post = (m: FromWorker, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(m, transfer);

/** The live model for these parameters (rebuilt only when they change). */
function modelFor(p: RunParams): LiveModel {
  if (!exp) throw new Error('no export loaded');
  const key = JSON.stringify(p);
  if (live?.key === key) return live.model;
  const m = exp.models.find((x) => x.key === p.model);
  if (!m) throw new Error(`the export has no model "${p.model}" (it has ${exp.models.map((x) => x.key).join(', ')})`);
  const model = new LiveModel(exp, m, { liquidWeight: m.spec.phaseA === 'none' ? p.liquidWeight : undefined, astroW: m.spec.phaseB === 'astro' ? p.astroW : undefined, inputSeed: p.inputSeed });
  live = { key, model };
  return model;
}

async function load(url: string): Promise<void> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  exp = decodeWebExport(bytes, url);
  live = null;
  const models: ModelInfo[] = exp.models.map((m) => ({
    key: m.key,
    name: m.spec.name,
    liquidWeight: m.spec.initialWeight,
    astroW: m.spec.astroW,
    seed: m.seed,
    accuracy: m.run.accuracy,
    sigmaBF: m.run.sigmaBF ?? null,
    runName: m.run.name,
    samples: m.run.samples,
  }));
  const net = exp.network;
  post({ type: 'loaded', models, sampleLabels: Array.from(exp.samples.labels), sampleImages: exp.samples.images.slice(), NL: net.NL, NE: net.NE, NX: net.NX, dims: net.dims, gridPoint: net.gridPoint.slice(), bytes: bytes.length, meta: exp.meta });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One sample; its spikes go to the page in 25 ms chunks (paced at simulated time when asked). */
async function run(m: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const model = modelFor(m.params);
  const e = exp!;
  const images = m.image ?? e.samples.images;
  const index = m.image ? 0 : m.sample!;
  const t0 = performance.now();
  const r = model.run(images, index, e.samples.R, true);
  const ms = performance.now() - t0;
  const chunk = 25;
  let k = 0;
  for (let from = 0; from < model.steps; from += chunk) {
    const to = from + chunk;
    let k1 = k;
    while (k1 < r.raster.t.length && r.raster.t[k1] < to) k1++;
    post({ type: 'chunk', id: m.id, from, to, t: r.raster.t.slice(k, k1), n: r.raster.n.slice(k, k1), astro: r.astro.slice(from, Math.min(to, r.astro.length)) });
    k = k1;
    if (m.paced) await sleep(chunk);
  }
  post({ type: 'result', id: m.id, probabilities: Array.from(r.classification.probabilities), predicted: r.classification.predicted, sigmaBF: r.sigmaBF, liquidSpikes: r.spikes.liquid, inputSpikes: r.spikes.input, ms, backend: model.backend, steps: model.steps });
}

/** The bundled test images 0..count−1 through the same path, timed per sample (the last pass is reported). */
function batch(m: Extract<ToWorker, { type: 'batch' }>): void {
  const model = modelFor(m.params);
  const e = exp!;
  const n = Math.min(m.count, e.samples.labels.length);
  const NL = e.network.NL;
  const counts = new Uint16Array(n * NL);
  const predicted: number[] = [];
  const probabilities: number[] = [];
  const msPerSample: number[] = [];
  let msPass = 0;
  for (let pass = 0; pass < m.passes; pass++) {
    const last = pass === m.passes - 1;
    const tPass = performance.now();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = model.run(e.samples.images, i, e.samples.R, false);
      const dt = performance.now() - t0;
      if (last) {
        msPerSample.push(dt);
        for (let j = 0; j < NL; j++) counts[i * NL + j] = Math.min(65535, r.counts[j]);
        predicted.push(r.classification.predicted);
        probabilities.push(...r.classification.probabilities);
      }
      if (i % 10 === 9) post({ type: 'batch-progress', id: m.id, done: pass * n + i + 1, total: m.passes * n });
    }
    msPass = performance.now() - tPass;
  }
  post({ type: 'batch-result', id: m.id, counts, predicted, probabilities, msPerSample, msPass, backend: model.backend }, [counts.buffer]);
}

self.onmessage = (ev: MessageEvent<ToWorker>): void => {
  const m = ev.data;
  const fail = (err: unknown): void => post({ type: 'error', id: 'id' in m ? m.id : undefined, message: err instanceof Error ? err.message : String(err) });
  try {
    if (m.type === 'load') load(m.url).catch(fail);
    else if (m.type === 'run') run(m).catch(fail);
    else batch(m);
  } catch (err) {
    fail(err);
  }
};
