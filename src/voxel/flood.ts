import type { Shape } from '../volume/volume.ts';
import type { Periodic } from './components.ts';
import { faceMask, type Face } from './faces.ts';

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
  // Periodic axes: a neighbour past a periodic face wraps to the opposite face; past any other
  // face there is none (-1).
  const [wx, wy, wz] = periodic;
  const span = plane * nz;
  while (head < tail) {
    const i = queue[head++]!;
    const z = Math.floor(i / plane);
    const rem = i - z * plane;
    const y = Math.floor(rem / nx);
    const x = rem - y * nx;
    const xm = x > 0 ? i - 1 : wx ? i + nx - 1 : -1;
    const xp = x < nx - 1 ? i + 1 : wx ? i - nx + 1 : -1;
    const ym = y > 0 ? i - nx : wy ? i + plane - nx : -1;
    const yp = y < ny - 1 ? i + nx : wy ? i - plane + nx : -1;
    const zm = z > 0 ? i - plane : wz ? i + span - plane : -1;
    const zp = z < nz - 1 ? i + plane : wz ? i - span + plane : -1;
    if (xm >= 0 && mask[xm] && !mark[xm]) (mark[xm] = 1), (queue[tail++] = xm);
    if (xp >= 0 && mask[xp] && !mark[xp]) (mark[xp] = 1), (queue[tail++] = xp);
    if (ym >= 0 && mask[ym] && !mark[ym]) (mark[ym] = 1), (queue[tail++] = ym);
    if (yp >= 0 && mask[yp] && !mark[yp]) (mark[yp] = 1), (queue[tail++] = yp);
    if (zm >= 0 && mask[zm] && !mark[zm]) (mark[zm] = 1), (queue[tail++] = zm);
    if (zp >= 0 && mask[zp] && !mark[zp]) (mark[zp] = 1), (queue[tail++] = zp);
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
