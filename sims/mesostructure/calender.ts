import type { SpherePacking } from './packing.ts';
import type { Spheroids } from './voxelize.ts';

/**
 * Calendering model: the slab is compressed in z by the factor s = nz'/nz (the voxel size stays,
 * the grid loses layers). Centres move affinely (z → s·z) and every sphere flattens into an oblate
 * spheroid of the same volume, c = s·r through the thickness and a = r/√s in-plane. Particles that
 * are pressed into each other overlap; the overlap is what the summary reports as volume loss.
 * With s = 1 this returns the spheres unchanged.
 */
export function calender(p: SpherePacking, s: number): Spheroids {
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
    out.z[i] = p.z[i]! * s;
    out.a[i] = s === 1 ? p.r[i]! : p.r[i]! * widen;
    out.c[i] = s === 1 ? p.r[i]! : p.r[i]! * s;
  }
  return out;
}
