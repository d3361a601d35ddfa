import { describe, expect, it } from 'vitest';
import type { Shape } from '../volume/volume.ts';
import { faceAxis, faceMask, FACES, faceNeighbours, oppositeFace } from './faces.ts';
import { floodFill, floodFromFace } from './flood.ts';

describe('floodFill / floodFromFace', () => {
  // 5×1×4, x fastest, z rows listed from z = 0: a U-shaped channel open at z = 0 through x = 0,
  // a separate pocket at x = 4, z = 0..1, and a dead pocket at (2, 0, 1).
  const shape: Shape = [5, 1, 4];
  const rows = ['10001', '10101', '10000', '11110'];
  const mask = Uint8Array.from(rows.join(''), (ch) => Number(ch));

  it('reaches exactly the voxels joined to the face through the mask', () => {
    const reached = floodFromFace(mask, shape, 'z-');
    expect(Array.from(reached).join('')).toBe(['10001', '10001', '10000', '11110'].join(''));
    // From the top face only the U is reached (x = 0..3 at z = 3, then down x = 0).
    expect(Array.from(floodFromFace(mask, shape, 'z+')).join('')).toBe(['10000', '10000', '10000', '11110'].join(''));
  });

  it('ignores seeds outside the mask and clears a reused output array', () => {
    const seeds = new Uint8Array(mask.length);
    seeds[1] = 1; // (1, 0, 0) is solid
    const out = new Uint8Array(mask.length).fill(1);
    expect(Array.from(floodFill(mask, shape, seeds, { out })).every((v) => v === 0)).toBe(true);
    seeds[2 + 5 * 1] = 1; // the dead pocket
    expect(Array.from(floodFill(mask, shape, seeds, { out })).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('crosses a periodic face only when the axis is periodic', () => {
    // Along x: voxels 0 and 4 touch across the x faces.
    const line: Shape = [5, 1, 1];
    const m = Uint8Array.from([1, 0, 0, 1, 1]);
    const seed = Uint8Array.from([1, 0, 0, 0, 0]);
    expect(Array.from(floodFill(m, line, seed))).toEqual([1, 0, 0, 0, 0]);
    expect(Array.from(floodFill(m, line, seed, { periodic: [true, false, false] }))).toEqual([1, 0, 0, 1, 1]);
    expect(Array.from(floodFill(m, line, seed, { periodic: [false, true, true] }))).toEqual([1, 0, 0, 0, 0]);
    // The pocket at x = 4 has no voxel at z = 3, so wrapping z adds nothing to it...
    const fromPocket = new Uint8Array(mask.length);
    fromPocket[4] = 1;
    expect(Array.from(floodFill(mask, shape, fromPocket, { periodic: [false, false, true] })).join('')).toBe(['00001', '00001', '00000', '00000'].join(''));
    // Wrapping x joins the pocket at x = 4 to the channel at x = 0.
    expect(Array.from(floodFill(mask, shape, fromPocket, { periodic: [true, false, false] })).join('')).toBe(['10001', '10001', '10000', '11110'].join(''));
  });
});

describe('faces', () => {
  it('face masks hold one layer of voxels; opposite faces pair up', () => {
    const shape: Shape = [3, 4, 5];
    const count = (m: Uint8Array): number => m.reduce((a, b) => a + b, 0);
    expect(FACES.map((f) => count(faceMask(shape, f)))).toEqual([20, 20, 15, 15, 12, 12]);
    expect(faceMask(shape, 'z+')[2 + 3 * (3 + 4 * 4)]).toBe(1);
    expect(faceMask(shape, 'z+')[0]).toBe(0);
    expect(FACES.map(oppositeFace)).toEqual(['x+', 'x-', 'y+', 'y-', 'z+', 'z-']);
    expect(FACES.map(faceAxis)).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('faceNeighbours gives the six face neighbours, -1 past the box or the opposite face when periodic', () => {
    const [nx, ny, nz] = [3, 4, 5];
    const plane = nx * ny;
    const out = new Int32Array(6);
    const i = 1 + nx * (2 + ny * 3);
    expect(Array.from(faceNeighbours(i, nx, ny, nz, out))).toEqual([i - 1, i + 1, i - nx, i + nx, i - plane, i + plane]);
    expect(Array.from(faceNeighbours(0, nx, ny, nz, out))).toEqual([-1, 1, -1, nx, -1, plane]);
    // (0, 0, 0) wraps to (2, 0, 0), (0, 3, 0) and (0, 0, 4); the far corner wraps back to 0 on each axis.
    expect(Array.from(faceNeighbours(0, nx, ny, nz, out, true, true, true))).toEqual([2, 1, 3 * nx, nx, 4 * plane, plane]);
    const last = nx * ny * nz - 1;
    expect(Array.from(faceNeighbours(last, nx, ny, nz, out, true, true, true))).toEqual([last - 1, last - 2, last - nx, last - 3 * nx, last - plane, last - 4 * plane]);
  });
});
