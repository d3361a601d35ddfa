import type { KernelName } from './covariance.ts';
import { LmlWorkspace, type LmlResult } from './workspace.ts';

export { BASE_JITTER, LmlWorkspace, type LmlResult } from './workspace.ts';

/**
 * Log marginal likelihood of a zero-mean GP and its analytic gradient at one θ. x is n×d
 * row-major (already scaled), y already standardized. Optimizers that evaluate many θ on the
 * same data should hold an LmlWorkspace instead, which keeps the buffers and pair differences.
 */
export function logMarginalLikelihood(kernel: KernelName, theta: ArrayLike<number>, x: Float64Array, y: Float64Array, d: number, withGradient = true): LmlResult {
  return new LmlWorkspace(kernel, x, y, d).evaluate(theta, withGradient);
}
