import { describe, expect, it } from 'vitest';
import type { Shape } from '../volume/volume.ts';
import { componentSizes, FACE_BIT, facesTouched, labelComponents } from './components.ts';
import { findRoot } from './union-find.ts';

/** A mask of `shape` with 1 at the listed (x, y, z). */
function maskWith(shape: Shape, voxels: readonly (readonly [number, number, number])[]): Uint8Array {
  const [nx, ny] = shape;
  const m = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (const [x, y, z] of voxels) m[x + nx * (y + ny * z)] = 1;
  return m;
}

describe('labelComponents (6-neighbourhood)', () => {
  it('counts hand-built components: face neighbours join, edge and corner neighbours do not', () => {
    const shape: Shape = [4, 4, 4];
    // A 2×2×2 cube at the origin, (2, 2, 0) touching it only along an edge, (2, 2, 2) only at a
    // corner, and a lone voxel.
    const cube = [0, 1].flatMap((z) => [0, 1].flatMap((y) => [0, 1].map((x) => [x, y, z] as const)));
    const mask = maskWith(shape, [...cube, [2, 2, 0], [2, 2, 2], [3, 0, 3]]);
    const c = labelComponents(mask, shape);
    expect(c.count).toBe(4);
    expect(Array.from(c.size)).toEqual([8, 1, 1, 1]);
    expect(c.label[0]).toBe(0);
    expect(c.label[1]).toBe(0);
    expect(c.label[1 + 4 * (1 + 4 * 1)]).toBe(0); // (1, 1, 1), the cube's far corner
    expect(c.label[2 + 4 * (2 + 4 * 0)]).toBe(1);
    expect(c.label[3 + 4 * (3 + 4 * 3)]).toBe(-1);
  });

  it('numbers components in the order of their first voxel and reads the faces they touch', () => {
    const shape: Shape = [5, 1, 1];
    const mask = Uint8Array.from([1, 1, 0, 1, 1]);
    const c = labelComponents(mask, shape);
    expect(Array.from(c.label)).toEqual([0, 0, -1, 1, 1]);
    expect(c.faces[0]! & FACE_BIT.x[0]).toBeTruthy();
    expect(c.faces[0]! & FACE_BIT.x[1]).toBe(0);
    expect(facesTouched(c, 0, 'x')).toBe(1);
    expect(facesTouched(c, 1, 'x')).toBe(1);
    // One voxel thick in y and z: both components touch both faces of y and z.
    expect(facesTouched(c, 0, 'y')).toBe(2);
    expect(facesTouched(c, 1, 'z')).toBe(2);
  });

  it('joins two components across a periodic axis, and only across that axis', () => {
    const shape: Shape = [5, 3, 2];
    // A row along x at (y 1, z 0) broken at x = 2: two pieces that meet across the x faces.
    const mask = maskWith(shape, [[0, 1, 0], [1, 1, 0], [3, 1, 0], [4, 1, 0]]);
    expect(labelComponents(mask, shape).count).toBe(2);
    expect(labelComponents(mask, shape, { periodic: [false, true, true] }).count).toBe(2);
    const c = labelComponents(mask, shape, { periodic: [true, false, false] });
    expect(c.count).toBe(1);
    expect(Array.from(c.size)).toEqual([4]);
    expect(facesTouched(c, 0, 'x')).toBe(2); // the joined piece holds both x faces
    const i = (x: number): number => x + 5 * 1;
    expect([i(0), i(1), i(3), i(4)].map((k) => c.label[k])).toEqual([0, 0, 0, 0]);
  });

  it('wraps y and z too, and renumbers the merged components densely in first-voxel order', () => {
    const shape: Shape = [3, 4, 4];
    // a: (0, 0, 1) and (0, 3, 1) meet across y; b: (2, 1, 0) and (2, 1, 3) meet across z; c: lone (1, 2, 2).
    const mask = maskWith(shape, [[0, 0, 1], [0, 3, 1], [2, 1, 0], [2, 1, 3], [1, 2, 2]]);
    expect(labelComponents(mask, shape).count).toBe(5);
    const c = labelComponents(mask, shape, { periodic: [false, true, true] });
    expect(c.count).toBe(3);
    const at = (x: number, y: number, z: number): number => c.label[x + 3 * (y + 4 * z)]!;
    expect(at(2, 1, 0)).toBe(0); // first voxel in index order
    expect(at(2, 1, 3)).toBe(0);
    expect(at(0, 0, 1)).toBe(1);
    expect(at(0, 3, 1)).toBe(1);
    expect(at(1, 2, 2)).toBe(2);
    expect(Array.from(c.size)).toEqual([2, 2, 1]);
  });

  it('componentSizes lists sizes largest first', () => {
    const shape: Shape = [6, 1, 1];
    expect(componentSizes(Uint8Array.from([1, 0, 1, 1, 1, 0]), shape)).toEqual([3, 1]);
    expect(componentSizes(Uint8Array.from([1, 0, 1, 1, 1, 0]), shape, { periodic: [true, false, false] })).toEqual([3, 1]);
    expect(componentSizes(Uint8Array.from([1, 0, 1, 1, 0, 1]), shape, { periodic: [true, false, false] })).toEqual([2, 2]);
    expect(componentSizes(new Uint8Array(6), shape)).toEqual([]);
  });
});

describe('findRoot', () => {
  it('finds the root and halves the path on the way', () => {
    // A chain 4 → 3 → 2 → 1 → 0.
    const parent = Int32Array.from([0, 0, 1, 2, 3]);
    expect(findRoot(parent, 4)).toBe(0);
    // Path halving: 4 skips to its grandparent 2, then 2 skips to 0; 3 is not on the halved path.
    expect(Array.from(parent)).toEqual([0, 0, 0, 2, 2]);
    expect(findRoot(parent, 3)).toBe(0);
  });
});
