import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { correlationLength, twoPointCorrelation } from './two-point.ts';

/** Lamellae normal to z: label 1 where z mod period < thickness, else 0. */
function lamellae(n: number, period: number, thickness: number): Uint8Array {
  const labels = new Uint8Array(n * n * n);
  for (let i = 0; i < labels.length; i++) labels[i] = Math.floor(i / (n * n)) % period < thickness ? 1 : 0;
  return labels;
}

/** Analytic S2 of periodic lamellae of thickness t and period P at lag r: the overlap of a slab with itself shifted by r. */
function lamellarS2(r: number, period: number, t: number): number {
  const d = r % period;
  const overlap = Math.max(0, t - d) + Math.max(0, t - (period - d));
  return overlap / period;
}

describe('twoPointCorrelation', () => {
  it('lamellae: S2 along z is the analytic triangle wave, along x and y the constant phase fraction', () => {
    const n = 32;
    const [P, t] = [8, 3];
    const labels = lamellae(n, P, t);
    const periodic = twoPointCorrelation(labels, [n, n, n], 1e-6, { periodic: true, maxLag: 16 });
    const open = twoPointCorrelation(labels, [n, n, n], 1e-6, { maxLag: 16 });
    expect(periodic.fraction[1]).toBeCloseTo(3 / 8, 12);
    for (let r = 0; r <= 16; r++) {
      // n is a multiple of P, so the periodic estimate is exact.
      expect(periodic.s2[1]!.z![r]).toBeCloseTo(lamellarS2(r, P, t), 12);
      expect(periodic.s2[0]!.z![r]).toBeCloseTo(lamellarS2(r, P, P - t), 12);
      // In-plane every pair lies in one lamella: S2 = φ for all r.
      expect(open.s2[1]!.x![r]).toBeCloseTo(3 / 8, 12);
      expect(open.s2[1]!.y![r]).toBeCloseTo(3 / 8, 12);
      // Pairs inside only: the last partial period biases by at most t/(n − r).
      expect(Math.abs(open.s2[1]!.z![r]! - lamellarS2(r, P, t))).toBeLessThanOrEqual(t / (n - r) + 1e-12);
    }
    // By hand at r = 5: z mod 8 ∈ {0, 1, 2} puts z + 5 at 5, 6, 7 mod 8, all outside: S2 = 0 exactly.
    expect(open.s2[1]!.z![5]).toBe(0);
  });

  it('S2(0) is the phase fraction and S2 falls to φ² for uncorrelated voxels', () => {
    const n = 40;
    const rng = new Rng(3);
    const labels = new Uint8Array(n * n * n);
    for (let i = 0; i < labels.length; i++) labels[i] = rng.uniform() < 0.3 ? 2 : 0;
    const c = twoPointCorrelation(labels, [n, n, n], 1e-6, { maxLag: 10 });
    const phi = c.fraction[2]!;
    for (const axis of ['x', 'y', 'z'] as const) {
      expect(c.s2[2]![axis]![0]).toBeCloseTo(phi, 12);
      for (let r = 1; r <= 10; r++) expect(Math.abs(c.s2[2]![axis]![r]! - phi * phi)).toBeLessThan(0.006);
    }
    expect(correlationLength(c.s2[2]!.x!, phi)).toBeLessThan(1);
  });

  it('correlation length of an exponential S2 curve is its decay length', () => {
    const phi = 0.4;
    const curve = Float64Array.from({ length: 30 }, (_, r) => phi * phi + (phi - phi * phi) * Math.exp(-r / 5));
    expect(correlationLength(curve, phi)).toBeCloseTo(5, 1);
  });
});
