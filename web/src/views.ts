// The liquid's views, drawn chunk by chunk as the worker streams a sample's spikes: the raster,
// the population rate with the astrocyte signal, and the 10×10×10 grid in 3-D.

const E_COLOR = '#4aa3ff';
const I_COLOR = '#ff5a5a';
const X_COLOR = '#aaaaaa';
const ASTRO_COLOR = '#f0a030';

/** Paint a canvas black; returns its context and size. */
function blank(ctx: CanvasRenderingContext2D): { c: CanvasRenderingContext2D; W: number; H: number } {
  const { width: W, height: H } = ctx.canvas;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, W, H);
  return { c: ctx, W, H };
}

export interface LiquidShape {
  NL: number;
  NE: number;
  NX: number;
  dims: number[];
  gridPoint: Int32Array;
  steps: number;
}

/** Raster: inputs on top, then excitatory, then inhibitory neurons; x = time. */
export class RasterView {
  private readonly ctx: CanvasRenderingContext2D;
  /** spikes drawn since the last clear (the page test reads it) */
  spikes = 0;
  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly s: LiquidShape,
  ) {
    this.ctx = canvas.getContext('2d')!;
    this.clear();
  }
  clear(): void {
    blank(this.ctx);
    this.spikes = 0;
    this.canvas.dataset.spikes = '0';
  }
  add(t: Int32Array, n: Int32Array): void {
    const { NL, NE, NX, steps } = this.s;
    const rows = NL + NX;
    const W = this.canvas.width;
    const H = this.canvas.height;
    const dx = W / steps;
    const dy = Math.max(1, H / rows);
    const c = this.ctx;
    for (let k = 0; k < t.length; k++) {
      const i = n[k];
      const row = i >= NL ? i - NL : NX + i;
      c.fillStyle = i >= NL ? X_COLOR : i < NE ? E_COLOR : I_COLOR;
      c.fillRect(t[k] * dx, (row * H) / rows, Math.max(1, dx), dy);
    }
    this.spikes += t.length;
    this.canvas.dataset.spikes = String(this.spikes);
  }
}

/** Liquid rate (5 ms bins) and, for NALSM, the astrocyte's A on its own scale. */
export class RateView {
  private readonly ctx: CanvasRenderingContext2D;
  private bins: Float64Array;
  private astro: number[] = [];
  private upTo = 0;
  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly s: LiquidShape,
    readonly bin = 5,
  ) {
    this.ctx = canvas.getContext('2d')!;
    this.bins = new Float64Array(Math.ceil(s.steps / bin));
    this.clear();
  }
  clear(): void {
    this.bins.fill(0);
    this.astro = [];
    this.upTo = 0;
    this.draw();
  }
  add(to: number, t: Int32Array, n: Int32Array, astro: Float64Array): void {
    for (let k = 0; k < t.length; k++) if (n[k] < this.s.NL) this.bins[Math.floor(t[k] / this.bin)]++;
    for (const a of astro) this.astro.push(a);
    this.upTo = to;
    this.draw();
  }
  private draw(): void {
    const { c, W, H } = blank(this.ctx);
    const hz = Array.from(this.bins, (b) => (b / this.s.NL / this.bin) * 1000);
    const maxHz = Math.max(20, ...hz);
    const x = (t: number): number => (t / this.s.steps) * W;
    c.strokeStyle = '#333';
    c.beginPath();
    c.moveTo(0, H - 16);
    c.lineTo(W, H - 16);
    c.stroke();
    c.fillStyle = '#889';
    c.font = '10px sans-serif';
    c.fillText(`${maxHz.toFixed(0)} Hz`, 2, 10);
    c.fillText('0', 2, H - 18);
    c.fillText(`${this.s.steps} ms`, W - 40, H - 4);
    c.strokeStyle = E_COLOR;
    c.lineWidth = 1.5;
    c.beginPath();
    const nb = Math.ceil(this.upTo / this.bin);
    for (let b = 0; b < nb; b++) {
      const y = H - 16 - (hz[b] / maxHz) * (H - 28);
      if (b === 0) c.moveTo(x(b * this.bin), y);
      c.lineTo(x((b + 1) * this.bin), y);
    }
    c.stroke();
    if (this.astro.length) {
      const lo = Math.min(...this.astro);
      const hi = Math.max(...this.astro);
      const span = hi - lo || Math.abs(hi) || 1;
      c.strokeStyle = ASTRO_COLOR;
      c.beginPath();
      this.astro.forEach((a, t) => {
        const y = H - 16 - ((a - lo) / span) * (H - 28);
        if (t === 0) c.moveTo(x(t), y);
        else c.lineTo(x(t + 1), y);
      });
      c.stroke();
      c.fillStyle = ASTRO_COLOR;
      c.fillText(`A ${lo.toExponential(2)} … ${hi.toExponential(2)}`, W - 150, 10);
    }
  }
}

