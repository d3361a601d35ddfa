/**
 * The report card's rate-capability section, for a surrogate of a study with a `cell` stage: the
 * stage stores one capacity column per C-rate (`cell_capacity_0p1c`, `cell_capacity_1c`, ...),
 * so a model of two or more of them predicts capacity against C-rate. The section shows a
 * representative run's simulated rate capability beside the surrogate's held-out prediction of it,
 * and the runs with the lowest and highest capacity, from the cross-validation rows.
 */
import type { ParityRow } from '../judge/cv.ts';
import { num, table } from './markdown.ts';
import { lineChart } from './svg.ts';
import { capacityColumnRate, DISCHARGE_CURVES_COLUMN, type StudyDischargeCurves } from '../../src/study/cell-columns.ts';

const DISCHARGE_COLUMN_NOTE = `the cell stage's ${DISCHARGE_CURVES_COLUMN} column`;

/** The outputs that are capacities at a C-rate, by rising rate. */
export function capacityRates(outputs: readonly string[]): { output: string; cRate: number }[] {
  const out: { output: string; cRate: number }[] = [];
  for (const o of outputs) {
    const cRate = capacityColumnRate(o);
    if (cRate !== null) out.push({ output: o, cRate });
  }
  return out.sort((a, b) => a.cRate - b.cRate);
}

export interface RunRates {
  /** Training row (as in parity.json). */
  row: number;
  /** Simulated capacity at each rate, and the surrogate's prediction with the run held out. */
  simulated: number[];
  predicted: number[];
}

export interface RateCapability {
  cRates: number[];
  outputs: string[];
  /** The run whose capacity at the middle rate is the median of the runs (the lower one of two). */
  representative: RunRates;
  /** The runs of lowest and highest capacity at the middle rate. */
  lowest: RunRates;
  highest: RunRates;
  /** Runs with a value at every rate. */
  runs: number;
}

/**
 * The rate capability of a representative run, from cross-validation rows.
 *
 * @param outputs the model's outputs
 * @param parity cross-validation rows (each training row held out once per output)
 * @returns null unless two or more outputs are capacities at a C-rate and some run has them all
 * @example
 *   rateCapability(card.outputs, cv.parity)?.representative.simulated; // mAh/cm² per rate
 */
export function rateCapability(outputs: readonly string[], parity: readonly ParityRow[]): RateCapability | null {
  const rates = capacityRates(outputs);
  if (rates.length < 2) return null;
  const byRow = new Map<number, { simulated: (number | undefined)[]; predicted: (number | undefined)[] }>();
  for (const p of parity) {
    const k = rates.findIndex((r) => r.output === p.output);
    if (k < 0) continue;
    const e = byRow.get(p.row) ?? { simulated: rates.map(() => undefined), predicted: rates.map(() => undefined) };
    e.simulated[k] = p.actual;
    e.predicted[k] = p.predicted;
    byRow.set(p.row, e);
  }
  const complete: RunRates[] = [];
  for (const [row, e] of byRow) {
    if (e.simulated.every((v) => Number.isFinite(v)) && e.predicted.every((v) => Number.isFinite(v))) complete.push({ row, simulated: e.simulated as number[], predicted: e.predicted as number[] });
  }
  if (complete.length === 0) return null;
  const mid = Math.floor((rates.length - 1) / 2);
  complete.sort((a, b) => a.simulated[mid]! - b.simulated[mid]! || a.row - b.row);
  return {
    cRates: rates.map((r) => r.cRate),
    outputs: rates.map((r) => r.output),
    representative: complete[Math.floor((complete.length - 1) / 2)]!,
    lowest: complete[0]!,
    highest: complete[complete.length - 1]!,
    runs: complete.length,
  };
}

/** The SVG plot: capacity against C-rate, simulated and surrogate for the representative run, and the extremes. */
export function rateCapabilityPlot(rc: RateCapability, unit: string | undefined): string {
  const u = unit && unit !== '1' ? ` (${unit})` : '';
  return lineChart(`Rate capability: training row ${rc.representative.row} (median of ${rc.runs})`, 'C-rate', `capacity${u}`, [
    { name: `row ${rc.representative.row}, simulated`, x: rc.cRates, y: rc.representative.simulated },
    { name: `row ${rc.representative.row}, surrogate (held out)`, x: rc.cRates, y: rc.representative.predicted },
    { name: `row ${rc.lowest.row} (lowest), simulated`, x: rc.cRates, y: rc.lowest.simulated },
    { name: `row ${rc.highest.row} (highest), simulated`, x: rc.cRates, y: rc.highest.simulated },
  ], { markers: true });
}

/**
 * Voltage against areal capacity of one run at each of its C-rates.
 *
 * @param row the training row the curves belong to
 * @param curves its discharge curves (mAh/cm², V)
 * @returns an SVG line chart
 * @example dischargeCurvesPlot(rc.representative.row, parseDischargeCurves(cell)!);
 */
export function dischargeCurvesPlot(row: number, curves: StudyDischargeCurves): string {
  return lineChart(`Discharge curves: training row ${row}`, 'capacity (mAh/cm²)', 'voltage (V)', curves.cRates.map((c, k) => ({ name: `${c}C`, x: curves.capacity[k]!, y: curves.voltage[k]! })));
}

/** Markdown lines of the section (heading, explanation, table, the representative run's discharge curves when given, plot links). */
export function rateCapabilitySection(rc: RateCapability, unit: string | undefined, plotLinks: boolean, curves: StudyDischargeCurves | null = null): string[] {
  const u = unit && unit !== '1' ? ` (${unit})` : '';
  const lines = ['## Rate capability', ''];
  lines.push(`Capacity against C-rate from the cell stage's outputs (${rc.outputs.join(', ')}). Training row ${rc.representative.row} has the median capacity at ${rc.cRates[Math.floor((rc.cRates.length - 1) / 2)]}C of the ${rc.runs} runs with every rate; its surrogate values are the cross-validation predictions made with the run held out.`, '');
  lines.push(
    table(
      ['C-rate', `row ${rc.representative.row} simulated${u}`, `surrogate, held out${u}`, `lowest: row ${rc.lowest.row}${u}`, `highest: row ${rc.highest.row}${u}`],
      rc.cRates.map((c, k) => [num(c), rc.representative.simulated[k]!, rc.representative.predicted[k]!, rc.lowest.simulated[k]!, rc.highest.simulated[k]!]),
    ),
    '',
  );
  if (plotLinks) lines.push('![rate capability](plots/rate-capability.svg)', '');
  if (curves) {
    lines.push(`Discharge curves of training row ${rc.representative.row} (${DISCHARGE_COLUMN_NOTE}): end of discharge per rate.`, '');
    lines.push(table(['C-rate', 'capacity (mAh/cm²)', 'end voltage (V)', 'points'], curves.cRates.map((c, k) => [num(c), curves.capacity[k]!.at(-1)!, curves.voltage[k]!.at(-1)!, String(curves.capacity[k]!.length)])), '');
    if (plotLinks) lines.push('![discharge curves](plots/discharge-curves.svg)', '');
  }
  return lines;
}
