import { QuasiStaticParamsSchema, fillQuasiStatic } from '../sims/filling/quasistatic/index.ts';
import { ConfigError } from '../src/errors.ts';
import type { Stage } from './stage.ts';

/** Quasi-static (pore-morphology) electrolyte filling of the generated volume as a chain stage. */
export const fillQsStage: Stage<typeof QuasiStaticParamsSchema> = {
  name: 'fill-qs',
  description: 'quasi-static electrolyte filling by pore morphology (sims/filling/quasistatic)',
  params: QuasiStaticParamsSchema,
  needsVolume: true,
  producesVolume: false,
  usesCompute: true,
  outputs: [
    { name: 'qs_saturation', type: 'number', unit: '1', description: 'electrolyte-filled fraction of the pore space at the end' },
    { name: 'qs_trapped_fraction', type: 'number', unit: '1', description: 'trapped gas / pore volume' },
    { name: 'qs_unreached_fraction', type: 'number', unit: '1', description: 'gas neither displaced nor trapped / pore volume' },
    { name: 'qs_trapped_clusters', type: 'number', unit: '1', description: 'number of trapped gas clusters' },
    { name: 'qs_largest_trapped_um3', type: 'number', unit: 'µm³', description: 'volume of the largest trapped gas cluster' },
    { name: 'qs_breakthrough_pc', type: 'number', unit: 'Pa', description: 'capillary pressure at which electrolyte first reaches the far face (null: never)' },
    { name: 'qs_pc_max', type: 'number', unit: 'Pa', description: 'highest capillary pressure of the Pc–saturation curve' },
  ],
  fields: ['qs_fill_pressure', 'qs_phase'],
  async run(params, state, ctx) {
    if (!state.volume) throw new ConfigError('chain', 'fill-qs', 'a stage after generate');
    const r = await fillQuasiStatic(state.volume, params, ctx);
    const { shape, voxelSize } = state.volume;
    const largest = r.trappedClusters.volumesM3[0] ?? 0;
    return {
      outputs: {
        qs_saturation: r.saturation,
        qs_trapped_fraction: r.trappedFraction,
        qs_unreached_fraction: r.unreachedFraction,
        qs_trapped_clusters: r.trappedClusters.count,
        qs_largest_trapped_um3: largest * 1e18,
        qs_breakthrough_pc: r.breakthroughPc,
        qs_pc_max: r.pcCurve.reduce((m, p) => Math.max(m, p.pc), 0),
      },
      fillPhase: r.phase,
      fields: {
        qs_fill_pressure: { shape, voxelSize, data: r.fillPressure, description: 'capillary pressure at which each voxel filled (Pa); NaN solid, Infinity never' },
        qs_phase: { shape, voxelSize, data: r.phase, description: 'final phase: 0 solid, 1 electrolyte, 2 trapped gas, 3 unreached gas' },
      },
    };
  },
};
