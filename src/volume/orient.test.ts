import { describe, expect, it } from 'vitest';
import { thicknessToZ } from './orient.ts';
import type { Volume } from './volume.ts';

/** A volume whose label at (x, y, z) encodes the position, so every voxel's destination can be read. */
function coded(shape: [number, number, number]): Volume {
  const [nx, ny, nz] = shape;
  const labels = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) labels[x + nx * (y + ny * z)] = x + 10 * y + 100 * z;
  return { shape, voxelSize: 2e-6, labels };
}
const at = (v: Volume, x: number, y: number, z: number): number => v.labels[x + v.shape[0] * (y + v.shape[1] * z)]!;

describe('thicknessToZ', () => {
  const v = coded([3, 4, 2]);

  it('keeps a volume whose thickness is already z', () => {
    expect(thicknessToZ(v, 'z')).toBe(v);
  });

  it('turns thickness x into z cyclically: new (x, y, z) = old (y, z, x)', () => {
    const t = thicknessToZ(v, 'x');
    expect(t.shape).toEqual([4, 2, 3]);
    expect(t.voxelSize).toBe(2e-6);
    for (let z = 0; z < 3; z++) for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) expect(at(t, x, y, z)).toBe(z + 10 * x + 100 * y);
  });

  it('turns thickness y into z cyclically: new (x, y, z) = old (z, x, y)', () => {
    const t = thicknessToZ(v, 'y');
    expect(t.shape).toEqual([2, 3, 4]);
    for (let z = 0; z < 4; z++) for (let y = 0; y < 3; y++) for (let x = 0; x < 2; x++) expect(at(t, x, y, z)).toBe(y + 10 * z + 100 * x);
  });

  it('three turns about the same cycle give the volume back', () => {
    const t = thicknessToZ(thicknessToZ(thicknessToZ(v, 'x'), 'x'), 'x');
    expect(t.shape).toEqual(v.shape);
    expect(Array.from(t.labels)).toEqual(Array.from(v.labels));
  });
});
