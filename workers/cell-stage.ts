import { cellModel, StructureCellSchema } from '../sims/cell/index.ts';
import { ConfigError } from '../src/errors.ts';
import type { OutputColumn } from '../src/study/stage-catalog.ts';
import type { Stage } from './stage.ts';
import { DISCHARGE_CURVES_COLUMN, encodeDischargeCurves } from '../src/study/cell-columns.ts';

/** The rates every cell stage runs, so its columns are fixed (a sweep needs the same columns per run). */
export const CELL_STAGE_RATES = [0.1, 1, 2] as const;

const CellStageSchema = StructureCellSchema.omit({ cRates: true });

const outputs: OutputColumn[] = [
  { name: 'cell_window_capacity', type: 'number', unit: 'mAh/cm²', description: 'areal capacity of the stoichiometric window to the cut-off' },
  { name: 'cell_capacity_0p1c', type: 'number', unit: 'mAh/cm²', description: 'areal discharge capacity at C/10' },
  { name: 'cell_capacity_1c', type: 'number', unit: 'mAh/cm²', description: 'areal discharge capacity at 1C' },
  { name: 'cell_capacity_2c', type: 'number', unit: 'mAh/cm²', description: 'areal discharge capacity at 2C' },
  { name: 'cell_utilisation_2c', type: 'number', unit: '1', description: '2C capacity / window capacity' },
  { name: 'cell_energy_1c', type: 'number', unit: 'mWh/cm²', description: 'areal discharge energy at 1C' },
  { name: 'cell_power_1c', type: 'number', unit: 'mW/cm²', description: 'mean areal power of the 1C discharge' },
  { name: 'cell_resistance', type: 'number', unit: 'Ω cm²', description: 'area-specific DC resistance of a 10 s 1C pulse' },
  { name: 'cell_tau_eis', type: 'number', unit: '1', description: 'impedance tortuosity τ_EIS of the wetted electrode' },
  { name: 'cell_ionic_tortuosity', type: 'number', unit: '1', description: 'ionic tortuosity of the wetted pore space through the thickness' },
  { name: 'cell_wetted_area_fraction', type: 'number', unit: '1', description: 'share of the AM–pore interface in contact with electrolyte' },
  { name: 'cell_saturation', type: 'number', unit: '1', description: 'electrolyte-filled share of the pore space used by the cell model' },
  { name: DISCHARGE_CURVES_COLUMN, type: 'string', description: 'discharge curves, JSON: voltage (V) against areal capacity (mAh/cm²) per C-rate, at most 41 points each' },
];

/**
 * Half-cell P2D discharges at C/10, 1C and 2C of the generated electrode, wetted by the filling
 * of an earlier fill-qs stage when there is one (fully wetted otherwise), as a chain stage.
 */
export const cellStage: Stage<typeof CellStageSchema> = {
  name: 'cell',
  description: 'half-cell P2D discharges (C/10, 1C, 2C) parameterised from the structure and its wetting (sims/cell)',
  params: CellStageSchema,
  needsVolume: true,
  producesVolume: false,
  usesCompute: true,
  outputs,
  fields: [],
  async run(params, state, ctx) {
    if (!state.volume) throw new ConfigError('chain', 'cell', 'a stage after generate');
    const r = await cellModel.run({ ...params, cRates: [...CELL_STAGE_RATES] }, { volume: state.volume, ...(state.fillPhase ? { phase: state.fillPhase } : {}) }, ctx);
    const perCm2 = 1 / (r.params.area * 1e4);
    const [c01, c1, c2] = r.performance.curves;
    return {
      outputs: {
        cell_window_capacity: r.performance.windowCapacity * 1000 * perCm2,
        cell_capacity_0p1c: c01!.dischargeCapacity * 1000 * perCm2,
        cell_capacity_1c: c1!.dischargeCapacity * 1000 * perCm2,
        cell_capacity_2c: c2!.dischargeCapacity * 1000 * perCm2,
        cell_utilisation_2c: c2!.dischargeCapacity / r.performance.windowCapacity,
        cell_energy_1c: c1!.energy * 1000 * perCm2,
        cell_power_1c: c1!.meanPower * 1000 * perCm2,
        cell_resistance: r.performance.areaSpecificResistance * 1e4,
        cell_tau_eis: r.structure.tauEis,
        cell_ionic_tortuosity: r.structure.ionicTortuosity,
        cell_wetted_area_fraction: r.structure.wettedAreaFraction,
        cell_saturation: r.structure.saturation,
        [DISCHARGE_CURVES_COLUMN]: encodeDischargeCurves(r.performance.curves.map((c) => ({ cRate: c.cRate, capacity: c.capacity.map((q) => q * 1000 * perCm2), voltage: c.voltage }))),
      },
    };
  },
};
