import { choleskyInPlace, cholInverse, cholSolve } from '../linalg.ts';
import { KERNEL_SHAPES, type KernelName } from './kernels.ts';

/** Diagonal added to K on every evaluation, as scikit-learn's default `alpha`. */
export const BASE_JITTER = 1e-10;

export interface LmlResult {
  /** log p(y | X, θ); −Infinity when K is not positive definite at θ. */
  value: number;
  /** ∂ value / ∂θ, θ = log[constant, ℓ_1..ℓ_D, noise]. */
  gradient: Float64Array;
}

/**
 * Log marginal likelihood of a zero-mean GP and its analytic gradient:
 *   L = −½ yᵀα − Σ log L_ii − n/2 log 2π,  α = K⁻¹y,
 *   ∂L/∂θ_j = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j).
 * x is n×d row-major (already scaled), y already standardized.
 */
export function logMarginalLikelihood(kernel: KernelName, theta: ArrayLike<number>, x: Float64Array, y: Float64Array, d: number, withGradient = true): LmlResult {
  const n = y.length;
  const shape = KERNEL_SHAPES[kernel];
  const c = Math.exp(theta[0]!);
  const noise = Math.exp(theta[d + 1]!);
  const invLs = new Float64Array(d);
  for (let k = 0; k < d; k++) invLs[k] = Math.exp(-theta[1 + k]!);
  const gradient = new Float64Array(d + 2);

  const kmat = new Float64Array(n * n);
  // g(r) per pair (upper triangle of a scratch matrix), kept for the gradient so r is computed once.
  const gmat = withGradient ? new Float64Array(n * n) : undefined;
  for (let i = 0; i < n; i++) {
    kmat[i * n + i] = c + noise + BASE_JITTER;
    for (let j = 0; j < i; j++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const t = (x[i * d + k]! - x[j * d + k]!) * invLs[k]!;
        r2 += t * t;
      }
      const v = c * shape.f(r2);
      kmat[i * n + j] = v;
      kmat[j * n + i] = v;
      if (gmat) gmat[j * n + i] = c * shape.g(r2);
    }
  }
  // The factorization overwrites the lower triangle only; the upper keeps c·f(r) for the gradient.
  if (!choleskyInPlace(kmat, n, true)) return { value: -Infinity, gradient };
  const l = kmat;
  const alpha = cholSolve(l, n, y);
  let value = -0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) value -= 0.5 * y[i]! * alpha[i]! + Math.log(l[i * n + i]!);
  if (!withGradient) return { value, gradient };

  const kinv = cholInverse(l, n);
  // W = ααᵀ − K⁻¹; the gradient is ½ Σ_ij W_ij ∂K_ij.
  let gConst = 0;
  let gNoise = 0;
  const gLs = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wii = alpha[i]! * alpha[i]! - kinv[i * n + i]!;
    gConst += wii * c;
    gNoise += wii * noise;
    for (let j = 0; j < i; j++) {
      const w = 2 * (alpha[i]! * alpha[j]! - kinv[i * n + j]!); // both (i,j) and (j,i)
      gConst += w * kmat[j * n + i]!;
      const wg = w * gmat![j * n + i]!;
      if (wg === 0) continue;
      for (let k = 0; k < d; k++) {
        const t = (x[i * d + k]! - x[j * d + k]!) * invLs[k]!;
        gLs[k] = gLs[k]! + wg * t * t;
      }
    }
  }
  gradient[0] = 0.5 * gConst;
  for (let k = 0; k < d; k++) gradient[1 + k] = 0.5 * gLs[k]!;
  gradient[d + 1] = 0.5 * gNoise;
  return { value, gradient };
}
