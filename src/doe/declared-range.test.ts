import { describe, expect, it } from 'vitest';
import { declaredRanges } from './params.ts';

describe('declared input ranges of a study', () => {
  it('takes uniform and log-uniform bounds and numeric choice levels; normal and non-numeric parameters declare none', () => {
    const ranges = declaredRanges([
      { name: 'calendering', distribution: 'uniform', min: 0, max: 25, unit: '%' },
      { name: 'd50', distribution: 'loguniform', min: 2, max: 20 },
      { name: 'angle', distribution: 'choice', levels: [60, 20, 40] },
      { name: 'morph', distribution: 'choice', levels: ['bridge', 'film'] },
      { name: 'sigma', distribution: 'normal', mean: 0.035, sd: 0.002 },
      { name: 'broken', distribution: 'uniform', min: 'a' },
    ]);
    expect(ranges).toEqual({ calendering: [0, 25], d50: [2, 20], angle: [20, 60] });
    expect(declaredRanges(undefined)).toEqual({});
  });
});
