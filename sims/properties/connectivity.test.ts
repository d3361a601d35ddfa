import { describe, expect, it } from 'vitest';
import type { Shape } from '../../src/volume/volume.ts';
import { connectivityFractions, percolatingMask } from './connectivity.ts';
import { labelComponents } from '../../src/voxel/components.ts';

describe('6-connected phase connectivity', () => {
  // 10×10×10: a rod through z (connected, 10 voxels), a rod touching only z = 0 (dead end along z,
  // 5 voxels), an isolated 2×2×2 cube (8 voxels), and two voxels touching only diagonally (edge
  // neighbours are not connected in the 6-neighbourhood).
  const shape: Shape = [10, 10, 10];
  const mask = new Uint8Array(1000);
  const set = (x: number, y: number, z: number): void => void (mask[x + 10 * (y + 10 * z)] = 1);
  for (let z = 0; z < 10; z++) set(1, 1, z);
  for (let z = 0; z < 5; z++) set(5, 5, z);
  for (let z = 4; z < 6; z++) for (let y = 7; y < 9; y++) for (let x = 7; x < 9; x++) set(x, y, z);
  set(3, 8, 5);
  set(4, 7, 5);
  const total = 10 + 5 + 8 + 2;

  it('labels components', () => {
    const c = labelComponents(mask, shape);
    expect(c.count).toBe(5);
    expect(Array.from(c.size).sort((a, b) => a - b)).toEqual([1, 1, 5, 8, 10]);
  });

  it('splits the phase into connected, dead-end and isolated fractions per axis', () => {
    const c = labelComponents(mask, shape);
    const z = connectivityFractions(c, 'z');
    expect(z.connected).toBeCloseTo(10 / total, 12);
    expect(z.deadEnd).toBeCloseTo(5 / total, 12);
    expect(z.isolated).toBeCloseTo(10 / total, 12);
    // Along x nothing reaches x = 0 or x = 9.
    expect(connectivityFractions(c, 'x')).toEqual({ connected: 0, deadEnd: 0, isolated: 1 });
    expect(Array.from(percolatingMask(c, 'z')).reduce((a, b) => a + b, 0)).toBe(10);
  });
});
