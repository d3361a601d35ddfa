import type { Curve, Parity } from '../shared/protocol.ts';
import { colormap } from './colormap.ts';
import type { ColormapName } from './colormap.ts';
import { niceTicks } from '../../src/nice-ticks.ts';

export { niceTicks };

const AXIS = '#8a94a3';
const GRID = '#2c323c';
const FONT = '11px system-ui, sans-serif';

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

interface Frame {
  ctx: CanvasRenderingContext2D;
  sx: (x: number) => number;
  sy: (y: number) => number;
}

function axes(canvas: HTMLCanvasElement, xr: [number, number], yr: [number, number], xLabel: string, yLabel: string): Frame {
  const ctx = canvas.getContext('2d')!;
  const w = canvas.width;
  const h = canvas.height;
  const m = { l: 48, r: 10, t: 10, b: 34 };
  ctx.clearRect(0, 0, w, h);
  ctx.font = FONT;
  const sx = (x: number): number => m.l + ((x - xr[0]) / (xr[1] - xr[0] || 1)) * (w - m.l - m.r);
  const sy = (y: number): number => h - m.b - ((y - yr[0]) / (yr[1] - yr[0] || 1)) * (h - m.t - m.b);
  ctx.strokeStyle = GRID;
  ctx.fillStyle = AXIS;
  ctx.textAlign = 'center';
  for (const t of niceTicks(xr[0], xr[1])) {
    ctx.beginPath(); ctx.moveTo(sx(t), m.t); ctx.lineTo(sx(t), h - m.b); ctx.stroke();
    ctx.fillText(formatNumber(t), sx(t), h - m.b + 13);
  }
  ctx.textAlign = 'right';
  for (const t of niceTicks(yr[0], yr[1], 4)) {
    ctx.beginPath(); ctx.moveTo(m.l, sy(t)); ctx.lineTo(w - m.r, sy(t)); ctx.stroke();
    ctx.fillText(formatNumber(t), m.l - 4, sy(t) + 4);
  }
  ctx.strokeStyle = AXIS;
  ctx.strokeRect(m.l, m.t, w - m.l - m.r, h - m.t - m.b);
  ctx.textAlign = 'center';
  ctx.fillText(xLabel, m.l + (w - m.l - m.r) / 2, h - 4);
  ctx.save(); ctx.translate(11, m.t + (h - m.t - m.b) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(yLabel, 0, 0); ctx.restore();
  return { ctx, sx, sy };
}

function range(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  return [lo, hi];
}

/** The saturation curve with a vertical marker at `marker` (same unit as x); returns the saturation read at the marker. */
export function drawCurve(canvas: HTMLCanvasElement, curve: Curve, marker: number | null): number | null {
  const xr = range(curve.x);
  const yr: [number, number] = [0, Math.max(1, ...curve.y.filter(Number.isFinite))];
  const { ctx, sx, sy } = axes(canvas, xr, yr, curve.xLabel, curve.yLabel);
  ctx.strokeStyle = '#4aa3ff';
  ctx.lineWidth = 2;
  ctx.beginPath();
  curve.x.forEach((x, i) => (i === 0 ? ctx.moveTo(sx(x), sy(curve.y[i]!)) : ctx.lineTo(sx(x), sy(curve.y[i]!))));
  ctx.stroke();
  ctx.lineWidth = 1;
  if (marker !== null && Number.isFinite(marker)) {
    const m = Math.min(xr[1], Math.max(xr[0], marker));
    ctx.strokeStyle = '#ffb020';
    ctx.beginPath(); ctx.moveTo(sx(m), sy(yr[0])); ctx.lineTo(sx(m), sy(yr[1])); ctx.stroke();
    const y = interpolate(curve.x, curve.y, m);
    ctx.fillStyle = '#ffb020';
    ctx.beginPath(); ctx.arc(sx(m), sy(y), 4, 0, 2 * Math.PI); ctx.fill();
    ctx.textAlign = 'left';
    ctx.fillText(`S = ${y.toFixed(3)}`, Math.min(sx(m) + 6, canvas.width - 70), sy(y) < 30 ? sy(y) + 16 : sy(y) - 6);
    return y;
  }
  return null;
}

/**
 * y at x on a piecewise-linear curve, clamped to its end values. The curve's x may run either way:
 * a quasi-static imbibition Pc–S curve is stored in filling order, with the pressure falling.
 */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (xs.length === 0) return NaN;
  if (xs.length > 1 && xs[0]! > xs[xs.length - 1]!) return interpolate([...xs].reverse(), [...ys].reverse(), x);
  if (x <= xs[0]!) return ys[0]!;
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]!) {
      const f = (x - xs[i - 1]!) / (xs[i]! - xs[i - 1]! || 1);
      return ys[i - 1]! + f * (ys[i]! - ys[i - 1]!);
    }
  }
  return ys[ys.length - 1]!;
}

