// The simulator contract shared by the pure-TS and the WebAssembly backends, and a factory.
// Both backends give bit-identical counts, weights, row sums and traces.
import type { CompiledNetwork } from './compiled.js';
import type { Pulses } from '../encode/pulses.js';
import { Simulator, type PlasticityConfig, type Raster, type SampleStats } from './simulator.js';
import { WasmSimulator } from './wasm-simulator.js';
import { wasmAvailable } from '../wasm/assembler.js';

export interface SimulatorLike {
  readonly c: CompiledNetwork;
  /** working weights, by synapse id (wasm: a view into its memory, see WasmSimulator) */
  readonly W: Float64Array;
  readonly rowSum: Float64Array;
  readonly V: Float64Array;
  readonly trace: Float64Array;
  /** liquid spike counts of the last sample */
  readonly counts: Int32Array;
  /** astrocyte mask: +1 liquid, −1 input, 0 not connected; may be edited in place */
  readonly astroMask: Int8Array;
  /** AP-STDP calcium per liquid neuron; never reset by a sample */
  readonly calcium: Float64Array;
  setWeights(W: Float64Array): void;
  commitWeights(): void;
  restoreWeights(): void;
  resetTrace(): void;
  resetCalcium(): void;
  runStatic(p: Pulses, raster?: Raster | null, stats?: SampleStats): Int32Array;
  runPlastic(p: Pulses, cfg: PlasticityConfig, raster?: Raster | null, stats?: SampleStats): Int32Array;
}

export type SimBackend = 'auto' | 'wasm' | 'js';

export interface CreateSimulatorOptions {
  /** 'auto' (default): wasm when the engine has it and the memory can be allocated, else js */
  backend?: SimBackend;
}

/** Build a simulator for `c`; 'wasm' throws when WebAssembly is unavailable. */
export function createSimulator(c: CompiledNetwork, opts: CreateSimulatorOptions = {}): SimulatorLike {
  const backend = opts.backend ?? 'auto';
  if (backend === 'js') return new Simulator(c);
  if (backend === 'wasm') {
    if (!wasmAvailable()) throw new Error('WebAssembly is not available in this engine');
    return new WasmSimulator(c);
  }
  if (wasmAvailable()) {
    try {
      return new WasmSimulator(c);
    } catch {
      // e.g. the memory could not be allocated, or a browser main thread refused a sync compile
    }
  }
  return new Simulator(c);
}

/** The backend a simulator runs on. */
export function simulatorBackend(sim: SimulatorLike): 'wasm' | 'js' {
  return sim instanceof WasmSimulator ? 'wasm' : 'js';
}
