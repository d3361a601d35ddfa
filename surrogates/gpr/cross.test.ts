import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { crossCovariance } from './cross.ts';
import { KERNEL_SHAPES, KERNELS } from './covariance.ts';

describe('crossCovariance', () => {
  for (const kernel of KERNELS) {
    it(`equals c·f(r) from the kernel's shape function to 1e-14 relative (${kernel})`, () => {
      const rng = new Rng(9);
      const [m, n, d] = [5, 7, 3];
      const q = Float64Array.from({ length: m * d }, () => rng.uniform());
      const xs = Float64Array.from({ length: n * d }, () => rng.uniform());
      const invLs = Float64Array.from([2, 0.5, 1.3]);
      const out = new Float64Array(m * n);
      crossCovariance(kernel, 1.7, invLs, q, m, xs, n, d, out);
      for (let a = 0; a < m; a++) {
        for (let i = 0; i < n; i++) {
          let r2 = 0;
          for (let k = 0; k < d; k++) r2 += ((q[a * d + k]! - xs[i * d + k]!) * invLs[k]!) ** 2;
          const ref = 1.7 * KERNEL_SHAPES[kernel].f(r2);
          expect(Math.abs(out[a * n + i]! - ref)).toBeLessThan(1e-14 * ref + 1e-300);
        }
      }
      // At zero distance the covariance is the constant itself.
      crossCovariance(kernel, 1.7, invLs, xs, 1, xs, 1, d, out);
      expect(out[0]).toBe(1.7);
    });
  }
});
