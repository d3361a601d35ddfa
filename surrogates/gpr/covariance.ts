/**
 * GP covariance functions ("kernels" in scikit-learn's vocabulary, hence `kernel: 'matern52'` and
 * KernelName; in mesolab's file names "kernels" means gpu.js compute kernels only).
 * Stationary ARD covariances k(x, x') = c · f(r), r² = Σ_d ((x_d − x'_d)/ℓ_d)², plus white noise σ²δ.
 * Each comes with ∂f/∂log ℓ_d written as g(r)·s_d (s_d = ((x_d − x'_d)/ℓ_d)²), which has no
 * singularity at r = 0 for any of the three.
 */
export const KERNELS = ['rbf', 'matern32', 'matern52'] as const;
export type KernelName = (typeof KERNELS)[number];

export interface KernelShape {
  /** f(r) from r². */
  f(r2: number): number;
  /** g(r) with ∂f/∂log ℓ_d = g(r)·s_d. */
  g(r2: number): number;
}

const SQRT3 = Math.sqrt(3);
const SQRT5 = Math.sqrt(5);

export const KERNEL_SHAPES: Record<KernelName, KernelShape> = {
  rbf: {
    f: (r2) => Math.exp(-0.5 * r2),
    g: (r2) => Math.exp(-0.5 * r2),
  },
  matern32: {
    f: (r2) => {
      const t = SQRT3 * Math.sqrt(r2);
      return (1 + t) * Math.exp(-t);
    },
    g: (r2) => 3 * Math.exp(-SQRT3 * Math.sqrt(r2)),
  },
  matern52: {
    f: (r2) => {
      const r = Math.sqrt(r2);
      return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
    },
    g: (r2) => {
      const r = Math.sqrt(r2);
      return (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
    },
  },
};

/** Hyperparameters in natural units. */
export interface KernelParams {
  constant: number;
  lengthScales: number[];
  noise: number;
}

/** Packs as sklearn's theta: log[constant, ℓ_1..ℓ_D, noise]. */
export function toTheta(p: KernelParams): Float64Array {
  return Float64Array.from([Math.log(p.constant), ...p.lengthScales.map(Math.log), Math.log(p.noise)]);
}

export function fromTheta(theta: ArrayLike<number>): KernelParams {
  const d = theta.length - 2;
  const ls: number[] = [];
  for (let i = 0; i < d; i++) ls.push(Math.exp(theta[1 + i]!));
  return { constant: Math.exp(theta[0]!), lengthScales: ls, noise: Math.exp(theta[d + 1]!) };
}

/** Scaled squared distance between rows i (of a) and j (of b); rows of width d. */
export function scaledDist2(a: Float64Array, i: number, b: Float64Array, j: number, invLs: Float64Array, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = (a[i * d + k]! - b[j * d + k]!) * invLs[k]!;
    s += t * t;
  }
  return s;
}
