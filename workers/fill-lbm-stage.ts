import { LbmParamsSchema } from '../sims/filling/lbm/params.ts';
import { LBM_FIELDS, LBM_OUTPUTS } from '../sims/filling/lbm/outputs.ts';
import { phaseFromArrival } from '../sims/filling/lbm/arrival-phase.ts';
import { modelStage } from './model-stage.ts';

/** Lattice-Boltzmann (Shan–Chen) electrolyte filling of the generated volume as a chain stage; its columns are the model's (lbmModel.outputs). */
export const fillLbmStage = modelStage({
  name: 'fill-lbm',
  description: 'two-phase lattice-Boltzmann electrolyte filling (sims/filling/lbm)',
  params: LbmParamsSchema,
  outputs: LBM_OUTPUTS,
  fields: LBM_FIELDS,
  needsVolume: true,
  async run(params, volume, ctx) {
    // Loaded on first use: a sweep without this stage never pays for (or depends on) the solver.
    const { fillLbm } = await import('../sims/filling/lbm/index.ts');
    return fillLbm(volume!, params, ctx);
  },
  // Later stages (cell) see where the electrolyte got to, as after a quasi-static filling.
  handOn: (r) => ({ fillPhase: phaseFromArrival(r.arrivalTime) }),
});
