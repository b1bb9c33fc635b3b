// The default executor: the runs one after another on this machine, each run's spike counts on the
// worker-thread pool (runPipeline; a killed run resumes from its finished chunks).
import { join } from 'node:path';
import { readRasters } from '../pipeline/rasters-file.js';
import { runPipeline } from '../pipeline/run.js';
import { doneRecord, failedRecord } from './record.js';
import type { SweepExecutor } from './sweep.js';

export function localExecutor(o: { workers: number; command: string; onProgress?: (phase: 'init' | 'spikes' | 'readout', done: number, total: number) => void; onRunStart?: (name: string, index: number, total: number) => void; log?: (s: string) => void }): SweepExecutor {
  return {
    description: `this machine (${o.workers} worker threads)`,
    async runAll(runs, paths, onRecord) {
      for (const [i, run] of runs.entries()) {
        o.onRunStart?.(run.name, i, runs.length);
        const artifactsDir = join(paths.runs, paths.sweep, run.name);
        try {
          const r = await runPipeline({
            ...run.spec,
            workers: o.workers,
            readout: run.readout,
            outDir: join(paths.out, paths.sweep),
            artifactsDir,
            name: run.name,
            command: o.command,
            onProgress: o.onProgress,
            log: o.log,
          });
          onRecord(doneRecord(run, r.json, r.counts, r.network, readRasters(join(artifactsDir, 'rasters.bin')), r.path));
        } catch (e) {
          onRecord(failedRecord(run, (e as Error).message));
        }
      }
    },
  };
}
