import { ConfigError } from '../../src/errors.ts';
import type { GprModel } from '../gpr/model.ts';
import { choleskyInPlace, cholInverse } from '../linalg/dense.ts';
import { argmin, candidatePoints, fitObjectiveGp, latentPredictions, startDesign, throwIfSignalled, type BayesOptOptions, type BayesOptResult } from './bayes-opt.ts';

/**
 * Bayesian optimisation of a sum of squares, f(u) = Σ_k r_k(u)², that models each residual r_k with
 * its own GP and picks the candidate of largest expected improvement of the sum (or of another
 * composite of the residuals, minimiseSumOfSquaresBayes), estimated from
 * joint draws of the residuals' posteriors (Astudillo & Frazier 2019, "Bayesian optimization of
 * composite functions").
 *
 * Why not a GP on f itself: a calibration's residuals are signed, smooth and nearly monotone in
 * each parameter, while their sum of squares folds every one of them into a valley per residual;
 * in ten dimensions a GP on the sum needs far more points to find where the valleys cross. Each
 * residual's GP also knows which parameters move that residual, which a GP on the sum cannot.
 *
 * Noise-robust as minimiseBayes: the incumbent and the recommendation are the evaluated points of
 * lowest posterior expected sum, Σ_k (μ_k² + σ_k²) with latent σ, not of lowest raw value.
 */
export interface LeastSquaresBayesResult extends BayesOptResult {
  /** residuals of each evaluation, in order (rows as x) */
  residuals: number[][];
  /** the final GP of the residuals, one output per residual (also `model`) */
  residualModel: GprModel;
  /** the sum of squares the residuals' GPs predict at each point (Σ μ², natural units) */
  predictSum: (pts: number[][]) => number[];
  /** per input, the unit-cube interval around u where the linearised sum rises by at most `rise` (linearisedIntervals) */
  linearisedIntervals: (u: number[], rise: number) => [number, number][];
}

/** Draws of the residuals' latent posteriors per candidate: enough that the argmax of EI is stable to a few per cent. */
const DRAWS = 128;

/**
 * The function of the residuals being minimised: by default their sum of squares. A caller may add
 * terms (calibration adds its worst descriptor's: calibrationObjective in src/cli/calibration/mismatch.ts); it must be ≥ 0 and
 * defined at every residual vector. Identifiability (predictSum, linearisedIntervals, noiseStd) reads
 * the sum of squares whatever the composite.
 */
export type ResidualComposite = (r: readonly number[]) => number;

export const sumOfSquares: ResidualComposite = (r) => r.reduce((s, e) => s + e * e, 0);

/**
 * Evaluations made before a minimisation starts (unit-cube points and their residuals, rows
 * aligned): they take the place of the Sobol design and count toward the budget. Why: a
 * calibration that corrects its target between rounds (calibrate's sizeCorrection) re-reads the
 * trials it already ran against the new target instead of generating them again.
 */
export interface PriorEvaluations {
  x: number[][];
  residuals: number[][];
}

/** Posterior expected composite at each point, from the common draws z (Monte Carlo over the latent posterior). */
function expectedComposite(model: GprModel, pts: number[][], g: ResidualComposite, z: readonly number[][]): number[] {
  const post = latentPredictions(model, pts);
  const v = new Array<number>(post.length);
  return pts.map((_, i) => {
    let acc = 0;
    for (const zs of z) {
      for (let j = 0; j < post.length; j++) v[j] = post[j]!.mean[i]! + post[j]!.std[i]! * zs[j]!;
      acc += g(v);
    }
    return acc / z.length;
  });
}

/** Posterior expected sum of squares at each point: Σ_k μ_k² + σ_k² (latent). */
export function expectedSumOfSquares(model: GprModel, pts: number[][]): number[] {
  const out = new Array<number>(pts.length).fill(0);
  for (const p of latentPredictions(model, pts)) {
    for (let i = 0; i < pts.length; i++) out[i]! += p.mean[i]! ** 2 + p.std[i]! ** 2;
  }
  return out;
}

