import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sobolPoints } from './sobol.ts';
import { latinHypercube, maximinLatinHypercube, minPairwiseDistance } from './lhs.ts';
import { generateDesign, validateVariedParams } from './design.ts';
import { normalQuantile as inverseNormalCdf } from '../random/normal.ts';
import { Rng } from '../random/rng.ts';
import type { VariedParam } from './params.ts';
import { ConfigError } from '../errors.ts';

// Reference: SciPy 1.17.1, `qmc.Sobol(d=12, scramble=False).random(64)`, which uses Joe and Kuo's
// new-joe-kuo-6.21201 direction numbers (regenerate with the command in the file's "source").
const reference = JSON.parse(readFileSync(new URL('./fixtures/scipy-sobol-12d-64.json', import.meta.url), 'utf8')) as { points: number[][] };

describe('Sobol (Joe–Kuo)', () => {
  it('gives the published first points of dimensions 1 and 2', () => {
    const p = sobolPoints(8, 2, { scramble: false, seed: 0 });
    expect(p.map((x) => x[0])).toEqual([0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]);
    expect(p.map((x) => x[1])).toEqual([0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625]);
  });

  it('equals SciPy unscrambled Sobol exactly for 64 points in 12 dimensions', () => {
    const p = sobolPoints(64, 12, { scramble: false, seed: 0 });
    expect(p).toEqual(reference.points);
  });

  it('scrambled: every dyadic interval of size 1/16 holds one of 16 points per dimension, and the seed decides', () => {
    const a = sobolPoints(16, 5, { scramble: true, seed: 7 });
    const b = sobolPoints(16, 5, { scramble: true, seed: 7 });
    const c = sobolPoints(16, 5, { scramble: true, seed: 8 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (let j = 0; j < 5; j++) {
      const cells = new Set(a.map((x) => Math.floor(x[j]! * 16)));
      expect(cells.size).toBe(16);
    }
    // 2D projection is a (0,4,2)-net in base 2 for dimensions 1–2: each 1/4 × 1/4 box holds one point.
    const boxes = new Set(a.map((x) => `${Math.floor(x[0]! * 4)},${Math.floor(x[1]! * 4)}`));
    expect(boxes.size).toBe(16);
  });
});

describe('Latin hypercube', () => {
  it('has one point per stratum in every dimension', () => {
    for (const [n, d] of [[10, 3], [31, 5], [7, 1]] as const) {
      const { points } = maximinLatinHypercube(n, d, 42, 10);
      for (let j = 0; j < d; j++) {
        const strata = points.map((p) => Math.floor(p[j]! * n)).sort((a, b) => a - b);
        expect(strata).toEqual(Array.from({ length: n }, (_, k) => k));
      }
    }
  });

  it('maximin picks a design at least as spread as any single random one with the same seed stream', () => {
    const best = maximinLatinHypercube(20, 3, 5, 50);
    const first = latinHypercube(20, 3, new Rng(5));
    expect(best.minDistance).toBeGreaterThanOrEqual(minPairwiseDistance(first));
    expect(best.minDistance).toBeCloseTo(minPairwiseDistance(best.points), 12);
  });

  it('same seed, same design; other seed, other design', () => {
    expect(maximinLatinHypercube(12, 4, 3).points).toEqual(maximinLatinHypercube(12, 4, 3).points);
    expect(maximinLatinHypercube(12, 4, 3).points).not.toEqual(maximinLatinHypercube(12, 4, 4).points);
  });
});

describe('designs over parameters', () => {
  const params: VariedParam[] = [
    { name: 'porosity', distribution: 'uniform', min: 0.3, max: 0.5 },
    { name: 'viscosity', distribution: 'loguniform', min: 1e-3, max: 1e-1 },
    { name: 'angle', distribution: 'normal', mean: 30, sd: 5 },
    { name: 'shape', distribution: 'choice', levels: ['sphere', 'ellipsoid'] },
  ];

  it('maps coordinates to each distribution', () => {
    const { points, unit } = generateDesign(params, { type: 'lhs' }, 16, 1);
    points.forEach((p, i) => {
      const u = unit![i]!;
      expect(p.porosity).toBeCloseTo(0.3 + 0.2 * u[0]!, 12);
      expect(Math.log10(p.viscosity as number)).toBeCloseTo(-3 + 2 * u[1]!, 10);
      expect(p.angle).toBeCloseTo(30 + 5 * inverseNormalCdf(u[2]!), 10);
      expect(p.shape).toBe(u[3]! < 0.5 ? 'sphere' : 'ellipsoid');
    });
  });

  it('grid is the full factorial with both range ends', () => {
    const { points } = generateDesign([params[0]!, params[3]!], { type: 'grid', levels: 3 }, 0, 0);
    expect(points).toHaveLength(6);
    const porosities = points.map((p) => p.porosity as number);
    [0.3, 0.4, 0.5, 0.3, 0.4, 0.5].forEach((v, i) => expect(porosities[i]).toBeCloseTo(v, 14));
    expect(points.map((p) => p.shape)).toEqual(['sphere', 'sphere', 'sphere', 'ellipsoid', 'ellipsoid', 'ellipsoid']);
  });

  it('random and sobol designs repeat with the seed', () => {
    for (const type of ['random', 'sobol'] as const) {
      expect(generateDesign(params, { type }, 9, 11).points).toEqual(generateDesign(params, { type }, 9, 11).points);
    }
  });

  it('inverse normal CDF matches known quantiles within 1e-8', () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 12);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(inverseNormalCdf(0.001)).toBeCloseTo(-3.090232306167813, 8);
  });

  it('rejects an empty range and duplicate names', () => {
    expect(() => validateVariedParams([{ name: 'a', distribution: 'uniform', min: 1, max: 1 }])).toThrow(ConfigError);
    expect(() => validateVariedParams([params[0]!, params[0]!])).toThrow(/not used by another/);
  });
});
