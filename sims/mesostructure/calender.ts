import type { SpherePacking } from './packing.ts';
import type { Spheroids } from './voxelize.ts';

/**
 * Calendering model: the slab is compressed in z by the factor s = nz'/nz (the voxel size stays,
 * the grid loses layers). Centres move affinely (z → s·z) and every sphere flattens into an oblate
 * spheroid of the same volume, c = s·r through the thickness and a = r/√s in-plane. Particles that
 * are pressed into each other overlap; the overlap is what the summary reports as volume loss.
 * With s = 1 and grow = 1 this returns the spheres unchanged.
 *
 * @param p the packing (voxel units); its radii are the hard cores the packing kept apart
 * @param s thickness ratio after / before calendering (1: none)
 * @param grow each particle's radius over its packing core (1 + particleOverlap): touching cores
 *   become particles merged at a neck
 * @param zFrom packing z (voxels) of the slab's lower face, subtracted before compressing: the
 *   margin packed below a 'cut' face (0 for 'bounded' faces)
 * @returns the spheroids to voxelize (voxel units)
 * @example calender(packing, 0.8, 1.05)
 */
export function calender(p: SpherePacking, s: number, grow = 1, zFrom = 0): Spheroids {
  const n = p.x.length;
  const out: Spheroids = {
    x: Float64Array.from(p.x),
    y: Float64Array.from(p.y),
    z: new Float64Array(n),
    a: new Float64Array(n),
    c: new Float64Array(n),
  };
  const widen = 1 / Math.sqrt(s);
  for (let i = 0; i < n; i++) {
    out.z[i] = (p.z[i]! - zFrom) * s;
    const r = grow === 1 ? p.r[i]! : p.r[i]! * grow;
    out.a[i] = s === 1 ? r : r * widen;
    out.c[i] = s === 1 ? r : r * s;
  }
  return out;
}
