import { describe, expect, it } from 'vitest';
import { GaussianProcess } from './gaussian-process.ts';
import { fitGpr } from '../surrogates/gpr/model.ts';

const f = (x: number, z: number): number => Math.sin(3 * x) + 0.5 * z * z;
const X = Array.from({ length: 30 }, (_, i) => [((i * 7) % 30) / 29, ((i * 11) % 30) / 29]);
const y = X.map(([a, b]) => f(a!, b!));

describe('GaussianProcess (scikit-learn style fit/predict over mesolab GPR)', () => {
  it('fits a smooth function: held-out error < 0.02, R² > 0.999, std small at data and larger far away', () => {
    const gp = new GaussianProcess({ restarts: 1, seed: 2, threads: 1 }).fit(X, y);
    const Xq = [[0.31, 0.52], [0.77, 0.18], [0.05, 0.95]];
    const yq = Xq.map(([a, b]) => f(a!, b!));
    gp.predict(Xq).forEach((m, i) => expect(Math.abs(m - yq[i]!)).toBeLessThan(0.02));
    expect(gp.score(Xq, yq)).toBeGreaterThan(0.999);
    const { std } = gp.predict([X[0]!, [3, 3]], { returnStd: true });
    expect(std[0]!).toBeLessThan(0.02);
    expect(std[1]!).toBeGreaterThan(10 * std[0]!);
    expect(gp.hyperparameters.lengthScales).toHaveLength(2);
  });

  it('is the project GPR: same seed and options give the same mean and std as fitGpr', () => {
    const gp = new GaussianProcess({ kernel: 'matern32', restarts: 2, seed: 5, threads: 1 }).fit(X, y);
    const ref = fitGpr(X, y.map((v) => [v]), ['a', 'b'], ['y'], { kernel: 'matern32', restarts: 2, seed: 5, threads: 1 });
    const q = [[0.4, 0.6]];
    const p = gp.predict(q, { returnStd: true });
    expect(p.mean[0]).toBe(ref.predict(q).mean[0]![0]);
    expect(p.std[0]).toBe(ref.predict(q).std[0]![0]);
  });

  it('names the field and what was expected on bad input', () => {
    expect(() => new GaussianProcess({ kernel: 'linear' as 'rbf' })).toThrow(/kernel: got "linear", expected one of rbf, matern32, matern52/);
    expect(() => new GaussianProcess().predict([[1]])).toThrow(/fit\(X, y\) before predict/);
    expect(() => new GaussianProcess().fit([[0], [1]], [0])).toThrow(/y: got "1 values", expected one target per row of X \(2\)/);
    expect(() => new GaussianProcess().fit([[0], [1, 2]], [0, 1])).toThrow(/X\[1\]: got "2 values", expected 1 values, as in row 0/);
    expect(() => new GaussianProcess().fit([[0], [NaN]], [0, 1])).toThrow(/X\[1\]\[0\]: got NaN, expected a finite number/);
    const gp = new GaussianProcess({ restarts: 0 }).fit([[0], [1]], [0, 1]);
    expect(() => gp.predict([[0, 1]])).toThrow(/X: got "2 column\(s\)", expected 1 column\(s\), as in fit/);
  });
});
