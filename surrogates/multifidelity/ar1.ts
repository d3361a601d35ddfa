import { ConfigError, ImpossibleRequestError } from '../../src/errors.ts';
import { fitGpr, gprFromState, type GprModel, type GprOptions, type GprState } from '../gpr/model.ts';
import type { ModelFile, Prediction, Surrogate } from '../model.ts';

/**
 * Linear auto-regressive multi-fidelity GP (Kennedy & O'Hagan 2000), fitted recursively as
 * Le Gratiet (2013) does:
 *
 *   f_high(x) = ρ · f_low(x) + δ(x),   f_low ~ GP,  δ ~ GP independent of f_low.
 *
 * Step 1 fits the project's GPR on the low-fidelity data. Step 2 fits a second GPR δ on the
 * high-fidelity residuals y_high − ρ·μ_low(x_high) and chooses ρ by maximizing δ's marginal
 * likelihood of the high data in natural units (ρ profiled out by a 1-D search: a coarse grid
 * around the least-squares slope, then golden-section refinement). ρ = 0 lies inside the
 * search, and a likelihood-ratio test against ρ = 0 decides whether the low fidelity helps at all;
 * when it does not, the model is a single-fidelity GP on the high points (ρ = 0).
 *
 * Prediction at the high fidelity propagates the low-fidelity uncertainty:
 *   mean = ρ·μ_low(x) + μ_δ(x),   var = ρ²·σ²_low,latent(x) + σ²_δ(x) (σ²_δ with the high noise).
 */
export const MF_FILE = 'mf-ar1.json';

export interface Ar1State {
  kind: 'mf-ar1';
  inputs: string[];
  /** The high-fidelity output this model predicts. */
  output: string;
  /** The low-fidelity column it was built on. */
  lowOutput: string;
  rho: number;
  /** Log marginal likelihood of the high data at ρ (natural units, δ's constant mean fixed at the residual mean). */
  lml: number;
  /** lml at the best ρ minus lml at ρ = 0; below 3.84/2 the low fidelity was judged uninformative and ρ set to 0. */
  lmlGainOverRhoZero: number;
  low: GprState;
  delta: GprState;
}

/** χ²(1) 95 % quantile: the likelihood-ratio threshold for keeping ρ ≠ 0. */
const LR_CHI2_95 = 3.841;

export interface Ar1Options extends Pick<GprOptions, 'kernel' | 'restarts' | 'seed' | 'threads' | 'bounds'> {
  /** Points of the coarse ρ grid (default 17) before golden-section refinement. */
  rhoGrid?: number;
}

/** A fitted multi-fidelity model; behaves as a one-output surrogate of the high fidelity. */
export class Ar1Model implements Surrogate {
  readonly kind = 'mfgpr' as const;
  readonly low: GprModel;
  readonly delta: GprModel;
  constructor(readonly state: Ar1State) {
    this.low = gprFromState(state.low);
    this.delta = gprFromState(state.delta);
  }
  get inputs(): readonly string[] {
    return this.state.inputs;
  }
  get outputs(): readonly string[] {
    return [this.state.output];
  }
  get rho(): number {
    return this.state.rho;
  }

  /**
   * High-fidelity mean and standard deviation of a new observation, natural units.
   * @param x points, one row per point, columns in `inputs` order.
   */
  predict(x: readonly (readonly number[])[]): Prediction {
    const lo = this.low.predict(x);
    const de = this.delta.predict(x);
    const lowNoiseVar = this.state.low.perOutput[0]!.params.noise * this.state.low.yScalers[0]!.std ** 2;
    const rho = this.state.rho;
    const mean: number[][] = [];
    const std: number[][] = [];
    for (let a = 0; a < x.length; a++) {
      // The low GP's own observation noise is not part of f_low: only its latent variance propagates.
      const lowLatentVar = Math.max(0, lo.std[a]![0]! ** 2 - lowNoiseVar);
      mean.push([rho * lo.mean[a]![0]! + de.mean[a]![0]!]);
      std.push([Math.sqrt(rho * rho * lowLatentVar + de.std[a]![0]! ** 2)]);
    }
    return { mean, std };
  }

  predictMean(x: readonly (readonly number[])[]): number[][] {
    const lo = this.low.predictMean(x);
    const de = this.delta.predictMean(x);
    return lo.map((r, a) => [this.state.rho * r[0]! + de[a]![0]!]);
  }

  describe(): Record<string, unknown> {
    return {
      model: "linear auto-regressive multi-fidelity GP (Kennedy & O'Hagan 2000), recursive fit (Le Gratiet 2013)",
      lowOutput: this.state.lowOutput,
      output: this.state.output,
      rho: this.state.rho,
      logMarginalLikelihoodHigh: this.state.lml,
      logLikelihoodGainOverRhoZero: this.state.lmlGainOverRhoZero,
      lowRows: this.state.low.x.length,
      highRows: this.state.delta.x.length,
      low: this.low.describe(),
      delta: this.delta.describe(),
    };
  }

  async files(): Promise<ModelFile[]> {
    return [{ path: MF_FILE, data: JSON.stringify(this.state) }];
  }
}

