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
    pageAccuracy: m.run.pageAccuracy ?? null,
  }));
  const net = exp.network;
  post({ type: 'loaded', models, sampleLabels: Array.from(exp.samples.labels), sampleImages: exp.samples.images.slice(), NL: net.NL, NE: net.NE, NX: net.NX, dims: net.dims, gridPoint: net.gridPoint.slice(), bytes: bytes.length, meta: exp.meta });
}

/** One sample; its spikes are posted every 25 ms of simulated time while the simulator runs. */
function run(m: Extract<ToWorker, { type: 'run' }>): void {
  const model = modelFor(m.params);
  const e = exp!;
  const images = m.image ?? e.samples.images;
  const index = m.image ? 0 : m.sample!;
  const astro = model.spec.phaseB === 'astro' ? model.astroReplay() : null;
  const t0 = performance.now();
  const r = model.run(images, index, e.samples.R, true, (c) => {
    const a = astro ? astro.advance(c.t, c.n, c.to) : new Float64Array(0);
    post({ type: 'chunk', id: m.id, from: c.from, to: c.to, t: c.t, n: c.n, astro: a }, [c.t.buffer, c.n.buffer, a.buffer]);
  });
  const ms = performance.now() - t0;
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
    else if (m.type === 'run') run(m);
    else batch(m);
  } catch (err) {
    fail(err);
  }
};
