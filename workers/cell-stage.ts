import { cellModel, StructureCellSchema } from '../sims/cell/index.ts';
import { ConfigError } from '../src/errors.ts';
import type { OutputColumn } from '../src/study/stage-catalog.ts';
import type { Stage } from './stage.ts';
import { readOutputs } from '../src/simulation.ts';
import { CELL_STAGE_RATES, cellOutputs } from '../sims/cell/outputs.ts';

export { CELL_STAGE_RATES };

const CellStageSchema = StructureCellSchema.omit({ cRates: true });

// The columns come from the model's declaration at the stage's fixed rates (sims/cell/outputs.ts).
const specs = cellOutputs(CELL_STAGE_RATES);
const outputs: OutputColumn[] = specs.map((s) => ({ name: s.name, type: s.type ?? 'number', ...(s.unit !== undefined ? { unit: s.unit } : {}), description: s.description }));

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
    return { outputs: readOutputs(specs, r) };
  },
};
