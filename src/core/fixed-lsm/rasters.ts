// Event streams → the binary input rasters of Lin et al.'s encoders.
// Images: N-MNIST-style (x, y, p, t µs) events, centre crop to size × size, both polarities merged,
// the recording split into `bins` equal time bins, 1 where a pixel had any event in a bin.
// Audio: N-TIDIGITS-style (channel, t s) events, binned as their loader does: 1 ms bins up to the
// last event, torch.chunk'ed into at most `bins` chunks of ceil(duration / bins) ms, 1 where any event.
import type { RawEvents } from '../encode/events.js';
import type { InputRaster } from './encoder.js';

export interface ImageRasterOptions {
  /** sensor side (34 for N-MNIST) */
  field: number;
  /** crop side (16 in the paper: 256 inputs) */
  crop: number;
  /** time bins (50 in the paper) */
  bins: number;
  /** recording length that the bins divide, µs (N-MNIST: ~300 ms) */
  durationUs: number;
}

export const IMAGE_RASTER_DEFAULTS: Readonly<ImageRasterOptions> = Object.freeze({ field: 34, crop: 16, bins: 50, durationUs: 300_000 });

export function imageRaster(ev: RawEvents, o: ImageRasterOptions = IMAGE_RASTER_DEFAULTS): InputRaster {
  const { field, crop, bins, durationUs } = o;
  if (crop > field) throw new RangeError(`image raster: crop ${crop} is larger than the field ${field}`);
  const off = Math.floor((field - crop) / 2);
  const data = new Uint8Array(bins * crop * crop);
  for (let e = 0; e < ev.n; e++) {
    const x = ev.x[e] - off;
    const y = ev.y[e] - off;
    if (x < 0 || y < 0 || x >= crop || y >= crop) continue;
    const t = ev.tUs[e];
    if (t < 0 || t >= durationUs) continue;
    const b = Math.floor((t * bins) / durationUs);
    data[b * crop * crop + y * crop + x] = 1;
  }
  return { steps: bins, data };
}

/** One recording of a 64-channel cochlea: channel and time (seconds) of each event. */
export interface AudioEvents {
  n: number;
  channel: Uint8Array;
  tSec: Float64Array;
}

export const AUDIO_CHANNELS = 64;
export const AUDIO_BINS = 129;

export function audioRaster(ev: AudioEvents, bins = AUDIO_BINS, channels = AUDIO_CHANNELS, dtMs = 1): InputRaster {
  const data = new Uint8Array(bins * channels);
  if (ev.n === 0) return { steps: bins, data };
  let maxT = 0;
  for (let e = 0; e < ev.n; e++) maxT = Math.max(maxT, (ev.tSec[e] * 1000) / dtMs);
  const duration = Math.ceil(maxT) + 1;
  const chunk = Math.ceil(duration / bins);
  for (let e = 0; e < ev.n; e++) {
    const c = ev.channel[e];
    if (c >= channels) throw new RangeError(`audio raster: event ${e} has channel ${c}, expected 0..${channels - 1}`);
    const ms = Math.trunc((ev.tSec[e] * 1000) / dtMs);
    if (ms < 0) throw new RangeError(`audio raster: event ${e} has a negative time ${ev.tSec[e]} s`);
    const b = Math.floor(ms / chunk);
    data[b * channels + c] = 1;
  }
  return { steps: bins, data };
}
