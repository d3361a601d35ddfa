import { ImpossibleRequestError } from '../../src/errors.ts';
import { applyUnitCube, fitUnitCube, type UnitCubeScaler } from '../data/scalers.ts';
import { solveDense } from '../linalg/dense.ts';
import type { ModelFile, Prediction, Surrogate } from '../model.ts';

export interface LinearState {
  kind: 'linear';
  inputs: string[];
  outputs: string[];
  quadratic: boolean;
  xScaler: UnitCubeScaler;
  /** (XᵀX)⁻¹ of the design matrix, row-major p×p. */
  covUnscaled: number[];
  /** Coefficients per output on the scaled features (intercept first). */
  coefficients: number[][];
  /** Residual variance per output (unbiased, n − p degrees of freedom). */
  residualVariance: number[];
}

/** Intercept, the unit-cube inputs and, when asked, their squares and pairwise products. */
function features(xs: Float64Array, i: number, d: number, quadratic: boolean): number[] {
  const f = [1];
  for (let k = 0; k < d; k++) f.push(xs[i * d + k]!);
  if (quadratic) {
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) f.push(xs[i * d + a]! * xs[i * d + b]!);
  }
  return f;
}

export function fitLinear(x: readonly (readonly number[])[], y: readonly (readonly number[])[], inputs: readonly string[], outputs: readonly string[], quadratic = false): LinearModel {
  const n = x.length;
  const d = inputs.length;
  const xScaler = fitUnitCube(x);
  const xs = applyUnitCube(xScaler, x);
  const rows = Array.from({ length: n }, (_, i) => features(xs, i, d, quadratic));
  const p = rows[0]!.length;
  if (n <= p) {
    throw new ImpossibleRequestError('rows', n, `more rows than the ${p} coefficients of the ${quadratic ? 'quadratic' : 'linear'} model`);
  }
  const xtx = new Float64Array(p * p);
  for (const r of rows) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) xtx[a * p + b] = xtx[a * p + b]! + r[a]! * r[b]!;
  // Columns of the identity solved one by one give (XᵀX)⁻¹, needed for prediction intervals.
  const cov: number[] = new Array<number>(p * p).fill(0);
  for (let c = 0; c < p; c++) {
    const e = new Float64Array(p);
    e[c] = 1;
    const col = solveDense(xtx, p, e);
    if (!col) throw new ImpossibleRequestError('inputs', inputs.join(','), 'linearly independent input columns (the design matrix is singular: a constant or duplicated input)');
    for (let a = 0; a < p; a++) cov[a * p + c] = col[a]!;
  }
  const coefficients: number[][] = [];
  const residualVariance: number[] = [];
  outputs.forEach((_, j) => {
    const xty = new Float64Array(p);
    rows.forEach((r, i) => {
      for (let a = 0; a < p; a++) xty[a] = xty[a]! + r[a]! * y[i]![j]!;
    });
    const beta: number[] = [];
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let b = 0; b < p; b++) s += cov[a * p + b]! * xty[b]!;
      beta.push(s);
    }
    let rss = 0;
    rows.forEach((r, i) => {
      let pred = 0;
      for (let a = 0; a < p; a++) pred += r[a]! * beta[a]!;
      rss += (y[i]![j]! - pred) ** 2;
    });
    coefficients.push(beta);
    residualVariance.push(rss / (n - p));
  });
  return new LinearModel({ kind: 'linear', inputs: [...inputs], outputs: [...outputs], quadratic, xScaler, covUnscaled: cov, coefficients, residualVariance });
}

export class LinearModel implements Surrogate {
  readonly kind = 'linear' as const;
  constructor(readonly state: LinearState) {}
  get inputs(): readonly string[] {
    return this.state.inputs;
  }
  get outputs(): readonly string[] {
    return this.state.outputs;
  }

  /** Mean and the standard deviation of a new observation, s²(1 + fᵀ(XᵀX)⁻¹f). */
  predict(x: readonly (readonly number[])[]): Prediction {
    const d = this.state.inputs.length;
    const xs = applyUnitCube(this.state.xScaler, x);
    const p = this.state.coefficients[0]!.length;
    const cov = this.state.covUnscaled;
    const mean: number[][] = [];
    const std: number[][] = [];
    for (let i = 0; i < x.length; i++) {
      const f = features(xs, i, d, this.state.quadratic);
      let lev = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) lev += f[a]! * cov[a * p + b]! * f[b]!;
      mean.push(this.state.coefficients.map((beta) => beta.reduce((s, v, a) => s + v * f[a]!, 0)));
      std.push(this.state.residualVariance.map((s2) => Math.sqrt(s2 * (1 + lev))));
    }
    return { mean, std };
  }

  predictMean(x: readonly (readonly number[])[]): number[][] {
    return this.predict(x).mean;
  }

  describe(): Record<string, unknown> {
    const names = ['intercept', ...this.state.inputs];
    if (this.state.quadratic) {
      const ins = this.state.inputs;
      for (let a = 0; a < ins.length; a++) for (let b = a; b < ins.length; b++) names.push(a === b ? `${ins[a]}^2` : `${ins[a]}*${ins[b]}`);
    }
    return {
      features: this.state.quadratic ? 'quadratic' : 'linear',
      perOutput: this.state.outputs.map((o, j) => ({
        output: o,
        coefficients: Object.fromEntries(names.map((n, a) => [n, this.state.coefficients[j]![a]!])),
        residualStd: Math.sqrt(this.state.residualVariance[j]!),
      })),
      note: 'coefficients act on inputs scaled to the unit cube of the training range',
    };
  }

  async files(): Promise<ModelFile[]> {
    return [{ path: 'linear.json', data: JSON.stringify(this.state) }];
  }
}
