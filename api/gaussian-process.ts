import { ConfigError } from '../src/errors.ts';
import { KERNELS, type KernelName } from '../surrogates/gpr/covariance.ts';
import { fitGpr, type GprModel } from '../surrogates/gpr/model.ts';

export type GaussianProcessKernel = KernelName;

export interface GaussianProcessOptions {
  /** Covariance: 'matern52' (default), 'matern32' or 'rbf', each with one length scale per input (ARD) and a fitted white noise. */
  kernel?: GaussianProcessKernel;
  /** Random restarts of the optimizer after the first start (scikit-learn's n_restarts_optimizer; default 3). */
  restarts?: number;
  /** Seed of the restarts (default 0): the same seed and data give the same fit. */
  seed?: number;
  /** Threads for the restarts (default: MESOLAB_GPR_THREADS, else the cores); the fit does not depend on it. */
  threads?: number;
}

/**
 * Gaussian-process regression in scikit-learn's manner (`GaussianProcessRegressor` with
 * `normalize_y=True`): `fit(X, y)` maximizes the log marginal likelihood over the kernel's
 * hyperparameters (bounded L-BFGS with seeded restarts, mesolab's GPR in surrogates/gpr), then
 * `predict(X)` gives the mean and `predict(X, { returnStd: true })` the standard deviation of a new
 * observation (latent variance plus the fitted noise). Inputs are scaled to the unit cube and the
 * output standardized internally; X and y are in the user's own units, returned values in y's.
 *
 * @example
 * const gp = new GaussianProcess({ kernel: 'matern52', restarts: 2, seed: 1 });
 * gp.fit([[0], [0.5], [1]], [0, 0.25, 1]);
 * const { mean, std } = gp.predict([[0.25]], { returnStd: true });
 */
export class GaussianProcess {
  private model: GprModel | undefined;
  private readonly kernel: KernelName;
  private readonly restarts: number;
  private readonly seed: number;
  private readonly threads: number | undefined;

  /**
   * An unfitted Gaussian process (nothing is computed until `fit`).
   *
   * @param options kernel ('matern52' default, 'matern32', 'rbf'), restarts (L-BFGS restarts from
   *   seeded random starts, default 3), seed (integer ≥ 0), threads (helper threads for the restarts).
   * @example
   * const gp = new GaussianProcess({ kernel: 'rbf', restarts: 1, seed: 2 });
   */
  constructor(options: GaussianProcessOptions = {}) {
    this.kernel = options.kernel ?? 'matern52';
    if (!(KERNELS as readonly string[]).includes(this.kernel)) throw new ConfigError('kernel', this.kernel, `one of ${KERNELS.join(', ')}`);
    this.restarts = options.restarts ?? 3;
    if (!Number.isInteger(this.restarts) || this.restarts < 0) throw new ConfigError('restarts', this.restarts, 'an integer >= 0');
    this.seed = options.seed ?? 0;
    if (!Number.isInteger(this.seed) || this.seed < 0) throw new ConfigError('seed', this.seed, 'an integer >= 0');
    this.threads = options.threads;
  }

