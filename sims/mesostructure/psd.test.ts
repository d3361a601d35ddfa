import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { lognormalCdf, lognormalQuantile, sigmaFromD10D90, sigmaFromSpan, drawDiameter } from './psd.ts';
import { erf, normalCdf, normalQuantile } from '../../src/random/normal.ts';
import { ksCriticalValue, ksStatistic } from './stats.ts';

describe('particle size distribution helpers', () => {
  it('erf and the normal quantile match tabulated values', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 6);
    expect(erf(-1)).toBeCloseTo(-0.8427007929, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    for (const p of [0.01, 0.2, 0.5, 0.9]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });

  it('span and D10/D90 give the σ whose lognormal reproduces them', () => {
    const sigma = sigmaFromSpan(1.2);
    const d10 = lognormalQuantile(0.1, 10, sigma);
    const d90 = lognormalQuantile(0.9, 10, sigma);
    expect((d90 - d10) / 10).toBeCloseTo(1.2, 8);
    expect(sigmaFromD10D90(d10, d90)).toBeCloseTo(sigma, 8);
    expect(lognormalCdf(10, 10, sigma)).toBeCloseTo(0.5, 6); // erf is good to 1.2e-7
  });

  it('draws lognormal diameters that a KS test accepts and a wrong median rejects (n = 5000)', () => {
    const rng = new Rng(42);
    const sigma = sigmaFromSpan(1);
    const d = Array.from({ length: 5000 }, () => drawDiameter(rng, 6, sigma, 0, Infinity));
    const crit = ksCriticalValue(d.length, 0.05);
    expect(ksStatistic(d, (x) => lognormalCdf(x, 6, sigma))).toBeLessThan(crit);
    expect(ksStatistic(d, (x) => lognormalCdf(x, 6.3, sigma))).toBeGreaterThan(crit);
  });
});
