// Progress for long work: a live bar (rate and ETA) on a terminal, a line every 10 % elsewhere
// (CI logs, pipes), nothing when quiet.
import cliProgress from 'cli-progress';

export interface Progress {
  update(phase: string, done: number, total: number): void;
  stop(): void;
}

const UNITS: Record<string, string> = { init: 'snapshots', spikes: 'samples', readout: 'epochs', jobs: 'jobs' };

export function makeProgress(quiet: boolean): Progress {
  if (quiet) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | null = null;
    let current = '';
    return {
      update(phase, done, total) {
        if (phase !== current) {
          bar?.stop();
          current = phase;
          bar = new cliProgress.SingleBar(
            {
              format: `${phase.padEnd(8)} [{bar}] {percentage}% | {value}/{total} ${UNITS[phase] ?? ''} | {speed}/s | ETA {eta_formatted}`,
              stream: process.stderr,
              hideCursor: true,
              etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0, { speed: '0' });
          (bar as unknown as { t0: number }).t0 = performance.now();
        }
        const t0 = (bar as unknown as { t0: number }).t0;
        const speed = done / Math.max(1e-3, (performance.now() - t0) / 1000);
        bar!.update(done, { speed: speed >= 100 ? speed.toFixed(0) : speed.toFixed(1) });
      },
      stop() {
        bar?.stop();
        bar = null;
        current = '';
      },
    };
  }
  let current = '';
  let nextMark = 0;
  let t0 = 0;
  return {
    update(phase, done, total) {
      if (phase !== current) {
        current = phase;
        nextMark = 0.1;
        t0 = performance.now();
      }
      if (done / total >= nextMark || done === total) {
        const s = (performance.now() - t0) / 1000;
        const speed = done / Math.max(1e-3, s);
        const eta = (total - done) / Math.max(1e-9, speed);
        process.stderr.write(`${phase}: ${done}/${total} ${UNITS[phase] ?? ''} (${speed.toFixed(1)}/s, ETA ${eta.toFixed(0)} s)\n`);
        while (nextMark <= done / total) nextMark += 0.1;
      }
    },
    stop() {},
  };
}
