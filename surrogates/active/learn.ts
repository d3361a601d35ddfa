import { ConfigError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';
import { sobolPoints } from '../../src/doe/index.ts';
import type { KernelName } from '../gpr/covariance.ts';
import { fitGpr, type GprModel } from '../gpr/model.ts';
import { regressionMetrics } from '../judge/metrics.ts';

/** Rows of simulated outputs; a row is null when that simulation failed. */
export type Simulate = (points: number[][]) => Promise<(number[] | null)[]>;

export interface ActiveLearningProblem {
  inputs: string[];
  outputs: string[];
  /** Maps a point of the unit cube to input values (natural units). */
  fromUnit: (u: readonly number[]) => number[];
  simulate: Simulate;
  /** Held-out test set, simulated outside the budget. */
  test: { x: number[][]; y: number[][] };
}

export interface ActiveLearningOptions {
  /** Simulations in total, initial design included. */
  budget: number;
  /** Points chosen per round. */
  batch: number;
  /** Initial Sobol points (default max(2·d + 2, batch)). */
  init?: number;
  seed: number;
  kernel?: KernelName;
  restarts?: number;
  /** Stop early when every output's leave-one-out RMSE falls below its target. */
  targetLooRmse?: Record<string, number>;
  /** Random candidate points per round among which the batch is chosen. */
  candidates?: number;
  /** Also run plain Sobol sampling of the same budget for comparison (default true). */
  compareSobol?: boolean;
  log?: (line: string) => void;
}

export interface CurvePoint {
  simulations: number;
  testRmse: Record<string, number>;
  testR2: Record<string, number>;
  looRmse: Record<string, number>;
}

export interface ActiveLearningResult {
  active: CurvePoint[];
  sobol: CurvePoint[];
  /** Inputs actually simulated by the active learner, in order. */
  x: number[][];
  y: number[][];
  stoppedBy: 'budget' | 'target';
  failedSimulations: number;
  /**
   * Simulations run, failed ones included: the active learner's (initial design and batches, at
   * most the budget) and the Sobol comparison's beyond the initial design it shares.
   */
  simulations: { active: number; sobolComparison: number };
  /** Points chosen after the initial design, in unit-cube coordinates. */
  pickedUnit: number[][];
  model: GprModel;
}

function evaluate(model: GprModel, problem: ActiveLearningProblem, n: number): CurvePoint {
  const p = model.predictMean(problem.test.x);
  const loo = model.looRmse();
  const testRmse: Record<string, number> = {};
  const testR2: Record<string, number> = {};
  const looRmse: Record<string, number> = {};
  problem.outputs.forEach((o, j) => {
    const m = regressionMetrics(problem.test.y.map((r) => r[j]!), p.map((r) => r[j]!));
    testRmse[o] = m.rmse;
    testR2[o] = m.r2;
    looRmse[o] = loo[j]!;
  });
  return { simulations: n, testRmse, testR2, looRmse };
}

async function simulateKept(problem: ActiveLearningProblem, pts: number[][], x: number[][], y: number[][]): Promise<number> {
  const rows = await problem.simulate(pts);
  let failed = 0;
  rows.forEach((r, i) => {
    if (r === null) failed++;
    else {
      x.push(pts[i]!);
      y.push(r);
    }
  });
  return failed;
}

/**
 * Active learning by maximum predictive standard deviation: start from a Sobol design, fit a
 * GPR, choose the next `batch` points greedily among random candidates with fantasized
 * observations, simulate them, refit; stop at the budget or when the LOO error meets its target.
 * The same budget spent on a plain Sobol sequence is the baseline, scored on the same test set.
 */
export async function activeLearn(problem: ActiveLearningProblem, opts: ActiveLearningOptions): Promise<ActiveLearningResult> {
  const d = problem.inputs.length;
  const init = opts.init ?? Math.max(2 * d + 2, opts.batch);
  if (!Number.isInteger(opts.budget) || opts.budget < 2) throw new ConfigError('--budget', opts.budget, 'an integer number of simulations >= 2');
  if (!Number.isInteger(opts.batch) || opts.batch < 1) throw new ConfigError('--batch', opts.batch, 'a positive integer');
  if (!Number.isInteger(init) || init < 2 || init > opts.budget) throw new ConfigError('--init', init, `an integer in [2, budget = ${opts.budget}]`);
  const log = opts.log ?? ((): void => undefined);
  const gprOpts = { kernel: opts.kernel ?? 'matern52', restarts: opts.restarts ?? 2 } as const;
  const rng = new Rng(opts.seed);
  const sobolU = sobolPoints(opts.budget, d, { seed: opts.seed, scramble: true });

  const x: number[][] = [];
  const y: number[][] = [];
  let failed = await simulateKept(problem, sobolU.slice(0, init).map(problem.fromUnit), x, y);
  let spent = init;
  const initRows = x.length;
  const active: CurvePoint[] = [];
  let model = fitGpr(x, y, problem.inputs, problem.outputs, { ...gprOpts, seed: opts.seed });
  active.push(evaluate(model, problem, spent));
  let stoppedBy: ActiveLearningResult['stoppedBy'] = 'budget';
  const pickedUnit: number[][] = [];
  for (let round = 1; spent < opts.budget; round++) {
    const last = active[active.length - 1]!;
    if (opts.targetLooRmse && problem.outputs.every((o) => last.looRmse[o]! <= (opts.targetLooRmse![o] ?? -Infinity))) {
      stoppedBy = 'target';
      break;
    }
    const q = Math.min(opts.batch, opts.budget - spent);
    const candidatesU = Array.from({ length: opts.candidates ?? 1000 }, () => Array.from({ length: d }, () => rng.uniform()));
    const candidates = candidatesU.map(problem.fromUnit);
    const chosen = model.greedyMaxStdBatch(candidates, q);
    pickedUnit.push(...chosen.map((i) => candidatesU[i]!));
    const picked = chosen.map((i) => candidates[i]!);
    failed += await simulateKept(problem, picked, x, y);
    spent += q;
    model = fitGpr(x, y, problem.inputs, problem.outputs, { ...gprOpts, seed: opts.seed + round });
    const point = evaluate(model, problem, spent);
    active.push(point);
    log(`round ${round}: ${spent} simulations, test RMSE ${problem.outputs.map((o) => `${o} ${point.testRmse[o]!.toPrecision(3)}`).join(', ')}`);
  }

  const sobol: CurvePoint[] = [];
  let sobolExtra = 0;
  if (opts.compareSobol !== false) {
    const sx: number[][] = [];
    const sy: number[][] = [];
    // The first `init` Sobol points are the ones the active learner started from.
    sx.push(...x.slice(0, initRows));
    sy.push(...y.slice(0, initRows));
    let have = init;
    for (const point of active) {
      if (point.simulations > have) {
        sobolExtra += point.simulations - have;
        failed += await simulateKept(problem, sobolU.slice(have, point.simulations).map(problem.fromUnit), sx, sy);
        have = point.simulations;
      }
      const m = fitGpr(sx, sy, problem.inputs, problem.outputs, { ...gprOpts, seed: opts.seed + point.simulations });
      sobol.push(evaluate(m, problem, point.simulations));
    }
  }
  return { active, sobol, x, y, stoppedBy, failedSimulations: failed, simulations: { active: spent, sobolComparison: sobolExtra }, pickedUnit, model };
}
