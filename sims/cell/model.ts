import type { SimContext, SimulationModel } from '../../src/simulation.ts';
import type { Volume } from '../../src/volume/volume.ts';
import { cellParamsFromStructure, StructureCellSchema, type StructureSummary } from './from-structure.ts';
import { simulateCell, type CellPerformance } from './performance.ts';
import type { CellParams } from './params.ts';
import { CELL_STAGE_RATES, cellOutputs } from './outputs.ts';

export interface CellRunInput {
  volume: Volume;
  /** Phase field of a filling (0 solid, 1 electrolyte, 2 trapped gas, 3 unreached gas). */
  phase?: Uint8Array;
}

export interface CellRunResult {
  params: CellParams;
  structure: StructureSummary;
  performance: CellPerformance;
}

/**
 * Registry entry: an electrode volume (and optionally its filling) → half-cell P2D discharges.
 * Outputs are per electrode area, the unit electrode studies compare.
 */
export const cellModel: SimulationModel<typeof StructureCellSchema, CellRunInput, CellRunResult> = {
  name: 'cell',
  description: 'half cell (lithium | separator | this electrode) P2D discharges parameterised from the structure and its wetting',
  params: StructureCellSchema,
  // At the default rates (the study stage's); cellOutputs(rates) declares them for any others.
  outputs: cellOutputs(CELL_STAGE_RATES),
  async run(params, input, context: SimContext) {
    const { params: cell, structure } = await cellParamsFromStructure(input.volume, params, context, input.phase);
    context.onProgress?.({ stage: 'cell', done: 0, total: params.cRates.length, unit: 'discharges' });
    const performance = simulateCell(cell, params.cRates, context.signal);
    context.onProgress?.({ stage: 'cell', done: params.cRates.length, total: params.cRates.length, unit: 'discharges' });
    return { params: cell, structure, performance };
  },
};
