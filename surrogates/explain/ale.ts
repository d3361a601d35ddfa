import type { MeanPredictor } from './types.ts';

export interface AleCurve {
  input: string;
  /** Bin edges (grid) in input units. */
  grid: number[];
  /** ale[j][g]: centred accumulated local effect on output j at grid[g]. */
  ale: number[][];
  /** Rows per bin. */
  counts: number[];
}

/**
 * First-order accumulated local effects (Apley & Zhu 2020): bins at quantiles of the input,
 * finite differences of the prediction across each bin for the rows that fall in it, accumulated
 * and centred so that their row-weighted mean is zero. Unlike partial dependence, ALE stays
 * inside the data when inputs are correlated.
 */
export function aleCurves(predict: MeanPredictor, x: readonly (readonly number[])[], inputs: readonly string[], bins = 10): AleCurve[] {
  return inputs.map((input, k) => {
    const sorted = x.map((r) => r[k]!).sort((a, b) => a - b);
    const grid: number[] = [];
    for (let b = 0; b <= bins; b++) {
      const q = sorted[Math.min(sorted.length - 1, Math.round((b / bins) * (sorted.length - 1)))]!;
      if (grid.length === 0 || q > grid[grid.length - 1]!) grid.push(q);
    }
    const nb = grid.length - 1;
    if (nb < 1) return { input, grid, ale: [], counts: [] };
    const lowRows: number[][] = [];
    const highRows: number[][] = [];
    const binOf: number[] = [];
    for (const r of x) {
      let b = 0;
      while (b < nb - 1 && r[k]! > grid[b + 1]!) b++;
      const lo = [...r];
      const hi = [...r];
      lo[k] = grid[b]!;
      hi[k] = grid[b + 1]!;
      lowRows.push(lo);
      highRows.push(hi);
      binOf.push(b);
    }
    const pl = predict(lowRows);
    const ph = predict(highRows);
    const nOut = pl[0]?.length ?? 0;
    const counts = new Array<number>(nb).fill(0);
    for (const b of binOf) counts[b] = counts[b]! + 1;
    const ale = Array.from({ length: nOut }, (_, j) => {
      const local = new Array<number>(nb).fill(0);
      binOf.forEach((b, i) => (local[b] = local[b]! + ph[i]![j]! - pl[i]![j]!));
      const acc = [0];
      for (let b = 0; b < nb; b++) acc.push(acc[b]! + (counts[b]! > 0 ? local[b]! / counts[b]! : 0));
      // Centre with the bin-midpoint average weighted by rows per bin.
      let mean = 0;
      for (let b = 0; b < nb; b++) mean += ((acc[b]! + acc[b + 1]!) / 2) * counts[b]!;
      mean /= x.length;
      return acc.map((v) => v - mean);
    });
    return { input, grid, ale, counts };
  });
}
