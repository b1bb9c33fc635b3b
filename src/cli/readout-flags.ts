// Readout flags, shared by `nalsm run` and `nalsm readout`.
import { intFlag, floatFlag, choiceFlag, UsageError } from './args.js';
import type { ReadoutOptimizer, ReadoutOptions } from '../core/readout/index.js';

export const READOUT_HELP = `  --readout R        adam (the paper; early stopping) | adadelta (the authors' code) | ridge   [adam]
  --epochs E         epoch cap                                   [1000 adam, 5000 adadelta]
  --lr X             learning rate                               [0.001 adam, 0.1 adadelta]
  --patience P       stop when validation accuracy has not improved for P epochs; 0 = never
                                                                 [30 adam, 0 adadelta]
  --batch B          readout batch (features are normalised per batch, as the original) [250]
`;

/**
 * Defaults: Adam (what the paper's text says) with early stopping on validation under a generous cap,
 * so a readout stops when it is done instead of at an arbitrary epoch; the authors' Adadelta for
 * 5,000 epochs (≈ 17 min on full MNIST) stays one flag away.
 */
export const READOUT_DEFAULTS = {
  adam: { epochs: 1000, patience: 30 },
  adadelta: { epochs: 5000, patience: 0 },
} as const;

export const READOUT_OPTIONS = {
  readout: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  patience: { type: 'string' },
  batch: { type: 'string' },
} as const;

export function readoutFlags(values: Record<string, unknown>, def: ReadoutOptimizer = 'adam'): ReadoutOptions {
  const optimizer = choiceFlag<ReadoutOptimizer>(values, 'readout', def, ['adadelta', 'adam', 'ridge']);
  if (optimizer === 'ridge') {
    for (const f of ['epochs', 'lr', 'patience', 'batch']) {
      if (values[f] !== undefined) throw new UsageError(`--${f} does not apply to --readout ridge (a closed-form fit; λ is chosen on validation)`);
    }
    return { optimizer };
  }
  const d = READOUT_DEFAULTS[optimizer];
  return {
    optimizer,
    epochs: intFlag(values, 'epochs', d.epochs, 1),
    lr: floatFlag(values, 'lr', undefined, 0, 100),
    patience: intFlag(values, 'patience', d.patience, 0),
    batchSize: intFlag(values, 'batch', 250, 1),
  };
}
