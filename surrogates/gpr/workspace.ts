import { dotRange } from '../linalg/dense.ts';
import { choleskyBlocked, inverseFromTransposedInverse, lowerInverseTransposed } from '../linalg/blocked.ts';
import type { KernelName } from './covariance.ts';

/** Diagonal added to K on every evaluation, as scikit-learn's default `alpha`. */
export const BASE_JITTER = 1e-10;

export interface LmlResult {
  /** log p(y | X, θ); −Infinity when K is not positive definite at θ. */
  value: number;
  /** ∂ value / ∂θ, θ = log[constant, ℓ_1..ℓ_D, noise]. */
  gradient: Float64Array;
}

/** Per-dimension squared differences are cached up to this many doubles (32 MiB); beyond, recomputed. */
const MAX_CACHED_DIFFS = 4 * 1024 * 1024;
const SQRT3 = Math.sqrt(3);
const SQRT5 = Math.sqrt(5);

/**
 * Everything the log marginal likelihood of one (X, y) needs across an optimization, allocated
 * once: the per-dimension squared input differences of every pair (independent of θ), the
 * factor, L⁻ᵀ and packed K⁻¹ buffers. Pairs are packed by rows, p = i(i−1)/2 + j for j < i.
 *
 *   L = −½ yᵀα − Σ log L_ii − n/2 log 2π,  α = K⁻¹y,
 *   ∂L/∂θ_j = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j).
 */
export class LmlWorkspace {
  readonly n: number;
  private readonly pairs: number;
  private readonly diff2: Float64Array | undefined;
  private readonly kmat: Float64Array;
  private readonly uinv: Float64Array;
  private readonly kinvPacked: Float64Array;
  private readonly invDiag: Float64Array;
  private readonly alpha: Float64Array;
  /** c·f(r) and c·g(r) per pair, kept from the covariance pass for the gradient. */
  private readonly kPair: Float64Array;
  private readonly gPair: Float64Array;
  /** Scaled squared distance per pair. */
  private readonly r2Pair: Float64Array;
  private readonly invLs2: Float64Array;
  private readonly gLs: Float64Array;
  /** θ and LML of a value-only evaluation whose factorization is still in the buffers. */
  private readonly factoredTheta: Float64Array;
  private factoredValue: number | undefined;

