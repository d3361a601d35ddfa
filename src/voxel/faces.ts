import type { Shape } from '../volume/volume.ts';

/** A face of the box: axis and side ("z-" is z = 0, the separator side; "z+" is z = nz-1). */
export const FACES = ['x-', 'x+', 'y-', 'y+', 'z-', 'z+'] as const;
export type Face = (typeof FACES)[number];

export function faceAxis(face: Face): 0 | 1 | 2 {
  return face[0] === 'x' ? 0 : face[0] === 'y' ? 1 : 2;
}

export function oppositeFace(face: Face): Face {
  return `${face[0]}${face[1] === '-' ? '+' : '-'}` as Face;
}

/** Mask (1 on the face's layer of voxels). */
export function faceMask(shape: Shape, face: Face): Uint8Array {
  const [nx, ny, nz] = shape;
  const out = new Uint8Array(nx * ny * nz);
  const axis = faceAxis(face);
  const at = face[1] === '-' ? 0 : shape[axis] - 1;
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const c = axis === 0 ? x : axis === 1 ? y : z;
        if (c === at) out[i] = 1;
      }
    }
  }
  return out;
}

/**
 * Index of the k-th (0–5: x−, x+, y−, y+, z−, z+) face neighbour of voxel i at (x, y, z), or −1
 * outside the box. Small enough for V8 to inline in the flood-fill loops.
 */
export function neighbour6(i: number, k: number, x: number, y: number, z: number, nx: number, ny: number, nz: number, plane: number): number {
  if (k === 0) return x > 0 ? i - 1 : -1;
  if (k === 1) return x < nx - 1 ? i + 1 : -1;
  if (k === 2) return y > 0 ? i - nx : -1;
  if (k === 3) return y < ny - 1 ? i + nx : -1;
  if (k === 4) return z > 0 ? i - plane : -1;
  return z < nz - 1 ? i + plane : -1;
}
