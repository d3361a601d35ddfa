import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { fitGpr } from '../gpr/model.ts';
import { activeLearn } from './learn.ts';

/** One relevant input among four: an ARD GP learns that, so max-std sampling spreads points along x0 only. */
const f = (u: readonly number[]): number => Math.sin(8 * u[0]!) + 0.05 * u[1]!;

describe('active learning', () => {
  for (const seed of [1, 2, 3]) {
    it(`ends with a test error no larger than Sobol sampling of the same budget (seed ${seed})`, async () => {
      const rng = new Rng(99 + seed);
      const tx = Array.from({ length: 300 }, () => Array.from({ length: 4 }, () => rng.uniform()));
      let calls = 0;
      const r = await activeLearn(
        {
          inputs: ['a', 'b', 'c', 'd'],
          outputs: ['y'],
          fromUnit: (u) => [...u],
          simulate: async (p) => {
            calls += p.length;
            return p.map((u) => [f(u)]);
          },
          test: { x: tx, y: tx.map((u) => [f(u)]) },
        },
        { budget: 30, batch: 5, init: 10, seed, restarts: 1 },
      );
      expect(r.active.map((p) => p.simulations)).toEqual([10, 15, 20, 25, 30]);
      expect(r.sobol.map((p) => p.simulations)).toEqual([10, 15, 20, 25, 30]);
      expect(r.x.length).toBe(30);
      // Sobol baseline reuses the 10 initial points: 30 + 20 simulations in all.
      expect(calls).toBe(50);
      expect(r.simulations).toEqual({ active: 30, sobolComparison: 20 });
      expect(r.pickedUnit).toHaveLength(20);
      const a = r.active[r.active.length - 1]!.testRmse.y!;
      const s = r.sobol[r.sobol.length - 1]!.testRmse.y!;
      expect(a).toBeLessThanOrEqual(s);
      expect(a).toBeLessThan(r.active[0]!.testRmse.y! / 10);
    });
  }

  it('stops early when the leave-one-out error meets its target', async () => {
    const r = await activeLearn(
      { inputs: ['a'], outputs: ['y'], fromUnit: (u) => [...u], simulate: async (p) => p.map((u) => [2 * u[0]!]), test: { x: [[0.3], [0.7]], y: [[0.6], [1.4]] } },
      { budget: 40, batch: 4, init: 6, seed: 1, restarts: 0, targetLooRmse: { y: 0.05 }, compareSobol: false },
    );
    expect(r.stoppedBy).toBe('target');
    expect(r.x.length).toBeLessThan(40);
  });
});

describe('greedy max-std batch with fantasized observations', () => {
  it('spreads a batch out instead of stacking it at the single most uncertain spot', () => {
    const x = [[0], [0.1], [0.2], [0.3]];
    const m = fitGpr(x, x.map((r) => [Math.sin(5 * r[0]!)]), ['a'], ['y'], { kernel: 'rbf', restarts: 0, seed: 0, initial: { lengthScales: [3], noise: 1e-4 }, bounds: { lengthScale: [3, 3], noise: [1e-4, 1e-4] } });
    const cand = Array.from({ length: 101 }, (_, i) => [i / 100]);
    const picked = m.greedyMaxStdBatch(cand, 3).map((i) => cand[i]![0]!);
    // Far from the data the std is largest at x = 1; the fantasies push the others away from it.
    expect(picked[0]).toBe(1);
    const sorted = [...picked].sort((a, b) => a - b);
    expect(sorted[1]! - sorted[0]!).toBeGreaterThan(0.1);
    expect(sorted[2]! - sorted[1]!).toBeGreaterThan(0.1);
  });

  it('matches refitting with the fantasized point added (posterior variance does not depend on y)', () => {
    const x = [[0.1, 0.2], [0.5, 0.9], [0.8, 0.3], [0.3, 0.6], [0.9, 0.9]];
    const y = x.map((r) => [r[0]! + r[1]!]);
    const opts = { kernel: 'matern52' as const, restarts: 0, seed: 0, initial: { lengthScales: [0.5, 0.5], noise: 1e-3, constant: 1 }, bounds: { lengthScale: [0.5, 0.5] as [number, number], noise: [1e-3, 1e-3] as [number, number], constant: [1, 1] as [number, number] } };
    const m = fitGpr(x, y, ['a', 'b'], ['y'], opts);
    const cand = [[0.0, 0.0], [1, 0], [0.5, 0.5], [0.05, 0.02]];
    const [first, second] = m.greedyMaxStdBatch(cand, 2);
    // Refit with the first pick added at its predicted mean, hyperparameters held; the second pick must be the argmax there.
    const mean = m.predict([cand[first!]!]).mean[0]![0]!;
    const m2 = fitGpr([...x, cand[first!]!], [...y, [mean]], ['a', 'b'], ['y'], opts);
    // Same scalers are needed for an exact comparison, so compare the argmax only.
    const std2 = m2.predict(cand).std.map((r) => r[0]!);
    const best = std2.map((s, i) => (i === first ? -1 : s)).reduce((bi, s, i, arr) => (s > arr[bi]! ? i : bi), 0);
    expect(second).toBe(best);
  });
});
