import { describe, expect, it } from 'vitest';
import { ImpossibleRequestError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';
import { smoothDataset } from '../data/synthetic.ts';
import { KERNELS } from './covariance.ts';
import { logMarginalLikelihood } from './likelihood.ts';
import { fitGpr } from './model.ts';
import { regressionMetrics } from '../judge/metrics.ts';

/** R² of predictions `p` against `y`, by the library's metric. */
const r2 = (y: number[], p: number[]): number => regressionMetrics(y, p).r2;

describe('GPR log marginal likelihood gradient', () => {
  const { x, y } = smoothDataset(25, 3, 0.05, 3);
  const xs = Float64Array.from(x.flat());
  const ys = Float64Array.from(y.flat());
  const m = ys.reduce((s, v) => s + v, 0) / ys.length;
  ys.forEach((v, i) => (ys[i] = v - m));
  for (const kernel of KERNELS) {
    it(`equals central finite differences for every hyperparameter (${kernel})`, () => {
      const rng = new Rng(5);
      for (let trial = 0; trial < 3; trial++) {
        const theta = Float64Array.from({ length: 5 }, () => rng.range(-2, 1));
        const { value, gradient } = logMarginalLikelihood(kernel, theta, xs, ys, 3);
        expect(Number.isFinite(value)).toBe(true);
        for (let j = 0; j < theta.length; j++) {
          const h = 1e-5;
          const tp = Float64Array.from(theta);
          const tm = Float64Array.from(theta);
          tp[j] = tp[j]! + h;
          tm[j] = tm[j]! - h;
          const fd = (logMarginalLikelihood(kernel, tp, xs, ys, 3, false).value - logMarginalLikelihood(kernel, tm, xs, ys, 3, false).value) / (2 * h);
          // Relative 1e-5 with an absolute floor for near-zero components.
          expect(Math.abs(gradient[j]! - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        }
      }
    });
  }
});

describe('GPR on a known smooth function', () => {
  it('recovers it with R² > 0.99 and 95% intervals covering 90–99% of held-out points', () => {
    const train = smoothDataset(120, 3, 0.02, 21);
    const test = smoothDataset(300, 3, 0.02, 22);
    const model = fitGpr(train.x, train.y, ['a', 'b', 'c'], ['y'], { kernel: 'matern52', restarts: 1, seed: 1 });
    const pred = model.predict(test.x);
    const y = test.y.map((r) => r[0]!);
    expect(r2(y, pred.mean.map((r) => r[0]!))).toBeGreaterThan(0.99);
    let inside = 0;
    y.forEach((v, i) => {
      if (Math.abs(v - pred.mean[i]![0]!) <= 1.959964 * pred.std[i]![0]!) inside++;
    });
    const coverage = inside / y.length;
    expect(coverage).toBeGreaterThanOrEqual(0.9);
    expect(coverage).toBeLessThanOrEqual(0.99);
  });

  it('treats several outputs as independent GPs and undoes the output scaling', () => {
    const train = smoothDataset(40, 2, 0.01, 4);
    const y2 = train.y.map((r) => [r[0]!, 1000 + 50 * r[0]!]);
    const model = fitGpr(train.x, y2, ['a', 'b'], ['y', 'z'], { kernel: 'rbf', restarts: 0, seed: 1 });
    const p = model.predict(train.x.slice(0, 5));
    for (let i = 0; i < 5; i++) {
      expect(p.mean[i]![1]!).toBeCloseTo(1000 + 50 * p.mean[i]![0]!, 1);
      expect(p.std[i]![1]! / p.std[i]![0]!).toBeCloseTo(50, 0);
    }
  });
});

/**
 * Reference values from scikit-learn 1.2.1 (Debian python3-sklearn), produced with
 *   smoothDataset(60, 4, 0.05, 7) as train and smoothDataset(200, 4, 0.05, 8) as test, written to CSV,
 *   /usr/bin/python3 bench/gpr_sklearn.py train.csv test.csv --kernel <k> --restarts 3 --seed 0
 * (ConstantKernel(1, (1e-5, 1e5)) * kernel(length_scale=ones(4), bounds (1e-5, 1e5)) + WhiteKernel(1, (1e-5, 1e5)),
 * inputs min-max scaled with the training range, normalize_y=True).
 */
const SKLEARN_REFERENCE = {
  matern52: { lml: -5.73823558577358, r2: 0.9779609893023526 },
  matern32: { lml: -11.241680249547947, r2: 0.9775004839661334 },
  rbf: { lml: -4.309665685608998, r2: 0.9812794287095525 },
} as const;

describe('GPR agrees with scikit-learn', () => {
  const train = smoothDataset(60, 4, 0.05, 7);
  const test = smoothDataset(200, 4, 0.05, 8);
  for (const kernel of KERNELS) {
    it(`matches optimized LML within 0.5% and test R² within 0.01 (${kernel})`, () => {
      const model = fitGpr(train.x, train.y, ['a', 'b', 'c', 'd'], ['y'], { kernel, restarts: 3, seed: 0 });
      const ref = SKLEARN_REFERENCE[kernel];
      const lml = model.state.perOutput[0]!.lml;
      expect(Math.abs(lml - ref.lml) / Math.abs(ref.lml)).toBeLessThan(0.005);
      const pred = model.predict(test.x).mean.map((r) => r[0]!);
      expect(Math.abs(r2(test.y.map((r) => r[0]!), pred) - ref.r2)).toBeLessThan(0.01);
    });
  }
});

describe('GPR robust factorization', () => {
  it('names duplicate inputs and zero noise when K cannot be factorized', () => {
    const x = [[0, 0], [0, 0], [1, 1], [0.5, 0.2]];
    const y = [[1], [2], [0], [0.3]];
    // A signal variance of 1e14 makes two identical rows indistinguishable in double precision even with 1e-4 jitter.
    const fit = (): unknown => fitGpr(x, y, ['a', 'b'], ['y'], { kernel: 'rbf', restarts: 1, seed: 0, initial: { noise: 1e-12, constant: 1e14 }, bounds: { noise: [1e-14, 1e-12], constant: [1e14, 1e14] } });
    expect(fit).toThrow(ImpossibleRequestError);
    try {
      fit();
    } catch (e) {
      expect((e as Error).message).toMatch(/duplicate input rows/);
      expect((e as Error).message).toMatch(/effectively zero/);
    }
  });

  it('fits duplicate rows with a small noise floor by raising the jitter only as far as needed', () => {
    const x = [[0, 0], [0, 0], [1, 1], [0.5, 0.2], [0.2, 0.9]];
    const y = [[1], [1.01], [0], [0.3], [0.6]];
    const m = fitGpr(x, y, ['a', 'b'], ['y'], { kernel: 'rbf', restarts: 0, seed: 0, initial: { noise: 1e-5 } });
    expect(m.state.perOutput[0]!.jitter).toBeLessThanOrEqual(1e-4);
    expect(Number.isFinite(m.predict([[0, 0]]).mean[0]![0]!)).toBe(true);
  });

  it('fits the same hyperparameters under the same seed', () => {
    const { x, y } = smoothDataset(30, 2, 0.05, 9);
    const a = fitGpr(x, y, ['a', 'b'], ['y'], { kernel: 'matern32', restarts: 2, seed: 4 });
    const b = fitGpr(x, y, ['a', 'b'], ['y'], { kernel: 'matern32', restarts: 2, seed: 4 });
    expect(a.state.perOutput[0]!.params).toEqual(b.state.perOutput[0]!.params);
  });
});
