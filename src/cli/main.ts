#!/usr/bin/env node
// nalsm command line: each command parses its own flags and has its own --help.
import { UsageError } from './args.js';
import { RunExistsError } from '../pipeline/run-identity.js';
import { runCommand } from './commands/run.js';
import { simulateCommand } from './commands/simulate.js';
import { generateCommand } from './commands/generate.js';
import { readoutCommand } from './commands/readout.js';
import { dataCommand } from './commands/data.js';
import { analyzeCommand } from './commands/analyze.js';
import { reportCommand } from './commands/report.js';
import { compareCommand } from './commands/compare.js';
import { listCommand } from './commands/list.js';
import { sweepCommand } from './commands/sweep.js';
import { workerCommand } from './commands/worker.js';
import { exportCommand } from './commands/export.js';
import { zeroShotCommand } from './commands/zero-shot.js';
import { zeroShotSearchCommand } from './commands/zero-shot-search.js';
import { lorenzCommand } from './commands/lorenz.js';

const HELP = `nalsm: neuron-astrocyte liquid state machines (Ivanov & Michmizos, NeurIPS 2021)

Usage: nalsm <command> [options]

Commands
  run        generate a liquid, collect spike counts, train the readout (no options: a short demo)
  simulate   run given networks and input pulses (e.g. the conformance fixture) and print counts
  generate   generate a liquid and save it in the nalsm network format
  readout    train the readout again on saved spike counts (nalsm run --save-counts)
  data       event data: saccade-mnist (a SYNTHETIC N-MNIST stand-in from MNIST), info on a folder
  analyze    measures of a finished run: bf (branching factor), rates, kq (kernel quality)
  report     an HTML report of a finished run (self-contained, with SVG figures)
  compare    compare runs: table, accuracy vs branching factor, LSM weight sweeps
  list       the runs in results folders: id, model, dataset, sizes, accuracy, date
  sweep      run a sweep file (runs × seeds) here or on a queue; summary statistics beside the paper's
  worker     take sweep jobs from a queue (BullMQ on Redis) on this machine
  export     export runs for the web page (--web): network, W_INI, readout, test images
  zero-shot  fixed random LSM as a multimodal event encoder: supervised, zero-shot retrieval (Lin et al. 2025)
  zero-shot-search  choose the zero-shot liquids' constants on validation folds (never test), report on test
  lorenz     spiking reservoir with astrocyte-like units on Lorenz prediction (after Yang et al. 2025): run, sweep

nalsm <command> --help shows each command's options.
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  simulate: simulateCommand,
  generate: generateCommand,
  readout: readoutCommand,
  data: dataCommand,
  analyze: analyzeCommand,
  report: reportCommand,
  compare: compareCommand,
  list: listCommand,
  sweep: sweepCommand,
  worker: workerCommand,
  export: exportCommand,
  'zero-shot': zeroShotCommand,
  'zero-shot-search': zeroShotSearchCommand,
  lorenz: lorenzCommand,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) return runCommand([]);
  if (cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const f = COMMANDS[cmd];
  if (!f) throw new UsageError(`unknown command "${cmd}"; commands: ${Object.keys(COMMANDS).join(', ')} (see nalsm --help)`);
  return f(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // a run that would replace a finished one is refused like a bad flag: exit 2, nothing written
    if (e instanceof UsageError || e instanceof RunExistsError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      if (process.env.NALSM_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exitCode = 1;
    }
  },
);
