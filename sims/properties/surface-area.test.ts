import { describe, expect, it } from 'vitest';
import type { Shape } from '../../src/volume/volume.ts';
import { phaseSurfaceArea } from './surface-area.ts';

function ball(n: number, r: number, c: [number, number, number]): Uint8Array {
  const m = new Uint8Array(n ** 3);
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) m[x + n * (y + n * z)] = (x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2 <= r * r ? 1 : 0;
  return m;
}

describe('marching-cubes surface area', () => {
  for (const r of [10, 15, 20, 30]) {
    for (const offset of [
      [0, 0, 0],
      [0.37, -0.21, 0.5],
    ] as [number, number, number][]) {
      it(`sphere r = ${r}, centre offset ${offset.join(',')}: within 2% of 4πr²`, () => {
        const n = 2 * r + 8;
        const centre: [number, number, number] = [n / 2 + offset[0], n / 2 + offset[1], n / 2 + offset[2]];
        const area = phaseSurfaceArea(ball(n, r, centre), [n, n, n]);
        expect(Math.abs(area / (4 * Math.PI * r * r) - 1)).toBeLessThan(0.02);
        // The complement has the same boundary (the outer faces of the box are never counted).
        const inverse = ball(n, r, centre).map((v) => 1 - v);
        expect(Math.abs(phaseSurfaceArea(inverse, [n, n, n]) / area - 1)).toBeLessThan(1e-6);
      });
    }
  }

  it('a plane across the box has exactly its area; face counting would be wrong on a sphere by ~50%', () => {
    const shape: Shape = [20, 24, 30];
    const m = new Uint8Array(20 * 24 * 30);
    for (let i = 0; i < m.length; i++) m[i] = Math.floor(i / (20 * 24)) < 12 ? 1 : 0;
    // The iso-surface spans the cells between voxel centres: (nx−1)(ny−1).
    expect(phaseSurfaceArea(m, shape)).toBeCloseTo(19 * 23, 6);
    expect(phaseSurfaceArea(new Uint8Array(m.length).fill(1), shape)).toBe(0);
  });
});
