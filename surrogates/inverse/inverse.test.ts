import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { fitGpr } from '../gpr/model.ts';
import { designFor } from './inverse.ts';
import { logIntervalProbability } from './interval-probability.ts';
import { normalCdf } from '../../src/random/normal.ts';

describe('interval probability', () => {
  it('equals Φ(b) − Φ(a) in the bulk and stays finite far outside', () => {
    expect(Math.exp(logIntervalProbability(0, 1, -1.959964, 1.959964))).toBeCloseTo(0.95, 6);
    expect(Math.exp(logIntervalProbability(0, 1, 1, 2))).toBeCloseTo(normalCdf(2) - normalCdf(1), 6);
    const far = logIntervalProbability(0, 1, 40, 41);
    expect(Number.isFinite(far)).toBe(true);
    // log Φ(−40) ≈ −800 − log 40 − ½ log 2π.
    expect(far).toBeCloseTo(-800 - Math.log(40) - 0.5 * Math.log(2 * Math.PI), 1);
  });
});

describe('inverse design on a surrogate', () => {
  it('finds the input that puts f = a + 2b in its target with b fixed', () => {
    const rng = new Rng(3);
    const x = Array.from({ length: 40 }, () => [rng.uniform(), rng.uniform()]);
    const y = x.map((r) => [r[0]! + 2 * r[1]!]);
    const m = fitGpr(x, y, ['a', 'b'], ['f'], { kernel: 'matern52', restarts: 1, seed: 1 });
    const box = { a: [0, 1] as [number, number], b: [0, 1] as [number, number] };
    const r = designFor(m, box, [{ output: 'f', lo: 1.45, hi: 1.55 }], { b: 0.5 }, { seed: 2 });
    expect(r.best.inputs.b).toBe(0.5);
    // Centre of the interval: a = 0.5; the probability is flat near the centre, so allow ±0.03.
    expect(Math.abs(r.best.inputs.a! - 0.5)).toBeLessThan(0.03);
    expect(r.best.probability).toBeGreaterThan(0.9);
    const truth = r.best.inputs.a! + 2 * r.best.inputs.b!;
    expect(truth).toBeGreaterThanOrEqual(1.45);
    expect(truth).toBeLessThanOrEqual(1.55);
  });
});
