import type { SimulationModel, SimContext } from '../../src/simulation.ts';
import { GenerateParamsSchema } from './params.ts';
import { generateElectrode } from './generate.ts';
import type { GenerateResult } from './generate.ts';

/** Registry entry: process parameters in, labelled electrode and its summary out (no input volume). */
export const mesostructureModel: SimulationModel<typeof GenerateParamsSchema, undefined, GenerateResult> = {
  name: 'mesostructure',
  description:
    'Electrode mesostructure generator: dense random packing of lognormal spheres (AM), calendering by affine compression and volume-preserving flattening, CBD as bridges at necks or as a film, voxelized by a gpu.js kernel',
  params: GenerateParamsSchema,
  outputs: [
    { name: 'fractions.am', unit: '1', description: 'AM volume fraction of the final volume' },
    { name: 'fractions.cbd', unit: '1', description: 'CBD volume fraction of the final volume' },
    { name: 'fractions.pore', unit: '1', description: 'pore volume fraction of the final volume' },
    { name: 'porosity', unit: '1', description: 'pore (label 0) fraction' },
    { name: 'totalPorosity', unit: '1', description: 'pore fraction plus CBD internal porosity' },
    { name: 'particles', unit: '1', description: 'number of AM particles' },
    { name: 'thicknessUm', unit: 'µm', description: 'electrode thickness after calendering' },
    { name: 'arealLoadingMgCm2', unit: 'mg/cm²', description: 'areal AM loading' },
    { name: 'meanOverlap', unit: '1', description: 'mean overlap depth / smaller radius of touching pairs' },
    { name: 'maxOverlap', unit: '1', description: 'largest overlap depth / smaller radius' },
  ],
  run: (params, _input: undefined, context: SimContext) => generateElectrode(params, context),
};
