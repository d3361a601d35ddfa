import type { Axis } from '../voxel/components.ts';
import type { Volume } from './volume.ts';

/**
 * A tomogram turned so that its through-plane axis becomes z, the axis the generator calenders
 * and bounds (x, y in-plane). Why: tomograms are stored with the electrode's thickness along any
 * axis, and a twin is comparable with one only when their thickness axes agree; the descriptors
 * per axis (τ, S2) of an anisotropic electrode differ by 5–10 % between its in-plane and
 * through-plane axes (TauFactor 2's NMC electrode: τ solid 2.73 along x, 2.48 along z).
 *
 * The turn is the cyclic one, so handedness is kept: for thickness x the new (x, y, z) are the
 * old (y, z, x); for thickness y they are the old (z, x, y); z returns the volume itself.
 *
 * @param v labelled volume (voxel size kept).
 * @param thickness the axis of `v` that runs through the electrode's thickness.
 * @returns a volume whose z is that axis (a new one unless thickness is z).
 * @example const turned = thicknessToZ(tomogram, 'x'); // turned.shape = [ny, nz, nx]
 */
export function thicknessToZ(v: Volume, thickness: Axis): Volume {
  if (thickness === 'z') return v;
  const [nx, ny, nz] = v.shape;
  const src = v.labels;
  const labels = new Uint8Array(src.length);
  if (thickness === 'x') {
    // new (a, b, c) = old (x = c, y = a, z = b); new shape [ny, nz, nx]
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        const row = nx * (y + ny * z);
        for (let x = 0; x < nx; x++) labels[y + ny * (z + nz * x)] = src[row + x]!;
      }
    }
    return { shape: [ny, nz, nx], voxelSize: v.voxelSize, labels };
  }
  // thickness y: new (a, b, c) = old (x = b, y = c, z = a); new shape [nz, nx, ny]
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = nx * (y + ny * z);
      for (let x = 0; x < nx; x++) labels[z + nz * (x + nx * y)] = src[row + x]!;
    }
  }
  return { shape: [nz, nx, ny], voxelSize: v.voxelSize, labels };
}