  /**
   * Fits the hyperparameters and factorizes the training covariance.
   *
   * @param X training inputs, one row per sample (n × d, n ≥ 2), finite numbers.
   * @param y training targets (length n), finite numbers.
   * @returns this, so that `new GaussianProcess().fit(X, y).predict(Xq)` chains.
   * @example
   * const gp = new GaussianProcess({ seed: 0 }).fit([[0], [0.5], [1]], [0, 0.25, 1]);
   * @see Rasmussen & Williams, Gaussian Processes for Machine Learning (2006), algorithm 2.1 and §5.4.1;
   *   scikit-learn's GaussianProcessRegressor.fit (the optimum it reaches is the one checked in tests).
   */
  fit(X: readonly (readonly number[])[], y: readonly number[]): this {
    const d = checkMatrix(X, 'X');
    if (y.length !== X.length) throw new ConfigError('y', `${y.length} values`, `one target per row of X (${X.length})`);
    if (X.length < 2) throw new ConfigError('X', `${X.length} row(s)`, 'at least 2 training samples');
    y.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new ConfigError(`y[${i}]`, v, 'a finite number');
    });
    const inputs = Array.from({ length: d }, (_, k) => `x${k}`);
    this.model = fitGpr(X, y.map((v) => [v]), inputs, ['y'], {
      kernel: this.kernel,
      restarts: this.restarts,
      seed: this.seed,
      ...(this.threads !== undefined ? { threads: this.threads } : {}),
    });
    return this;
  }

  /**
   * Predicts at new inputs.
   *
   * @param X query inputs (m × d, the d of the training data).
   * @param options `{ returnStd: true }` to also get the standard deviation.
   * @returns the mean per row, or `{ mean, std }` with `returnStd` (std of a new noisy
   *   observation, in the units of y).
   * @example
   * gp.predict([[0.25], [0.75]]);                       // [mean, mean]
   * gp.predict([[0.25]], { returnStd: true }).std[0];  // > 0
   */
  predict(X: readonly (readonly number[])[]): number[];
  predict(X: readonly (readonly number[])[], options: { returnStd: true }): { mean: number[]; std: number[] };
  predict(X: readonly (readonly number[])[], options?: { returnStd?: boolean }): number[] | { mean: number[]; std: number[] } {
    const model = this.fitted();
    if (checkMatrix(X, 'X') !== model.inputs.length) throw new ConfigError('X', `${X[0]?.length} column(s)`, `${model.inputs.length} column(s), as in fit`);
    if (!options?.returnStd) return model.predictMean(X).map((r) => r[0]!);
    const p = model.predict(X);
    return { mean: p.mean.map((r) => r[0]!), std: p.std.map((r) => r[0]!) };
  }

  /**
   * Coefficient of determination R² of the mean prediction on (X, y), as scikit-learn's `score`.
   *
   * @param X test inputs (m × d, the d of the training data).
   * @param y test targets (length m), in the units of the training y.
   * @example
   * gp.score(Xtest, ytest); // e.g. 0.98
   * @returns 1 − Σ(y − ŷ)² / Σ(y − ȳ)²; 1 is a perfect fit.
   */
  score(X: readonly (readonly number[])[], y: readonly number[]): number {
    const pred = this.predict(X);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    let res = 0;
    let tot = 0;
    y.forEach((v, i) => {
      res += (v - pred[i]!) ** 2;
      tot += (v - mean) ** 2;
    });
    return 1 - res / tot;
  }

  /**
   * The fitted hyperparameters in natural units (scikit-learn's `kernel_`): constant (output
   * variance, standardized units), one length scale per input (unit-cube units) and the noise
   * variance, with the log marginal likelihood reached.
   */
  get hyperparameters(): { constant: number; lengthScales: number[]; noise: number; logMarginalLikelihood: number } {
    const out = this.fitted().state.perOutput[0]!;
    return { constant: out.params.constant, lengthScales: [...out.params.lengthScales], noise: out.params.noise, logMarginalLikelihood: out.lml };
  }

  private fitted(): GprModel {
    if (!this.model) throw new ConfigError('GaussianProcess', 'not fitted', 'fit(X, y) before predict, score or hyperparameters');
    return this.model;
  }
}

/** Checks a rectangular matrix of finite numbers; returns its column count. */
function checkMatrix(X: readonly (readonly number[])[], name: string): number {
  if (!Array.isArray(X) || X.length === 0) throw new ConfigError(name, X, 'a non-empty array of rows');
  const d = X[0]!.length;
  if (d === 0) throw new ConfigError(`${name}[0]`, '[]', 'a row of at least one number');
  X.forEach((row, i) => {
    if (row.length !== d) throw new ConfigError(`${name}[${i}]`, `${row.length} values`, `${d} values, as in row 0`);
    row.forEach((v: number, k: number) => {
      if (!Number.isFinite(v)) throw new ConfigError(`${name}[${i}][${k}]`, v, 'a finite number');
    });
  });
  return d;
}
