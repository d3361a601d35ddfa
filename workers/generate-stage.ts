import { GenerateParamsSchema, generateElectrode, mesostructureModel } from '../sims/mesostructure/index.ts';
import { modelStage } from './model-stage.ts';

/** The electrode generator as a chain stage: process parameters → labelled volume and structure figures (the model's columns). */
export const generateStage = modelStage({
  name: 'generate',
  description: 'electrode mesostructure generator (sims/mesostructure)',
  params: GenerateParamsSchema,
  outputs: mesostructureModel.outputs,
  fields: mesostructureModel.fields,
  needsVolume: false,
  producesVolume: true,
  run: (params, _volume, ctx) => generateElectrode(params, ctx),
  handOn: (r) => ({ volume: r.volume }),
});
