import type { Shape } from '../../../src/volume/volume.ts';

/**
 * Sizes (voxels, descending) of the 6-connected clusters of `mask`. Plain TypedArray code: a
 * flood fill is a serial chain of dependent reads that gains nothing from a data-parallel kernel.
 */
export function clusterSizes(mask: Uint8Array, shape: Shape): number[] {
  const [nx, ny, nz] = shape;
  const plane = nx * ny;
  const n = mask.length;
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  const sizes: number[] = [];
  for (let seed = 0; seed < n; seed++) {
    if (!mask[seed] || seen[seed]) continue;
    let top = 0;
    stack[top++] = seed;
    seen[seed] = 1;
    let size = 0;
    while (top > 0) {
      const i = stack[--top]!;
      size++;
      const z = Math.floor(i / plane);
      const rem = i - z * plane;
      const y = Math.floor(rem / nx);
      const x = rem - y * nx;
      if (x > 0 && mask[i - 1] && !seen[i - 1]) (seen[i - 1] = 1), (stack[top++] = i - 1);
      if (x < nx - 1 && mask[i + 1] && !seen[i + 1]) (seen[i + 1] = 1), (stack[top++] = i + 1);
      if (y > 0 && mask[i - nx] && !seen[i - nx]) (seen[i - nx] = 1), (stack[top++] = i - nx);
      if (y < ny - 1 && mask[i + nx] && !seen[i + nx]) (seen[i + nx] = 1), (stack[top++] = i + nx);
      if (z > 0 && mask[i - plane] && !seen[i - plane]) (seen[i - plane] = 1), (stack[top++] = i - plane);
      if (z < nz - 1 && mask[i + plane] && !seen[i + plane]) (seen[i + plane] = 1), (stack[top++] = i + plane);
    }
    sizes.push(size);
  }
  return sizes.sort((a, b) => b - a);
}
