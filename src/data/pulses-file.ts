// Pulse files for `nalsm simulate`: either the conformance fixture, or JSON
// { "steps": 250, "samples": [ { "id": any, "events": [[t, input], ...] }, ... ] }.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { pulsesFromEvents, type Pulses } from '../core/encode/pulses.js';

export function readJsonMaybeGz(path: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  try {
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON or gzip JSON (${(e as Error).message})`);
  }
}

export interface PulseSample {
  id: string | number;
  pulses: Pulses;
}

export function parsePulseSamples(d: unknown, nx: number, source: string): PulseSample[] {
  const o = d as { steps?: unknown; samples?: unknown; parameters?: { N1_SAMPLE_INPUT_DURATION_MS?: number } };
  const steps = o.steps ?? o.parameters?.N1_SAMPLE_INPUT_DURATION_MS ?? 250;
  if (!Number.isInteger(steps) || (steps as number) < 1) throw new Error(`${source}: field "steps" must be a positive integer, got ${JSON.stringify(steps)}`);
  if (!Array.isArray(o.samples)) throw new Error(`${source}: expected a "samples" list of { id, events: [[t, input], ...] }`);
  return o.samples.map((s: { id?: string | number; events?: unknown }, k: number) => {
    if (!Array.isArray(s.events)) throw new Error(`${source}: samples[${k}].events must be a list of [t, input] pairs`);
    return { id: s.id ?? k, pulses: pulsesFromEvents(s.events as Array<[number, number]>, steps as number, nx, `${source}: samples[${k}]`) };
  });
}
