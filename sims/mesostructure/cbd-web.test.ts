import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute } from '../../src/gpu/backend.ts';
import type { Compute } from '../../src/gpu/backend.ts';
import { ConfigError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';
import { LABEL } from '../../src/volume/volume.ts';
import { computeProperties, PropertiesParamsSchema } from '../properties/index.ts';
import { fibreField, gaussianRandomField, placeCbdWeb } from './cbd-web.ts';
import { componentSizes } from '../../src/voxel/components.ts';
import { cbdScores } from './cbd.ts';
import type { Spheroids } from './voxelize.ts';
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

function meanVariance(a: Float32Array): { m: number; v: number } {
  let m = 0;
  for (const x of a) m += x;
  m /= a.length;
  let v = 0;
  for (const x of a) v += (x - m) ** 2;
  return { m, v: v / a.length };
}

describe('gaussianRandomField', () => {
  it('has zero mean, unit variance and covariance exp(−r²/L²) along each axis', () => {
    const L = 4;
    const shape = [64, 64, 64] as const;
    const g = gaussianRandomField([...shape], L, new Rng(7));
    const { m, v } = meanVariance(g);
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

describe('fibreField', () => {
  it('keeps zero mean and unit variance, and peaks where both fields cross zero', () => {
    const shape = [48, 48, 48] as const;
    const rng = new Rng(3);
    const g1 = gaussianRandomField([...shape], 3, rng);
    const g2 = gaussianRandomField([...shape], 3, rng);
    const a = Float32Array.from(g1);
    const b = Float32Array.from(g2);
    const f = fibreField(g1, g2, 1);
    const { m, v } = meanVariance(f);
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(v - 1)).toBeLessThan(0.1);
    // s = 1: H = (2 − a² − b²)/2 exactly, at most 1 (on the lines a = b = 0).
    for (let i = 0; i < f.length; i += 97) expect(f[i]).toBeCloseTo((2 - a[i]! ** 2 - b[i]! ** 2) / 2, 5);
    expect(f.reduce((hi, x) => Math.max(hi, x), -Infinity)).toBeLessThanOrEqual(1);
    // s = 0 leaves the first field as it was.
    const c = Float32Array.from(a);
    expect(Buffer.from(fibreField(c, b, 0).buffer).equals(Buffer.from(a.buffer))).toBe(true);
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

  it('fibres lay the binder as a connected lace across the pores: more CBD–pore and AM–CBD area, one larger cluster', async () => {
    // Measured (48³, 0.39 µm voxels, d50 5 µm, domain 1.2 µm, reach 1.4 µm, neck weight 0; seeds 1–3):
    // fibres 1 against 0 give cbd–pore 303–311 against 253–258 /mm, am–cbd 200–209 against
    // 153–161 /mm, and 88–89 % of the CBD in its largest cluster against 78–86 %.
    const fibreBase: GenerateParams = { shape: [48, 48, 48], voxelSizeUm: 0.39, d50Um: 5, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1.2, cbdReachUm: 1.4, cbdNeckWeight: 0 };
    const props = PropertiesParamsSchema.parse({ phases: ['pore'], axes: ['z'], tol: 1e-3 });
    const largestShare = (labels: Uint8Array): number => {
      const mask = labels.map((l) => (l === LABEL.cbd ? 1 : 0));
      return Math.max(...componentSizes(mask, [48, 48, 48])) / count(labels, LABEL.cbd);
    };
    for (const seed of [1, 2, 3]) {
      const [domains, fibres] = await Promise.all([0, 1].map((cbdFibres) => generateElectrode({ ...fibreBase, cbdFibres, seed }, { rng: new Rng(0), compute })));
      expect(count(fibres!.volume.labels, LABEL.cbd)).toBe(count(domains!.volume.labels, LABEL.cbd));
      const [a, b] = await Promise.all([domains!, fibres!].map((g) => computeProperties(g.volume, props, { rng: new Rng(0), compute, threads: 1 })));
      expect(b!.surfaceArea.cbd_pore, `seed ${seed}`).toBeGreaterThan(1.1 * a!.surfaceArea.cbd_pore);
      expect(b!.surfaceArea.am_cbd, `seed ${seed}`).toBeGreaterThan(1.15 * a!.surfaceArea.am_cbd);
      expect(largestShare(fibres!.volume.labels), `seed ${seed}`).toBeGreaterThan(largestShare(domains!.volume.labels));
    }
    // Without fibres the web is what it was: no second field is drawn.
    const none = await gen({ cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 3, seed: 11 });
    const zero = await gen({ cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 3, cbdFibres: 0, seed: 11 });
    expect(Buffer.from(zero.volume.labels).equals(Buffer.from(none.volume.labels))).toBe(true);
  });

  it('refuses web parameters for another morphology and a domain under half a voxel', () => {
    expect(() => resolveParams({ ...base, cbdDomainUm: 1 })).toThrow(ConfigError);
    expect(() => resolveParams({ ...base, cbdMorphology: 'film', cbdReachUm: 1 })).toThrow(/cbdReachUm.*web/);
    expect(() => resolveParams({ ...base, cbdMorphology: 'web', cbdDomainUm: 0.2 })).toThrow(/cbdDomainUm/);
    expect(resolveParams({ ...base, cbdMorphology: 'web', cbdDomainUm: 1.5, cbdReachUm: 3 }).cbdWeb).toEqual({ domain: 3, reach: 6, neckWeight: 1, fibres: 0, strands: 0 });
    expect(() => resolveParams({ ...base, cbdMorphology: 'bridge', cbdNeckWeight: 0.5 })).toThrow(/cbdNeckWeight/);
    expect(() => resolveParams({ ...base, cbdMorphology: 'film', cbdFibres: 1 })).toThrow(/cbdFibres.*web/);
    expect(() => resolveParams({ ...base, cbdMorphology: 'web', cbdFibres: 1.5 })).toThrow(/cbdFibres/);
  });
});

describe('placeCbdWeb: exact neck scores at any neck weight', () => {
  // Five spheres in a 24³ box; a pore voxel's bridge score d1 + w·d2 is exact once both
  // distances lie within the search cap. With w = 0.07 a score far below the cap may still hold
  // a capped d2: exactness is read per voxel (cbdScores' lowerBound), not from the score, which
  // made the cap double to twice the box (80 s for a 96³ electrode before).
  const shape: [number, number, number] = [24, 24, 24];
  const centres = [
    [6, 6, 6, 4.5],
    [15, 7, 8, 4],
    [8, 16, 14, 5],
    [18, 18, 18, 4],
    [12, 12, 3, 3],
  ] as const;
  const p: Spheroids = {
    x: Float64Array.from(centres.map((c) => c[0])),
    y: Float64Array.from(centres.map((c) => c[1])),
    z: Float64Array.from(centres.map((c) => c[2])),
    a: Float64Array.from(centres.map((c) => c[3])),
    c: Float64Array.from(centres.map((c) => c[3])),
  };
  const labels = (): Uint8Array => {
    const l = new Uint8Array(24 ** 3);
    for (let z = 0; z < 24; z++) for (let y = 0; y < 24; y++) for (let x = 0; x < 24; x++) if (centres.some(([cx, cy, cz, r]) => Math.hypot(x + 0.5 - cx, y + 0.5 - cy, z + 0.5 - cz) < r)) l[x + 24 * (y + 24 * z)] = LABEL.am;
    return l;
  };
  const w = 0.07;
  // A cap of twice the box searches every particle: the exact scores.
  const exact = cbdScores(labels(), p, shape, 'bridge', 48, undefined, w);

  it('flags as lower bounds exactly the scores that differ from the exact ones at a small cap', () => {
    const flags = new Uint8Array(24 ** 3);
    const capped = cbdScores(labels(), p, shape, 'bridge', 4, undefined, w, flags);
    let lower = 0;
    let exactCount = 0;
    for (let i = 0; i < capped.length; i++) {
      if (capped[i] === Infinity) continue;
      if (flags[i] === 1) {
        lower++;
        expect(capped[i]!).toBeLessThanOrEqual(exact[i]! + 1e-12);
      } else {
        exactCount++;
        expect(capped[i]).toBe(exact[i]);
      }
    }
    expect(lower).toBeGreaterThan(100);
    expect(exactCount).toBeGreaterThan(100);
  });

  it('places the target voxels of lowest exact score (with the random field), whatever the neck weight', () => {
    for (const neckWeight of [0, 0.07, 1]) {
      const l = labels();
      const target = 900;
      const opts = { domain: 1.5, reach: 2, neckWeight };
      expect(placeCbdWeb(l, p, shape, target, opts, new Rng(5))).toBe(target);
      const field = gaussianRandomField(shape, opts.domain, new Rng(5));
      const ref = cbdScores(labels(), p, shape, 'bridge', 48, undefined, neckWeight);
      let chosenMax = -Infinity;
      let otherMin = Infinity;
      let chosen = 0;
      for (let i = 0; i < l.length; i++) {
        if (ref[i] === Infinity) continue;
        const score = ref[i]! - opts.reach * field[i]!;
        if (l[i] === LABEL.cbd) {
          chosen++;
          chosenMax = Math.max(chosenMax, score);
        } else otherMin = Math.min(otherMin, score);
      }
      expect(chosen).toBe(target);
      expect(chosenMax, `neck weight ${neckWeight}`).toBeLessThanOrEqual(otherMin);
    }
  });
});
