// Input pulses of one sample, bucketed by step: the inputs pulsed at step t are
// input[start[t] .. start[t+1]). Each pulse injects 100 units into that input neuron.

export interface Pulses {
  steps: number;
  start: Int32Array;
  /** input index 0..NX-1 (not offset by NL) */
  input: Int32Array;
}

/** A reusable pulse buffer, so encoding a sample allocates nothing. */
export class PulseBuffer implements Pulses {
  steps = 0;
  start: Int32Array;
  input: Int32Array;
  constructor(maxSteps: number, capacity = 1 << 16) {
    this.start = new Int32Array(maxSteps + 1);
    this.input = new Int32Array(capacity);
  }
  reset(steps: number): void {
    if (steps + 1 > this.start.length) this.start = new Int32Array(steps + 1);
    this.steps = steps;
    this.start.fill(0);
  }
  /** Room for n pulses (the contents are kept). */
  ensureCapacity(n: number): void {
    if (n <= this.input.length) return;
    let cap = this.input.length;
    while (cap < n) cap *= 2;
    const bigger = new Int32Array(cap);
    bigger.set(this.input);
    this.input = bigger;
  }

  /** Append pulses for step t; steps must be visited in increasing order. */
  push(index: number, input: number): void {
    if (index >= this.input.length) this.ensureCapacity(index + 1);
    this.input[index] = input;
  }
}

/** Build pulses from a list of [t, input] events (the conformance fixture's form). */
export function pulsesFromEvents(events: ReadonlyArray<readonly [number, number]>, steps: number, nx: number, source = 'events'): Pulses {
  const start = new Int32Array(steps + 1);
  for (const [t, i] of events) {
    if (!Number.isInteger(t) || t < 0 || t >= steps) throw new Error(`${source}: event step ${t} is outside 0..${steps - 1}`);
    if (!Number.isInteger(i) || i < 0 || i >= nx) throw new Error(`${source}: event input ${i} is outside 0..${nx - 1}`);
    start[t + 1]++;
  }
  for (let t = 0; t < steps; t++) start[t + 1] += start[t];
  const fill = start.slice(0, steps);
  const input = new Int32Array(events.length);
  for (const [t, i] of events) input[fill[t]++] = i;
  return { steps, start, input };
}
