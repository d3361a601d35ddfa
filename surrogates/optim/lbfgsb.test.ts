import { describe, expect, it } from 'vitest';
import { minimizeBox } from './lbfgsb.ts';

/** Rosenbrock: minimum 0 at (1, 1). */
function rosenbrock(x: Float64Array): { value: number; gradient: Float64Array } {
  const [a, b] = [x[0]!, x[1]!];
  return {
    value: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
    gradient: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
  };
}

describe('minimizeBox', () => {
  it('finds the Rosenbrock minimum (1, 1) to 1e-4 from (−1.2, 1)', () => {
    const r = minimizeBox(rosenbrock, [-1.2, 1], { lower: [-5, -5], upper: [5, 5] });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-4);
    expect(Math.abs(r.x[1]! - 1)).toBeLessThan(1e-4);
  });

  it('stops on an active bound: with b ≤ 0.25 the minimum lies on b = 0.25', () => {
    // On b = 0.25 the objective is (1−a)² + 100(0.25−a²)²; its minimizer has a > 0.5, where
    // ∂/∂b = 200(0.25 − a²) < 0, so the bound is active.
    const r = minimizeBox(rosenbrock, [0, 0], { lower: [-2, -2], upper: [2, 0.25] });
    expect(r.x[1]).toBe(0.25);
    // The root of ∂/∂a = −2(1−a) − 400a(0.25−a²) on the bound, by bisection.
    let lo = 0.3;
    let hi = 0.7;
    for (let i = 0; i < 60; i++) {
      const m = (lo + hi) / 2;
      const da = -2 * (1 - m) - 400 * m * (0.25 - m * m);
      if (da < 0) lo = m;
      else hi = m;
    }
    expect(Math.abs(r.x[0]! - lo)).toBeLessThan(1e-4);
  });

  it('takes exactly the same path when line-search trials use a value-only function', () => {
    let fullCalls = 0;
    const counted = (x: Float64Array): { value: number; gradient: Float64Array } => {
      fullCalls++;
      return rosenbrock(x);
    };
    const plain = minimizeBox(rosenbrock, [-1.2, 1], { lower: [-5, -5], upper: [5, 5] });
    const lazy = minimizeBox(counted, [-1.2, 1], { lower: [-5, -5], upper: [5, 5], value: (x) => rosenbrock(x).value });
    expect(Array.from(lazy.x)).toEqual(Array.from(plain.x));
    expect(lazy.value).toBe(plain.value);
    expect(lazy.iterations).toBe(plain.iterations);
    expect(lazy.evaluations).toBe(plain.evaluations);
    // The full objective runs once at the start and once per accepted step only.
    expect(fullCalls).toBe(1 + lazy.iterations);
  });
});
