import { describe, expect, it } from 'vitest';
import { centredCrop, coveringBoxes } from './crop.ts';
import type { Volume } from './volume.ts';

/** A 7×4×5 volume of 2 µm voxels whose label tells its voxel: x + 10 y + 40 z. */
function ramp(): Volume {
  const [nx, ny, nz] = [7, 4, 5];
  const labels = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) labels[x + nx * (y + ny * z)] = x + 10 * y + 40 * z;
  return { shape: [nx, ny, nz], voxelSize: 2e-6, labels };
}

describe('centredCrop', () => {
  it('takes the middle voxels of each larger axis, keeps the smaller ones whole and the voxel size', () => {
    const v = ramp();
    const c = centredCrop(v, [3, 9, 2]);
    expect(c.shape).toEqual([3, 4, 2]);
    expect(c.voxelSize).toBe(2e-6);
    // x from (7−3)>>1 = 2, y whole, z from (5−2)>>1 = 1.
    for (let z = 0; z < 2; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < 3; x++) expect(c.labels[x + 3 * (y + 4 * z)]).toBe(x + 2 + 10 * y + 40 * (z + 1));
    expect(centredCrop(v, [7, 4, 5])).toBe(v);
    expect(centredCrop(v, [8, 9, 10])).toBe(v);
  });
});

describe('coveringBoxes', () => {
  it('covers each larger axis with ceil(n / m) boxes spread from face to face, one centred box where the volume is not larger', () => {
    const v = ramp();
    // x: ceil(7/3) = 3 boxes at 0, 2, 4; y: 2 boxes at 0 and 2; z: 5 <= 6, one box of 5 at 0.
    const boxes = coveringBoxes(v, [3, 2, 6]);
    expect(boxes.length).toBe(6);
    const origins = boxes.map((b) => [b.labels[0]! % 10, Math.floor(b.labels[0]! / 10) % 4, Math.floor(b.labels[0]! / 40)]);
    expect(origins).toEqual([[0, 0, 0], [2, 0, 0], [4, 0, 0], [0, 2, 0], [2, 2, 0], [4, 2, 0]]);
    for (const b of boxes) {
      expect(b.shape).toEqual([3, 2, 5]);
      expect(b.voxelSize).toBe(2e-6);
      const o = b.labels[0]!;
      for (let z = 0; z < 5; z++) for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) expect(b.labels[x + 3 * (y + 2 * z)]).toBe(o + x + 10 * y + 40 * z);
    }
    // Boxes that tile exactly do not overlap: every voxel once.
    const tiles = coveringBoxes({ shape: [4, 4, 2], voxelSize: 1, labels: new Uint8Array(32).map((_, i) => i) }, [2, 2, 2]);
    expect(tiles.flatMap((b) => [...b.labels]).sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(coveringBoxes(v, [7, 9, 5])).toEqual([v]);
  });
});
