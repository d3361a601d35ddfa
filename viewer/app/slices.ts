import { colormap, hexToRgb } from './colormap.ts';
import type { ColormapName } from './colormap.ts';
import { axisTicks } from './volume-view.ts';

export interface SliceSource {
  shape: [number, number, number];
  labels: Uint8Array;
  /** Colour of each label 0..2, '#rrggbb'. */
  colors: string[];
  /** Wetting front and the time it is shown at, if any. */
  front?: { data: Float32Array; time: number; range: [number, number]; order: 'ascending' | 'descending'; band: number; colormap: ColormapName };
  phase?: Uint8Array;
}

const AXES = ['x', 'y', 'z'];
const FRONT_RGB: [number, number, number] = [255, 245, 224];
const TRAPPED_RGB: [number, number, number] = [255, 64, 140];

/**
 * Three orthogonal 2D slices of the labels (YZ at x = i, XZ at y = j, XY at z = k), drawn on the
 * CPU into small canvases: exact, cheap at these sizes, and free of the 3D view's occlusion.
 */
export class OrthoSlices {
  readonly index: [number, number, number] = [0, 0, 0];
  private readonly canvases: HTMLCanvasElement[] = [];
  private readonly sliders: HTMLInputElement[] = [];
  private readonly captions: HTMLElement[] = [];
  /** Per slice: the box holding the canvas and its tick labels (µm). */
  private readonly plots: HTMLElement[] = [];
  private source: SliceSource | null = null;

  /** Called with the voxel under the pointer on any slice (null when it leaves). */
  onHover: ((voxel: [number, number, number] | null) => void) | null = null;

  constructor(container: HTMLElement, private readonly onMove: (axis: number, index: number) => void) {
    container.innerHTML = '';
    for (let a = 0; a < 3; a++) {
      const wrap = document.createElement('div');
      wrap.className = 'slice';
      const caption = document.createElement('span');
      const canvas = document.createElement('canvas');
      const slider = document.createElement('input');
      slider.type = 'range';
      slider.min = '0';
      slider.addEventListener('input', () => {
        this.index[a] = Number(slider.value);
        this.draw(a);
        this.onMove(a, this.index[a]);
      });
      canvas.addEventListener('pointermove', (e) => this.onHover?.(this.voxelAt(a, e.offsetX, e.offsetY)));
      canvas.addEventListener('pointerleave', () => this.onHover?.(null));
      const plot = document.createElement('div');
      plot.className = 'slice-plot';
      plot.append(canvas);
      wrap.append(caption, plot, slider);
      container.append(wrap);
      this.plots.push(plot);
      this.canvases.push(canvas);
      this.sliders.push(slider);
      this.captions.push(caption);
    }
  }

  setSource(s: SliceSource, voxelSizeUm: number): void {
    const resized = !this.source || this.source.shape.some((n, i) => n !== s.shape[i]);
    this.source = s;
    for (let a = 0; a < 3; a++) {
      if (resized) {
        this.index[a] = Math.floor(s.shape[a]! / 2);
        this.sliders[a]!.max = String(s.shape[a]! - 1);
        this.sliders[a]!.value = String(this.index[a]);
        this.onMove(a, this.index[a]!);
      }
      this.sliders[a]!.dataset.voxelUm = String(voxelSizeUm);
      if (resized || this.plots[a]!.dataset.voxelUm !== String(voxelSizeUm)) this.drawTicks(a, voxelSizeUm);
    }
    this.drawAll();
  }

  /** The voxel under CSS pixel (px, py) of the slice across `axis` (row 0 of the picture is the high end of v). */
  voxelAt(axis: number, px: number, py: number): [number, number, number] | null {
    const s = this.source;
    if (!s) return null;
    const canvas = this.canvases[axis]!;
    const [u, v] = [0, 1, 2].filter((k) => k !== axis) as [number, number];
    const w = s.shape[u]!;
    const h = s.shape[v]!;
    const i = Math.floor((px / (canvas.clientWidth || w)) * w);
    const j = h - 1 - Math.floor((py / (canvas.clientHeight || h)) * h);
    if (i < 0 || i >= w || j < 0 || j >= h) return null;
    const c: [number, number, number] = [0, 0, 0];
    c[axis] = this.index[axis]!;
    c[u] = i;
    c[v] = j;
    return c;
  }

  /** Tick labels in µm along the slice's horizontal (u) and vertical (v) axes, and the axis names. */
  private drawTicks(axis: number, voxelSizeUm: number): void {
    const s = this.source!;
    const plot = this.plots[axis]!;
    plot.dataset.voxelUm = String(voxelSizeUm);
    for (const el of [...plot.querySelectorAll('span')]) el.remove();
    const [u, v] = [0, 1, 2].filter((k) => k !== axis) as [number, number];
    const lu = s.shape[u]! * voxelSizeUm;
    const lv = s.shape[v]! * voxelSizeUm;
    const add = (cls: string, text: string, style: string): void => {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      span.setAttribute('style', style);
      plot.append(span);
    };
    for (const t of axisTicks(lu, 3)) add('tick-u', String(t), `left:${(100 * t) / lu}%`);
    for (const t of axisTicks(lv, 3)) add('tick-v', String(t), `top:${100 - (100 * t) / lv}%`);
    add('axis-u', `${AXES[u]} (µm)`, '');
    add('axis-v', `${AXES[v]} (µm)`, '');
  }

  drawAll(): void {
    for (let a = 0; a < 3; a++) this.draw(a);
  }

  private draw(axis: number): void {
    const s = this.source;
    if (!s) return;
    const [nx, ny, nz] = s.shape;
    const [u, v] = [0, 1, 2].filter((k) => k !== axis) as [number, number];
    const w = s.shape[u]!;
    const h = s.shape[v]!;
    const canvas = this.canvases[axis]!;
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(w, h);
    const rgb = s.colors.map(hexToRgb);
    const span = s.front ? Math.max(s.front.range[1] - s.front.range[0], 1e-30) : 1;
    const sign = s.front?.order === 'descending' ? -1 : 1;
    const start = s.front ? (sign > 0 ? s.front.range[0] : s.front.range[1]) : 0;
    const c = [0, 0, 0];
    c[axis] = this.index[axis]!;
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        c[u] = i;
        c[v] = j;
        const idx = c[0]! + nx * (c[1]! + ny * c[2]!);
        const lab = s.labels[idx]!;
        let col = rgb[lab] ?? [190, 190, 190];
        if (lab === 0 && s.front) {
          const a = s.front.data[idx]!;
          // Filled: the front band in warm white, behind it the colormap; trapped gas only where a
          // phase map says so; pore the front has not reached keeps the pore colour.
          if (Number.isFinite(a) && sign * a <= sign * s.front.time) col = s.front.band > 0 && sign * (s.front.time - a) <= s.front.band ? FRONT_RGB : colormap(s.front.colormap, (sign * (a - start)) / span);
          else if (s.phase && s.phase[idx] === 2) col = TRAPPED_RGB;
        }
        // Row 0 of the image is the top: put high v (e.g. the collector side) at the top.
        const o = 4 * (i + w * (h - 1 - j));
        img.data[o] = col[0];
        img.data[o + 1] = col[1];
        img.data[o + 2] = col[2];
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    const um = Number(this.sliders[axis]!.dataset.voxelUm ?? 1);
    this.captions[axis]!.textContent = `${AXES[u]}${AXES[v]} at ${AXES[axis]} = ${((this.index[axis]! + 0.5) * um).toFixed(1)} µm`;
    void nz;
  }
}
