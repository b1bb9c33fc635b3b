// Constants shared by the simulator's kernels (simulator.ts) and their wasm twins
// (wasm-simulator.ts): both must use the very same doubles for the results to be bit-identical.

/** the largest Δ (steps since a neuron's last spike) the table covers; the kernels clamp Δ to it */
export const EK_MAX = 1023;

/** e^{−k} for k = 0..EK_MAX: Δ is an integer number of steps (Math.exp is never evaluated in wasm) */
export const EK: Float64Array = (() => {
  const t = new Float64Array(EK_MAX + 1);
  for (let k = 0; k <= EK_MAX; k++) t[k] = Math.exp(-k);
  return t;
})();

/** e^{−1}: the per-step decay of the running synaptic current */
export const E1 = EK[1];
