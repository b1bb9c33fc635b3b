// A raster that hands over its spikes every `chunk` steps while the simulator runs: the
// simulators record spikes in time order, so the first spike at or past a chunk boundary closes
// the chunks before it. The page's worker posts each chunk as it closes, during the sample.
import { Raster } from '../sim/simulator.js';

export interface SpikeChunk {
  /** steps [from, to) */
  from: number;
  to: number;
  t: Int32Array;
  n: Int32Array;
}

export class ChunkRaster extends Raster {
  private emitted = 0;
  private boundary: number;
  constructor(
    readonly chunk: number,
    private readonly onChunk: (c: SpikeChunk) => void,
  ) {
    super();
    this.boundary = chunk;
  }

  override clear(): void {
    super.clear();
    this.emitted = 0;
    this.boundary = this.chunk;
  }

  override push(t: number, n: number): void {
    while (t >= this.boundary) this.close();
    super.push(t, n);
  }

  /** Close the chunks up to `steps` (after the sample: the quiet tail has no spike to close it). */
  finish(steps: number): void {
    while (this.boundary - this.chunk < steps) this.close();
  }

  private close(): void {
    const from = this.boundary - this.chunk;
    this.onChunk({ from, to: this.boundary, t: this.t.slice(this.emitted, this.length), n: this.n.slice(this.emitted, this.length) });
    this.emitted = this.length;
    this.boundary += this.chunk;
  }
}
