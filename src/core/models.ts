// The four model variants the paper compares, as data: how the liquid is initialised and
// what plasticity runs while spike counts are collected (spec §6.2 table, notes item 1).
import { ASTRO, STDP } from './params.js';

export type ModelName = 'lsm' | 'lsm-stdp' | 'lsm-apstdp' | 'nalsm';
export const MODEL_NAMES: readonly ModelName[] = ['lsm', 'lsm-stdp', 'lsm-apstdp', 'nalsm'];

export interface ModelSpec {
  name: ModelName;
  /** |W| every synapse starts from: the LSM's liquid weight, or 3 ("maximal") before phase A */
  initialWeight: number;
  /** phase A (liquid initialisation by STDP over 20 ms snapshots) runs first */
  phaseA: 'none' | 'astro' | 'stdp' | 'apstdp';
  /** plasticity during the spike-count phase */
  phaseB: 'static' | 'astro';
  astroW: number;
}

export interface ModelOptions {
  /** baseline LSM liquid weight (spec: swept 0.4–1.4 for MNIST) */
  weight?: number;
  /** w_astro; default 0.015 for ≤ 1,000 neurons and 0.0075 above */
  astroW?: number;
  neurons: number;
}

export function modelSpec(name: ModelName, opts: ModelOptions): ModelSpec {
  const astroW = opts.astroW ?? (opts.neurons > 1000 ? ASTRO.w8000 : ASTRO.w1000);
  switch (name) {
    case 'lsm':
      return { name, initialWeight: opts.weight ?? 0.8, phaseA: 'none', phaseB: 'static', astroW };
    case 'nalsm':
      return { name, initialWeight: STDP.maxWeight, phaseA: 'astro', phaseB: 'astro', astroW };
    default:
      throw new Error(`--model ${name} is not implemented yet (available: lsm, nalsm)`);
  }
}