  constructor(
    readonly kernel: KernelName,
    private readonly x: Float64Array,
    private readonly y: Float64Array,
    readonly d: number,
    /** Largest pair-difference cache in doubles; above it differences are recomputed per evaluation. */
    cacheLimit = MAX_CACHED_DIFFS,
  ) {
    const n = y.length;
    this.n = n;
    this.pairs = (n * (n - 1)) / 2;
    if (this.pairs * d <= cacheLimit) {
      // Dimension-major (one plane of all pairs per input) so both the r² accumulation and the
      // length-scale gradient are long streaming loops rather than d-long inner loops per pair.
      const diff2 = new Float64Array(this.pairs * d);
      const plane = this.pairs;
      let p = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++, p++) {
          for (let k = 0; k < d; k++) {
            const t = x[i * d + k]! - x[j * d + k]!;
            diff2[k * plane + p] = t * t;
          }
        }
      }
      this.diff2 = diff2;
    }
    this.kmat = new Float64Array(n * n);
    this.uinv = new Float64Array(n * n);
    this.kinvPacked = new Float64Array((n * (n + 1)) / 2);
    this.invDiag = new Float64Array(n);
    this.alpha = new Float64Array(n);
    this.kPair = new Float64Array(this.pairs);
    this.gPair = new Float64Array(this.pairs);
    this.r2Pair = new Float64Array(this.pairs);
    this.invLs2 = new Float64Array(d);
    this.gLs = new Float64Array(d);
    this.factoredTheta = new Float64Array(d + 2);
  }

  /**
   * The returned gradient is a fresh array (optimizers keep references to past gradients). A
   * value-only call leaves its factorization in place, so a gradient call at the same θ right
   * after it (a line search accepting its trial point) skips straight to the gradient.
   */
  evaluate(theta: ArrayLike<number>, withGradient = true): LmlResult {
    const { n, d, kmat, alpha, y } = this;
    const gradient = new Float64Array(d + 2);
    const c = Math.exp(theta[0]!);
    const noise = Math.exp(theta[d + 1]!);
    if (withGradient && this.factoredValue !== undefined && sameValues(this.factoredTheta, theta)) {
      const value = this.factoredValue;
      this.factoredValue = undefined;
      return this.gradientInto(gradient, value, c, noise);
    }
    this.factoredValue = undefined;
    for (let k = 0; k < d; k++) this.invLs2[k] = Math.exp(-2 * theta[1 + k]!);
    this.pairKernel(c);
    const kPair = this.kPair;
    for (let i = 0, p = 0; i < n; i++) {
      const ri = i * n;
      for (let j = 0; j < i; j++, p++) kmat[ri + j] = kPair[p]!;
      kmat[ri + i] = c + noise + BASE_JITTER;
    }
    if (!choleskyBlocked(kmat, n)) return { value: -Infinity, gradient };
    // α = L⁻ᵀ L⁻¹ y by forward then backward substitution on the lower factor.
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      let s = y[i]!;
      for (let k = 0; k < i; k++) s -= kmat[ri + k]! * alpha[k]!;
      alpha[i] = s / kmat[ri + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = alpha[i]!;
      for (let k = i + 1; k < n; k++) s -= kmat[k * n + i]! * alpha[k]!;
      alpha[i] = s / kmat[i * n + i]!;
    }
    let value = -0.5 * n * Math.log(2 * Math.PI);
    for (let i = 0; i < n; i++) value -= 0.5 * y[i]! * alpha[i]! + Math.log(kmat[i * n + i]!);
    if (!withGradient) {
      for (let k = 0; k < d + 2; k++) this.factoredTheta[k] = theta[k]!;
      this.factoredValue = value;
      return { value, gradient };
    }
    return this.gradientInto(gradient, value, c, noise);
  }

  /** ∂L/∂θ from the factor, α, kPair and gPair of the last factorization; consumes gPair. */
  private gradientInto(gradient: Float64Array, value: number, c: number, noise: number): LmlResult {
    const { n, d, kmat, alpha } = this;
    const kPair = this.kPair;
    lowerInverseTransposed(kmat, n, this.uinv, this.invDiag);
    inverseFromTransposedInverse(this.uinv, n, this.kinvPacked);
    const kinv = this.kinvPacked;
    const gPair = this.gPair;
    const gLs = this.gLs;
    gLs.fill(0);
    // W = ααᵀ − K⁻¹; the gradient is ½ Σ_ij W_ij ∂K_ij, off-diagonal pairs counted twice.
    // gPair becomes W_ij·c·g(r_ij) in place; its dot with each difference plane gives ∂/∂log ℓ.
    let gConst = 0;
    let gDiag = 0;
    const diff2 = this.diff2;
    for (let i = 0, p = 0; i < n; i++) {
      const ai = alpha[i]!;
      const pi = (i * (i + 1)) / 2;
      for (let j = 0; j < i; j++, p++) {
        const w = 2 * (ai * alpha[j]! - kinv[pi + j]!);
        gConst += w * kPair[p]!;
        gPair[p] = w * gPair[p]!;
      }
      gDiag += ai * ai - kinv[pi + i]!;
    }
    if (diff2) {
      for (let k = 0; k < d; k++) gLs[k] = dotRange(gPair, 0, diff2, k * this.pairs, this.pairs);
    } else {
      const x = this.x;
      for (let i = 0, p = 0; i < n; i++) {
        for (let j = 0; j < i; j++, p++) {
          const wg = gPair[p]!;
          for (let k = 0; k < d; k++) {
            const t = x[i * d + k]! - x[j * d + k]!;
            gLs[k] = gLs[k]! + wg * t * t;
          }
        }
      }
    }
    gradient[0] = 0.5 * (gConst + gDiag * c);
    for (let k = 0; k < d; k++) gradient[1 + k] = 0.5 * gLs[k]! * this.invLs2[k]!;
    gradient[d + 1] = 0.5 * gDiag * noise;
    return { value, gradient };
  }

  /**
   * c·f(r) per pair into kPair and, for the gradient, c·g(r) with ∂k/∂log ℓ_d = c·g(r)·s_d
   * into gPair (s_d = (x_d − x'_d)²/ℓ_d², the 1/ℓ_d² applied once per dimension at the end).
   */
  private pairKernel(c: number): void {
    const { n, d, invLs2, diff2, x, pairs, r2Pair } = this;
    if (diff2) {
      r2Pair.fill(0);
      for (let k = 0; k < d; k++) {
        const w = invLs2[k]!;
        const o = k * pairs;
        for (let p = 0; p < pairs; p++) r2Pair[p] = r2Pair[p]! + diff2[o + p]! * w;
      }
    } else {
      for (let i = 0, p = 0; i < n; i++) {
        for (let j = 0; j < i; j++, p++) {
          let r2 = 0;
          for (let k = 0; k < d; k++) {
            const t = x[i * d + k]! - x[j * d + k]!;
            r2 += t * t * invLs2[k]!;
          }
          r2Pair[p] = r2;
        }
      }
    }
    kernelShapes(this.kernel, r2Pair, c, this.kPair, this.gPair);
  }
}

function sameValues(a: Float64Array, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** c·f(r) into k and c·g(r) into g (when given) from r² per pair; one loop per kernel, formulas inline. */
function kernelShapes(kernel: KernelName, r2: Float64Array, c: number, k: Float64Array, g: Float64Array | undefined): void {
  const m = r2.length;
  if (kernel === 'matern52') {
    for (let p = 0; p < m; p++) {
      const x = r2[p]!;
      const sr = SQRT5 * Math.sqrt(x);
      const e = c * Math.exp(-sr);
      k[p] = (1 + sr + (5 / 3) * x) * e;
      if (g) g[p] = (5 / 3) * (1 + sr) * e;
    }
  } else if (kernel === 'matern32') {
    for (let p = 0; p < m; p++) {
      const sr = SQRT3 * Math.sqrt(r2[p]!);
      const e = c * Math.exp(-sr);
      k[p] = (1 + sr) * e;
      if (g) g[p] = 3 * e;
    }
  } else {
    for (let p = 0; p < m; p++) {
      const e = c * Math.exp(-0.5 * r2[p]!);
      k[p] = e;
      if (g) g[p] = e;
    }
  }
}
