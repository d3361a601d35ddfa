import { Rng } from '../../src/random/rng.ts';
import type { MeanPredictor } from './types.ts';

export interface ShapleyResult {
  method: 'exact' | 'sampled-permutations';
  /** Permutations per explained point when sampled. */
  permutations?: number;
  backgroundSize: number;
  /** E_b f(b) per output. */
  baseValue: number[];
  /** values[p][k][j]: contribution of input k to output j at explained point p. */
  values: number[][][];
  /** Mean |φ| per input and output over the explained points. */
  meanAbs: number[][];
}

/** Up to this many inputs, all 2^d coalitions are enumerated. */
export const EXACT_SHAPLEY_MAX_INPUTS = 10;

/**
 * Interventional Shapley values over a background sample: v(S) = mean_b f(x_S, b_S̄).
 * Exact by enumerating every coalition for d ≤ 10 (2^d·|B| predictions per point); beyond that,
 * the permutation-sampling estimator (antithetic pairs), unbiased and exact in expectation.
 */
export function shapleyValues(predict: MeanPredictor, explain: readonly (readonly number[])[], background: readonly (readonly number[])[], seed: number, permutations = 64): ShapleyResult {
  const d = explain[0]?.length ?? 0;
  const base = predict(background);
  const k = base[0]?.length ?? 0;
  const baseValue = Array.from({ length: k }, (_, j) => base.reduce((s, r) => s + r[j]!, 0) / base.length);
  const values = d <= EXACT_SHAPLEY_MAX_INPUTS ? explain.map((x) => exactPoint(predict, x, background, d, k)) : explain.map((x, p) => sampledPoint(predict, x, background, d, k, Rng.stream(seed, p), permutations));
  const meanAbs = Array.from({ length: d }, (_, i) => Array.from({ length: k }, (_, j) => values.reduce((s, v) => s + Math.abs(v[i]![j]!), 0) / Math.max(1, values.length)));
  return d <= EXACT_SHAPLEY_MAX_INPUTS
    ? { method: 'exact', backgroundSize: background.length, baseValue, values, meanAbs }
    : { method: 'sampled-permutations', permutations, backgroundSize: background.length, baseValue, values, meanAbs };
}

function exactPoint(predict: MeanPredictor, x: readonly number[], background: readonly (readonly number[])[], d: number, k: number): number[][] {
  const nS = 1 << d;
  const rows: number[][] = [];
  for (let s = 0; s < nS; s++) {
    for (const b of background) rows.push(Array.from({ length: d }, (_, i) => ((s >> i) & 1 ? x[i]! : b[i]!)));
  }
  const pred = predict(rows);
  const nb = background.length;
  const v = Array.from({ length: nS }, (_, s) => Array.from({ length: k }, (_, j) => {
    let t = 0;
    for (let a = 0; a < nb; a++) t += pred[s * nb + a]![j]!;
    return t / nb;
  }));
  // Shapley weight |S|!(d−|S|−1)!/d! by coalition size.
  const fact = [1];
  for (let i = 1; i <= d; i++) fact.push(fact[i - 1]! * i);
  const weight = Array.from({ length: d }, (_, size) => (fact[size]! * fact[d - size - 1]!) / fact[d]!);
  const phi = Array.from({ length: d }, () => new Array<number>(k).fill(0));
  for (let s = 0; s < nS; s++) {
    const size = popcount(s);
    for (let i = 0; i < d; i++) {
      if ((s >> i) & 1) continue;
      const w = weight[size]!;
      const withI = v[s | (1 << i)]!;
      const without = v[s]!;
      for (let j = 0; j < k; j++) phi[i]![j] = phi[i]![j]! + w * (withI[j]! - without[j]!);
    }
  }
  return phi;
}

function sampledPoint(predict: MeanPredictor, x: readonly number[], background: readonly (readonly number[])[], d: number, k: number, rng: Rng, permutations: number): number[][] {
  const phi = Array.from({ length: d }, () => new Array<number>(k).fill(0));
  let count = 0;
  for (let p = 0; p < permutations; p += 2) {
    const order = rng.shuffle([...Array(d).keys()]);
    // Antithetic pair: the order and its reverse reduce variance at no bias.
    for (const perm of [order, [...order].reverse()]) {
      const b = background[rng.integer(0, background.length - 1)]!;
      const rows: number[][] = [];
      const cur = [...b];
      rows.push([...cur]);
      for (const i of perm) {
        cur[i] = x[i]!;
        rows.push([...cur]);
      }
      const pred = predict(rows);
      perm.forEach((i, step) => {
        for (let j = 0; j < k; j++) phi[i]![j] = phi[i]![j]! + pred[step + 1]![j]! - pred[step]![j]!;
      });
      count++;
    }
  }
  return phi.map((r) => r.map((v) => v / count));
}

function popcount(s: number): number {
  let c = 0;
  while (s) {
    c += s & 1;
    s >>= 1;
  }
  return c;
}
