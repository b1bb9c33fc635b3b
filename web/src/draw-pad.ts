// The drawing pad: mouse, pen or finger strokes on a black canvas, read back as an MNIST image.
import { mnistFromDrawing } from '../../src/core/index.js';

export class DrawPad {
  private drawing = false;
  private last: [number, number] | null = null;
  private readonly ctx: CanvasRenderingContext2D;
  /** called when a stroke ends */
  onStroke: () => void = () => {};

  constructor(readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.drawing = true;
      this.last = this.pos(e);
      this.line(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drawing) return;
      const p = this.pos(e);
      this.line(this.last!, p);
      this.last = p;
    });
    const end = (): void => {
      if (!this.drawing) return;
      this.drawing = false;
      this.onStroke();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  private pos(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.canvas.width) / r.width, ((e.clientY - r.top) * this.canvas.height) / r.height];
  }

  private line(a: [number, number], b: [number, number]): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.canvas.width / 12;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(a[0], a[1]);
    c.lineTo(b[0], b[1]);
    c.stroke();
  }

  /** The drawing as a 28×28 MNIST image (null when blank). */
  image(): Uint8Array | null {
    const { width: w, height: h } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, w, h).data;
    const ink = new Uint8Array(w * h);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i];
    return mnistFromDrawing(ink, w, h);
  }
}

/** Show a 28×28 image on a small canvas. */
export function showImage(canvas: HTMLCanvasElement, img: Uint8Array): void {
  const ctx = canvas.getContext('2d')!;
  const data = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    data.data[4 * i] = data.data[4 * i + 1] = data.data[4 * i + 2] = img[i];
    data.data[4 * i + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
}
