import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.ts';
import { LABEL } from '../volume/volume.ts';
import { cylinderBundle, inclinedChannel, overlappingSpheres } from './test-geometries.ts';

const fraction = (labels: Uint8Array, keep: (l: number) => boolean): number => labels.reduce((a, l) => a + (keep(l) ? 1 : 0), 0) / labels.length;

describe('test geometries', () => {
  it('overlappingSpheres reaches the solid fraction, overshooting by less than one sphere', () => {
    const v = overlappingSpheres([32, 32, 32], 5, { porosity: 0.45 });
    const solid = fraction(v.labels, (l) => l !== LABEL.pore);
    // The last sphere (radius ≤ 32/8 = 4 voxels, ≤ 268 voxels of 32768) may overshoot 0.55.
    expect(solid).toBeGreaterThanOrEqual(0.55);
    expect(solid).toBeLessThan(0.55 + (4 / 3) * Math.PI * 4 ** 3 / 32 ** 3 + 1e-12);
    expect(v.voxelSize).toBe(1e-6);
  });

  it('a seed number and a generator with that seed give the same volume; a CBD coat adds label 2', () => {
    const a = overlappingSpheres([16, 12, 20], 7, { solidFraction: 0.5 });
    const b = overlappingSpheres([16, 12, 20], new Rng(7), { solidFraction: 0.5 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(fraction(a.labels, (l) => l === LABEL.cbd)).toBe(0);
    const coated = overlappingSpheres([16, 16, 16], 3, { solidFraction: 0.5, rMin: 2, rMax: 3, cbdShell: 1, voxelSize: 0.5e-6 });
    expect(fraction(coated.labels, (l) => l === LABEL.cbd)).toBeGreaterThan(0.05);
    expect(fraction(coated.labels, (l) => l !== LABEL.pore)).toBeGreaterThanOrEqual(0.5);
    expect(coated.voxelSize).toBe(0.5e-6);
  });

  it('inclinedChannel and cylinderBundle hold the pore volume their geometry says', () => {
    const c = inclinedChannel(10, 3, 2);
    expect(c.shape).toEqual([12, 3, 10]);
    expect(fraction(c.labels, (l) => l === LABEL.pore) * c.labels.length).toBe(10 * 3 * 2);
    // A radius-1 tube is the plus-shaped 5 voxels per layer.
    const b = cylinderBundle([7, 7, 4], 1e-6, [{ cx: 3, cy: 3, radius: 1 }]);
    expect(fraction(b.labels, (l) => l === LABEL.pore) * b.labels.length).toBe(5 * 4);
  });
});
