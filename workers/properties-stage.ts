import { PropertiesParamsSchema, computeProperties, propertiesModel } from '../sims/properties/index.ts';
import { modelStage } from './model-stage.ts';

/** Transport properties of the generated volume (sims/properties) as a chain stage, flattened to the model's columns. */
export const propertiesStage = modelStage({
  name: 'properties',
  description: 'volume fractions, interface areas, connectivity, tortuosity and pore sizes (sims/properties)',
  params: PropertiesParamsSchema,
  outputs: propertiesModel.outputs,
  needsVolume: true,
  run: (params, volume, ctx) => computeProperties(volume!, params, ctx),
});
