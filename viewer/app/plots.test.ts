import { describe, expect, it } from 'vitest';
import { interpolate } from './plots.ts';

describe('curve marker value', () => {
  it('reads the saturation off a Pc–S curve stored with the pressure falling (imbibition order)', () => {
    const pc = [2e4, 1e4, 5e3, 2e3];
    const s = [0, 0.55, 0.63, 0.63];
    expect(interpolate(pc, s, 7500)).toBeCloseTo(0.59, 10);
    expect(interpolate(pc, s, 1e4)).toBeCloseTo(0.55, 10);
    // Clamped to the ends, whichever way the curve runs.
    expect(interpolate(pc, s, 3e4)).toBe(0);
    expect(interpolate(pc, s, 1e3)).toBe(0.63);
  });

  it('still reads an ascending time curve', () => {
    expect(interpolate([0, 1, 2], [0, 0.4, 0.6], 1.5)).toBeCloseTo(0.5, 12);
    expect(interpolate([], [], 1)).toBeNaN();
  });
});
