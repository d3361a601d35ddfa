import { describe, expect, it } from 'vitest';
import { centredCrop } from './crop.ts';
import type { Volume } from './volume.ts';

describe('centredCrop', () => {
  it('takes the middle voxels of each larger axis, keeps the smaller ones whole and the voxel size', () => {
    // labels = x + 10 y + 40 z (mod 256) on a 7×4×5 volume.
    const [nx, ny, nz] = [7, 4, 5];
    const labels = new Uint8Array(nx * ny * nz);
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) labels[x + nx * (y + ny * z)] = x + 10 * y + 40 * z;
    const v: Volume = { shape: [nx, ny, nz], voxelSize: 2e-6, labels };
    const c = centredCrop(v, [3, 9, 2]);
    expect(c.shape).toEqual([3, 4, 2]);
    expect(c.voxelSize).toBe(2e-6);
    // x from (7−3)>>1 = 2, y whole, z from (5−2)>>1 = 1.
    for (let z = 0; z < 2; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < 3; x++) expect(c.labels[x + 3 * (y + 4 * z)]).toBe(x + 2 + 10 * y + 40 * (z + 1));
    expect(centredCrop(v, [7, 4, 5])).toBe(v);
    expect(centredCrop(v, [8, 9, 10])).toBe(v);
  });
});
