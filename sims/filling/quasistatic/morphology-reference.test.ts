import { describe, expect, it } from 'vitest';
import { createCompute } from '../../../src/gpu/backend.ts';
import { Rng } from '../../../src/random/rng.ts';
import { LABEL, type Volume } from '../../../src/volume/volume.ts';
import { fillQuasiStatic, PHASE } from './fill-quasi-static.ts';
import { overlappingSpheres } from '../../../src/voxel/test-geometries.ts';

/**
 * Pore morphology done level by level with brute-force distances and balls and no trapping:
 *  - drainage (Hilpert–Miller, PoreSpy `drainage`): at Pc = k/r the invader holds every ball of
 *    radius r whose centre (EDT ≥ r) is joined to the inlet through such centres;
 *  - imbibition: at Pc = k/r gas still holds every maximal ball B(c, EDT(c)) wider than r; the
 *    rest, where joined to the inlet, holds electrolyte. A pore fills at its own threshold
 *    2σcosθ/r (the convention the tube tests check).
 * The model (sphere cover, minimax flood, two-pass invasion) must give the same fill pressure on
 * every voxel it did not trap, and may only trap voxels the reference fills.
 */
const H = 1e-6;
const SIGMA = 0.035;

function geometry(v: Volume): { pore: number[]; d2: Map<number, number>; xyz: (i: number) => [number, number, number] } {
  const [nx, ny, nz] = v.shape;
  const xyz = (i: number): [number, number, number] => [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
  const pore: number[] = [];
  const solid: [number, number, number][] = [];
  for (let i = 0; i < nx * ny * nz; i++) (v.labels[i] === LABEL.pore ? pore : solid).push(i as never);
  const solidXyz = (solid as unknown as number[]).map(xyz);
  const d2 = new Map<number, number>();
  for (const i of pore) {
    const [x, y, z] = xyz(i);
    let best = Infinity;
    for (const [a, b, c] of solidXyz) best = Math.min(best, (x - a) ** 2 + (y - b) ** 2 + (z - c) ** 2);
    d2.set(i, best);
  }
  return { pore, d2, xyz };
}

/** Pore voxels joined through `set` to the z = 0 face (6-connectivity). */
function connectedToInlet(v: Volume, set: Set<number>): Set<number> {
  const [nx, ny, nz] = v.shape;
  const out = new Set<number>();
  const stack: number[] = [];
  for (const i of set) if (i < nx * ny) (out.add(i), stack.push(i));
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % nx;
    const y = Math.floor(i / nx) % ny;
    const z = Math.floor(i / (nx * ny));
    const nb = [x > 0 ? i - 1 : -1, x < nx - 1 ? i + 1 : -1, y > 0 ? i - nx : -1, y < ny - 1 ? i + nx : -1, z > 0 ? i - nx * ny : -1, z < nz - 1 ? i + nx * ny : -1];
    for (const j of nb) if (j >= 0 && set.has(j) && !out.has(j)) (out.add(j), stack.push(j));
  }
  return out;
}

describe('pore morphology against a level-by-level brute-force reference', () => {
  const v = overlappingSpheres([12, 12, 12], new Rng(21), { voxelSize: H, solidFraction: 0.5, rMin: 1.5, rMax: 3 });
  const { pore, d2, xyz } = geometry(v);
  const radii = [...new Set(d2.values())].sort((a, b) => b - a); // squared radii, largest first

  for (const mode of ['imbibition', 'drainage'] as const) {
    it(mode, async () => {
      const theta = mode === 'imbibition' ? 30 : 150;
      const k = (2 * SIGMA * Math.abs(Math.cos((theta * Math.PI) / 180))) / H;
      const reference = new Map<number, number>();
      // Level j: ball radius √r2 at capillary pressure k/√r2. Drainage visits radii largest
      // first (pressure rising), imbibition smallest first (pressure falling).
      const order = mode === 'drainage' ? radii : [...radii].reverse();
      for (const r2 of order) {
        const pc = Math.fround(k / Math.sqrt(r2));
        const inBall = (i: number, cs: number[], own: boolean): boolean => {
          const [x, y, z] = xyz(i);
          return cs.some((c) => {
            const [a, b, e] = xyz(c);
            return (x - a) ** 2 + (y - b) ** 2 + (z - e) ** 2 < (own ? d2.get(c)! : r2);
          });
        };
        let invaded: Set<number>;
        if (mode === 'drainage') {
          const seeds = [...connectedToInlet(v, new Set(pore.filter((c) => d2.get(c)! >= r2)))];
          invaded = new Set(pore.filter((i) => inBall(i, seeds, false)));
        } else {
          const wide = pore.filter((c) => d2.get(c)! > r2);
          invaded = connectedToInlet(v, new Set(pore.filter((i) => !inBall(i, wide, true))));
        }
        for (const i of invaded) if (!reference.has(i)) reference.set(i, pc);
      }
      const compute = await createCompute({ backend: 'cpu' });
      const r = await fillQuasiStatic(v, { mode, contactAngle: { am: theta }, pressureSteps: 100000 }, { rng: new Rng(0), compute });
      compute.destroy();
      let compared = 0;
      for (const i of pore) {
        const ref = reference.get(i) ?? Infinity;
        if (r.phase[i] === PHASE.trappedGas) expect(ref).toBeLessThan(Infinity);
        else if (ref === Infinity) expect(r.fillPressure[i]).toBe(Infinity);
        else {
          expect(r.fillPressure[i]! / ref).toBeCloseTo(1, 6);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(pore.length / 2);
    });
  }
});
