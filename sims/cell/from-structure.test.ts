import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute, type Compute } from '../../src/gpu/backend.ts';
import { Rng } from '../../src/random/rng.ts';
import { ImpossibleRequestError } from '../../src/errors.ts';
import { parseWith } from '../../src/config/validate.ts';
import type { SimContext } from '../../src/simulation.ts';
import { overlappingSpheres } from '../../src/voxel/test-geometries.ts';
import { cellModel } from './model.ts';
import { StructureCellSchema } from './from-structure.ts';
import type { Volume } from '../../src/volume/volume.ts';

let compute: Compute;
let ctx: SimContext;
beforeAll(async () => {
  compute = await createCompute({ backend: 'cpu' });
  ctx = { rng: new Rng(1), compute };
});
afterAll(() => compute.destroy());

// 24×24×40 voxels of 2 µm: an 80 µm electrode of overlapping spheres, 40 % pore.
const electrode = (): Volume => overlappingSpheres([24, 24, 40], 7, { porosity: 0.4, voxelSize: 2e-6 });
const params = parseWith(StructureCellSchema, { cRates: [0.1, 1], mesh: { negative: 3, separator: 4, positive: 10, particle: 8 } });

describe('cell from a structure (sims/cell/from-structure)', () => {
  it('a fully wetted electrode: ε, area and τ from the volume; low-rate capacity near the window', async () => {
    const v = electrode();
    const r = await cellModel.run(params, { volume: v }, ctx);
    let pore = 0;
    for (const l of v.labels) if (l === 0) pore++;
    expect(r.structure.electrolyteFraction).toBeCloseTo(pore / v.labels.length, 12);
    expect(r.structure.saturation).toBe(1);
    expect(r.structure.wettedAreaFraction).toBe(1);
    expect(r.structure.thickness).toBeCloseTo(80e-6, 12);
    expect(r.structure.ionicTortuosity).toBeGreaterThan(1);
    expect(r.params.positive.activeFraction).toBeCloseTo(1 - pore / v.labels.length, 12);
    expect(r.params.positive.profiles?.tortuosity?.length).toBe(40);
    const [slow, fast] = r.performance.curves;
    expect(slow!.dischargeCapacity / r.performance.windowCapacity).toBeGreaterThan(0.9);
    expect(fast!.dischargeCapacity).toBeLessThan(slow!.dischargeCapacity);
    expect(r.performance.dcResistance).toBeGreaterThan(0);
    expect(r.performance.ragone).toHaveLength(2);
    expect(r.performance.ragone[1]!.power).toBeGreaterThan(r.performance.ragone[0]!.power);
  });

  it('trapped gas removes active area and ionic paths: lower wetted area, less capacity at 1C', async () => {
    const v = electrode();
    const dry = await cellModel.run(params, { volume: v }, ctx);
    // Gas trapped in the half of the electrode next to the current collector, x < 12.
    const phase = new Uint8Array(v.labels.length);
    const [nx, ny, nz] = v.shape;
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const i = x + nx * (y + ny * z);
          if (v.labels[i] !== 0) continue;
          phase[i] = z >= nz / 2 && x < nx / 2 ? 2 : 1;
        }
    const wet = await cellModel.run(params, { volume: v, phase }, ctx);
    expect(wet.structure.saturation).toBeLessThan(0.85);
    expect(wet.structure.wettedAreaFraction).toBeLessThan(0.85);
    expect(wet.structure.activeArea).toBeLessThan(dry.structure.activeArea);
    expect(wet.structure.ionicTortuosity).toBeGreaterThan(dry.structure.ionicTortuosity);
    expect(wet.performance.curves[1]!.dischargeCapacity).toBeLessThan(dry.performance.curves[1]!.dischargeCapacity);
  });

  it('refuses a pore space blocked by a dense layer, a cut solid network and a dry electrode', async () => {
    const v = electrode();
    const [nx, ny] = v.shape;
    for (let i = 0; i < nx * ny; i++) v.labels[20 * nx * ny + i] = 1;
    await expect(cellModel.run(params, { volume: v }, ctx)).rejects.toThrow(ImpossibleRequestError);
    await expect(cellModel.run(params, { volume: v }, ctx)).rejects.toThrow(/electrolyte percolating/);
    // A pore gap across the whole section cuts the solid network: no electronic path.
    const cut = electrode();
    for (let i = 0; i < nx * ny; i++) cut.labels[20 * nx * ny + i] = 0;
    await expect(cellModel.run(params, { volume: cut }, ctx)).rejects.toThrow(/solid network percolating/);
    const w = electrode();
    const gas = new Uint8Array(w.labels.length).fill(2);
    await expect(cellModel.run(params, { volume: w, phase: gas }, ctx)).rejects.toThrow(/dry/);
  });
});
