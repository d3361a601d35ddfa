import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { expectedImprovement, minimiseBayes } from './bayes-opt.ts';
import { normalCdf } from '../../src/random/normal.ts';

describe('minimiseBayes', () => {
  it('finds the minimum of a noisy bowl and tells the dimension it ignores by its length scale', async () => {
    const noise = new Rng(9);
    // Minimum at (0.3, 0.7); the third input does nothing.
    const f = async ([a, b]: number[]): Promise<number> => (a! - 0.3) ** 2 + 2 * (b! - 0.7) ** 2 + 0.002 * noise.normal();
    const r = await minimiseBayes(f, 3, { budget: 22, seed: 4 });
    expect(r.x.length).toBe(22);
    const best = r.x[r.best]!;
    expect(Math.abs(best[0]! - 0.3)).toBeLessThan(0.12);
    expect(Math.abs(best[1]! - 0.7)).toBeLessThan(0.08);
    // A flat direction gets a length scale well above those of the two that matter.
    expect(r.lengthScales[2]!).toBeGreaterThan(2 * Math.max(r.lengthScales[0]!, r.lengthScales[1]!));
    // Better than the best of its own Sobol start (10 points for d = 3).
    expect(Math.min(...r.y.slice(10))).toBeLessThan(Math.min(...r.y.slice(0, 10)));
  });

  it('expected improvement and the normal CDF match closed forms', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    // At mean = best, EI = σ/√(2π).
    expect(expectedImprovement(1, 2, 1)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI), 7);
    expect(expectedImprovement(5, 0, 3)).toBe(0);
  });
});
