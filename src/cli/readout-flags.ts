// Readout flags, shared by `nalsm run` and `nalsm readout`.
import { intFlag, floatFlag, choiceFlag } from './args.js';
import type { ReadoutOptimizer, ReadoutOptions } from '../core/readout/index.js';

export const READOUT_HELP = `  --readout R        adadelta (the authors' code) | adam (the paper) | ridge      [adadelta]
  --epochs E         training epochs                         [5000 adadelta, 150 adam]
  --lr X             learning rate                           [0.1 adadelta, 0.001 adam]
  --patience P       stop when validation accuracy has not improved for P epochs [off]
  --batch B          readout batch (features are normalised per batch, as the original) [250]
`;

export const READOUT_OPTIONS = {
  readout: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  patience: { type: 'string' },
  batch: { type: 'string' },
} as const;

export function readoutFlags(values: Record<string, unknown>, def: ReadoutOptimizer): ReadoutOptions {
  const optimizer = choiceFlag<ReadoutOptimizer>(values, 'readout', def, ['adadelta', 'adam', 'ridge']);
  return {
    optimizer,
    epochs: intFlag(values, 'epochs', optimizer === 'adam' ? 150 : 5000, 1),
    lr: floatFlag(values, 'lr', undefined, 0, 100),
    patience: intFlag(values, 'patience', undefined, 1),
    batchSize: intFlag(values, 'batch', 250, 1),
  };
}
