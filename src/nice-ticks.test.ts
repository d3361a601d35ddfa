import { describe, expect, it } from 'vitest';
import { niceTicks } from './nice-ticks.ts';

describe('niceTicks', () => {
  it('steps 1, 2 or 5 × 10^k inside the range, zero exact', () => {
    expect(niceTicks(0, 1).map((t) => Number(t.toFixed(12)))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97)).toEqual([20, 40, 60, 80]);
    // Range 0.6 over 4 intervals: 0.15 rounds up to a step of 0.2; the middle tick is +0, not a rounding residue.
    const symmetric = niceTicks(-0.3, 0.3, 4);
    expect(symmetric.map((t) => Number(t.toFixed(12)))).toEqual([-0.2, 0, 0.2]);
    expect(symmetric[1]).toBe(0);
    expect(niceTicks(2, 2)).toEqual([2]);
  });
});
