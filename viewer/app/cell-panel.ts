/**
 * The cell panel: discharge curves (voltage against areal capacity) per C-rate of a `mesolab cell`
 * output, and a table of what each discharge delivered. The file is in SI units (coulomb, V, m²);
 * the panel shows what cell designers compare, mAh/cm² and V.
 */
import type { DischargeFile } from '../shared/protocol.ts';
import { drawLines, formatNumber, type LineSeries } from './plots.ts';

export const RATE_COLORS = ['#4aa3ff', '#ffb020', '#5ad17a', '#ff6b8a', '#b28cff', '#4dd6d0', '#e0e060'];

/** 1 mAh = 3.6 C; 1 cm² = 1e-4 m². */
const COULOMB_PER_MAH = 3.6;
const CM2_PER_M2 = 1e4;

export interface CellPanelData {
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** One row per rate: where its curve ends, as plotted (mAh/cm², V), and its energy and end reason. */
  rows: { rate: string; endCapacity: number; endVoltage: number; energy: number; utilisation: number; termination: string }[];
  /** Capacity of the stoichiometric window (mAh/cm²) and the DC resistance (Ω cm²). */
  windowCapacity: number;
  areaSpecificResistance: number;
}

/** "0.1C", "1C", "2C". */
export function rateLabel(cRate: number): string {
  return `${Number(cRate.toPrecision(6))}C`;
}

/**
 * What the panel draws, from a discharge file: one line per C-rate in the order of the file,
 * capacity per electrode area in mAh/cm² against voltage in V.
 *
 * @param d the parsed discharge.json (SI units)
 * @returns series and table rows in display units
 * @example
 *   cellPanelData(file).rows[0].endCapacity; // mAh/cm² at the first rate
 */
export function cellPanelData(d: DischargeFile): CellPanelData {
  const perArea = 1 / (COULOMB_PER_MAH * d.area * CM2_PER_M2);
  const series = d.curves.map((c, k) => ({
    label: rateLabel(c.cRate),
    color: RATE_COLORS[k % RATE_COLORS.length]!,
    x: c.capacity.map((q) => q * perArea),
    y: [...c.voltage],
  }));
  return {
    xLabel: 'capacity (mAh/cm²)',
    yLabel: 'voltage (V)',
    series,
    rows: d.curves.map((c, k) => ({
      rate: series[k]!.label,
      endCapacity: series[k]!.x[series[k]!.x.length - 1]!,
      endVoltage: c.voltage[c.voltage.length - 1]!,
      // J → mWh per cm².
      energy: (c.energy / 3.6) / (d.area * CM2_PER_M2),
      utilisation: c.dischargeCapacity / d.windowCapacity,
      termination: c.termination,
    })),
    windowCapacity: d.windowCapacity * perArea,
    areaSpecificResistance: d.dcResistance * d.area * CM2_PER_M2,
  };
}

/** What the page exposes to tests: the plotted ends in data units and in canvas pixels. */
export interface CellPlotProbe {
  rows: CellPanelData['rows'];
  colors: string[];
  endPixels: [number, number][];
}

/**
 * Draws the curves into #cell-panel (canvas #cell-curves) and the per-rate table into the sidebar's
 * #cell-section, and shows both.
 * Returns what was drawn, for the page's test probe.
 */
export function showCellPanel(d: DischargeFile): CellPlotProbe {
  const data = cellPanelData(d);
  const panel = document.getElementById('cell-panel')!;
  panel.hidden = false;
  const canvas = document.getElementById('cell-curves') as HTMLCanvasElement;
  const endPixels = drawLines(canvas, data.series, data.xLabel, data.yLabel);
  document.getElementById('cell-section')!.hidden = false;
  const table = document.getElementById('cell-table') as HTMLTableElement;
  const head = '<tr><th>rate</th><th>mAh/cm²</th><th>end V</th><th>mWh/cm²</th><th>of window</th></tr>';
  const body = data.rows
    .map((r, k) => `<tr data-rate="${r.rate}" title="ended by ${r.termination}"><td style="color:${data.series[k]!.color}">${r.rate}</td><td>${r.endCapacity.toPrecision(4)}</td><td>${r.endVoltage.toFixed(3)}</td><td>${formatNumber(r.energy)}</td><td>${(100 * r.utilisation).toFixed(1)} %</td></tr>`)
    .join('');
  table.innerHTML = head + body;
  const ends = [...new Set(data.rows.map((r) => r.termination))].join(', ');
  document.getElementById('cell-note')!.textContent = `${d.cell} cell · window ${formatNumber(data.windowCapacity)} mAh/cm² · DC resistance (10 s, 1C) ${formatNumber(data.areaSpecificResistance)} Ω cm² · ended by ${ends}`;
  return { rows: data.rows, colors: data.series.map((s) => s.color), endPixels };
}

/** The structure scalars of result.json as the CLI prints them: label with unit, value scaled (SI in the file). */
const STRUCTURE_ROWS: [key: string, label: string, scale: number][] = [
  ['thickness', 'electrode thickness (µm)', 1e6],
  ['poreFraction', 'pore fraction', 1],
  ['electrolyteFraction', 'electrolyte fraction ε', 1],
  ['saturation', 'saturation (wetted pore share)', 1],
  ['activeFraction', 'active fraction ε_s', 1],
  ['activeArea', 'wetted active area (1/µm)', 1e-6],
  ['wettedAreaFraction', 'wetted share of AM–pore area', 1],
  ['particleRadius', 'particle radius (µm)', 1e6],
  ['ionicTortuosity', 'ionic tortuosity τ (z)', 1],
  ['tauEis', 'τ_EIS', 1],
  ['solidTortuosity', 'solid tortuosity', 1],
  ['conductivity', 'effective electronic conductivity (S/m)', 1],
];

/** [label, value] rows for the structure the cell was built from; keys not known are left out. */
export function structureRows(summary: Readonly<Record<string, number | string | boolean>>): [string, string][] {
  return STRUCTURE_ROWS.filter(([k]) => typeof summary[k] === 'number').map(([k, label, scale]) => [label, formatNumber((summary[k] as number) * scale)]);
}
