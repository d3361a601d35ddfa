import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute } from '../../src/gpu/backend.ts';
import type { Compute } from '../../src/gpu/backend.ts';
import { Rng } from '../../src/random/rng.ts';
import { LABEL } from '../../src/volume/volume.ts';
import { labelComponents } from '../../src/voxel/components.ts';
import { strandScores } from './cbd-strands.ts';
import { placeCbdWeb } from './cbd-web.ts';
import type { Spheroids } from './voxelize.ts';
import { generateElectrode, resolveParams } from './index.ts';
import type { GenerateParams } from './index.ts';
import { computeProperties, PropertiesParamsSchema } from '../properties/index.ts';

let compute: Compute;
beforeAll(async () => {
  compute = await createCompute({ backend: 'webasm' });
});
afterAll(() => compute.destroy());

const spheres = (centres: [number, number, number][], r: number): Spheroids => ({
  x: Float64Array.from(centres, (c) => c[0]),
  y: Float64Array.from(centres, (c) => c[1]),
  z: Float64Array.from(centres, (c) => c[2]),
  a: new Float64Array(centres.length).fill(r),
  c: new Float64Array(centres.length).fill(r),
});

/** Labels 1 inside the spheres (voxel centres at i + 0.5), 0 elsewhere. */
function solid(p: Spheroids, shape: [number, number, number]): Uint8Array {
  const [nx, ny, nz] = shape;
  const labels = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++)
        for (let i = 0; i < p.x.length; i++) {
          if ((x + 0.5 - p.x[i]!) ** 2 + (y + 0.5 - p.y[i]!) ** 2 + (z + 0.5 - p.z[i]!) ** 2 <= p.a[i]! ** 2) labels[x + nx * (y + ny * z)] = LABEL.am;
        }
  return labels;
}

describe('strandScores', () => {
  // Two spheres of radius 6 on the line y = z = 16.5, surfaces at x = 10.5 and 15.5: a gap of 5.
  // x is long enough that the periodic images are further apart than any maxGap used.
  const shape: [number, number, number] = [56, 33, 33];
  const r = 6;
  const p = spheres(
    [
      [4.5, 16.5, 16.5],
      [4.5 + 2 * r + 5, 16.5, 16.5],
    ],
    r,
  );
  const labels = solid(p, shape);
  const at = (x: number, y: number, z: number) => x + shape[0] * (y + shape[1] * z);

  it('is the detour d1 + d2 − gap: 0 on the line across the gap, the exact excess path off it', () => {
    const s = strandScores(labels, p, shape, 12);
    // On the line: voxel x = 12 (centre 12.5) is 2 from one surface and 3 from the other.
    expect(s[at(12, 16, 16)]).toBeCloseTo(0, 9);
    expect(s[at(14, 16, 16)]).toBeCloseTo(0, 9);
    for (const h of [1, 2, 3, 4]) {
      // Voxel centre 13 − 0.5 … the middle plane x = 13.0 is not a voxel centre; take x = 12 (12.5): d1 = √(8² + h²) − 6, d2 = √(9² + h²) − 6.
      const want = Math.sqrt(64 + h * h) + Math.sqrt(81 + h * h) - 12 - 5;
      expect(s[at(12, 16 + h, 16)], `h ${h}`).toBeCloseTo(want, 5);
      expect(s[at(12, 16, 16 - h)], `h ${h}`).toBeCloseTo(want, 5);
    }
    // Outside the gap: no strand where one surface is out of reach, nor inside the particles.
    expect(s[at(30, 16, 16)]).toBe(Infinity);
    expect(s[at(4, 16, 16)]).toBe(Infinity);
  });

  it('lays no strand across a gap wider than maxGap', () => {
    const s = strandScores(labels, p, shape, 4.9);
    for (let i = 0; i < s.length; i++) expect(s[i]).toBe(Infinity);
  });

  it('where spheres overlap, the gap counts as 0: the score is d1 + d2 (a ring in the neck)', () => {
    const q = spheres(
      [
        [10.5, 16.5, 16.5],
        [19.5, 16.5, 16.5],
      ],
      5,
    );
    const l = solid(q, shape);
    const s = strandScores(l, q, shape, 12);
    // Voxel (14, 22, 16), centre (14.5, 22.5, 16.5): 4 and 5 along x, 6 across from the two centres.
    expect(s[at(14, 22, 16)]).toBeCloseTo(Math.sqrt(16 + 36) + Math.sqrt(25 + 36) - 10, 5);
  });
});

