/**
 * Rate capability of a study with a `cell` stage: the stage writes one capacity column per C-rate
 * (`cell_capacity_0p1c`, `cell_capacity_1c`, `cell_capacity_2c`, areal mAh/cm²); this plots
 * capacity against C-rate for every run (dim) and the chosen run (bright).
 */
import type { StudyTable } from '../shared/protocol.ts';
import { drawLines, formatNumber, type LineSeries } from './plots.ts';
import { capacityColumnRate, DISCHARGE_CURVES_COLUMN, parseDischargeCurves, type StudyDischargeCurves } from '../../src/study/cell-columns.ts';

/** The capacity columns of a table and the C-rate each stands for, by rising rate. */
export function rateColumns(table: StudyTable): { column: number; cRate: number }[] {
  const out: { column: number; cRate: number }[] = [];
  table.columns.forEach((name, column) => {
    const cRate = capacityColumnRate(name);
    if (cRate !== null) out.push({ column, cRate });
  });
  return out.sort((a, b) => a.cRate - b.cRate);
}

/**
 * One run's capacity at each rate of the table (rates where the run has no finite value — a
 * failed run — are left out).
 *
 * @returns C-rates and capacities (the column's unit, mAh/cm² for the cell stage)
 */
export function rateCapabilityOf(table: StudyTable, row: number): { cRate: number[]; capacity: number[] } {
  const cRate: number[] = [];
  const capacity: number[] = [];
  for (const { column, cRate: c } of rateColumns(table)) {
    const v = table.rows[row]?.[column];
    if (typeof v === 'number' && Number.isFinite(v)) {
      cRate.push(c);
      capacity.push(v);
    }
  }
  return { cRate, capacity };
}

const DIM = '#5a6675';
const BRIGHT = '#ffb020';

/**
 * Draws #rate-capability for the run at `row` over all runs of the table, and shows its section;
 * a table without capacity columns at two rates or more leaves the section hidden.
 *
 * @returns the chosen run's points as plotted (null when nothing was drawn)
 */
export function showRateCapability(table: StudyTable, row: number): { cRate: number[]; capacity: number[] } | null {
  const wrap = document.getElementById('rate-wrap')!;
  if (rateColumns(table).length < 2) {
    wrap.hidden = true;
    return null;
  }
  wrap.hidden = false;
  const runs: LineSeries[] = [];
  table.rows.forEach((_, k) => {
    const r = rateCapabilityOf(table, k);
    if (k !== row && r.cRate.length > 1) runs.push({ label: '', color: DIM, x: r.cRate, y: r.capacity });
  });
  const chosen = rateCapabilityOf(table, row);
  const idCol = table.idColumn ? table.columns.indexOf(table.idColumn) : -1;
  const name = idCol >= 0 ? String(table.rows[row]?.[idCol]) : `row ${row + 1}`;
  const unit = table.units?.[table.columns[rateColumns(table)[0]!.column]!] ?? '';
  const series = [...runs, { label: `run ${name}`, color: BRIGHT, x: chosen.cRate, y: chosen.capacity }];
  drawLines(document.getElementById('rate-capability') as HTMLCanvasElement, series, 'C-rate', `capacity${unit ? ` (${unit})` : ''}`, { markers: true });
  document.getElementById('rate-note')!.textContent = chosen.cRate.map((c, i) => `${c}C: ${formatNumber(chosen.capacity[i]!)}`).join(' · ');
  showRunDischarge(table, row, name);
  return chosen;
}

/** The run's discharge curves, from the cell stage's text column; null when the table or run has none. */
export function dischargeCurvesOf(table: StudyTable, row: number): StudyDischargeCurves | null {
  const column = table.columns.indexOf(DISCHARGE_CURVES_COLUMN);
  return column < 0 ? null : parseDischargeCurves(table.rows[row]?.[column]);
}

const RATE_COLORS = ['#4fc3f7', '#ffb020', '#ef5350', '#81c784', '#ba68c8'];

/** Draws #run-discharge (voltage against capacity per C-rate) for the run, or hides it. */
function showRunDischarge(table: StudyTable, row: number, name: string): void {
  const wrap = document.getElementById('run-discharge-wrap')!;
  const curves = dischargeCurvesOf(table, row);
  wrap.hidden = curves === null;
  if (!curves) return;
  const series: LineSeries[] = curves.cRates.map((c, k) => ({ label: `${c}C`, color: RATE_COLORS[k % RATE_COLORS.length]!, x: curves.capacity[k]!, y: curves.voltage[k]! }));
  drawLines(document.getElementById('run-discharge') as HTMLCanvasElement, series, 'capacity (mAh/cm²)', 'voltage (V)');
  document.getElementById('run-discharge-note')!.textContent = `run ${name}: ${curves.cRates.map((c, k) => `${c}C to ${formatNumber(curves.capacity[k]!.at(-1)!)} mAh/cm², ${formatNumber(curves.voltage[k]!.at(-1)!)} V`).join(' · ')}`;
}
