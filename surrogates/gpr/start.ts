import { minimizeBox } from '../optim/lbfgsb.ts';
import type { KernelName } from './covariance.ts';
import { LmlWorkspace } from './workspace.ts';

/** One output's hyperparameter search: the data and the box, shared by every start. */
export interface StartProblem {
  kernel: KernelName;
  /** n×d scaled inputs, row-major. */
  x: Float64Array;
  /** Standardized outputs. */
  y: Float64Array;
  d: number;
  lower: number[];
  upper: number[];
}

export interface StartOutcome {
  theta: Float64Array;
  /** Optimized log marginal likelihood (−Infinity if the start never factorized). */
  lml: number;
  evaluations: number;
}

/** Thrown out of optimizeStart when `abandon` says another thread has produced the same outcome. */
export class StartAbandoned extends Error {
  override readonly name = 'StartAbandoned';
}

/**
 * Maximizes the LML from θ0 with projected L-BFGS; deterministic for given inputs. `abandon` is
 * polled before every evaluation; when it returns true the run stops with StartAbandoned.
 */
export function optimizeStart(workspace: LmlWorkspace, problem: StartProblem, theta0: Float64Array, abandon?: () => boolean): StartOutcome {
  const objective = (theta: Float64Array): { value: number; gradient: Float64Array } => {
    if (abandon?.()) throw new StartAbandoned();
    const r = workspace.evaluate(theta);
    const g = r.gradient;
    for (let k = 0; k < g.length; k++) g[k] = -g[k]!;
    return { value: -r.value, gradient: g };
  };
  // Rejected line-search trials need no gradient: value-only calls skip the explicit K⁻¹.
  const value = (theta: Float64Array): number => {
    if (abandon?.()) throw new StartAbandoned();
    return -workspace.evaluate(theta, false).value;
  };
  const r = minimizeBox(objective, theta0, { lower: problem.lower, upper: problem.upper, value });
  return { theta: r.x, lml: -r.value, evaluations: r.evaluations };
}

export function workspaceFor(problem: StartProblem): LmlWorkspace {
  return new LmlWorkspace(problem.kernel, problem.x, problem.y, problem.d);
}
