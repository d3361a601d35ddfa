import type { OutputSpec } from '../../src/simulation.ts';
import { capacityColumnName, DISCHARGE_CURVES_COLUMN, encodeDischargeCurves } from '../../src/study/cell-columns.ts';
import type { CellRunResult } from './model.ts';

// Declared apart from model.ts so a sweep can list the cell columns without loading the solver.

/** The rates a study's cell stage runs (fixed, so every run has the same columns) and the CLI's default. */
export const CELL_STAGE_RATES = [0.1, 1, 2] as const;

/** 1 / electrode area in cm² (outputs are areal, the unit electrode studies compare). */
const perCm2 = (r: CellRunResult): number => 1 / (r.params.area * 1e4);

/** The curve of a rate, or undefined when the run did not discharge at it. */
const curveAt = (r: CellRunResult, cRate: number) => r.performance.curves.find((c) => c.cRate === cRate);

/**
 * The scalar outputs of a cell run at the given rates, declared once: the cell stage's dataset
 * columns, units and readers (areal capacities at each rate, utilisation at the highest, energy and
 * power at 1C when run, resistance, the structure's wetted transport, the discharge curves).
 *
 * @param rates the C-rates the run discharges at (each gets a capacity column)
 * @returns the output specs, in column order
 * @example cellOutputs([0.1, 1, 2]).map((o) => o.name); // ['cell_window_capacity', 'cell_capacity_0p1c', …]
 */
export function cellOutputs(rates: readonly number[]): OutputSpec<CellRunResult>[] {
  const highest = Math.max(...rates);
  const tag = (c: number): string => capacityColumnName(c).replace('cell_capacity_', '');
  const specs: OutputSpec<CellRunResult>[] = [
    { name: 'cell_window_capacity', unit: 'mAh/cm²', description: 'areal capacity of the stoichiometric window to the cut-off', value: (r) => r.performance.windowCapacity * 1000 * perCm2(r) },
    ...rates.map(
      (c): OutputSpec<CellRunResult> => ({ name: capacityColumnName(c), unit: 'mAh/cm²', description: `areal discharge capacity at ${c === 0.1 ? 'C/10' : `${c}C`}`, value: (r) => (curveAt(r, c)?.dischargeCapacity ?? Number.NaN) * 1000 * perCm2(r) }),
    ),
    { name: `cell_utilisation_${tag(highest)}`, unit: '1', description: `${highest}C capacity / window capacity`, value: (r) => (curveAt(r, highest)?.dischargeCapacity ?? Number.NaN) / r.performance.windowCapacity },
  ];
  if (rates.includes(1)) {
    specs.push(
      { name: 'cell_energy_1c', unit: 'mWh/cm²', description: 'areal discharge energy at 1C', value: (r) => curveAt(r, 1)!.energy * 1000 * perCm2(r) },
      { name: 'cell_power_1c', unit: 'mW/cm²', description: 'mean areal power of the 1C discharge', value: (r) => curveAt(r, 1)!.meanPower * 1000 * perCm2(r) },
    );
  }
  specs.push(
    { name: 'cell_resistance', unit: 'Ω cm²', description: 'area-specific DC resistance of a 10 s 1C pulse', value: (r) => r.performance.areaSpecificResistance * 1e4 },
    { name: 'cell_tau_eis', unit: '1', description: 'impedance tortuosity τ_EIS of the wetted electrode', value: (r) => r.structure.tauEis },
    { name: 'cell_ionic_tortuosity', unit: '1', description: 'ionic tortuosity of the wetted pore space through the thickness', value: (r) => r.structure.ionicTortuosity },
    { name: 'cell_wetted_area_fraction', unit: '1', description: 'share of the AM–pore interface in contact with electrolyte', value: (r) => r.structure.wettedAreaFraction },
    { name: 'cell_saturation', unit: '1', description: 'electrolyte-filled share of the pore space used by the cell model', value: (r) => r.structure.saturation },
    {
      name: DISCHARGE_CURVES_COLUMN,
      type: 'string',
      description: 'discharge curves, JSON: voltage (V) against areal capacity (mAh/cm²) per C-rate, at most 41 points each',
      value: (r) => encodeDischargeCurves(r.performance.curves.map((c) => ({ cRate: c.cRate, capacity: c.capacity.map((q) => q * 1000 * perCm2(r)), voltage: c.voltage }))),
    },
  );
  return specs;
}
