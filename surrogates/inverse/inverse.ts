import { ImpossibleRequestError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';
import type { Surrogate } from '../model.ts';
import { minimizeBox } from '../optim/lbfgsb.ts';
import { logIntervalProbability } from './interval-probability.ts';

export interface Target {
  output: string;
  lo: number;
  hi: number;
}

export interface DesignSolution {
  inputs: Record<string, number>;
  predicted: Record<string, { mean: number; std: number; probabilityInTarget: number }>;
  /** P(all targets met) under the surrogate's predictive distribution, outputs taken independent. */
  probability: number;
  /** log of `probability`, finite even when the targets are far out of reach. */
  logProbability: number;
}

export interface DesignResult {
  best: DesignSolution;
  /** Other distinct local optima, best first (alternative recipes). */
  alternatives: DesignSolution[];
  starts: number;
  fixed: Record<string, number>;
  targets: Target[];
}

export interface DesignOptions {
  seed: number;
  /** Multi-start count (default 16). */
  starts?: number;
}

/**
 * Finds inputs inside the training box that maximize the probability that every output falls in
 * its target interval, Σ log P(lo ≤ Y_j ≤ hi), with the surrogate's predictive mean and std; so
 * an answer where the model is unsure is worth less than an equally close one where it is sure.
 * Multi-start projected L-BFGS with central-difference gradients on the free inputs (unit cube).
 */
export function designFor(model: Surrogate, box: Record<string, [number, number]>, targets: readonly Target[], fixed: Record<string, number>, opts: DesignOptions): DesignResult {
  const inputs = [...model.inputs];
  const free = inputs.filter((n) => !(n in fixed));
  if (free.length === 0) throw new ImpossibleRequestError('--fix', Object.keys(fixed).join(','), 'at least one input left free to design');
  const outIdx = targets.map((t) => model.outputs.indexOf(t.output));
  const toRow = (u: ArrayLike<number>): number[] => {
    let k = 0;
    return inputs.map((n) => {
      if (n in fixed) return fixed[n]!;
      const [lo, hi] = box[n]!;
      return lo + u[k++]! * (hi - lo);
    });
  };
  const logP = (rows: number[][]): number[] => {
    const p = model.predict(rows);
    return rows.map((_, i) => targets.reduce((s, t, a) => s + logIntervalProbability(p.mean[i]![outIdx[a]!]!, Math.max(1e-300, p.std[i]![outIdx[a]!]!), t.lo, t.hi), 0));
  };
  const df = free.length;
  const h = 1e-5;
  const objective = (u: Float64Array): { value: number; gradient: Float64Array } => {
    // One batched prediction for the point and its 2·d neighbours.
    const pts: number[][] = [toRow(u)];
    for (let k = 0; k < df; k++) {
      const up = Float64Array.from(u);
      const dn = Float64Array.from(u);
      up[k] = Math.min(1, u[k]! + h);
      dn[k] = Math.max(0, u[k]! - h);
      pts.push(toRow(up), toRow(dn));
    }
    const v = logP(pts);
    const gradient = new Float64Array(df);
    for (let k = 0; k < df; k++) {
      const span = Math.min(1, u[k]! + h) - Math.max(0, u[k]! - h);
      gradient[k] = -(v[1 + 2 * k]! - v[2 + 2 * k]!) / span;
    }
    return { value: -v[0]!, gradient };
  };
  // Starting points: the best of a random screen, then random points for diversity.
  const rng = new Rng(opts.seed);
  const screen = Array.from({ length: 512 }, () => Array.from({ length: df }, () => rng.uniform()));
  const screenVals = logP(screen.map(toRow));
  const order = [...screen.keys()].sort((a, b) => screenVals[b]! - screenVals[a]!);
  const nStarts = opts.starts ?? 16;
  const starts = [...order.slice(0, Math.ceil(nStarts / 2)).map((i) => screen[i]!), ...Array.from({ length: Math.floor(nStarts / 2) }, () => Array.from({ length: df }, () => rng.uniform()))];
  const lower = new Array<number>(df).fill(0);
  const upper = new Array<number>(df).fill(1);
  const optima: { u: Float64Array; value: number }[] = [];
  for (const s of starts) {
    const r = minimizeBox(objective, s, { lower, upper, maxIterations: 200 });
    optima.push({ u: r.x, value: -r.value });
  }
  optima.sort((a, b) => b.value - a.value);
  const distinct: typeof optima = [];
  for (const o of optima) {
    if (distinct.every((q) => Math.max(...Array.from(o.u, (v, k) => Math.abs(v - q.u[k]!))) > 0.05)) distinct.push(o);
  }
  const describe = (u: Float64Array): DesignSolution => {
    const row = toRow(u);
    const p = model.predict([row]);
    const predicted: DesignSolution['predicted'] = {};
    let logTotal = 0;
    targets.forEach((t, a) => {
      const mean = p.mean[0]![outIdx[a]!]!;
      const std = p.std[0]![outIdx[a]!]!;
      const lp = logIntervalProbability(mean, Math.max(1e-300, std), t.lo, t.hi);
      logTotal += lp;
      predicted[t.output] = { mean, std, probabilityInTarget: Math.exp(lp) };
    });
    return { inputs: Object.fromEntries(inputs.map((n, k) => [n, row[k]!])), predicted, probability: Math.exp(logTotal), logProbability: logTotal };
  };
  return { best: describe(distinct[0]!.u), alternatives: distinct.slice(1, 5).map((o) => describe(o.u)), starts: starts.length, fixed, targets: [...targets] };
}
