/**
 * How a study's `cell` stage names its capacity columns: `cell_capacity_<rate>c`, with `p` for the
 * decimal point (`cell_capacity_0p1c` is C/10). The viewer and the report card read C-rates back
 * from these names, so the convention lives here, once.
 */
const CAPACITY_COLUMN = /^cell_capacity_(\d+)(?:p(\d+))?c$/;

/**
 * The C-rate a column holds the capacity at, or null for any other column.
 *
 * @example
 *   capacityColumnRate('cell_capacity_0p1c'); // 0.1
 *   capacityColumnRate('cell_resistance'); // null
 */
export function capacityColumnRate(name: string): number | null {
  const m = CAPACITY_COLUMN.exec(name);
  return m ? Number(`${m[1]}.${m[2] ?? '0'}`) : null;
}

/** The cell stage's text column holding each run's discharge curves (JSON, StudyDischargeCurves). */
export const DISCHARGE_CURVES_COLUMN = 'cell_discharge_curves';

/** Most points kept per curve: enough to draw the knee at 2C, about 2 kB per run for three rates. */
export const CURVE_POINTS = 41;

/** A run's discharge curves as its study row keeps them: voltage against areal capacity per C-rate. */
export interface StudyDischargeCurves {
  cRates: number[];
  /** Areal discharged capacity at each point (mAh/cm²), one array per rate. */
  capacity: number[][];
  /** Cell voltage at each point (V), one array per rate. */
  voltage: number[][];
}

/**
 * Encodes discharge curves for the study row, each resampled to at most CURVE_POINTS points evenly
 * spaced in capacity (linear interpolation) and rounded to 5 significant digits.
 *
 * @param curves per rate: its C-rate, capacity (mAh/cm², rising) and voltage (V) at each solver point
 * @returns the JSON text of a StudyDischargeCurves
 * @example encodeDischargeCurves([{ cRate: 1, capacity: [0, 1.5, 3], voltage: [4.2, 3.8, 3.0] }]);
 */
export function encodeDischargeCurves(curves: readonly { cRate: number; capacity: readonly number[]; voltage: readonly number[] }[]): string {
  const round = (v: number): number => Number(v.toPrecision(5));
  const out: StudyDischargeCurves = { cRates: [], capacity: [], voltage: [] };
  for (const c of curves) {
    const n = c.capacity.length;
    const end = c.capacity[n - 1] ?? 0;
    const q: number[] = [];
    const v: number[] = [];
    if (n <= CURVE_POINTS || !(end > 0)) {
      q.push(...c.capacity.map(round));
      v.push(...c.voltage.map(round));
    } else {
      let j = 0;
      for (let k = 0; k < CURVE_POINTS; k++) {
        const target = (end * k) / (CURVE_POINTS - 1);
        while (j < n - 2 && c.capacity[j + 1]! < target) j++;
        const q0 = c.capacity[j]!;
        const q1 = c.capacity[j + 1]!;
        const w = q1 > q0 ? Math.min(1, Math.max(0, (target - q0) / (q1 - q0))) : 0;
        q.push(round(target));
        v.push(round(c.voltage[j]! + w * (c.voltage[j + 1]! - c.voltage[j]!)));
      }
    }
    out.cRates.push(c.cRate);
    out.capacity.push(q);
    out.voltage.push(v);
  }
  return JSON.stringify(out);
}

/**
 * Reads a row's discharge curves back; null when the cell is empty or not such a record (a study
 * from before the column existed, or a failed run).
 *
 * @param cell the row's value of DISCHARGE_CURVES_COLUMN
 * @returns the curves, or null
 * @example parseDischargeCurves(row.cell_discharge_curves)?.voltage[0];
 */
export function parseDischargeCurves(cell: unknown): StudyDischargeCurves | null {
  if (typeof cell !== 'string' || cell === '') return null;
  let o: unknown;
  try {
    o = JSON.parse(cell);
  } catch {
    return null;
  }
  const numbers = (a: unknown): a is number[] => Array.isArray(a) && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (o === null || typeof o !== 'object') return null;
  const r = o as Record<string, unknown>;
  if (!numbers(r.cRates) || !Array.isArray(r.capacity) || !Array.isArray(r.voltage)) return null;
  const k = r.cRates.length;
  if (r.capacity.length !== k || r.voltage.length !== k) return null;
  for (let i = 0; i < k; i++) {
    const q = r.capacity[i];
    const v = r.voltage[i];
    if (!numbers(q) || !numbers(v) || q.length !== v.length || q.length === 0) return null;
  }
  return { cRates: r.cRates, capacity: r.capacity as number[][], voltage: r.voltage as number[][] };
}

/**
 * The capacity column of a C-rate, the inverse of capacityColumnRate.
 *
 * @param cRate the rate (C)
 * @returns e.g. `cell_capacity_0p1c` for 0.1, `cell_capacity_2c` for 2
 * @example capacityColumnName(0.1); // 'cell_capacity_0p1c'
 */
export function capacityColumnName(cRate: number): string {
  return `cell_capacity_${String(cRate).replace('.', 'p')}c`;
}
