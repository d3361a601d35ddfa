import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute } from '../../src/gpu/backend.ts';
import type { Compute } from '../../src/gpu/backend.ts';
import { ConfigError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';
import { LABEL } from '../../src/volume/volume.ts';
import { computeProperties, PropertiesParamsSchema } from '../properties/index.ts';
import { gaussianRandomField } from './cbd-web.ts';
import { generateElectrode, resolveParams } from './index.ts';
import type { GenerateParams } from './index.ts';

let compute: Compute;
beforeAll(async () => {
  compute = await createCompute({ backend: 'cpu' });
});
afterAll(() => compute.destroy());

const base: GenerateParams = { shape: [48, 48, 48], d50Um: 8.5, voxelSizeUm: 0.5, porosity: 0.45, cbdFraction: 0.15 };
const gen = (p: GenerateParams) => generateElectrode({ ...base, ...p }, { rng: new Rng(0), compute });
const count = (labels: Uint8Array, l: number): number => labels.reduce((s, v) => s + (v === l ? 1 : 0), 0);

describe('gaussianRandomField', () => {
  it('has zero mean, unit variance and covariance exp(−r²/L²) along each axis', () => {
    const L = 4;
    const shape = [64, 64, 64] as const;
    const g = gaussianRandomField([...shape], L, new Rng(7));
    let m = 0;
    let v = 0;
    for (const x of g) m += x;
    m /= g.length;
    for (const x of g) v += (x - m) ** 2;
    v /= g.length;
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(v - 1)).toBeLessThan(0.1);
    // Correlation at lag r along x, y, z: exp(−r²/L²) = 0.78 (r=2), 0.37 (r=4), 0.02 (r=8).
    for (const [r, want] of [
      [2, Math.exp(-0.25)],
      [4, Math.exp(-1)],
      [8, Math.exp(-4)],
    ] as const) {
      for (const stride of [1, 64, 64 * 64]) {
        let s = 0;
        let n = 0;
        for (let i = 0; i + r * stride < g.length; i += 3) {
          if (stride === 1 && (i % 64) + r >= 64) continue;
          if (stride === 64 && (Math.floor(i / 64) % 64) + r >= 64) continue;
          s += (g[i]! - m) * (g[i + r * stride]! - m);
          n++;
        }
        expect(Math.abs(s / n / v - want), `lag ${r} stride ${stride}`).toBeLessThan(0.08);
      }
    }
  });
});

describe('web CBD model', () => {
  it('places the CBD fraction to the voxel and gives the same bytes for the same seed', async () => {
    const a = await gen({ cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 3, seed: 11 });
    const b = await gen({ cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 3, seed: 11 });
    const c = await gen({ cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 3, seed: 12 });
    expect(count(a.volume.labels, LABEL.cbd)).toBe(Math.round(0.15 * 48 ** 3));
    expect(Buffer.from(a.volume.labels).equals(Buffer.from(b.volume.labels))).toBe(true);
    expect(Buffer.from(a.volume.labels).equals(Buffer.from(c.volume.labels))).toBe(false);
  });

  it('with reach 0 is exactly the bridge model', async () => {
    const web = await gen({ cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 0, seed: 5 });
    const bridge = await gen({ cbdMorphology: 'bridge', seed: 5 });
    expect(Buffer.from(web.volume.labels).equals(Buffer.from(bridge.volume.labels))).toBe(true);
  });

  it('finer domains split the pores: cbd–pore area rises and pore d50 falls as the domain size falls', async () => {
    // Measured at 48³, 0.5 µm voxels, reach 2 µm (seed 3): domain 4 µm → cbd–pore 95 /mm, pore d50 5.0 µm;
    // domain 1 µm → 208 /mm and 2.8 µm.
    const props = { phases: ['pore' as const], axes: ['z' as const], tol: 1e-3 };
    for (const seed of [3, 4]) {
      const out = [];
      for (const cbdDomainUm of [4, 1]) {
        const r = await gen({ cbdMorphology: 'web', cbdDomainUm, cbdReachUm: 2, seed });
        out.push(await computeProperties(r.volume, PropertiesParamsSchema.parse(props), { rng: new Rng(0), compute, threads: 1 }));
      }
      const [coarse, fine] = out as [(typeof out)[0], (typeof out)[0]];
      expect(fine.surfaceArea.cbd_pore, `seed ${seed}`).toBeGreaterThan(1.5 * coarse.surfaceArea.cbd_pore);
      expect(fine.poreSize!.d50, `seed ${seed}`).toBeLessThan(0.75 * coarse.poreSize!.d50);
    }
  });

  it('refuses web parameters for another morphology and a domain under half a voxel', () => {
    expect(() => resolveParams({ ...base, cbdDomainUm: 1 })).toThrow(ConfigError);
    expect(() => resolveParams({ ...base, cbdMorphology: 'film', cbdReachUm: 1 })).toThrow(/cbdReachUm.*web/);
    expect(() => resolveParams({ ...base, cbdMorphology: 'web', cbdDomainUm: 0.2 })).toThrow(/cbdDomainUm/);
    expect(resolveParams({ ...base, cbdMorphology: 'web', cbdDomainUm: 1.5, cbdReachUm: 3 }).cbdWeb).toEqual({ domain: 3, reach: 6, neckWeight: 1 });
    expect(() => resolveParams({ ...base, cbdMorphology: 'bridge', cbdNeckWeight: 0.5 })).toThrow(/cbdNeckWeight/);
  });
});
