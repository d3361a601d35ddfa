import { describe, expect, it } from 'vitest';
import { capacityColumnName, capacityColumnRate, CURVE_POINTS, encodeDischargeCurves, parseDischargeCurves } from './cell-columns.ts';

describe('discharge curves in a study row', () => {
  it('resamples a long curve to CURVE_POINTS evenly in capacity, keeping both ends and a linear voltage exact', () => {
    const n = 500;
    const capacity = Array.from({ length: n }, (_, i) => (3 * i) / (n - 1));
    const voltage = capacity.map((q) => 4.2 - 0.4 * q);
    const c = parseDischargeCurves(encodeDischargeCurves([{ cRate: 1, capacity, voltage }]))!;
    expect(c.capacity[0]).toHaveLength(CURVE_POINTS);
    expect(c.capacity[0]![0]).toBe(0);
    expect(c.capacity[0]!.at(-1)).toBe(3);
    expect(c.capacity[0]![20]).toBeCloseTo(1.5, 4);
    c.capacity[0]!.forEach((q, k) => expect(Math.abs(c.voltage[0]![k]! - (4.2 - 0.4 * q))).toBeLessThan(1e-4));
  });

  it('keeps short curves as they are, several rates in order', () => {
    const c = parseDischargeCurves(encodeDischargeCurves([{ cRate: 0.1, capacity: [0, 1, 2], voltage: [4, 3.8, 3] }, { cRate: 2, capacity: [0, 0.5], voltage: [3.9, 3] }]))!;
    expect(c.cRates).toEqual([0.1, 2]);
    expect(c.capacity).toEqual([[0, 1, 2], [0, 0.5]]);
    expect(c.voltage[1]).toEqual([3.9, 3]);
  });

  it('reads anything else (empty, not JSON, mismatched arrays) as no curves', () => {
    for (const bad of [null, '', 'nope', '{"cRates":[1],"capacity":[[0,1]],"voltage":[[4]]}', '{"cRates":[1,2],"capacity":[[0]],"voltage":[[4]]}', 3]) expect(parseDischargeCurves(bad)).toBeNull();
  });

  it('names a rate\'s capacity column and reads the rate back', () => {
    for (const c of [0.1, 0.5, 1, 2, 10]) expect(capacityColumnRate(capacityColumnName(c))).toBe(c);
    expect(capacityColumnName(0.1)).toBe('cell_capacity_0p1c');
  });
});
