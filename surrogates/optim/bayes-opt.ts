import { ConfigError } from '../../src/errors.ts';
import { normalCdf } from '../../src/random/normal.ts';
import { Rng } from '../../src/random/rng.ts';
import { sobolPoints } from '../../src/doe/index.ts';
import { fitGpr, type GprModel } from '../gpr/model.ts';
import type { KernelName } from '../gpr/covariance.ts';

/**
 * Bayesian optimisation of a noisy, expensive objective on the unit cube: a scrambled Sobol start,
 * then one point at a time, the candidate of largest expected improvement under the project's GP
 * (ARD Matérn 5/2 with a fitted noise term) among random and near-incumbent candidates.
 * Noise-robust: the incumbent and the recommendation are the evaluated points of lowest GP mean,
 * not of lowest raw value, so one lucky seed does not win.
 */
export interface BayesOptOptions {
  /** evaluations in all, initial design included (count) */
  budget: number;
  /** initial Sobol points (default max(2·d + 2, 4), at most budget) */
  init?: number;
  seed: number;
  /** random candidates per step; a quarter as many again are drawn near the incumbent */
  candidates?: number;
  kernel?: KernelName;
  restarts?: number;
  /** called after each evaluation */
  onEvaluation?: (done: number, total: number, value: number) => void;
  signal?: AbortSignal;
}

export interface BayesOptResult {
  /** evaluated points (unit cube) and their objective values, in order */
  x: number[][];
  y: number[];
  /** index into x of the recommendation (lowest GP mean among evaluated points) */
  best: number;
  model: GprModel;
  /** fitted ARD length scales per dimension, relative to the evaluated range of each (≈ unit cube); large = objective flat along it */
  lengthScales: number[];
  /** fitted noise standard deviation of one evaluation (objective units) */
  noiseStd: number;
}

/** Expected improvement below `best` of a normal prediction (mean, latent std). */
export function expectedImprovement(mean: number, std: number, best: number): number {
  if (!(std > 0)) return Math.max(0, best - mean);
  const z = (best - mean) / std;
  return (best - mean) * normalCdf(z) + std * Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
}

/** The optimiser's GP on evaluated points: one column of y per output, each with its own hyperparameters. */
export function fitObjectiveGp(x: number[][], y: number[][], names: string[], outputs: string[], opts: Pick<BayesOptOptions, 'kernel' | 'restarts' | 'seed'>, round: number): GprModel {
  return fitGpr(
    x,
    y,
    names,
    outputs,
    {
      kernel: opts.kernel ?? 'matern52',
      restarts: opts.restarts ?? 3,
      seed: opts.seed + round,
      // Length scales below 0.02 of the range or noise below 1e-6 of the spread are not
      // resolvable from a few tens of points; the bounds keep the fit away from those corners.
      bounds: { lengthScale: [0.02, 50], noise: [1e-6, 2] },
      threads: 1,
    },
  );
}

function fit(x: number[][], y: number[], names: string[], opts: BayesOptOptions, round: number): GprModel {
  return fitObjectiveGp(x, y.map((v) => [v]), names, ['objective'], opts, round);
}

/** Latent (noise-free) means and standard deviations of the GP's predictions, per output (one predict for all). */
export function latentPredictions(model: GprModel, pts: number[][]): { mean: number[]; std: number[] }[] {
  const p = model.predict(pts);
  return model.outputs.map((_, j) => {
    const noiseVar = model.state.perOutput[j]!.params.noise * model.state.yScalers[j]!.std ** 2;
    return { mean: p.mean.map((r) => r[j]!), std: p.std.map((r) => Math.sqrt(Math.max(0, r[j]! ** 2 - noiseVar))) };
  });
}

/** Latent means and standard deviations of the GP's first output. */
function latentStd(model: GprModel, pts: number[][]): { mean: number[]; std: number[] } {
  return latentPredictions(model, pts)[0]!;
}

/**
 * What every optimiser here starts from: the budget and initial design checked, input names for
 * the GP, the candidates' random stream and the scrambled Sobol points of the initial design.
 */
export function startDesign(d: number, opts: BayesOptOptions): { names: string[]; rng: Rng; design: number[][] } {
  if (!Number.isInteger(opts.budget) || opts.budget < 3) throw new ConfigError('budget', opts.budget, 'an integer number of evaluations >= 3');
  const init = Math.min(opts.budget, opts.init ?? Math.max(2 * d + 2, 4));
  if (!Number.isInteger(init) || init < 2) throw new ConfigError('init', init, `an integer in [2, budget = ${opts.budget}]`);
  // Sobol points span [0, 1) unevenly for tiny n; the scramble keeps them off the corners.
  return { names: Array.from({ length: d }, (_, k) => `u${k}`), rng: new Rng(opts.seed), design: sobolPoints(init, d, { seed: opts.seed, scramble: true }) };
}

/** Stops an optimisation between evaluations once its signal is aborted, with the signal's reason where that is an Error. */
export function throwIfSignalled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** `m` random candidates on the unit cube and a quarter as many near the incumbent (σ 0.08 per axis). */
export function candidatePoints(rng: Rng, d: number, m: number, incumbent: readonly number[]): number[][] {
  const cands: number[][] = Array.from({ length: m }, () => Array.from({ length: d }, () => rng.uniform()));
  for (let k = 0; k < m / 4; k++) cands.push(incumbent.map((v) => Math.min(1, Math.max(0, v + 0.08 * rng.normal()))));
  return cands;
}

/**
 * Minimises `f` over [0, 1]^d.
 *
 * @param f objective at a unit-cube point (lower is better); may be noisy.
 * @param d dimensions.
 * @returns every evaluation, the recommendation and the final GP's length scales and noise.
 * @example const r = await minimiseBayes(async ([u]) => (u! - 0.3) ** 2, 1, { budget: 12, seed: 1 });
 */
export async function minimiseBayes(f: (u: number[]) => Promise<number>, d: number, opts: BayesOptOptions): Promise<BayesOptResult> {
  const { names, rng, design } = startDesign(d, opts);
  const x: number[][] = [];
  const y: number[] = [];
  const evaluate = async (u: number[]): Promise<void> => {
    throwIfSignalled(opts.signal);
    const v = await f(u);
    x.push(u);
    y.push(v);
    opts.onEvaluation?.(x.length, opts.budget, v);
  };
  for (const u of design) await evaluate(u);
  let model = fit(x, y, names, opts, 0);
  for (let round = 1; x.length < opts.budget; round++) {
    const incumbent = bestByMean(model, x);
    const bestMean = latentStd(model, [x[incumbent]!]).mean[0]!;
    const cands = candidatePoints(rng, d, opts.candidates ?? 1000, x[incumbent]!);
    const p = latentStd(model, cands);
    let pick = 0;
    let bestEi = -Infinity;
    for (let i = 0; i < cands.length; i++) {
      const ei = expectedImprovement(p.mean[i]!, p.std[i]!, bestMean);
      if (ei > bestEi) {
        bestEi = ei;
        pick = i;
      }
    }
    await evaluate(cands[pick]!);
    model = fit(x, y, names, opts, round);
  }
  const s = model.state.perOutput[0]!.params;
  return {
    x,
    y,
    best: bestByMean(model, x),
    model,
    lengthScales: [...s.lengthScales],
    noiseStd: Math.sqrt(s.noise) * model.state.yScalers[0]!.std,
  };
}

function bestByMean(model: GprModel, x: number[][]): number {
  return argmin(model.predictMean(x).map((r) => r[0]!));
}

/** Index of the lowest value (the first of equals). */
export function argmin(v: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! < v[best]!) best = i;
  return best;
}
