import type { Shape } from '../volume/volume.ts';
import type { Periodic } from './components.ts';
import { faceMask, faceNeighbours, type Face } from './faces.ts';

export interface FloodOptions {
  /** Axes along which the volume wraps (opposite faces are neighbours). Default none. */
  periodic?: Periodic;
  /** Where to write the result (voxel-sized, cleared first); default a new array. */
  out?: Uint8Array;
  /** A voxel-sized queue to reuse; default a new one. */
  queue?: Int32Array;
}

/**
 * 6-neighbour flood fill from seed voxels through a mask (breadth first, an explicit queue: no
 * recursion, no per-voxel closures). Like PoreSpy's "trim_nonpercolating_paths" building block or
 * scipy's binary_propagation with the face-neighbour structuring element.
 *
 * @param mask  non-zero where the flood may pass; x fastest.
 * @param shape [nx, ny, nz] in voxels.
 * @param seeds non-zero on the voxels to start from (seeds outside the mask are ignored).
 * @returns 1 on every mask voxel joined through the mask to a seed, 0 elsewhere.
 * @example
 *   const reached = floodFill(pore, shape, faceMask(shape, 'z-')); // pore joined to z = 0
 */
export function floodFill(mask: Uint8Array, shape: Shape, seeds: Uint8Array, options: FloodOptions = {}): Uint8Array {
  const [nx, ny, nz] = shape;
  const plane = nx * ny;
  const n = mask.length;
  const mark = options.out ? options.out.fill(0) : new Uint8Array(n);
  const queue = options.queue ?? new Int32Array(n);
  const periodic = options.periodic;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i] && seeds[i]) {
      mark[i] = 1;
      queue[tail++] = i;
    }
  }
  let head = 0;
  if (!periodic || !(periodic[0] || periodic[1] || periodic[2])) {
    while (head < tail) {
      const i = queue[head++]!;
      const z = Math.floor(i / plane);
      const rem = i - z * plane;
      const y = Math.floor(rem / nx);
      const x = rem - y * nx;
      if (x > 0 && mask[i - 1] && !mark[i - 1]) (mark[i - 1] = 1), (queue[tail++] = i - 1);
      if (x < nx - 1 && mask[i + 1] && !mark[i + 1]) (mark[i + 1] = 1), (queue[tail++] = i + 1);
      if (y > 0 && mask[i - nx] && !mark[i - nx]) (mark[i - nx] = 1), (queue[tail++] = i - nx);
      if (y < ny - 1 && mask[i + nx] && !mark[i + nx]) (mark[i + nx] = 1), (queue[tail++] = i + nx);
      if (z > 0 && mask[i - plane] && !mark[i - plane]) (mark[i - plane] = 1), (queue[tail++] = i - plane);
      if (z < nz - 1 && mask[i + plane] && !mark[i + plane]) (mark[i + plane] = 1), (queue[tail++] = i + plane);
    }
    return mark;
  }
  // Periodic axes: a neighbour past a periodic face wraps to the opposite face.
  const [wx, wy, wz] = periodic;
  const nbr = new Int32Array(6);
  while (head < tail) {
    const i = queue[head++]!;
    faceNeighbours(i, nx, ny, nz, nbr, wx, wy, wz);
    for (let k = 0; k < 6; k++) {
      const j = nbr[k]!;
      if (j >= 0 && mask[j] && !mark[j]) (mark[j] = 1), (queue[tail++] = j);
    }
  }
  return mark;
}

/**
 * The mask voxels joined through the mask to a face of the box (a floodFill seeded on that face).
 * @example floodFromFace(pore, shape, 'z-'); // pore space the electrolyte can reach from the separator side
 */
export function floodFromFace(mask: Uint8Array, shape: Shape, face: Face, options: FloodOptions = {}): Uint8Array {
  return floodFill(mask, shape, faceMask(shape, face), options);
}
