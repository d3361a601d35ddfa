import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { aleCurves } from './ale.ts';
import { permutationImportance } from './permutation.ts';
import { shapleyValues } from './shapley.ts';
import type { MeanPredictor } from './types.ts';

function uniformRows(n: number, d: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.uniform()));
}

const linear = (beta: number[]): MeanPredictor => (x) => x.map((r) => [r.reduce((s, v, i) => s + v * beta[i]!, 0), 2 * r[0]!]);

describe('Shapley values', () => {
  it('are β_i (x_i − mean background x_i) for a linear model (exact enumeration)', () => {
    const beta = [2, -3, 0, 0.5];
    const bg = uniformRows(15, 4, 1);
    const pts = uniformRows(3, 4, 2);
    const r = shapleyValues(linear(beta), pts, bg, 0);
    expect(r.method).toBe('exact');
    const bgMean = [0, 1, 2, 3].map((i) => bg.reduce((s, b) => s + b[i]!, 0) / bg.length);
    pts.forEach((x, p) => beta.forEach((b, i) => expect(r.values[p]![i]![0]!).toBeCloseTo(b * (x[i]! - bgMean[i]!), 12)));
    // Second output depends on x0 only.
    pts.forEach((x, p) => expect(r.values[p]![1]![1]!).toBeCloseTo(0, 12));
  });

  it('add up to f(x) − E f(background) with interactions (efficiency)', () => {
    const f: MeanPredictor = (x) => x.map((r) => [Math.sin(3 * r[0]!) * r[1]! + r[2]! ** 2 + r[0]! * r[2]!]);
    const bg = uniformRows(10, 3, 3);
    const pts = uniformRows(4, 3, 4);
    const r = shapleyValues(f, pts, bg, 0);
    const fx = f(pts);
    pts.forEach((_, p) => {
      const sum = r.values[p]!.reduce((s, v) => s + v[0]!, 0);
      expect(sum).toBeCloseTo(fx[p]![0]! - r.baseValue[0]!, 12);
    });
    // Symmetric inputs get equal shares: f = x0·x1 at x = (1,1) over background (0,0).
    const g: MeanPredictor = (x) => x.map((q) => [q[0]! * q[1]!]);
    const s = shapleyValues(g, [[1, 1]], [[0, 0]], 0);
    expect(s.values[0]![0]![0]!).toBeCloseTo(0.5, 14);
    expect(s.values[0]![1]![0]!).toBeCloseTo(0.5, 14);
  });

  it('uses sampled permutations beyond 10 inputs, exact for an additive model with one background row', () => {
    const beta = Array.from({ length: 12 }, (_, i) => i - 5);
    const bg = uniformRows(1, 12, 5);
    const pts = uniformRows(2, 12, 6);
    const r = shapleyValues(linear(beta), pts, bg, 9, 8);
    expect(r.method).toBe('sampled-permutations');
    pts.forEach((x, p) => beta.forEach((b, i) => expect(r.values[p]![i]![0]!).toBeCloseTo(b * (x[i]! - bg[0]![i]!), 10)));
  });
});

describe('ALE', () => {
  it('recovers the shape of an additive effect exactly at the grid points', () => {
    const f: MeanPredictor = (x) => x.map((r) => [r[0]! ** 2 + 0.5 * r[1]!]);
    const x = uniformRows(400, 2, 7);
    const [a0, a1] = aleCurves(f, x, ['a', 'b'], 8);
    for (let g = 1; g < a0!.grid.length; g++) {
      expect(a0!.ale[0]![g]! - a0!.ale[0]![0]!).toBeCloseTo(a0!.grid[g]! ** 2 - a0!.grid[0]! ** 2, 12);
      expect(a1!.ale[0]![g]! - a1!.ale[0]![0]!).toBeCloseTo(0.5 * (a1!.grid[g]! - a1!.grid[0]!), 12);
    }
    // Centred: row-weighted mean of the bin midpoints is zero.
    let m = 0;
    for (let b = 0; b < a0!.counts.length; b++) m += ((a0!.ale[0]![b]! + a0!.ale[0]![b + 1]!) / 2) * a0!.counts[b]!;
    expect(Math.abs(m / x.length)).toBeLessThan(1e-12);
  });
});

describe('permutation importance', () => {
  it('is zero for an input the model ignores and positive for one it uses', () => {
    const f: MeanPredictor = (x) => x.map((r) => [3 * r[0]!]);
    const x = uniformRows(100, 2, 8);
    const y = f(x);
    const imp = permutationImportance(f, x, y, ['used', 'ignored'], ['y'], 5, 1);
    expect(imp[1]!.rmseIncrease.y!.mean).toBe(0);
    // Shuffling x0 gives RMSE ≈ 3·sqrt(2·Var(U)) = 3·sqrt(1/6) ≈ 1.22; allow sampling spread.
    expect(imp[0]!.rmseIncrease.y!.mean).toBeGreaterThan(1.0);
    expect(imp[0]!.rmseIncrease.y!.mean).toBeLessThan(1.45);
  });
});
