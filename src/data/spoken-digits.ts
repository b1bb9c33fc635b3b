// SYNTHETIC spoken digits as cochlea events: each recording is a digit word ("zero".."nine", and
// "oh" as N-TIDIGITS has it) spoken by Debian's
// espeak-ng (accent, voice variant, speed and pitch drawn from the seed), with seeded leading
// silence and white noise, sent through nalsm's 64-channel cochlea model (src/core/audio/cochlea.ts).
// Train and test use disjoint voice variants (N-TIDIGITS' speakers are disjoint too). The result is
// written in the N-TIDIGITS HDF5 layout (src/data/ntidigits.ts) with a `synthetic` attribute.
// This is NOT N-TIDIGITS: results on it are labelled synthetic wherever they appear.
import { execFile } from 'node:child_process';
import { Rng } from '../core/rng.js';
import { Cochlea, type CochleaParams } from '../core/audio/cochlea.js';
import { decodeWav } from './wav.js';
import { writeNtidigits, OH_LABEL, type AudioRecording, type AudioSplit } from './ntidigits.js';

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;
/** N-TIDIGITS has an 11th word, "oh" (label 10, ids ending in "o"); the images have no such class. */
export const OH_WORD = 'oh';
const spokenWord = (label: number): string => (label === OH_LABEL ? OH_WORD : DIGIT_WORDS[label]);
export const ESPEAK_ACCENTS = ['en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-029'] as const;
export const ESPEAK_VARIANTS: Record<AudioSplit, readonly string[]> = { train: ['m1', 'm2', 'm3', 'm4', 'f1', 'f2', 'f3'], test: ['m5', 'm6', 'm7', 'f4', 'f5'] };

export interface SpokenDigitsOptions {
  out: string;
  seed: number;
  trainPerDigit: number;
  testPerDigit: number;
  /** also render "oh" (label 10) as N-TIDIGITS has it; default true. Digits 0-9 come out the same either way. */
  oh?: boolean;
  /** espeak-ng processes at once (the output does not depend on it) */
  concurrency?: number;
  cochlea?: Partial<CochleaParams>;
  onProgress?: (done: number, total: number) => void;
}

/** The seeded rendering of one recording. */
export interface Utterance {
  /** 0..9, or 10 for "oh" */
  digit: number;
  voice: string;
  speed: number;
  pitch: number;
  silenceMs: number;
  snrDb: number;
}

export function utterance(seed: number, split: AudioSplit, digit: number, k: number): Utterance {
  const rng = new Rng(seed, 'spoken-digits', split, digit, k);
  const accent = ESPEAK_ACCENTS[rng.int(ESPEAK_ACCENTS.length)];
  const variants = ESPEAK_VARIANTS[split];
  const variant = variants[rng.int(variants.length)];
  return {
    digit,
    voice: `${accent}+${variant}`,
    speed: 120 + rng.int(101),
    pitch: 20 + rng.int(61),
    silenceMs: rng.int(151),
    snrDb: 10 + 20 * rng.nextDouble(),
  };
}

function espeak(u: Utterance): Promise<Uint8Array> {
  return new Promise((res, rej) => {
    execFile('espeak-ng', ['-v', u.voice, '-s', String(u.speed), '-p', String(u.pitch), '--stdout', spokenWord(u.digit)], { encoding: 'buffer', maxBuffer: 1 << 26 }, (err, stdout) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        rej(new Error(missing ? 'espeak-ng is not installed (Debian: apt-get install espeak-ng); it renders the synthetic spoken digits' : `espeak-ng ${u.voice} "${spokenWord(u.digit)}": ${err.message}`));
      } else res(new Uint8Array(stdout));
    });
  });
}

/** The waveform of one utterance: espeak-ng's speech after seeded silence, plus seeded white noise at the drawn SNR. */
export async function renderUtterance(u: Utterance, noiseRng: Rng): Promise<{ sampleRate: number; samples: Float64Array }> {
  const wav = decodeWav(await espeak(u), `espeak-ng ${u.voice} "${spokenWord(u.digit)}"`);
  const lead = Math.round((u.silenceMs / 1000) * wav.sampleRate);
  const samples = new Float64Array(lead + wav.samples.length);
  let ss = 0;
  for (let k = 0; k < wav.samples.length; k++) {
    samples[lead + k] = wav.samples[k];
    ss += wav.samples[k] * wav.samples[k];
  }
  const sigma = Math.sqrt(ss / Math.max(1, wav.samples.length)) * Math.pow(10, -u.snrDb / 20);
  for (let k = 0; k < samples.length; k++) samples[k] += sigma * noiseRng.normal();
  return { sampleRate: wav.sampleRate, samples };
}

export function recordingId(u: Utterance, split: AudioSplit, k: number): string {
  return `synthetic-${u.voice}-${split}${k}-${u.digit === 0 ? 'z' : u.digit === OH_LABEL ? 'o' : String(u.digit)}a`;
}

export async function generateSpokenDigits(o: SpokenDigitsOptions): Promise<{ train: number; test: number; meanEvents: number }> {
  for (const [k, v] of [['trainPerDigit', o.trainPerDigit], ['testPerDigit', o.testPerDigit]] as const)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`spoken digits: ${k} must be a positive integer, got ${v}`);
  const words = o.oh === false ? 10 : 11;
  const jobs: Array<{ split: AudioSplit; digit: number; k: number }> = [];
  for (const split of ['train', 'test'] as const)
    for (let k = 0; k < (split === 'train' ? o.trainPerDigit : o.testPerDigit); k++) for (let digit = 0; digit < words; digit++) jobs.push({ split, digit, k });
  const recs: Record<AudioSplit, Array<AudioRecording | undefined>> = { train: [], test: [] };
  let cochlea: Cochlea | null = null;
  let next = 0;
  let done = 0;
  let events = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const j = jobs[next++];
      const u = utterance(o.seed, j.split, j.digit, j.k);
      const w = await renderUtterance(u, new Rng(o.seed, 'spoken-digits', 'noise', j.split, j.digit, j.k));
      cochlea ??= new Cochlea(w.sampleRate, o.seed, o.cochlea);
      if (w.sampleRate !== cochlea.sampleRate) throw new Error(`espeak-ng changed its sample rate (${cochlea.sampleRate} → ${w.sampleRate} Hz)`);
      const ev = cochlea.events(w.samples);
      events += ev.n;
      recs[j.split][j.k * words + j.digit] = { id: recordingId(u, j.split, j.k), events: ev };
      o.onProgress?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 2) }, worker));
  const c = cochlea as Cochlea | null;
  const note = JSON.stringify({
    what: 'SYNTHETIC spoken digits (espeak-ng speech through the nalsm cochlea model); NOT N-TIDIGITS',
    generator: 'nalsm src/data/spoken-digits.ts',
    seed: o.seed,
    trainPerDigit: o.trainPerDigit,
    testPerDigit: o.testPerDigit,
    words: words === 11 ? [...DIGIT_WORDS, OH_WORD] : DIGIT_WORDS,
    accents: ESPEAK_ACCENTS,
    variants: ESPEAK_VARIANTS,
    cochlea: c ? { ...c.p, sampleRate: c.sampleRate } : null,
  });
  await writeNtidigits(o.out, { train: recs.train as AudioRecording[], test: recs.test as AudioRecording[] }, note);
  return { train: recs.train.length, test: recs.test.length, meanEvents: events / jobs.length };
}
