import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute, type Compute } from '../src/gpu/backend.ts';
import { ConfigError } from '../src/errors.ts';
import { Rng } from '../src/random/rng.ts';
import { readOutputs, type OutputSpec } from '../src/simulation.ts';
import { overlappingSpheres } from '../src/voxel/test-geometries.ts';
import { generateElectrode, mesostructureModel } from '../sims/mesostructure/index.ts';
import { fillQuasiStatic, quasiStaticModel, QuasiStaticParamsSchema } from '../sims/filling/quasistatic/index.ts';
import { LBM_FIELDS, LBM_OUTPUTS } from '../sims/filling/lbm/outputs.ts';
import { lbmModel } from '../sims/filling/lbm/fill.ts';
import { propertiesModel } from '../sims/properties/index.ts';
import { z } from 'zod';
import { modelStage } from './model-stage.ts';
import { STAGES } from './stages.ts';

let compute: Compute;
beforeAll(async () => {
  compute = await createCompute({ backend: 'cpu' });
});
afterAll(() => compute.destroy());

/** The dataset columns existing studies hold, per stage (they must not be renamed). */
const COLUMNS: Record<string, string[]> = {
  generate: ['porosity', 'total_porosity', 'am_fraction', 'cbd_fraction', 'particles', 'thickness_um', 'calendering_realized_percent', 'areal_loading_mg_cm2', 'mean_overlap', 'max_overlap', 'am_volume_retained'],
  'fill-qs': ['qs_saturation', 'qs_trapped_fraction', 'qs_unreached_fraction', 'qs_trapped_clusters', 'qs_largest_trapped_um3', 'qs_breakthrough_pc', 'qs_pc_max'],
  'fill-lbm': ['lbm_saturation', 'lbm_trapped_fraction', 'lbm_trapped_clusters', 'lbm_connected_gas', 'lbm_t50', 'lbm_t90', 'lbm_t95', 'lbm_steps', 'lbm_mlups', 'lbm_stop_reason', 'lbm_plateau_by'],
};

describe('each simulation describes its outputs once; the stages read that', () => {
  const models = { generate: mesostructureModel, properties: propertiesModel, 'fill-qs': quasiStaticModel, 'fill-lbm': lbmModel } as const;

  it('every model-backed stage has exactly its model\'s columns, units, types and fields', () => {
    for (const [stageName, model] of Object.entries(models)) {
      const stage = STAGES.get(stageName)!;
      const declared = (model.outputs as readonly OutputSpec<never>[]).map((o) => ({ name: o.name, type: o.type ?? 'number', unit: o.unit, description: o.description }));
      expect(stage.outputs.map((c) => ({ name: c.name, type: c.type, unit: c.unit, description: c.description }))).toEqual(declared);
      expect(stage.fields).toEqual((model.fields ?? []).map((f) => f.name));
    }
    expect(lbmModel.outputs).toBe(LBM_OUTPUTS);
    expect(lbmModel.fields).toBe(LBM_FIELDS);
  });

  it('the dataset column names existing studies use are unchanged (thickness_um, not the summary\'s thicknessUm)', () => {
    for (const [stage, names] of Object.entries(COLUMNS)) expect(STAGES.get(stage)!.outputs.map((c) => c.name)).toEqual(names);
    const props = STAGES.get('properties')!.outputs.map((c) => c.name);
    expect(props).toHaveLength(3 + 9 + 15 + 3 + 3 + 4 + 3);
    expect(props).toEqual(expect.arrayContaining(['tortuosity_pore_z', 'tortuosity_electrolyte_z', 'connected_pore_z', 'ionic_eff_z', 'pore_d50_um', 'particle_d50_um', 'properties_converged']));
  });

  it('the generate stage stores what the generator reports, under the declared names and units', async () => {
    const params = { shape: [24, 24, 24] as [number, number, number], voxelSizeUm: 1, d50Um: 5, porosity: 0.45, seed: 3 };
    const stage = STAGES.get('generate')!;
    const r = await stage.run(stage.params.parse(params), {}, { rng: new Rng(0), compute });
    const direct = await generateElectrode(params, { rng: new Rng(0), compute });
    expect(r.outputs.thickness_um).toBe(direct.summary.thicknessUm);
    expect(r.outputs.am_fraction).toBe(direct.summary.fractions.am);
    expect(r.outputs.am_volume_retained).toBe(direct.summary.amVolumeRetained);
    expect(Object.keys(r.outputs)).toEqual(COLUMNS.generate);
    expect(r.volume?.shape).toEqual(direct.volume.shape);
    expect(Array.from(r.fields!.volume!.data)).toEqual(Array.from(direct.volume.labels));
    expect(r.fields!.volume!.description).toBe('labels: 0 pore, 1 AM, 2 CBD');
  });

  it('the fill-qs stage gives the model\'s values (µm³ for the largest trapped cluster), its fields and its phase to later stages', async () => {
    const volume = overlappingSpheres([16, 16, 16], new Rng(5), { voxelSize: 1e-6, solidFraction: 0.55, rMin: 2, rMax: 3, cbdShell: 1 });
    const stage = STAGES.get('fill-qs')!;
    const params = stage.params.parse({ contactAngle: { am: 30, cbd: 50 } });
    const r = await stage.run(params, { volume }, { rng: new Rng(0), compute });
    const direct = await fillQuasiStatic(volume, QuasiStaticParamsSchema.parse({ contactAngle: { am: 30, cbd: 50 } }), { rng: new Rng(0), compute });
    expect(r.outputs).toEqual(readOutputs(quasiStaticModel.outputs, direct));
    expect(r.outputs.qs_saturation).toBe(direct.saturation);
    expect(r.outputs.qs_largest_trapped_um3).toBeCloseTo((direct.trappedClusters.sizesVoxels[0] ?? 0) * 1, 9); // 1 µm voxels: µm³ = voxels
    expect(Array.from(r.fillPhase!)).toEqual(Array.from(direct.phase));
    expect(r.fields!.qs_phase!.shape).toEqual([16, 16, 16]);
    expect(r.fields!.qs_phase!.voxelSize).toBe(1e-6);
    await expect(stage.run(params, {}, { rng: new Rng(0), compute })).rejects.toThrow(ConfigError);
  });
});

describe('modelStage and readOutputs', () => {
  type R = { a: number; b: number | null; c?: number };
  const outputs: OutputSpec<R>[] = [
    { name: 'a_um', unit: 'µm', description: 'a', value: (r) => r.a * 1e6 },
    { name: 'b', unit: 's', description: 'b', value: (r) => r.b },
    { name: 'c', unit: '1', description: 'c, not always computed', value: (r) => r.c },
  ];

  it('null is stored as null; an output its run did not compute (undefined) is left out of the row', () => {
    expect(readOutputs(outputs, { a: 2e-6, b: null })).toEqual({ a_um: 2, b: null });
    expect(readOutputs(outputs, { a: 0, b: 1, c: 3 })).toEqual({ a_um: 0, b: 1, c: 3 });
  });

  it('refuses an output without a reader when the stage is built', () => {
    expect(() => modelStage({ name: 'x', description: 'x', params: z.object({}), outputs: [...outputs, { name: 'd', description: 'no reader' }], needsVolume: false, run: async () => ({ a: 1, b: 1 }) })).toThrow('stage x: outputs without a reader: d');
  });
});
