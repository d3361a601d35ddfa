import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { minimiseBayes } from './bayes-opt.ts';
import { minimiseSumOfSquaresBayes } from './least-squares-bayes.ts';

/**
 * A calibration in miniature: m descriptors, each a saturating function of a sparse mix of d
 * parameters (a third of them curved), all zero at a hidden point; measured with noise.
 */
function calibrationProblem(seed: number, d: number, m: number) {
  const g = new Rng(100 + seed);
  const hidden = Array.from({ length: d }, () => 0.15 + 0.7 * g.uniform());
  const a = Array.from({ length: m }, () => Array.from({ length: d }, () => (g.uniform() < 0.5 ? 0 : 1.5 * g.normal())));
  const b = Array.from({ length: m }, () => Array.from({ length: d }, () => 0.8 * g.normal()));
  const clean = (u: readonly number[]): number[] =>
    a.map((ak, k) => {
      let lin = 0;
      let quad = 0;
      for (let i = 0; i < d; i++) {
        const t = u[i]! - hidden[i]!;
        lin += ak[i]! * t;
        quad += b[k]![i]! * t * t;
      }
      return Math.tanh(lin + (k % 3 === 0 ? quad : 0)) / Math.sqrt(m);
    });
  const noise = new Rng(7 + seed);
  const residuals = async (u: number[]): Promise<number[]> => clean(u).map((v) => v + 0.005 * noise.normal());
  const truth = (u: readonly number[]): number => clean(u).reduce((s, v) => s + v * v, 0);
  return { residuals, truth };
}

