import type { KernelName } from './covariance.ts';

const SQRT3 = Math.sqrt(3);
const SQRT5 = Math.sqrt(5);

/**
 * c·f(r) between every query row and every training row into out (m×n row-major), with the
 * kernel's formula written inline per kernel: a shape function called through a record costs
 * about as much as the rest of the loop at these sizes.
 */
export function crossCovariance(kernel: KernelName, c: number, invLs: Float64Array, q: Float64Array, m: number, xs: Float64Array, n: number, d: number, out: Float64Array): void {
  const kind = kernel === 'matern52' ? 2 : kernel === 'matern32' ? 1 : 0;
  for (let a = 0; a < m; a++) {
    const qa = a * d;
    const oa = a * n;
    for (let i = 0; i < n; i++) {
      const xi = i * d;
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const t = (q[qa + k]! - xs[xi + k]!) * invLs[k]!;
        r2 += t * t;
      }
      let v: number;
      if (kind === 2) {
        const sr = SQRT5 * Math.sqrt(r2);
        v = (1 + sr + (5 / 3) * r2) * Math.exp(-sr);
      } else if (kind === 1) {
        const sr = SQRT3 * Math.sqrt(r2);
        v = (1 + sr) * Math.exp(-sr);
      } else v = Math.exp(-0.5 * r2);
      out[oa + i] = c * v;
    }
  }
}
