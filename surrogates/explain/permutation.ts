import { Rng } from '../../src/random/rng.ts';
import type { MeanPredictor } from './types.ts';

export interface PermutationImportance {
  input: string;
  /** Per output: mean rise of the RMSE when this input is shuffled, and its std over repeats. */
  rmseIncrease: Record<string, { mean: number; std: number }>;
}

function rmse(a: readonly number[][], b: readonly number[][], j: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]![j]! - b[i]![j]!) ** 2;
  return Math.sqrt(s / a.length);
}

/**
 * Breiman's permutation importance on (x, y): how much worse the model does when one input's
 * column is shuffled, breaking its link with the outputs while keeping its distribution.
 */
export function permutationImportance(predict: MeanPredictor, x: readonly (readonly number[])[], y: readonly (readonly number[])[], inputs: readonly string[], outputs: readonly string[], repeats: number, seed: number): PermutationImportance[] {
  const base = predict(x);
  const baseRmse = outputs.map((_, j) => rmse(base, y as number[][], j));
  const rng = new Rng(seed);
  return inputs.map((input, k) => {
    const rises: number[][] = outputs.map(() => []);
    for (let r = 0; r < repeats; r++) {
      const perm = rng.shuffle([...x.keys()]);
      const xp = x.map((row, i) => {
        const c = [...row];
        c[k] = x[perm[i]!]![k]!;
        return c;
      });
      const p = predict(xp);
      outputs.forEach((_, j) => rises[j]!.push(rmse(p, y as number[][], j) - baseRmse[j]!));
    }
    const rmseIncrease: PermutationImportance['rmseIncrease'] = {};
    outputs.forEach((o, j) => {
      const v = rises[j]!;
      const mean = v.reduce((s, t) => s + t, 0) / v.length;
      const sd = v.length > 1 ? Math.sqrt(v.reduce((s, t) => s + (t - mean) ** 2, 0) / (v.length - 1)) : 0;
      rmseIncrease[o] = { mean, std: sd };
    });
    return { input, rmseIncrease };
  });
}