describe('placeCbdWeb with strands', () => {
  // Spheres of radius 5 on a simple cubic lattice of pitch 14: gaps of 4 voxels, no contacts.
  const pitch = 14;
  const n = 3;
  const shape: [number, number, number] = [pitch * n, pitch * n, pitch * n];
  const centres: [number, number, number][] = [];
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) centres.push([pitch * i + 7, pitch * j + 7, pitch * k + 7]);
  const p = spheres(centres, 5);
  const base = solid(p, shape);
  const am = base.reduce((s, v) => s + v, 0);
  const target = Math.round(0.05 * base.length);

  /** Share of the solid (AM + CBD) in its largest 6-connected cluster. */
  function largestSolidShare(labels: Uint8Array): number {
    const mask = Uint8Array.from(labels, (v) => (v === LABEL.pore ? 0 : 1));
    return Math.max(...labelComponents(mask, shape).size) / (am + target);
  }

  it('strands join particles that do not touch; the same binder as a coating leaves them apart', () => {
    const coat = base.slice();
    expect(placeCbdWeb(coat, p, shape, target, { domain: 2, reach: 0, neckWeight: 0 }, new Rng(1))).toBe(target);
    // 27 particles apart: the largest cluster is one particle and its coat.
    expect(largestSolidShare(coat)).toBeLessThan(1.5 / 27);
    const strung = base.slice();
    expect(placeCbdWeb(strung, p, shape, target, { domain: 2, reach: 0, neckWeight: 0, strands: 1 }, new Rng(1))).toBe(target);
    expect(largestSolidShare(strung)).toBe(1);
    // Every strand voxel lies between two particles: on the lattice, on a line of centres' gap (two of the three coordinates near a lattice line).
    let off = 0;
    for (let z = 0; z < shape[2]; z++)
      for (let y = 0; y < shape[1]; y++)
        for (let x = 0; x < shape[0]; x++) {
          if (strung[x + shape[0] * (y + shape[1] * z)] !== LABEL.cbd) continue;
          const near = [x, y, z].filter((c) => Math.abs(((c + 0.5) % pitch) - 7) <= 3).length;
          if (near < 2) off++;
        }
    expect(off).toBe(0);
  });

  it('places the CBD to the voxel for any share, and a share of 0 gives the bytes of the web without strands', () => {
    for (const strands of [0.3, 0.7]) {
      const l = base.slice();
      expect(placeCbdWeb(l, p, shape, target, { domain: 2, reach: 3, neckWeight: 0.3, strands }, new Rng(5))).toBe(target);
      expect(l.reduce((s, v) => s + (v === LABEL.cbd ? 1 : 0), 0)).toBe(target);
    }
    const a = base.slice();
    const b = base.slice();
    placeCbdWeb(a, p, shape, target, { domain: 2, reach: 3, neckWeight: 0.3 }, new Rng(5));
    placeCbdWeb(b, p, shape, target, { domain: 2, reach: 3, neckWeight: 0.3, strands: 0 }, new Rng(5));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

describe('generateElectrode with strands', () => {
  it('a share of the binder in strands lowers τ of the solid (AM + CBD) at the same fractions, and covers more AM', async () => {
    // Measured (48³, 0.39 µm voxels, d50 5 µm, the TauFactor twin's web and merged aggregates;
    // seeds 1–3), strands 0 → 0.15: τ solid x 2.381 → 2.134, 2.586 → 2.335, 2.542 → 2.373 and z
    // 2.999 → 2.548, 2.437 → 2.231, 2.401 → 2.201 (−7 to −15 %); am–cbd area +3.7 to +4.9 %,
    // am–pore −2.5 to −3.9 %. The web alone spends its binder on domains and coats that reach one
    // particle; a strand carries current from one particle to the next.
    const base: GenerateParams = { shape: [48, 48, 48], voxelSizeUm: 0.39, d50Um: 5, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 0.8, cbdReachUm: 1.15, cbdNeckWeight: 0.1, particleOverlap: 0.4, particleAggregation: 0.36 };
    const props = PropertiesParamsSchema.parse({ phases: ['solid'], axes: ['x', 'z'], tol: 1e-3 });
    const cbd = (l: Uint8Array) => l.reduce((s, v) => s + (v === LABEL.cbd ? 1 : 0), 0);
    for (const seed of [1, 2, 3]) {
      const [web, strung] = await Promise.all([0, 0.15].map((cbdStrands) => generateElectrode({ ...base, cbdStrands, seed }, { rng: new Rng(0), compute })));
      expect(cbd(strung!.volume.labels)).toBe(cbd(web!.volume.labels));
      const [a, b] = await Promise.all([web!, strung!].map((g) => computeProperties(g.volume, props, { rng: new Rng(0), compute, threads: 1 })));
      for (const axis of ['x', 'z'] as const) expect(b!.tortuosity.solid![axis]!.tau, `seed ${seed} ${axis}`).toBeLessThan(0.95 * a!.tortuosity.solid![axis]!.tau);
      expect(b!.surfaceArea.am_cbd, `seed ${seed}`).toBeGreaterThan(1.02 * a!.surfaceArea.am_cbd);
      expect(b!.surfaceArea.am_pore, `seed ${seed}`).toBeLessThan(a!.surfaceArea.am_pore);
    }
    expect(() => resolveParams({ cbdStrands: 0.2 })).toThrow(/cbdStrands.*web/);
    expect(() => resolveParams({ cbdMorphology: 'web', cbdStrands: 1.5 })).toThrow(/cbdStrands/);
  });
});
