import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.ts';
import { noiseReport, replicateNoise } from './noise.ts';

function rows(points: number, reps: number, f: (x: number) => number, sd: number, output: string, seed = 1): Record<string, number>[] {
  const rng = new Rng(seed);
  const out: Record<string, number>[] = [];
  for (let p = 0; p < points; p++) {
    const x = (p + 0.5) / points;
    for (let r = 0; r < reps; r++) out.push({ x, [output]: f(x) + sd * rng.normal() });
  }
  return out;
}

describe('replicate spread: the noise floor of a study', () => {
  it('pools the spread between replicates and turns it into the best R² any model can reach', () => {
    // y = 10x + N(0, 0.5²) over x evenly in [0, 1]: var over the design 100/12 + 0.25, so best R² = 1 − 0.25/8.58 = 0.971.
    const n = replicateNoise(rows(25, 4, (x) => 10 * x, 0.5, 'y'), ['x'], 'y')!;
    expect(n.points).toBe(25);
    expect(n.runs).toBe(100);
    expect(Math.abs(n.sd - 0.5) / 0.5).toBeLessThan(0.15);
    // Within the sampling error of a 75-degree-of-freedom spread estimate.
    expect(Math.abs(n.bestR2 - 0.971)).toBeLessThan(0.015);
    expect(n.bestR2).toBeCloseTo(1 - n.sd ** 2 / n.totalSd ** 2, 12);
    expect(n.range).toBeGreaterThan(9);
    expect(n.range).toBeLessThan(10.5);
    expect(n.spreadOverRange).toBeLessThan(0.1);
  });

  it('ignores non-finite values and points run once, and gives nothing without replicates', () => {
    const r: Record<string, number>[] = [
      { x: 0, y: 1 },
      { x: 0, y: 3 },
      { x: 1, y: Infinity },
      { x: 1, y: 10 },
      { x: 2, y: 20 },
    ];
    const n = replicateNoise(r, ['x'], 'y')!;
    // Only x = 0 has two finite replicates: sd = √2; the range spans the means 2 … 20.
    expect(n.points).toBe(1);
    expect(n.sd).toBeCloseTo(Math.SQRT2, 12);
    expect(n.range).toBe(18);
    expect(replicateNoise([{ x: 0, y: 1 }, { x: 1, y: 2 }], ['x'], 'y')).toBeUndefined();
  });

  it('warns that the volume is too small when τ scatters across replicates against its range over the design', () => {
    // τ barely depends on the parameter (range 0.1) while packings differ by sd 0.05.
    const tau = replicateNoise(rows(10, 3, (x) => 1.5 + 0.1 * x, 0.05, 'tortuosity_pore_z'), ['x'], 'tortuosity_pore_z')!;
    const clean = replicateNoise(rows(10, 3, (x) => 10 * x, 0.05, 'porosity'), ['x'], 'porosity')!;
    expect(tau.spreadOverRange).toBeGreaterThan(0.3);
    expect(tau.bestR2).toBeLessThan(0.5);
    const lines = noiseReport([tau, clean], { tortuosity_pore_z: 0.42, porosity: 0.99 }, '48³ voxels');
    expect(lines[0]).toMatch(/10 points × ~3 runs/);
    expect(lines.find((l) => l.startsWith('tortuosity_pore_z'))).toMatch(/0\.420$/);
    const warnings = lines.filter((l) => l.startsWith('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/the electrodes \(48³ voxels\) are too small to be representative for tortuosity_pore_z: replicates differ by sd 0\.0\d+, \d+ % of its range/);
    expect(warnings[0]).toContain(`best R² any model can reach is ${tau.bestR2.toFixed(2)}`);
  });
});