/**
 * Minimises Σ_k r_k(u)² over [0, 1]^d, or another composite g(r(u)) of the residuals.
 *
 * @param f the residual vector at a unit-cube point (any fixed length ≥ 1, the same at every point); may be noisy.
 * @param d dimensions.
 * @param opts as minimiseBayes (budget counts evaluations, init the Sobol start); `prior`,
 *   evaluations already made (PriorEvaluations): with two or more, no Sobol design is drawn, they
 *   count toward the budget and lead the result's rows.
 * @param composite g, the function of the residuals minimised (default their sum of squares). With
 *   another g the incumbent and the recommendation are the evaluated points of lowest posterior
 *   expected g, estimated from the same joint draws as the expected improvement.
 * @returns every evaluation (y: g of its residuals), the recommendation, the residuals' GP; as length
 *   scales, per input the shortest among the residuals' GPs that resolve a signal; as noiseStd, that
 *   of one evaluation's sum of squares at the recommendation.
 * @example const r = await minimiseSumOfSquaresBayes(async ([a, b]) => [a! - 0.3, 2 * (b! - 0.7)], 2, { budget: 14, seed: 1 });
 */
export async function minimiseSumOfSquaresBayes(f: (u: number[]) => Promise<number[]>, d: number, opts: BayesOptOptions & { prior?: PriorEvaluations }, composite: ResidualComposite = sumOfSquares): Promise<LeastSquaresBayesResult> {
  const { names, rng, design } = startDesign(d, opts);
  const x: number[][] = [];
  const r: number[][] = [];
  const y: number[] = [];
  let outputs: string[] = [];
  const record = (u: number[], res: number[]): number => {
    if (outputs.length === 0) outputs = res.map((_, k) => `r${k}`);
    if (res.length !== outputs.length || res.length === 0) throw new ConfigError('residuals', res.length, `${outputs.length || 'at least 1'} residuals at every point, as at the first`);
    if (u.length !== d) throw new ConfigError('prior', u.length, `points of ${d} coordinates`);
    const v = composite(res);
    x.push(u);
    r.push(res);
    y.push(v);
    return v;
  };
  const evaluate = async (u: number[]): Promise<void> => {
    throwIfSignalled(opts.signal);
    const v = record(u, await f(u));
    opts.onEvaluation?.(x.length, opts.budget, v);
  };
  const prior = opts.prior;
  if (prior && prior.x.length !== prior.residuals.length) throw new ConfigError('prior', prior.residuals.length, `one residual row per point (${prior.x.length})`);
  prior?.x.forEach((u, i) => record(u, prior.residuals[i]!));
  if (x.length < 2) for (const u of design.slice(0, Math.max(0, design.length - x.length))) await evaluate(u);
  // One GP restart beyond the default start per residual: a dozen or more residuals are fitted each round.
  const gpOpts = { ...opts, restarts: opts.restarts ?? 1 };
  let model = fitObjectiveGp(x, r, names, outputs, gpOpts, 0);
  // Common draws across candidates and rounds' candidates: EI differences between candidates are then
  // not swamped by Monte Carlo noise.
  const z = Array.from({ length: DRAWS }, () => outputs.map(() => rng.normal()));
  // The sum of squares has its expectation in closed form; any other composite is averaged over the draws.
  const expected = (pts: number[][]): number[] => (composite === sumOfSquares ? expectedSumOfSquares(model, pts) : expectedComposite(model, pts, composite, z));
  for (let round = 1; x.length < opts.budget; round++) {
    const atX = expected(x);
    const incumbent = argmin(atX);
    const best = atX[incumbent]!;
    const cands = candidatePoints(rng, d, opts.candidates ?? 1000, x[incumbent]!);
    const post = latentPredictions(model, cands);
    let pick = 0;
    let bestEi = -Infinity;
    const draw = new Array<number>(outputs.length);
    for (let i = 0; i < cands.length; i++) {
      let ei = 0;
      for (let s = 0; s < DRAWS; s++) {
        for (let j = 0; j < outputs.length; j++) draw[j] = post[j]!.mean[i]! + post[j]!.std[i]! * z[s]![j]!;
        const value = composite(draw);
        if (value < best) ei += best - value;
      }
      if (ei > bestEi) {
        bestEi = ei;
        pick = i;
      }
    }
    await evaluate(cands[pick]!);
    model = fitObjectiveGp(x, r, names, outputs, gpOpts, round);
  }
  const best = argmin(expected(x));
  return {
    x,
    y,
    residuals: r,
    best,
    model,
    residualModel: model,
    lengthScales: shortestResolvedLengthScales(model, d),
    noiseStd: sumNoiseStd(model, x[best]!),
    predictSum: (pts) => predictedSumOfSquares(model, pts),
    linearisedIntervals: (u, rise) => linearisedIntervals(model, u, rise),
  };
}