/** Surrogate prediction against simulation, with ±1.96σ error bars where the std is known, the y = x line and R². */
export function drawParity(canvas: HTMLCanvasElement, p: Parity): void {
  const bar = (i: number): number => (p.std && Number.isFinite(p.std[i]!) ? 1.959964 * p.std[i]! : 0);
  const r = range([...p.simulated, ...p.predicted.map((v, i) => v - bar(i)), ...p.predicted.map((v, i) => v + bar(i))]);
  const unit = p.unit ? ` (${p.unit})` : '';
  const { ctx, sx, sy } = axes(canvas, r, r, `simulated ${p.output}${unit}`, `surrogate${unit}`);
  ctx.strokeStyle = '#ffb020';
  ctx.setLineDash([4, 4]);
  ctx.beginPath(); ctx.moveTo(sx(r[0]), sy(r[0])); ctx.lineTo(sx(r[1]), sy(r[1])); ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = '#4aa3ff88';
  p.simulated.forEach((s, i) => {
    const b = bar(i);
    if (b <= 0) return;
    ctx.beginPath(); ctx.moveTo(sx(s), sy(p.predicted[i]! - b)); ctx.lineTo(sx(s), sy(p.predicted[i]! + b)); ctx.stroke();
  });
  ctx.fillStyle = '#4aa3ffcc';
  p.simulated.forEach((s, i) => { ctx.beginPath(); ctx.arc(sx(s), sy(p.predicted[i]!), 3, 0, 2 * Math.PI); ctx.fill(); });
  const mean = p.simulated.reduce((a, b) => a + b, 0) / p.simulated.length;
  const ssRes = p.simulated.reduce((a, s, i) => a + (s - p.predicted[i]!) ** 2, 0);
  const ssTot = p.simulated.reduce((a, s) => a + (s - mean) ** 2, 0);
  ctx.fillStyle = '#d9dee6';
  ctx.textAlign = 'left';
  ctx.fillText(`R² = ${(1 - ssRes / ssTot).toFixed(3)}   n = ${p.simulated.length}${p.std ? '   bars: 95 %' : ''}`, 56, 24);
}

/** Vertical colour bar, low values at the bottom; `reversed` when high values fill first. */
export function drawColorbar(canvas: HTMLCanvasElement, reversed = false, map: ColormapName = 'viridis'): void {
  const ctx = canvas.getContext('2d')!;
  for (let y = 0; y < canvas.height; y++) {
    const f = 1 - y / (canvas.height - 1);
    const [r, g, b] = colormap(map, reversed ? 1 - f : f);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(0, y, canvas.width, 1);
  }
}

/** One line of a multi-line plot, in the units of the axes. */
export interface LineSeries {
  label: string;
  color: string;
  x: readonly number[];
  y: readonly number[];
}

/**
 * Several lines on shared axes (discharge curves per C-rate, capacity against rate), each ended by
 * a dot, with a legend. Returns each line's last point in canvas pixels, so a test can check that
 * the dot is drawn where the data says.
 */
export function drawLines(canvas: HTMLCanvasElement, series: readonly LineSeries[], xLabel: string, yLabel: string, opts: { markers?: boolean } = {}): [number, number][] {
  const xr = range(series.flatMap((s) => [...s.x]));
  const yr = range(series.flatMap((s) => [...s.y]));
  // A little headroom so end dots and markers sit inside the frame.
  const pad = (r: [number, number]): [number, number] => [r[0] - 0.03 * (r[1] - r[0]), r[1] + 0.03 * (r[1] - r[0])];
  const { ctx, sx, sy } = axes(canvas, pad(xr), pad(yr), xLabel, yLabel);
  const ends: [number, number][] = [];
  let legendRow = 0;
  series.forEach((s) => {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.x.forEach((x, i) => (i === 0 ? ctx.moveTo(sx(x), sy(s.y[i]!)) : ctx.lineTo(sx(x), sy(s.y[i]!))));
    ctx.stroke();
    if (opts.markers) s.x.forEach((x, i) => { ctx.beginPath(); ctx.arc(sx(x), sy(s.y[i]!), 3, 0, 2 * Math.PI); ctx.fill(); });
    const last = s.x.length - 1;
    const end: [number, number] = [sx(s.x[last]!), sy(s.y[last]!)];
    ctx.beginPath(); ctx.arc(end[0], end[1], 4, 0, 2 * Math.PI); ctx.fill();
    ends.push(end);
    // Unlabelled lines (the background runs of a study) take no legend row.
    if (s.label) {
      ctx.textAlign = 'right';
      ctx.fillText(s.label, canvas.width - 14, 24 + 14 * legendRow++);
    }
  });
  ctx.lineWidth = 1;
  return ends;
}
