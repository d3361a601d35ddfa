import type { SimulationModel, SimContext } from '../../src/simulation.ts';
import { GenerateParamsSchema } from './params.ts';
import { generateElectrode } from './generate.ts';
import type { GenerateResult } from './generate.ts';
import { MESOSTRUCTURE_FIELDS, MESOSTRUCTURE_OUTPUTS } from './outputs.ts';

/** Registry entry: process parameters in, labelled electrode and its summary out (no input volume). */
export const mesostructureModel: SimulationModel<typeof GenerateParamsSchema, undefined, GenerateResult> = {
  name: 'mesostructure',
  description:
    'Electrode mesostructure generator: dense random packing of lognormal spheres (AM), calendering by affine compression and volume-preserving flattening, CBD as bridges at necks or as a film, voxelized by a gpu.js kernel',
  params: GenerateParamsSchema,
  outputs: MESOSTRUCTURE_OUTPUTS,
  fields: MESOSTRUCTURE_FIELDS,
  run: (params, _input: undefined, context: SimContext) => generateElectrode(params, context),
};