describe('minimiseSumOfSquaresBayes', () => {
  it('calibrates eight parameters to fourteen noisy descriptors far better than a GP on the sum, at the same budget', async () => {
    const { residuals, truth } = calibrationProblem(1, 8, 14);
    const budget = 40;
    const composite = await minimiseSumOfSquaresBayes(residuals, 8, { budget, seed: 1 });
    const scalar = await minimiseBayes(async (u) => Math.log((await residuals(u)).reduce((s, v) => s + v * v, 0) + 1e-4), 8, { budget, seed: 1 });
    expect(composite.x.length).toBe(budget);
    expect(composite.residuals.length).toBe(budget);
    expect(composite.y[3]).toBeCloseTo(composite.residuals[3]!.reduce((s, v) => s + v * v, 0), 12);
    const sobolBest = Math.min(...composite.x.slice(0, 18).map(truth));
    const found = truth(composite.x[composite.best]!);
    // Measured 2026-12-05: Sobol start 0.10, composite 0.002–0.005, scalar 0.087.
    expect(found).toBeLessThan(0.01);
    expect(found).toBeLessThan(sobolBest / 10);
    expect(found).toBeLessThan(truth(scalar.x[scalar.best]!) / 5);
  }, 120_000);

  it('finds a two-parameter least-squares minimum and ignores a third input through its length scale', async () => {
    const noise = new Rng(3);
    const f = async ([p, q]: number[]): Promise<number[]> => [p! - 0.3 + 0.002 * noise.normal(), 2 * (q! - 0.7) + 0.002 * noise.normal()];
    const r = await minimiseSumOfSquaresBayes(f, 3, { budget: 20, seed: 2 });
    const best = r.x[r.best]!;
    expect(Math.abs(best[0]! - 0.3)).toBeLessThan(0.05);
    expect(Math.abs(best[1]! - 0.7)).toBeLessThan(0.03);
    expect(r.residualModel.outputs.length).toBe(2);
  }, 60_000);

  it('reads a valley along two inputs that trade against each other as two wide intervals, and a third that is fixed as narrow', async () => {
    // a and b enter only as a + b: any a is matched by b = 1.1 − a; c alone is pinned at 0.4.
    const f = async ([a, b, c]: number[]): Promise<number[]> => [a! + b! - 1.1, 0.5 * (c! - 0.4)];
    const r = await minimiseSumOfSquaresBayes(f, 3, { budget: 24, seed: 5 });
    const [ia, ib, ic] = r.linearisedIntervals(r.x[r.best]!, 1e-4);
    // Linearised, Δuᵀ JᵀJ Δu ≤ 1e-4 with JᵀJ singular along (1, −1): a and b are bounded by the cube only.
    expect(ia![1] - ia![0]).toBeGreaterThan(0.5);
    expect(ib![1] - ib![0]).toBeGreaterThan(0.5);
    // c: √(1e-4 / 0.25) = 0.02 either side of the best.
    expect(ic![1] - ic![0]).toBeGreaterThan(0.03);
    expect(ic![1] - ic![0]).toBeLessThan(0.05);
    expect(ic![0]).toBeLessThan(0.4);
    expect(ic![1]).toBeGreaterThan(0.4);
  }, 60_000);

  it('minimises another composite of the residuals where it is asked to: the sum plus the worst term squared', async () => {
    // One residual pulls towards 0.2, four towards 0.6. Their sum of squares is least at
    // u = (0.2 + 4·0.6)/5 = 0.52 (worst |r| 0.32). With the worst term added, g = 2(u − 0.2)² + 4(u − 0.6)²
    // on [0.4, 0.6] (the worst there is u − 0.2), least at (0.4 + 2.4)/6 = 0.4667 (worst 0.267);
    // below 0.4 the worst is 0.6 − u and g still falls towards 0.4.
    const f = async ([u]: number[]): Promise<number[]> => [u! - 0.2, u! - 0.6, u! - 0.6, u! - 0.6, u! - 0.6];
    const withWorst = (r: readonly number[]): number => r.reduce((s, e) => s + e * e, 0) + Math.max(...r.map(Math.abs)) ** 2;
    const sum = await minimiseSumOfSquaresBayes(f, 1, { budget: 14, seed: 3 });
    const worst = await minimiseSumOfSquaresBayes(f, 1, { budget: 14, seed: 3 }, withWorst);
    expect(sum.x[sum.best]![0]!).toBeCloseTo(0.52, 2);
    expect(worst.x[worst.best]![0]!).toBeCloseTo(0.4667, 2);
    // y holds the composite's value, the residuals their own.
    expect(worst.y[5]).toBeCloseTo(withWorst(worst.residuals[5]!), 12);
  }, 60_000);

  it('goes on from evaluations made before, against a target that has moved, without drawing a design', async () => {
    // As a size-corrected calibration: twelve trials against one target, then the target moves and
    // the same points are re-read against it (no new evaluation), and eight more trials follow.
    const noise = new Rng(5);
    const target = (p0: number, q0: number) => (u: readonly number[]): number[] => [u[0]! - p0 + 0.002 * noise.normal(), 2 * (u[1]! - q0) + 0.002 * noise.normal()];
    const before = await minimiseSumOfSquaresBayes(async (u) => target(0.3, 0.7)(u), 2, { budget: 12, seed: 4 });
    const moved = target(0.45, 0.55);
    let calls = 0;
    const prior = { x: before.x, residuals: before.x.map((u) => moved(u)) };
    const after = await minimiseSumOfSquaresBayes(async (u) => (calls++, moved(u)), 2, { budget: 20, seed: 5, prior });
    expect(calls).toBe(8);
    expect(after.x.slice(0, 12)).toEqual(before.x);
    expect(after.residuals.slice(0, 12)).toEqual(prior.residuals);
    const best = after.x[after.best]!;
    expect(Math.abs(best[0]! - 0.45)).toBeLessThan(0.01);
    expect(Math.abs(best[1]! - 0.55)).toBeLessThan(0.01);
    // Eight trials from scratch end farther off: their Sobol design alone takes six.
    const fresh = await minimiseSumOfSquaresBayes(async (u) => moved(u), 2, { budget: 8, seed: 5 });
    const miss = (u: readonly number[]): number => (u[0]! - 0.45) ** 2 + 4 * (u[1]! - 0.55) ** 2;
    expect(miss(best)).toBeLessThan(miss(fresh.x[fresh.best]!));
    await expect(minimiseSumOfSquaresBayes(async (u) => moved(u), 2, { budget: 20, seed: 5, prior: { x: prior.x, residuals: prior.residuals.slice(1) } })).rejects.toThrow(/prior: got 11, expected one residual row per point \(12\)/);
  }, 60_000);

  it('refuses a residual vector whose length changes between points', async () => {
    let n = 0;
    await expect(minimiseSumOfSquaresBayes(async () => new Array<number>(++n > 2 ? 3 : 2).fill(0.1), 2, { budget: 5, init: 4, seed: 1 })).rejects.toThrow(/residuals/);
  });
});
