/**
 * Small self-contained SVG charts for the report card (no external tools): scatter with a 1:1
 * line, line charts and horizontal bars. Axes are linear with "nice" ticks.
 */
import { niceTicks } from '../../src/nice-ticks.ts';

const W = 420;
const H = 300;
const M = { l: 62, r: 14, t: 28, b: 46 };
/** Plot area right edge: legends go beyond it. */
export const PLOT_RIGHT = W - M.r;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e4 || a < 1e-2) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

function padRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) return [lo - 0.5 * Math.abs(lo || 1), hi + 0.5 * Math.abs(hi || 1)];
  const p = 0.04 * (hi - lo);
  return [lo - p, hi + p];
}

function frame(title: string, xLabel: string, yLabel: string, xr: [number, number], yr: [number, number]): { sx: (v: number) => number; sy: (v: number) => number; parts: string[] } {
  const sx = (v: number): number => M.l + ((v - xr[0]) / (xr[1] - xr[0])) * (W - M.l - M.r);
  const sy = (v: number): number => H - M.b - ((v - yr[0]) / (yr[1] - yr[0])) * (H - M.t - M.b);
  const parts: string[] = [];
  parts.push(`<rect x="${M.l}" y="${M.t}" width="${W - M.l - M.r}" height="${H - M.t - M.b}" fill="none" stroke="#888"/>`);
  for (const t of niceTicks(xr[0], xr[1])) {
    parts.push(`<line x1="${sx(t).toFixed(1)}" y1="${H - M.b}" x2="${sx(t).toFixed(1)}" y2="${H - M.b + 4}" stroke="#888"/><text x="${sx(t).toFixed(1)}" y="${H - M.b + 16}" text-anchor="middle" font-size="10">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(yr[0], yr[1])) {
    parts.push(`<line x1="${M.l - 4}" y1="${sy(t).toFixed(1)}" x2="${M.l}" y2="${sy(t).toFixed(1)}" stroke="#888"/><text x="${M.l - 6}" y="${(sy(t) + 3).toFixed(1)}" text-anchor="end" font-size="10">${fmt(t)}</text>`);
  }
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-size="12" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<text x="${(M.l + W - M.r) / 2}" y="${H - 8}" text-anchor="middle" font-size="11">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(M.t + H - M.b) / 2}) rotate(-90)" text-anchor="middle" font-size="11">${esc(yLabel)}</text>`);
  return { sx, sy, parts };
}

function wrap(parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">${parts.join('')}</svg>`;
}

/**
 * Held-out prediction against simulation with the 1:1 line and, where `std` is given, ±1.96σ error
 * bars (the 95 % predictive interval the coverage column judges). One title, axis labels with units.
 */
export function parityPlot(title: string, xLabel: string, yLabel: string, actual: readonly number[], predicted: readonly number[], std?: readonly number[]): string {
  const half = (i: number): number => (std && Number.isFinite(std[i]!) ? 1.959964 * std[i]! : 0);
  const all = [...actual, ...predicted.map((p, i) => p - half(i)), ...predicted.map((p, i) => p + half(i))].filter(Number.isFinite);
  const r = padRange(Math.min(...all), Math.max(...all));
  const { sx, sy, parts } = frame(title, xLabel, yLabel, r, r);
  parts.push(`<line x1="${sx(r[0])}" y1="${sy(r[0])}" x2="${sx(r[1])}" y2="${sy(r[1])}" stroke="#999" stroke-dasharray="4 3"/>`);
  actual.forEach((a, i) => {
    const h = half(i);
    if (h > 0) parts.push(`<line class="error-bar" x1="${sx(a).toFixed(1)}" y1="${sy(predicted[i]! - h).toFixed(1)}" x2="${sx(a).toFixed(1)}" y2="${sy(predicted[i]! + h).toFixed(1)}" stroke="${COLORS[0]}" stroke-opacity="0.35"/>`);
  });
  actual.forEach((a, i) => parts.push(`<circle cx="${sx(a).toFixed(1)}" cy="${sy(predicted[i]!).toFixed(1)}" r="2.5" fill="${COLORS[0]}" fill-opacity="0.7"/>`));
  if (std) parts.push(`<text x="${M.l + 6}" y="${M.t + 14}" font-size="10" fill="#555">bars: 95 % interval</text>`);
  return wrap(parts);
}

export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
}

/** Width added right of the plot for a legend, so it never covers a curve. */
const LEGEND_W = 130;

export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[], opts: { markers?: boolean; zeroLine?: boolean } = {}): string {
  const xs = series.flatMap((s) => s.x).filter(Number.isFinite);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  const { sx, sy, parts } = frame(title, xLabel, yLabel, padRange(Math.min(...xs), Math.max(...xs)), padRange(Math.min(...ys, ...(opts.zeroLine ? [0] : [])), Math.max(...ys, ...(opts.zeroLine ? [0] : []))));
  if (opts.zeroLine) parts.push(`<line x1="${M.l}" y1="${sy(0).toFixed(1)}" x2="${W - M.r}" y2="${sy(0).toFixed(1)}" stroke="#bbb"/>`);
  const legend = series.length > 1;
  series.forEach((s, k) => {
    const c = COLORS[k % COLORS.length]!;
    const pts = s.x.map((x, i) => `${sx(x).toFixed(1)},${sy(s.y[i]!).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="1.6"/>`);
    if (opts.markers) s.x.forEach((x, i) => parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(s.y[i]!).toFixed(1)}" r="3" fill="${c}"/>`));
    if (legend) {
      const y = M.t + 10 + 14 * k;
      parts.push(`<line x1="${W + 2}" y1="${y - 3}" x2="${W + 16}" y2="${y - 3}" stroke="${c}" stroke-width="2"/><text class="legend" x="${W + 20}" y="${y}" font-size="10" fill="${c}">${esc(s.name)}</text>`);
    }
  });
  const width = legend ? W + LEGEND_W : W;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif">${parts.join('')}</svg>`;
}

export function barChart(title: string, xLabel: string, labels: readonly string[], values: readonly number[]): string {
  const h = Math.max(H, M.t + M.b + 18 * labels.length);
  const lm = 120;
  const max = Math.max(1e-300, ...values.map((v) => Math.max(0, v)));
  const sx = (v: number): number => lm + (Math.max(0, v) / max) * (W - lm - M.r - 40);
  const parts: string[] = [`<text x="${W / 2}" y="16" text-anchor="middle" font-size="12" font-weight="bold">${esc(title)}</text>`];
  labels.forEach((l, i) => {
    const y = M.t + 18 * i;
    parts.push(`<text x="${lm - 6}" y="${y + 12}" text-anchor="end" font-size="10">${esc(l)}</text>`);
    parts.push(`<rect x="${lm}" y="${y + 2}" width="${(sx(values[i]!) - lm).toFixed(1)}" height="13" fill="${COLORS[0]}"/>`);
    parts.push(`<text x="${(sx(values[i]!) + 4).toFixed(1)}" y="${y + 12}" font-size="10">${fmt(values[i]!)}</text>`);
  });
  parts.push(`<text x="${(lm + W - M.r) / 2}" y="${h - 8}" text-anchor="middle" font-size="11">${esc(xLabel)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">${parts.join('')}</svg>`;
}
