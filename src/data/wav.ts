// RIFF/WAVE (16-bit PCM) decoding, enough for espeak-ng's output. espeak-ng writes the header
// before it knows the length (sizes 0x7ffff000 on --stdout), so a data chunk is read to the end
// of the bytes when its size runs past them.

export interface Wav {
  sampleRate: number;
  /** channel 0, scaled to [−1, 1) */
  samples: Float32Array;
}

export function decodeWav(bytes: Uint8Array, source: string): Wav {
  const bad = (what: string): never => {
    throw new Error(`${source}: not a 16-bit PCM WAV file (${what})`);
  };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number): string => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') bad('no RIFF/WAVE header');
  let o = 12;
  let fmt: { channels: number; rate: number; bits: number } | null = null;
  while (o + 8 <= bytes.length) {
    const id = tag(o);
    const size = dv.getUint32(o + 4, true);
    const body = o + 8;
    if (id === 'fmt ') {
      if (size < 16) bad('fmt chunk too short');
      const format = dv.getUint16(body, true);
      if (format !== 1) bad(`format ${format}, expected 1 (PCM)`);
      fmt = { channels: dv.getUint16(body + 2, true), rate: dv.getUint32(body + 4, true), bits: dv.getUint16(body + 14, true) };
      if (fmt.bits !== 16) bad(`${fmt.bits} bits per sample, expected 16`);
      if (fmt.channels < 1) bad('0 channels');
    } else if (id === 'data') {
      if (!fmt) bad('data before fmt');
      const f = fmt!;
      const end = Math.min(bytes.length, body + size);
      const frame = 2 * f.channels;
      const n = Math.floor((end - body) / frame);
      const samples = new Float32Array(n);
      for (let k = 0; k < n; k++) samples[k] = dv.getInt16(body + k * frame, true) / 32768;
      return { sampleRate: f.rate, samples };
    }
    o = body + size + (size & 1);
  }
  return bad('no data chunk');
}
