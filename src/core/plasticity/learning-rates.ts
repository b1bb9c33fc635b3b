// The scalars of plasticity for one sample or snapshot (spec §4.4, §5): A+, the astrocyte's A,
// w and b, their per-step update (item 11) and decays (item 12), and AP-STDP's calcium windows.
// Both simulator backends step this same object, so their rates are identical by construction.
import { ASTRO, STDP } from '../params.js';
import type { PlasticityConfig } from '../sim/simulator.js';

export class LearningRates {
  /** potentiation rate A+ of this step */
  aPlus: number;
  /** the astrocyte's rate A (NALSM's depression rate) */
  A: number;
  private w: number;
  private b: number;
  private readonly astro: boolean;
  private readonly decay: boolean;
  private readonly lrDecay: number;
  private readonly tau: number;
  /** AP-STDP: τ_C and the open windows (θ, θ+Δ) for increases, (θ−Δ, θ) for decreases */
  readonly tauC: number;
  readonly ltpLo: number;
  readonly ltpHi: number;
  readonly ltdLo: number;
  readonly ltdHi: number;

  constructor(cfg: PlasticityConfig | null) {
    if (cfg?.rule === 'apstdp' && !cfg.calcium) throw new Error("rule 'apstdp' needs calcium gate parameters (threshold, range)");
    this.astro = cfg?.rule === 'astro';
    this.decay = cfg !== null && cfg.decay;
    this.lrDecay = cfg?.lrDecay ?? STDP.lrDecay;
    this.tau = cfg?.astroTau ?? ASTRO.tau;
    this.aPlus = cfg?.aPlus ?? STDP.aPlus;
    this.A = this.aPlus;
    this.w = cfg?.astroW ?? ASTRO.w1000;
    this.b = this.aPlus * (1 + (cfg?.astroBiasOffset ?? ASTRO.biasOffset));
    const g = cfg?.calcium;
    this.tauC = g?.tau ?? 1000;
    this.ltpLo = g ? g.threshold : 0;
    this.ltpHi = g ? g.threshold + g.range : 0;
    this.ltdLo = g ? g.threshold - g.range : 0;
    this.ltdHi = g ? g.threshold : 0;
  }

  /** Depression rate of this step: the astrocyte's A (NALSM), else A+ (plain STDP). */
  get depression(): number {
    return this.astro ? this.A : this.aPlus;
  }

  /** After a step whose astrocyte input (Σ mask·S: liquid − input spikes) was `astroInput`. */
  endStep(astroInput: number): void {
    if (this.astro) this.A = this.A + (this.w * astroInput + this.b - this.A) / this.tau;
    if (this.decay) {
      this.aPlus *= this.lrDecay;
      this.A *= this.lrDecay;
      this.w *= this.lrDecay;
      this.b *= this.lrDecay;
    }
  }
}