/** The grid in 3-D (a slowly turning orthographic projection); a neuron glows when it spikes, then fades. */
export class GridView {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly glow: Float32Array;
  private readonly xyz: Float32Array;
  private angle = 0.6;
  /** neurons lit in the last frame (the page test reads it) */
  lit = 0;
  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly s: LiquidShape,
  ) {
    this.ctx = canvas.getContext('2d')!;
    this.glow = new Float32Array(s.NL);
    this.xyz = new Float32Array(3 * s.NL);
    const [d1, d2, d3] = s.dims;
    for (let n = 0; n < s.NL; n++) {
      const g = s.gridPoint[n];
      this.xyz[3 * n] = Math.floor(g / (d2 * d3)) / (d1 - 1 || 1) - 0.5;
      this.xyz[3 * n + 1] = (Math.floor(g / d3) % d2) / (d2 - 1 || 1) - 0.5;
      this.xyz[3 * n + 2] = (g % d3) / (d3 - 1 || 1) - 0.5;
    }
    this.draw();
  }
  clear(): void {
    this.glow.fill(0);
    this.draw();
  }
  add(t: Int32Array, n: Int32Array): void {
    for (let k = 0; k < this.glow.length; k++) this.glow[k] *= 0.35;
    for (let k = 0; k < t.length; k++) if (n[k] < this.s.NL) this.glow[n[k]] = Math.min(1, this.glow[n[k]] + 0.5);
    this.angle += 0.08;
    this.draw();
  }
  private draw(): void {
    const { c, W, H } = blank(this.ctx);
    const ca = Math.cos(this.angle), sa = Math.sin(this.angle);
    const tilt = 0.45, ct = Math.cos(tilt), st = Math.sin(tilt);
    const NL = this.s.NL;
    const order = new Array<[number, number, number, number]>(NL);
    for (let n = 0; n < NL; n++) {
      const x = this.xyz[3 * n], y = this.xyz[3 * n + 1], z = this.xyz[3 * n + 2];
      const x1 = ca * x - sa * y, y1 = sa * x + ca * y;
      const y2 = ct * y1 - st * z, z2 = st * y1 + ct * z;
      order[n] = [n, W / 2 + x1 * W * 0.55, H / 2 - z2 * H * 0.55, y2];
    }
    order.sort((a, b) => b[3] - a[3]);
    let lit = 0;
    for (const [n, px, py, depth] of order) {
      const g = this.glow[n];
      const near = 0.55 - depth * 0.5;
      if (g > 0.05) {
        lit++;
        c.fillStyle = n < this.s.NE ? `rgba(120,190,255,${0.35 + 0.65 * g})` : `rgba(255,110,110,${0.35 + 0.65 * g})`;
        c.beginPath();
        c.arc(px, py, 2 + 3 * g, 0, 2 * Math.PI);
        c.fill();
      } else {
        c.fillStyle = `rgba(90,100,120,${0.25 * near + 0.1})`;
        c.fillRect(px - 1, py - 1, 2, 2);
      }
    }
    this.lit = lit;
    this.canvas.dataset.lit = String(lit);
  }
}

/** Ten class probabilities as bars; each row carries its exact value in data-p. */
export function showProbabilities(el: HTMLElement, p: number[] | null): void {
  el.replaceChildren();
  const best = p ? p.indexOf(Math.max(...p)) : -1;
  for (let c = 0; c < 10; c++) {
    const row = document.createElement('div');
    row.className = c === best ? 'p best' : 'p';
    const v = p ? p[c] : 0;
    if (p) row.dataset.p = String(v);
    row.innerHTML = `<span>${c}</span><div class="track"><div class="bar" style="width:${(100 * v).toFixed(1)}%"></div></div><span>${p ? (100 * v).toFixed(1) + ' %' : ''}</span>`;
    el.append(row);
  }
}
