import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { cholInverse, choleskyInPlace, cholSolve } from '../linalg/dense.ts';
import { KERNEL_SHAPES, KERNELS, type KernelName } from './covariance.ts';
import { BASE_JITTER, LmlWorkspace } from './workspace.ts';

/** The textbook evaluation: full K, Cholesky, explicit K⁻¹, ½ tr((ααᵀ − K⁻¹) ∂K/∂θ) per parameter. */
function referenceLml(kernel: KernelName, theta: Float64Array, x: Float64Array, y: Float64Array, d: number): { value: number; gradient: number[] } {
  const n = y.length;
  const { f, g } = KERNEL_SHAPES[kernel];
  const c = Math.exp(theta[0]!);
  const noise = Math.exp(theta[d + 1]!);
  const ls = Array.from({ length: d }, (_, k) => Math.exp(theta[1 + k]!));
  const s = (i: number, j: number, k: number): number => ((x[i * d + k]! - x[j * d + k]!) / ls[k]!) ** 2;
  const r2 = (i: number, j: number): number => Array.from({ length: d }, (_, k) => s(i, j, k)).reduce((a, b) => a + b, 0);
  const kmat = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) kmat[i * n + j] = c * f(r2(i, j)) + (i === j ? noise + BASE_JITTER : 0);
  const l = Float64Array.from(kmat);
  if (!choleskyInPlace(l, n)) throw new Error('reference matrix not PD');
  const alpha = cholSolve(l, n, y);
  let value = -0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) value -= 0.5 * y[i]! * alpha[i]! + Math.log(l[i * n + i]!);
  const kinv = cholInverse(l, n);
  const dK: ((i: number, j: number) => number)[] = [
    (i, j) => c * f(r2(i, j)),
    ...ls.map((_, k) => (i: number, j: number) => c * g(r2(i, j)) * s(i, j, k)),
    (i, j) => (i === j ? noise : 0),
  ];
  const gradient = dK.map((dk) => {
    let t = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t += (alpha[i]! * alpha[j]! - kinv[i * n + j]!) * dk(i, j);
    return 0.5 * t;
  });
  return { value, gradient };
}

function data(n: number, d: number, seed: number): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n * d }, () => rng.uniform());
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * x[i * d]!) + x[i * d + 1]! ** 2 + 0.05 * rng.normal());
  return { x, y };
}

describe('LmlWorkspace', () => {
  for (const kernel of KERNELS) {
    for (const n of [31, 32]) {
      for (const cacheLimit of [undefined, 0]) {
        it(`equals the textbook LML and gradient to 1e-10 relative (${kernel}, n=${n}, ${cacheLimit === 0 ? 'differences recomputed' : 'differences cached'})`, () => {
          const d = 3;
          const { x, y } = data(n, d, n);
          const ws = new LmlWorkspace(kernel, x, y, d, cacheLimit);
          const rng = new Rng(2);
          for (let trial = 0; trial < 3; trial++) {
            const theta = Float64Array.from({ length: d + 2 }, () => rng.range(-2, 1));
            const got = ws.evaluate(theta);
            const ref = referenceLml(kernel, theta, x, y, d);
            expect(Math.abs(got.value - ref.value)).toBeLessThan(1e-10 * Math.max(1, Math.abs(ref.value)));
            ref.gradient.forEach((gr, j) => expect(Math.abs(got.gradient[j]! - gr)).toBeLessThan(1e-10 * Math.max(1, Math.abs(gr))));
            expect(ws.evaluate(theta, false).value).toBe(got.value);
          }
        });
      }
    }
  }

  it('gives the same numbers after a failed factorization and returns fresh gradient arrays', () => {
    const d = 2;
    const { x, y } = data(20, d, 7);
    // Duplicate a row so that K is singular when the noise is tiny.
    x[d] = x[0]!;
    x[d + 1] = x[1]!;
    const ws = new LmlWorkspace('rbf', x, y, d);
    const good = Float64Array.from([0, -1, -1, -2]);
    const a = ws.evaluate(good);
    const bad = ws.evaluate(Float64Array.from([30, 5, 5, -40]));
    expect(bad.value).toBe(-Infinity);
    const b = ws.evaluate(good);
    expect(b.value).toBe(a.value);
    expect(Array.from(b.gradient)).toEqual(Array.from(a.gradient));
    expect(b.gradient).not.toBe(a.gradient);
  });

  it('reuses a value-only factorization for the gradient at the same θ, and only there', () => {
    const d = 3;
    const { x, y } = data(40, d, 11);
    const fresh = new LmlWorkspace('matern52', x, y, d);
    const ws = new LmlWorkspace('matern52', x, y, d);
    const t1 = Float64Array.from([0.2, -1, -0.5, 0.1, -3]);
    const t2 = Float64Array.from([-0.4, -0.2, -1.5, 0.3, -2]);
    for (const [valueAt, gradientAt] of [[t1, t1], [t1, t2], [t2, t2]] as const) {
      const v = ws.evaluate(valueAt, false);
      expect(v.value).toBe(fresh.evaluate(valueAt, false).value);
      const g = ws.evaluate(gradientAt);
      const ref = fresh.evaluate(gradientAt);
      expect(g.value).toBe(ref.value);
      expect(Array.from(g.gradient)).toEqual(Array.from(ref.gradient));
    }
    // A second gradient call at the same θ recomputes rather than reusing consumed buffers.
    const again = ws.evaluate(t2);
    expect(Array.from(again.gradient)).toEqual(Array.from(fresh.evaluate(t2).gradient));
  });
});
