import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { choleskyInPlace, cholInverse, solveLower } from './dense.ts';
import { choleskyBlocked, inverseFromTransposedInverse, lowerInverseTransposed, solveLowerRows } from './blocked.ts';

/** A random SPD matrix B Bᵀ + n·I (well conditioned), row-major. */
function randomSpd(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!;
      a[i * n + j] = s;
    }
  }
  return a;
}

describe('register-blocked Cholesky and inverse', () => {
  // Odd and even sizes exercise the 2×2 blocks and the single-row/column tails.
  for (const n of [1, 2, 3, 4, 7, 10, 33]) {
    it(`match the dot-product reference to 1e-12 relative (n=${n})`, () => {
      const a = randomSpd(n, n);
      const ref = Float64Array.from(a);
      expect(choleskyInPlace(ref, n)).toBe(true);
      const l = Float64Array.from(a);
      // Mark the strict upper triangle: the blocked factor must leave it alone.
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) l[i * n + j] = -7;
      expect(choleskyBlocked(l, n)).toBe(true);
      const scale = Math.sqrt(n * 2);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (j > i) expect(l[i * n + j]).toBe(-7);
          else expect(Math.abs(l[i * n + j]! - ref[i * n + j]!)).toBeLessThan(1e-12 * scale * n);
        }
      }
      const t = new Float64Array(n * n);
      const invDiag = new Float64Array(n);
      lowerInverseTransposed(l, n, t, invDiag);
      const packed = new Float64Array((n * (n + 1)) / 2);
      inverseFromTransposedInverse(t, n, packed);
      const inv = cholInverse(ref, n);
      // K⁻¹ K = I, checked through the packed lower triangle.
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) {
            const kinv = k <= i ? packed[(i * (i + 1)) / 2 + k]! : packed[(k * (k + 1)) / 2 + i]!;
            s += kinv * a[k * n + j]!;
          }
          expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-12);
        }
        for (let j = 0; j <= i; j++) expect(Math.abs(packed[(i * (i + 1)) / 2 + j]! - inv[i * n + j]!)).toBeLessThan(1e-12 / n);
      }
    });
  }

  it('reports a matrix that is not positive definite, at any position in a block', () => {
    for (const bad of [0, 1, 4, 5]) {
      const n = 6;
      const a = randomSpd(n, 3);
      // A negative diagonal entry, first or second column of a 2×2 block.
      a[bad * n + bad] = -1;
      expect(choleskyBlocked(a, n)).toBe(false);
    }
  });

  for (const [n, m] of [[1, 1], [5, 3], [8, 4], [33, 7], [6, 9]] as const) {
    it(`solve many right-hand sides as the row-by-row solve does, to 1e-12 (n=${n}, m=${m})`, () => {
      const l = randomSpd(n, 40 + n);
      expect(choleskyInPlace(l, n)).toBe(true);
      const invDiag = Float64Array.from({ length: n }, (_, i) => 1 / l[i * n + i]!);
      const rng = new Rng(m);
      const b = Float64Array.from({ length: m * n }, () => rng.normal());
      const ref = Float64Array.from(b);
      for (let r = 0; r < m; r++) solveLower(l, n, ref.subarray(r * n, (r + 1) * n));
      solveLowerRows(l, n, invDiag, b, m);
      for (let k = 0; k < m * n; k++) expect(Math.abs(b[k]! - ref[k]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(ref[k]!)));
    });
  }
});