/**
 * Fits the auto-regressive multi-fidelity GP.
 *
 * @param xLow low-fidelity inputs (many rows), columns in `inputs` order.
 * @param yLow low-fidelity output values, one per row of xLow.
 * @param xHigh high-fidelity inputs (few rows); need not be a subset of xLow (μ_low is used there).
 * @param yHigh high-fidelity output values, one per row of xHigh.
 * @param names input columns, high output and low output column names.
 * @returns the fitted model; `model.rho` is the scale ρ in f_high = ρ·f_low + δ.
 * @example
 *   const m = fitAr1(xl, yl, xh, yh, { inputs: ['x'], output: 'hi', lowOutput: 'lo' }, { kernel: 'rbf', restarts: 2, seed: 1 });
 *   m.predict([[0.3]]); // { mean: [[…]], std: [[…]] }
 */
export function fitAr1(
  xLow: readonly (readonly number[])[],
  yLow: readonly number[],
  xHigh: readonly (readonly number[])[],
  yHigh: readonly number[],
  names: { inputs: readonly string[]; output: string; lowOutput: string },
  opts: Ar1Options,
): Ar1Model {
  if (xLow.length < 2) throw new ConfigError('low-fidelity rows', xLow.length, 'at least 2 rows with a finite low-fidelity value');
  if (xHigh.length < 2) throw new ConfigError('high-fidelity rows', xHigh.length, 'at least 2 rows with a finite high-fidelity value');
  const gpOpts: GprOptions = { kernel: opts.kernel, restarts: opts.restarts, seed: opts.seed, threads: opts.threads ?? 1, ...(opts.bounds ? { bounds: opts.bounds } : {}) };
  const low = fitGpr(xLow, yLow.map((v) => [v]), names.inputs, [names.lowOutput], gpOpts);
  const muLow = low.predictMean(xHigh).map((r) => r[0]!);

  let firstFailure: unknown;
  const fitDelta = (rho: number): { model: GprModel | null; lml: number } => {
    const resid = yHigh.map((y, i) => [y - rho * muLow[i]!]);
    let model: GprModel;
    try {
      model = fitGpr(xHigh, resid, names.inputs, [`delta(${names.output})`], gpOpts);
    } catch (e) {
      // A ρ whose residuals no start can factorize is simply not a candidate; others may be.
      if (!(e instanceof ImpossibleRequestError)) throw e;
      firstFailure ??= e;
      return { model: null, lml: -Infinity };
    }
    // fitGpr's likelihood is of the standardized residuals; the Jacobian −n·log(std) makes
    // likelihoods at different ρ comparable (they are densities of the same high data).
    const lml = model.state.perOutput[0]!.lml - xHigh.length * Math.log(model.state.yScalers[0]!.std);
    return { model, lml };
  };

  // Least-squares slope of y_high on μ_low (with intercept) centres the search.
  const rhoLs = slope(muLow, yHigh);
  const half = Math.max(1, 1.5 * Math.abs(rhoLs));
  const nGrid = opts.rhoGrid ?? 17;
  const grid = Array.from({ length: nGrid }, (_, i) => rhoLs - half + (2 * half * i) / (nGrid - 1));
  if (!grid.includes(0) && Math.abs(rhoLs) <= half) grid.push(0);
  grid.sort((a, b) => a - b);
  const cache = new Map<number, { model: GprModel | null; lml: number }>();
  const at = (rho: number): { model: GprModel | null; lml: number } => {
    let r = cache.get(rho);
    if (!r) cache.set(rho, (r = fitDelta(rho)));
    return r;
  };
  let bestI = 0;
  for (let i = 0; i < grid.length; i++) if (at(grid[i]!).lml > at(grid[bestI]!).lml) bestI = i;
  // Golden-section refinement inside the neighbouring grid cells.
  let a = grid[Math.max(0, bestI - 1)]!;
  let b = grid[Math.min(grid.length - 1, bestI + 1)]!;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  for (let it = 0; it < 20 && b - a > 1e-4 * Math.max(1, Math.abs(grid[bestI]!)); it++) {
    if (at(c).lml > at(d).lml) {
      b = d;
      d = c;
      c = b - g * (b - a);
    } else {
      a = c;
      c = d;
      d = a + g * (b - a);
    }
  }
  let rho = grid[bestI]!;
  for (const [r, v] of cache) if (v.lml > at(rho).lml) rho = r;
  // When the low fidelity says nothing about the high one, μ_low is nearly flat at the high points
  // and the profile likelihood is flat in ρ, so its maximum lands anywhere. A likelihood-ratio test
  // against ρ = 0 (χ²₁ at 95 %: 2·Δlml ≥ 3.84) keeps ρ only when the data support it.
  if (at(rho).model === null) throw firstFailure;
  const gain = at(rho).lml - at(0).lml;
  // Two distinct high points (replicates aside) are fitted exactly by a line through them at any ρ:
  // the likelihood ratio then measures nothing, and a ρ chosen on it extrapolated δ wildly (a
  // saturation predicted at 4.4 in a 3-fold comparison on 3 LBM points). ρ needs 3 distinct points.
  const distinctHigh = new Set(xHigh.map((r) => r.join(','))).size;
  const lowHelps = distinctHigh >= 3 && 2 * gain >= LR_CHI2_95;
  if (!lowHelps && at(0).model !== null) rho = 0;
  const best = at(rho) as { model: GprModel; lml: number };
  return new Ar1Model({ kind: 'mf-ar1', inputs: [...names.inputs], output: names.output, lowOutput: names.lowOutput, rho, lml: best.lml, lmlGainOverRhoZero: gain, low: low.state, delta: best.model.state });
}

function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}
