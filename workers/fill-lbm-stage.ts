import { LbmParamsSchema } from '../sims/filling/lbm/params.ts';
import { ConfigError } from '../src/errors.ts';
import { phaseFromArrival } from '../sims/filling/lbm/arrival-phase.ts';
import type { Stage } from './stage.ts';

/** Lattice-Boltzmann (Shan–Chen) electrolyte filling of the generated volume as a chain stage. */
export const fillLbmStage: Stage<typeof LbmParamsSchema> = {
  name: 'fill-lbm',
  description: 'two-phase lattice-Boltzmann electrolyte filling (sims/filling/lbm)',
  params: LbmParamsSchema,
  needsVolume: true,
  producesVolume: false,
  usesCompute: true,
  outputs: [
    { name: 'lbm_saturation', type: 'number', unit: '1', description: 'electrolyte fraction of the pore space at the end' },
    { name: 'lbm_trapped_fraction', type: 'number', unit: '1', description: 'trapped gas / pore volume' },
    { name: 'lbm_trapped_clusters', type: 'number', unit: '1', description: 'number of trapped gas clusters' },
    { name: 'lbm_t50', type: 'number', unit: 's', description: 'time to 50 % saturation (null: not reached)' },
    { name: 'lbm_t90', type: 'number', unit: 's', description: 'time to 90 % saturation (null: not reached)' },
    { name: 'lbm_t95', type: 'number', unit: 's', description: 'time to 95 % saturation (null: not reached)' },
    { name: 'lbm_steps', type: 'number', unit: '1', description: 'lattice steps run' },
    { name: 'lbm_mlups', type: 'number', unit: 'MLUPS', description: 'million lattice-node updates per second' },
    { name: 'lbm_stop_reason', type: 'string', description: 'plateau, step-limit, time-limit or aborted' },
  ],
  fields: ['lbm_arrival_time'],
  async run(params, state, ctx) {
    if (!state.volume) throw new ConfigError('chain', 'fill-lbm', 'a stage after generate');
    // Loaded on first use: a sweep without this stage never pays for (or depends on) the solver.
    const { fillLbm } = await import('../sims/filling/lbm/index.ts');
    const r = await fillLbm(state.volume, params, ctx);
    const { shape, voxelSize } = state.volume;
    return {
      outputs: {
        lbm_saturation: r.saturation,
        lbm_trapped_fraction: r.trappedFraction,
        lbm_trapped_clusters: r.trappedClusters,
        lbm_t50: r.t50,
        lbm_t90: r.t90,
        lbm_t95: r.t95,
        lbm_steps: r.steps,
        lbm_mlups: r.mlups,
        lbm_stop_reason: r.stopReason,
      },
      fields: { lbm_arrival_time: { shape, voxelSize, data: r.arrivalTime, description: 'time the electrolyte fraction passed 1/2 (s); Infinity never, NaN solid' } },
      // Later stages (cell) see where the electrolyte got to, as after a quasi-static filling.
      fillPhase: phaseFromArrival(r.arrivalTime),
    };
  },
};
