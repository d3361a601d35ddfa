import { describe, expect, it } from 'vitest';
import { liveSubVolume } from './sub-volume.ts';

describe('liveSubVolume', () => {
  it('keeps a volume that already fits, voxel for voxel', () => {
    const labels = Uint8Array.from({ length: 4 * 5 * 6 }, (_, i) => i % 3);
    const s = liveSubVolume(labels, [4, 5, 6], 1e-6, 8);
    expect(s.shape).toEqual([4, 5, 6]);
    expect(s.factor).toBe(1);
    expect(s.voxelSize).toBe(1e-6);
    expect(Array.from(s.labels)).toEqual(Array.from(labels));
  });

  it('coarsens by the factor that fits the thickness, majority label per block, ties to pore', () => {
    // 4×4×8, maxEdge 4 → factor 2, 2×2×4 blocks. Block (0,0,0): 5 AM, 3 pore → AM.
    // Block (1,0,0): 4 CBD, 4 pore → tie → pore. Every other block all AM.
    const [nx, ny, nz] = [4, 4, 8];
    const labels = new Uint8Array(nx * ny * nz).fill(1);
    const at = (x: number, y: number, z: number): number => x + nx * (y + ny * z);
    for (const [x, y, z] of [[0, 0, 0], [1, 0, 0], [0, 1, 0]]) labels[at(x!, y!, z!)] = 0;
    for (let z = 0; z < 2; z++) for (let y = 0; y < 2; y++) for (let x = 2; x < 4; x++) labels[at(x, y, z)] = (x + y + z) % 2 === 0 ? 0 : 2;
    const s = liveSubVolume(labels, [nx, ny, nz], 2e-6, 4);
    expect(s.factor).toBe(2);
    expect(s.shape).toEqual([2, 2, 4]);
    expect(s.voxelSize).toBeCloseTo(4e-6, 15);
    expect(s.labels[0]).toBe(1);
    expect(s.labels[1]).toBe(0);
    expect(Array.from(s.labels.subarray(2))).toEqual(new Array(14).fill(1));
  });

  it('crops x and y about the centre when the thickness fits but the sides do not', () => {
    const [nx, ny, nz] = [10, 7, 4];
    const labels = Uint8Array.from({ length: nx * ny * nz }, (_, i) => (i % nx === 5 ? 2 : 1));
    const s = liveSubVolume(labels, [nx, ny, nz], 1e-6, 4);
    expect(s.shape).toEqual([4, 4, 4]);
    expect(s.origin).toEqual([3, 1, 0]);
    // Source x = 5 is crop x = 2 in every row.
    for (let i = 0; i < s.labels.length; i++) expect(s.labels[i]).toBe(i % 4 === 2 ? 2 : 1);
  });

  it('coarsens at most 2×, crops the thickness on the separator side beyond that, and says what it gave up', () => {
    // 48³ at 1 µm with a 16-node edge: 3× used to fit the thickness; now 2× and the 32 µm next to the separator.
    const n = 48;
    const labels = new Uint8Array(n * n * n);
    for (let z = 0; z < n; z++) labels.fill(z < 32 ? 1 : 2, n * n * z, n * n * (z + 1));
    const s = liveSubVolume(labels, [n, n, n], 1e-6, 16);
    expect(s.factor).toBe(2);
    expect(s.shape).toEqual([16, 16, 16]);
    expect(s.voxelSize).toBeCloseTo(2e-6, 15);
    // z = 0 (the separator side) is kept: every coarse layer comes from source layers 0..31.
    expect(s.labels.every((l) => l === 1)).toBe(true);
    expect(s.gaveUp).toEqual(['the thickness: only the 32 µm next to the separator of 48 µm (more than 2× coarser would merge particles)', 'the sides: 32 µm × 32 µm about the centre of 48 µm × 48 µm']);
    const fits = liveSubVolume(new Uint8Array(8 * 8 * 8), [8, 8, 8], 1e-6, 8);
    expect(fits.gaveUp).toEqual([]);
  });
});
