// Sparse neuron–astrocyte connectivity (spec §5.6): ceil(ρ·NX) input and ceil(ρ·NL) liquid
// neurons, drawn from the seed, are connected (+1 liquid, −1 input); the rest are not (0).
import { Rng } from '../rng.js';

export function astroMask(NL: number, NX: number, density: number, seed: number): Int8Array {
  if (!(density > 0 && density <= 1)) throw new Error(`astro density must be in (0, 1], got ${density}`);
  const mask = new Int8Array(NL + NX);
  if (density === 1) {
    mask.fill(1, 0, NL);
    mask.fill(-1, NL);
    return mask;
  }
  const inputs = new Rng(seed, 'astro-mask', 'input').permutation(NX);
  const liquid = new Rng(seed, 'astro-mask', 'liquid').permutation(NL);
  const nx = Math.ceil(density * NX);
  const nl = Math.ceil(density * NL);
  for (let k = 0; k < nx; k++) mask[NL + inputs[k]] = -1;
  for (let k = 0; k < nl; k++) mask[liquid[k]] = 1;
  return mask;
}
