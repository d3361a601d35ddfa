import { MesolabError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';
import type { Trainer } from '../model.ts';
import { kFolds } from './folds.ts';
import { regressionMetrics, type OutputMetrics } from './metrics.ts';

export interface ParityRow {
  row: number;
  fold: number;
  output: string;
  actual: number;
  predicted: number;
  std: number;
}

export interface CvResult {
  folds: number;
  seed: number;
  metrics: Record<string, OutputMetrics>;
  /** Share of held-out points inside their 95% predictive interval, per output. */
  coverage95: Record<string, number>;
  parity: ParityRow[];
}

function take<T>(a: readonly T[], idx: readonly number[]): T[] {
  return idx.map((i) => a[i]!);
}

/** Seeded k-fold cross-validation: every row is predicted once by a model that never saw it. */
export async function crossValidate(trainer: Trainer, x: readonly (readonly number[])[], y: readonly (readonly number[])[], inputs: readonly string[], outputs: readonly string[], k: number, seed: number): Promise<CvResult> {
  const folds = kFolds(x, k, seed);
  const n = x.length;
  const pred = Array.from({ length: n }, () => new Array<number>(outputs.length).fill(NaN));
  const std = Array.from({ length: n }, () => new Array<number>(outputs.length).fill(NaN));
  const foldOf = new Array<number>(n).fill(-1);
  for (let f = 0; f < folds.length; f++) {
    const test = folds[f]!;
    const inTest = new Set(test);
    const train = [...Array(n).keys()].filter((i) => !inTest.has(i));
    const model = await trainer.fit(take(x, train), take(y, train), inputs, outputs, seed + 1000 * (f + 1));
    const p = model.predict(take(x, test));
    test.forEach((row, a) => {
      foldOf[row] = f;
      pred[row] = p.mean[a]!;
      std[row] = p.std[a]!;
    });
  }
  const metrics: Record<string, OutputMetrics> = {};
  const coverage95: Record<string, number> = {};
  const parity: ParityRow[] = [];
  outputs.forEach((o, j) => {
    const actual = y.map((r) => r[j]!);
    const p = pred.map((r) => r[j]!);
    metrics[o] = regressionMetrics(actual, p);
    let inside = 0;
    for (let i = 0; i < n; i++) {
      if (Math.abs(actual[i]! - p[i]!) <= 1.959964 * std[i]![j]!) inside++;
      parity.push({ row: i, fold: foldOf[i]!, output: o, actual: actual[i]!, predicted: p[i]!, std: std[i]![j]! });
    }
    coverage95[o] = inside / n;
  });
  return { folds: k, seed, metrics, coverage95, parity };
}

export interface LearningCurvePoint {
  /** Training rows per fold at this size. */
  trainSize: number;
  fraction: number;
  /** CV RMSE per output at this size. */
  rmse: Record<string, number>;
  r2: Record<string, number>;
}

/**
 * CV error against training size: the same folds as the full CV, each fold's training rows
 * subsampled (seeded) to a fraction before fitting, so only the size changes between points.
 */
export async function learningCurve(trainer: Trainer, x: readonly (readonly number[])[], y: readonly (readonly number[])[], inputs: readonly string[], outputs: readonly string[], k: number, seed: number, fractions: readonly number[] = [0.25, 0.5, 0.75, 1], full?: CvResult): Promise<LearningCurvePoint[]> {
  const folds = kFolds(x, k, seed);
  const n = x.length;
  const out: LearningCurvePoint[] = [];
  for (const fraction of fractions) {
    if (fraction === 1 && full) {
      // The full-size point is the cross-validation itself; no need to fit it again.
      out.push({ trainSize: n - folds[folds.length - 1]!.length, fraction, rmse: Object.fromEntries(outputs.map((o) => [o, full.metrics[o]!.rmse])), r2: Object.fromEntries(outputs.map((o) => [o, full.metrics[o]!.r2])) });
      continue;
    }
    const actual: number[][] = outputs.map(() => []);
    const predicted: number[][] = outputs.map(() => []);
    let trainSize = 0;
    let skipped = false;
    for (let f = 0; f < folds.length; f++) {
      const test = folds[f]!;
      const inTest = new Set(test);
      const all = [...Array(n).keys()].filter((i) => !inTest.has(i));
      const train = new Rng(seed + 17 * (f + 1)).shuffle(all).slice(0, Math.max(2, Math.round(fraction * all.length)));
      trainSize = train.length;
      let model;
      try {
        model = await trainer.fit(take(x, train), take(y, train), inputs, outputs, seed + 1000 * (f + 1));
      } catch (e) {
        // Too few rows for this model at this size (e.g. fewer rows than linear coefficients).
        if (!(e instanceof MesolabError)) throw e;
        skipped = true;
        break;
      }
      const p = model.predict(take(x, test));
      outputs.forEach((_, j) =>
        test.forEach((row, a) => {
          actual[j]!.push(y[row]![j]!);
          predicted[j]!.push(p.mean[a]![j]!);
        }),
      );
    }
    if (skipped) continue;
    const rmse: Record<string, number> = {};
    const r2: Record<string, number> = {};
    outputs.forEach((o, j) => {
      const m = regressionMetrics(actual[j]!, predicted[j]!);
      rmse[o] = m.rmse;
      r2[o] = m.r2;
    });
    out.push({ trainSize, fraction, rmse, r2 });
  }
  return out;
}
