import { QuasiStaticParamsSchema, fillQuasiStatic, quasiStaticModel } from '../sims/filling/quasistatic/index.ts';
import { modelStage } from './model-stage.ts';

/** Quasi-static (pore-morphology) electrolyte filling of the generated volume as a chain stage; its columns are the model's. */
export const fillQsStage = modelStage({
  name: 'fill-qs',
  description: 'quasi-static electrolyte filling by pore morphology (sims/filling/quasistatic)',
  params: QuasiStaticParamsSchema,
  outputs: quasiStaticModel.outputs,
  fields: quasiStaticModel.fields,
  needsVolume: true,
  run: (params, volume, ctx) => fillQuasiStatic(volume!, params, ctx),
  handOn: (r) => ({ fillPhase: r.phase }),
});
