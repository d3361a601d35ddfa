import { describe, expect, it } from 'vitest';
import { cubicVoxelSize, physicalSpacing, toRational } from './tiff-metadata.ts';

describe('voxel size from TIFF tags and ImageJ descriptions', () => {
  const ij = (lines: string): string => `ImageJ=1.54f\n${lines}`;

  it('ImageJ: resolution is pixels per the description unit (ResolutionUnit none)', () => {
    const s = physicalSpacing({ xResolution: 2, yResolution: 2, resolutionUnit: 1, description: ij('unit=micron\nspacing=0.5\n') });
    expect(s.x).toBeCloseTo(0.5e-6, 18);
    expect(s.z).toBeCloseTo(0.5e-6, 18);
    expect(physicalSpacing({ xResolution: 0.5, resolutionUnit: 1, description: ij('unit=nm\n') }).x).toBeCloseTo(2e-9, 21);
    expect(physicalSpacing({ xResolution: 4, resolutionUnit: 1, description: ij('unit=\\u00B5m\n') }).x).toBeCloseTo(0.25e-6, 18);
  });

  it('ImageJ converts ResolutionUnit=centimetre with unit=um (how mesolab writes)', () => {
    expect(physicalSpacing({ xResolution: 25000, resolutionUnit: 3, description: ij('unit=um\nspacing=0.4\n') }).x).toBeCloseTo(0.4e-6, 18);
  });

  it('plain TIFF tags: centimetre and inch; ImageJ "pixel" or no unit is unknown', () => {
    expect(physicalSpacing({ xResolution: 12500, resolutionUnit: 3 }).x).toBeCloseTo(0.8e-6, 18);
    expect(physicalSpacing({ xResolution: 25400, resolutionUnit: 2 }).x).toBeCloseTo(1e-6, 18);
    expect(physicalSpacing({ xResolution: 1, resolutionUnit: 1 }).x).toBeUndefined();
    expect(physicalSpacing({ xResolution: 1, resolutionUnit: 1, description: ij('unit=pixel\n') }).x).toBeUndefined();
    expect(physicalSpacing({}).x).toBeUndefined();
  });

  it('mesolab_voxel_size_m is exact and wins; anisotropic voxels are refused', () => {
    expect(cubicVoxelSize(physicalSpacing({ xResolution: 27027, resolutionUnit: 3, description: ij('unit=um\nmesolab_voxel_size_m=3.7e-7\n') }), 'f')).toBe(3.7e-7);
    expect(() => cubicVoxelSize(physicalSpacing({ xResolution: 2, resolutionUnit: 1, description: ij('unit=um\nspacing=1.5\n') }), 'f.tif')).toThrow(/cubic voxels.*z 1.50000 µm/);
  });

  it('rationals approximate to 1e-9 relative and are exact for round values', () => {
    expect(toRational(10000)).toEqual([10000, 1]);
    expect(toRational(0.5)).toEqual([1, 2]);
    for (const x of [27027.027027, 1 / 3, 123456.789, 1e-5]) {
      const [n, d] = toRational(x);
      expect(Math.abs(n / d - x) / x).toBeLessThan(1e-9);
    }
  });
});
