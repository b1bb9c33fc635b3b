// The axes a sweep varies within one model (liquid weight, astrocyte density), and a run's value on each,
// the model's default where the run gives none: shared by the figures and the paired differences.
import { modelSpec, type ModelName } from '../core/models.js';
import { TAKES_WEIGHT, TAKES_ASTRO } from './expand.js';

export const SWEEP_AXES = ['weight', 'astroDensity'] as const;
export type SweepAxis = (typeof SWEEP_AXES)[number];

/** A run's value on the axis (the model's default where the run gives none), or undefined for a model without the axis. */
export function axisValue(r: { model: string; neurons: number; weight?: number; astroDensity?: number }, axis: SweepAxis): number | undefined {
  const model = r.model as ModelName;
  if (axis === 'weight') return TAKES_WEIGHT.includes(model) ? modelSpec(model, { weight: r.weight, neurons: r.neurons }).initialWeight : undefined;
  return TAKES_ASTRO.includes(model) ? modelSpec(model, { astroDensity: r.astroDensity, neurons: r.neurons }).astroDensity : undefined;
}
