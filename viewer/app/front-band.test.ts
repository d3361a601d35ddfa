import { describe, expect, it } from 'vitest';
import { frontBandWidth, sortedFrontValues } from './front-band.ts';

describe('front band', () => {
  it('keeps the pore voxels with finite values, ascending', () => {
    const data = Float32Array.from([5, 1, Infinity, 3, 2, NaN]);
    const labels = Uint8Array.from([0, 0, 0, 1, 0, 0]);
    expect(Array.from(sortedFrontValues(data, labels))).toEqual([1, 2, 5]);
  });

  it('ascending: the latest 10 % of the filled voxels, however the arrival times are spread', () => {
    // 100 voxels arriving early (0..0.99), none late: a share of the time range would catch none at t = 10.
    const sorted = Float32Array.from({ length: 100 }, (_, i) => i / 100);
    const w = frontBandWidth(sorted, 10, 'ascending');
    const inBand = Array.from(sorted).filter((v) => v <= 10 && 10 - v <= w).length;
    expect(inBand).toBe(10);
    // Half filled at t = 0.495: the band holds 5 of the 50.
    const w2 = frontBandWidth(sorted, 0.495, 'ascending');
    expect(Array.from(sorted).filter((v) => v <= 0.495 && 0.495 - v <= w2).length).toBe(5);
    expect(frontBandWidth(sorted, -1, 'ascending')).toBe(0);
  });

  it('descending (imbibition pressure): the filled voxels are those ≥ t, the latest the smallest of them', () => {
    const sorted = Float32Array.from({ length: 100 }, (_, i) => 1000 + 10 * i);
    const t = 1500;
    const w = frontBandWidth(sorted, t, 'descending');
    const filled = Array.from(sorted).filter((v) => v >= t);
    expect(filled).toHaveLength(50);
    expect(filled.filter((v) => v - t <= w)).toHaveLength(5);
    expect(frontBandWidth(sorted, 1e6, 'descending')).toBe(0);
  });
});
