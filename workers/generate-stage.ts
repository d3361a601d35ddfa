import { GenerateParamsSchema, generateElectrode } from '../sims/mesostructure/index.ts';
import type { Stage } from './stage.ts';

/** The electrode generator as a chain stage: process parameters → labelled volume and structure figures. */
export const generateStage: Stage<typeof GenerateParamsSchema> = {
  name: 'generate',
  description: 'electrode mesostructure generator (sims/mesostructure)',
  params: GenerateParamsSchema,
  needsVolume: false,
  producesVolume: true,
  usesCompute: true,
  outputs: [
    { name: 'porosity', type: 'number', unit: '1', description: 'pore (label 0) volume fraction after calendering' },
    { name: 'total_porosity', type: 'number', unit: '1', description: 'pore fraction plus the CBD internal porosity' },
    { name: 'am_fraction', type: 'number', unit: '1', description: 'active material volume fraction' },
    { name: 'cbd_fraction', type: 'number', unit: '1', description: 'CBD volume fraction' },
    { name: 'particles', type: 'number', unit: '1', description: 'number of AM particles' },
    { name: 'thickness_um', type: 'number', unit: 'µm', description: 'electrode thickness after calendering' },
    { name: 'calendering_realized_percent', type: 'number', unit: '%', description: 'thickness reduction realised on the voxel grid' },
    { name: 'areal_loading_mg_cm2', type: 'number', unit: 'mg/cm²', description: 'AM areal loading' },
    { name: 'mean_overlap', type: 'number', unit: '1', description: 'mean overlap depth / smaller radius of touching pairs' },
    { name: 'max_overlap', type: 'number', unit: '1', description: 'largest overlap depth / smaller radius' },
    { name: 'am_volume_retained', type: 'number', unit: '1', description: 'AM voxels after calendering / before' },
  ],
  fields: ['volume'],
  async run(params, _state, ctx) {
    const { volume, summary: s } = await generateElectrode(params, ctx);
    return {
      volume,
      outputs: {
        porosity: s.porosity,
        total_porosity: s.totalPorosity,
        am_fraction: s.fractions.am,
        cbd_fraction: s.fractions.cbd,
        particles: s.particles,
        thickness_um: s.thicknessUm,
        calendering_realized_percent: s.calenderingPercent,
        areal_loading_mg_cm2: s.arealLoadingMgCm2,
        mean_overlap: s.meanOverlap,
        max_overlap: s.maxOverlap,
        am_volume_retained: s.amVolumeRetained,
      },
      fields: { volume: { shape: volume.shape, voxelSize: volume.voxelSize, data: volume.labels, description: 'labels: 0 pore, 1 AM, 2 CBD' } },
    };
  },
};
