// The four model variants the paper compares, as data: how the liquid is initialised and
// what plasticity runs while spike counts are collected (spec §6.2 table, notes item 1).
import { ASTRO, STDP } from './params.js';
import type { CalciumGate } from './sim/simulator.js';

export type ModelName = 'lsm' | 'lsm-stdp' | 'lsm-apstdp' | 'nalsm';
export const MODEL_NAMES: readonly ModelName[] = ['lsm', 'lsm-stdp', 'lsm-apstdp', 'nalsm'];

/** LSM+STDP spike-count phase (notes item 1): the authors' GPU run was plastic only in batch slot 0. */
export type LsmStdpPhaseB = 'static' | 'as-run' | 'plastic-all';
export const LSM_STDP_PHASE_B: readonly LsmStdpPhaseB[] = ['static', 'as-run', 'plastic-all'];

export interface ModelSpec {
  name: ModelName;
  /** |W| every synapse starts from: the LSM's liquid weight, or 3 ("maximal") before phase A */
  initialWeight: number;
  /** phase A (liquid initialisation by STDP over 20 ms snapshots) runs first */
  phaseA: 'none' | 'astro' | 'stdp' | 'apstdp';
  /**
   * plasticity while spike counts are collected: 'static' (W fixed), 'astro' (NALSM: astro-STDP with
   * decays from W_INI every sample), 'stdp' (plain STDP with decaying A+ from W_INI every sample)
   */
  phaseB: 'static' | 'astro' | 'stdp';
  /** with phaseB 'stdp': only samples whose index in their split is a multiple of this are plastic (1 = all) */
  plasticEvery: number;
  astroW: number;
  /** fraction of input and of liquid neurons connected to the astrocyte (spec §5.6) */
  astroDensity: number;
  /** AP-STDP's calcium gate */
  calcium?: CalciumGate;
}

export interface ModelOptions {
  neurons: number;
  /** baseline LSM liquid weight (spec: swept 0.4–1.4 for MNIST); LSM+AP-STDP's initial weight (1.0) */
  weight?: number;
  /** w_astro; default 0.015 for ≤ 1,000 neurons and 0.0075 above */
  astroW?: number;
  astroDensity?: number;
  lsmStdpPhaseB?: LsmStdpPhaseB;
  /** AP-STDP C_θ (Hz) and ΔC; spec §7.4 MNIST: 37 and 19–25 */
  apThreshold?: number;
  apRange?: number;
}

/** Batch size of the original's spike-count phase (slot 0 of each batch is the as-run plastic one). */
export const ORIGINAL_BATCH = 250;

export function modelSpec(name: ModelName, opts: ModelOptions): ModelSpec {
  const astroW = opts.astroW ?? (opts.neurons > 1000 ? ASTRO.w8000 : ASTRO.w1000);
  const astroDensity = opts.astroDensity ?? 1;
  if (!(astroDensity > 0 && astroDensity <= 1)) throw new Error(`astro density must be in (0, 1], got ${astroDensity}`);
  const common = { astroW, astroDensity, plasticEvery: 1 };
  switch (name) {
    case 'lsm':
      return { ...common, name, initialWeight: opts.weight ?? 0.8, phaseA: 'none', phaseB: 'static' };
    case 'nalsm':
      return { ...common, name, initialWeight: STDP.maxWeight, phaseA: 'astro', phaseB: 'astro' };
    case 'lsm-stdp': {
      const mode = opts.lsmStdpPhaseB ?? 'static';
      if (mode === 'static') return { ...common, name, initialWeight: STDP.maxWeight, phaseA: 'stdp', phaseB: 'static' };
      return { ...common, name, initialWeight: STDP.maxWeight, phaseA: 'stdp', phaseB: 'stdp', plasticEvery: mode === 'as-run' ? ORIGINAL_BATCH : 1 };
    }
    case 'lsm-apstdp':
      return {
        ...common,
        name,
        initialWeight: opts.weight ?? 1.0,
        phaseA: 'apstdp',
        phaseB: 'static',
        calcium: { threshold: opts.apThreshold ?? 37, range: opts.apRange ?? 23, tau: 1000 },
      };
  }
}
