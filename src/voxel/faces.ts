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
 * Writes the indices of the six face neighbours of voxel i into `out` (order x−, x+, y−, y+, z−,
 * z+), −1 past a face of the box, or the voxel on the opposite face along a periodic axis. One
 * call per voxel instead of a closure per neighbour: the flood loops stay plain TypedArray code.
 *
 * @param i voxel index, x fastest: x + nx·(y + ny·z).
 * @param out a 6-slot scratch array the caller owns; returned.
 * @example
 *   const nbr = new Int32Array(6);
 *   faceNeighbours(0, 4, 4, 4, nbr); // [-1, 1, -1, 4, -1, 16]
 */
export function faceNeighbours(i: number, nx: number, ny: number, nz: number, out: Int32Array, wrapX = false, wrapY = false, wrapZ = false): Int32Array {
  const plane = nx * ny;
  const z = Math.floor(i / plane);
  const rem = i - z * plane;
  const y = Math.floor(rem / nx);
  const x = rem - y * nx;
  out[0] = x > 0 ? i - 1 : wrapX ? i + nx - 1 : -1;
  out[1] = x < nx - 1 ? i + 1 : wrapX ? i - nx + 1 : -1;
  out[2] = y > 0 ? i - nx : wrapY ? i + plane - nx : -1;
  out[3] = y < ny - 1 ? i + nx : wrapY ? i - plane + nx : -1;
  out[4] = z > 0 ? i - plane : wrapZ ? i + plane * (nz - 1) : -1;
  out[5] = z < nz - 1 ? i + plane : wrapZ ? i - plane * (nz - 1) : -1;
  return out;
}
