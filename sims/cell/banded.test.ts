import { describe, expect, it } from 'vitest';
import { BandMatrix } from './banded.ts';
import { Rng } from '../../src/random/rng.ts';

describe('banded LU with partial pivoting', () => {
  it('solves a random banded system that needs pivoting (zero diagonal) to 1e-10', () => {
    const n = 60;
    const kl = 4;
    const ku = 3;
    const rng = new Rng(3);
    const dense: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const m = new BandMatrix(n, kl, ku);
    for (let i = 0; i < n; i++)
      for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
        const v = i === j ? 0 : rng.range(-1, 1); // zero diagonal: impossible without pivoting
        dense[i]![j] = v;
        m.data[m.at(i, j)] = v;
      }
    const x = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i]! += dense[i]![j]! * x[j]!;
    expect(m.factor()).toBe(true);
    m.solve(b);
    for (let i = 0; i < n; i++) expect(Math.abs(b[i]! - x[i]!)).toBeLessThan(1e-10);
  });

  it('reports a singular matrix instead of returning NaN', () => {
    const m = new BandMatrix(3, 1, 1);
    m.data[m.at(0, 0)] = 1;
    m.data[m.at(1, 0)] = 1;
    expect(m.factor()).toBe(false);
  });
});
