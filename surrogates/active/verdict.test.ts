import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { fitGpr } from '../gpr/model.ts';
import { compareWithSobol, faceShare, verdictLines } from './verdict.ts';
import type { CurvePoint } from './learn.ts';

const curve = (n: number, rmse: Record<string, number>): CurvePoint => ({ simulations: n, testRmse: rmse, testR2: {}, looRmse: {} });

describe('why active learning did not beat Sobol', () => {
  it('counts points within 5 % of a face of the unit cube', () => {
    expect(faceShare([[0.01, 0.5], [0.5, 0.5], [0.5, 0.99], [0.3, 0.7]])).toBe(0.5);
    expect(faceShare([])).toBe(0);
  });

  it('names the GP noise share, points on the faces and shared batches, with the figures measured', () => {
    const rng = new Rng(4);
    const x = Array.from({ length: 30 }, () => [rng.uniform(), rng.uniform()]);
    // y: pure noise in the first output (nothing to learn), a clean trend in the second.
    const y = x.map((r) => [rng.normal(), 3 * r[0]! + r[1]!]);
    const model = fitGpr(x, y, ['a', 'b'], ['noisy', 'clean'], { kernel: 'matern52', restarts: 1, seed: 1 });
    const picked = [[0, 0.5], [1, 0.2], [0.3, 1], [0.02, 0.98], [0.5, 0.5]];
    const v = compareWithSobol([curve(10, { noisy: 1, clean: 1 }), curve(30, { noisy: 1.05, clean: 0.01 })], [curve(10, { noisy: 1, clean: 1 }), curve(30, { noisy: 1.0, clean: 0.05 })], model, picked, 50);
    expect(v.map((o) => [o.output, o.beat])).toEqual([['noisy', false], ['clean', true]]);
    expect(v[1]!.reasons).toEqual([]);
    const why = v[0]!.reasons.join('\n');
    expect(why).toMatch(/GP puts (9\d|100) % of noisy's variance in noise/);
    expect(why).toMatch(/80 % of its 5 chosen points within 5 % of a face of the box \(19 % for evenly spread points\)/);
    expect(why).toMatch(/summed uncertainty of 2 outputs/);
    expect(why).toMatch(/within 5 % of each other, a difference 50 test points cannot resolve/);
    const lines = verdictLines(v).join('\n');
    expect(lines).toMatch(/noisy: active learning did \*\*not\*\* beat Sobol \(held-out RMSE 1.05 against 1.00 for Sobol at 30 simulations\)/);
    expect(lines).toMatch(/clean: active learning beat Sobol/);
  });
});
