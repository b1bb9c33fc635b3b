// The paper's accuracy figures (Ivanov & Michmizos 2021, section 3), placed beside a sweep's rows:
// mean ± sd over its networks and the top accuracy, by model, dataset and liquid size. Line numbers
// refer to /work/shared/reference/nalsm-paper.txt.

export interface PaperFigure {
  /** test accuracy in % */
  mean: number;
  sd: number;
  top: number;
  networks: number;
  where: string;
}

const FIGURES: Record<string, PaperFigure> = {
  'lsm-mnist-1000': { mean: 95.3, sd: 0.11, top: 95.44, networks: 10, where: 'nalsm-paper.txt lines 347-348 (LSM at its best weight per network)' },
  'lsm-nmnist-1000': { mean: 95.02, sd: 0.15, top: 95.35, networks: 10, where: 'nalsm-paper.txt lines 347-348 (LSM at its best weight per network)' },
  'nalsm-mnist-1000': { mean: 95.96, sd: 0.13, top: 96.15, networks: 10, where: 'nalsm-paper.txt lines 412-413; Table 1 (NALSM1000)' },
  'nalsm-nmnist-1000': { mean: 95.9, sd: 0.16, top: 96.13, networks: 10, where: 'nalsm-paper.txt lines 412-413; Table 1 (NALSM1000)' },
  'lsm-apstdp-mnist-1000': { mean: 95.49, sd: 0.09, top: 95.62, networks: 10, where: 'nalsm-paper.txt lines 416-420' },
  'lsm-apstdp-nmnist-1000': { mean: 95.23, sd: 0.16, top: 95.43, networks: 10, where: 'nalsm-paper.txt lines 416-420' },
  'lsm-stdp-mnist-1000': { mean: 89.47, sd: 0.45, top: 90.52, networks: 10, where: 'nalsm-paper.txt lines 416-420' },
  'lsm-stdp-nmnist-1000': { mean: 86.8, sd: 0.51, top: 87.71, networks: 10, where: 'nalsm-paper.txt lines 416-420' },
  'nalsm-mnist-8000': { mean: 97.49, sd: 0.11, top: 97.61, networks: 5, where: 'nalsm-paper.txt lines 586-587; Table 1 (NALSM8000)' },
  'nalsm-nmnist-8000': { mean: 97.42, sd: 0.07, top: 97.51, networks: 5, where: 'nalsm-paper.txt lines 586-587; Table 1 (NALSM8000)' },
  'nalsm-fashion-mnist-8000': { mean: 85.61, sd: 0.18, top: 85.84, networks: 5, where: 'nalsm-paper.txt lines 586-587' },
};

/**
 * The paper's figure for a configuration, where it reports one. Only the default model options qualify
 * (full astrocyte density, default w_astro); the LSM's figure is at the best weight per network, so an LSM
 * row at any one weight is shown beside it as a reference, not a replication.
 */
export function paperFigure(model: string, dataset: string, neurons: number, opts: { astroW?: number; astroDensity?: number; synthetic?: boolean }): PaperFigure | null {
  if (opts.synthetic) return null; // saccade-MNIST is ours, not the paper's N-MNIST
  if (opts.astroW !== undefined || (opts.astroDensity !== undefined && opts.astroDensity !== 1)) return null;
  return FIGURES[`${model}-${dataset}-${neurons}`] ?? null;
}

/**
 * The paper's astrocyte-density result (section 3.5, Fig. 4): with the astrocyte wired to 10 % of the
 * neurons, NALSM's mean accuracy is `dropPp` lower than at 100 %, and still above the LSM's and
 * LSM+AP-STDP's means. The text gives the drop only; Fig. 4's absolute values are not in it. The paper's
 * points are 3 networks × 3 seeds, on its 3 best networks per dataset (lines 304-307).
 */
export interface PaperDensityClaim {
  lowDensity: number;
  fullDensity: number;
  /** mean accuracy at fullDensity minus mean at lowDensity, in percentage points */
  dropPp: number;
  where: string;
  /** the models whose paper means NALSM stays above at every density */
  above: string[];
}

const DENSITY: Record<string, PaperDensityClaim> = {
  'nalsm-mnist-1000': { lowDensity: 0.1, fullDensity: 1, dropPp: 0.36, where: 'nalsm-paper.txt lines 447-450', above: ['lsm', 'lsm-apstdp'] },
  'nalsm-nmnist-1000': { lowDensity: 0.1, fullDensity: 1, dropPp: 0.14, where: 'nalsm-paper.txt lines 447-450', above: ['lsm', 'lsm-apstdp'] },
};

export function paperDensityClaim(model: string, dataset: string, neurons: number): PaperDensityClaim | null {
  return DENSITY[`${model}-${dataset}-${neurons}`] ?? null;
}
