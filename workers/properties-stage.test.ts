import { describe, expect, it } from 'vitest';
import { createVolume, LABEL } from '../src/volume/volume.ts';
import { createCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import { propertiesStage } from './properties-stage.ts';
import { computeProperties } from '../sims/properties/properties.ts';

describe('properties stage columns', () => {
  it('keeps the µm its size columns are named and described in, though the result is in metres', async () => {
    // Slabs 4 voxels (2 µm) thick normal to x, pore and AM alternating, 0.5 µm voxels: interior
    // slabs have a local thickness of 2 µm, the ones at the open box faces more.
    const v = createVolume([16, 8, 8], 0.5e-6);
    for (let i = 0; i < v.labels.length; i++) v.labels[i] = (i % 16) % 8 < 4 ? LABEL.pore : LABEL.am;
    const params = propertiesStage.params.parse({ axes: ['z'], phases: ['pore'] });
    const r = await propertiesStage.run(params, { volume: v }, { rng: new Rng(0), compute: await createCompute({ backend: 'cpu' }) });
    expect(propertiesStage.outputs.find((c) => c.name === 'pore_d50_um')!.unit).toBe('µm');
    const direct = await computeProperties(v, params, { rng: new Rng(0), compute: await createCompute({ backend: 'cpu' }) });
    expect(direct.poreSize!.d50).toBeLessThan(1e-5); // metres there
    expect(r.outputs.pore_d50_um).toBe(direct.poreSize!.d50 * 1e6);
    expect(r.outputs.particle_d50_um).toBe(direct.particleSize!.d50 * 1e6);
    expect(r.outputs.particle_d50_um as number).toBeGreaterThanOrEqual(2);
    expect(r.outputs.particle_d50_um as number).toBeLessThanOrEqual(4);
  });
});