/** Σ_k μ_k² at each point: the sum of squares the residuals' GPs predict (no variance term). */
export function predictedSumOfSquares(model: GprModel, pts: number[][]): number[] {
  const mean = model.predictMean(pts);
  return mean.map((row) => row.reduce((s, v) => s + v * v, 0));
}

/**
 * Per input, the interval around `u` (unit cube, clipped to it) within which the sum of squares of
 * the residuals' GP means, linearised at u (J = ∂μ/∂u by central differences), rises by at most
 * `rise` when the other inputs move to compensate: u_k ± √(rise · [(JᵀJ)⁻¹]_kk), the marginal of the
 * ellipsoid Δuᵀ JᵀJ Δu ≤ rise. Why linearised: it reads the GPs only near u, where the search put
 * its trials, and sees a valley along a combination of inputs (two that trade against each other
 * both get wide intervals), which a profile through u along one input at a time does not. An
 * input no residual moves has an unbounded interval: the whole range.
 */
export function linearisedIntervals(model: GprModel, u: readonly number[], rise: number): [number, number][] {
  const d = u.length;
  const h = 0.01;
  const rows: number[][] = [];
  for (let k = 0; k < d; k++) {
    const up = [...u];
    const down = [...u];
    up[k] = Math.min(1, u[k]! + h);
    down[k] = Math.max(0, u[k]! - h);
    const [mu, md] = model.predictMean([up, down]);
    rows.push(mu!.map((v, j) => (v - md![j]!) / (up[k]! - down[k]!)));
  }
  // JᵀJ (d×d) with a ridge far below any resolved curvature, so that a flat input inverts to a huge variance.
  const jtj = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) jtj[a * d + b] = rows[a]!.reduce((s, v, j) => s + v * rows[b]![j]!, 0);
  let trace = 0;
  for (let a = 0; a < d; a++) trace += jtj[a * d + a]!;
  for (let a = 0; a < d; a++) jtj[a * d + a]! += 1e-9 * (trace / d) + 1e-300;
  if (!choleskyInPlace(jtj, d)) return u.map(() => [0, 1]);
  const inv = cholInverse(jtj, d);
  return u.map((v, k) => {
    const half = Math.sqrt(rise * inv[k * d + k]!);
    return [Math.max(0, v - half), Math.min(1, v + half)];
  });
}

/**
 * Per input, the shortest length scale among the residuals whose GP resolves a signal (fitted
 * signal variance above the noise): an input that moves any descriptor within its range is short.
 * Residuals with no signal (a fraction the generator makes exactly) fit any length scale and are left out.
 */
function shortestResolvedLengthScales(model: GprModel, d: number): number[] {
  const out = new Array<number>(d).fill(Infinity);
  for (const o of model.state.perOutput) {
    if (!(o.params.constant > o.params.noise)) continue;
    o.params.lengthScales.forEach((l, k) => (out[k] = Math.min(out[k]!, l)));
  }
  return out.map((l) => (Number.isFinite(l) ? l : 50));
}

/** Standard deviation of one evaluation's sum of squares at u: Var Σ r² ≈ Σ 4μ²σ² + 2σ⁴ with σ each residual's fitted noise. */
function sumNoiseStd(model: GprModel, u: number[]): number {
  const mean = model.predictMean([u])[0]!;
  let v = 0;
  model.state.perOutput.forEach((o, j) => {
    const s2 = o.params.noise * model.state.yScalers[j]!.std ** 2;
    v += 4 * mean[j]! ** 2 * s2 + 2 * s2 * s2;
  });
  return Math.sqrt(v);
}
