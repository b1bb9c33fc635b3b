// A hand-drawn digit made to look like an MNIST image (LeCun et al.): the ink's bounding box is
// scaled, keeping its aspect ratio, to fit a 20×20 box (area-averaged, so strokes anti-alias as
// in the original normalisation), then placed in a 28×28 field so that its centre of mass lands
// on the centre (14, 14), rounded to whole pixels.

/** `ink` is w×h, row-major, 0 = background, larger = more ink (any scale). Returns 784 bytes 0..255, or null when blank. */
export function mnistFromDrawing(ink: ArrayLike<number>, w: number, h: number): Uint8Array | null {
  if (ink.length !== w * h) throw new RangeError(`mnistFromDrawing: ${ink.length} values for ${w}×${h}`);
  let x0 = w, y0 = h, x1 = -1, y1 = -1, peak = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = ink[y * w + x];
      if (v <= 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (v > peak) peak = v;
    }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const sw = Math.max(1, Math.round(bw * scale));
  const sh = Math.max(1, Math.round(bh * scale));
  // area average: each target pixel is the mean of the source rectangle it covers (fractional edges weighted)
  const box = new Float64Array(sw * sh);
  const fx = bw / sw;
  const fy = bh / sh;
  for (let ty = 0; ty < sh; ty++)
    for (let tx = 0; tx < sw; tx++) {
      const ax = x0 + tx * fx, bx = ax + fx, ay = y0 + ty * fy, by = ay + fy;
      let s = 0;
      for (let y = Math.floor(ay); y < Math.ceil(by); y++) {
        const wy = Math.min(by, y + 1) - Math.max(ay, y);
        for (let x = Math.floor(ax); x < Math.ceil(bx); x++) {
          const wx = Math.min(bx, x + 1) - Math.max(ax, x);
          s += wx * wy * ink[y * w + x];
        }
      }
      box[ty * sw + tx] = s / (fx * fy) / peak;
    }
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < sh; y++)
    for (let x = 0; x < sw; x++) {
      const v = box[y * sw + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  const ox = Math.round(14 - mx / m);
  const oy = Math.round(14 - my / m);
  const out = new Uint8Array(784);
  for (let y = 0; y < sh; y++)
    for (let x = 0; x < sw; x++) {
      const X = x + ox, Y = y + oy;
      if (X < 0 || X >= 28 || Y < 0 || Y >= 28) continue;
      out[Y * 28 + X] = Math.min(255, Math.round(255 * box[y * sw + x]));
    }
  return out;
}
