import { describe, expect, it } from 'vitest';
import { fitGpr } from '../gpr/model.ts';
import { fitAr1 } from './ar1.ts';

// Forrester et al. (2007) pair: high f(x) = (6x−2)² sin(12x−4), low = 0.5 f(x) + 10(x−0.5) − 5.
// Solving for f: high = 2·low − 20(x − 0.5) + 10 = 2·low + 20(1 − x), so in f_high = ρ·f_low + δ
// the exact answer is ρ = 2 with δ(x) = 20(1 − x), a smooth (linear) discrepancy.
const high = (x: number): number => (6 * x - 2) ** 2 * Math.sin(12 * x - 4);
const low = (x: number): number => 0.5 * high(x) + 10 * (x - 0.5) - 5;

const xLow = Array.from({ length: 21 }, (_, i) => i / 20);
const xHigh = [0, 0.2, 0.4, 0.6, 0.75, 1];
const grid = Array.from({ length: 201 }, (_, i) => i / 200);
const opts = { kernel: 'rbf' as const, restarts: 3, seed: 1, threads: 1 };

function rmse(pred: number[], truth: number[]): number {
  return Math.sqrt(pred.reduce((s, p, i) => s + (p - truth[i]!) ** 2, 0) / pred.length);
}

describe('linear auto-regressive multi-fidelity GP', () => {
  const mf = fitAr1(
    xLow.map((x) => [x]),
    xLow.map(low),
    xHigh.map((x) => [x]),
    xHigh.map(high),
    { inputs: ['x'], output: 'high', lowOutput: 'low' },
    opts,
  );
  const truth = grid.map(high);
  const p = mf.predict(grid.map((x) => [x]));
  const mfMean = p.mean.map((r) => r[0]!);

  it('recovers ρ = 2 of the Forrester pair, with strong evidence against ρ = 0', () => {
    expect(mf.state.lmlGainOverRhoZero).toBeGreaterThan(5);
    expect(mf.rho).toBeGreaterThan(1.9);
    expect(mf.rho).toBeLessThan(2.1);
  });

  it('beats a single-fidelity GP on the same high points by at least 20× in RMSE on a dense grid', () => {
    const sf = fitGpr(xHigh.map((x) => [x]), xHigh.map((x) => [high(x)]), ['x'], ['high'], opts);
    const sfMean = sf.predictMean(grid.map((x) => [x])).map((r) => r[0]!);
    const eMf = rmse(mfMean, truth);
    const eSf = rmse(sfMean, truth);
    // f spans about −6 … 16 on [0, 1]; six high points alone cannot place its dip and peak.
    expect(eMf).toBeLessThan(0.05 * eSf); // measured 0.0100 against 0.861 (seed 1)
    expect(eMf).toBeLessThan(0.1);
  });

  it('gives 95% intervals that cover the truth on 85–100% of the grid', () => {
    const covered = grid.filter((_, i) => Math.abs(mfMean[i]! - truth[i]!) <= 1.96 * p.std[i]![0]!).length / grid.length;
    expect(covered).toBeGreaterThanOrEqual(0.85);
    expect(covered).toBeLessThanOrEqual(1);
  });

  it('propagates the low-fidelity variance: var = ρ²·var_low,latent + var_δ', () => {
    const x = [[0.33], [0.91]];
    const lo = mf.low.predict(x);
    const de = mf.delta.predict(x);
    const lowNoise = mf.state.low.perOutput[0]!.params.noise * mf.state.low.yScalers[0]!.std ** 2;
    const q = mf.predict(x);
    for (let a = 0; a < 2; a++) {
      const lowPart = mf.rho ** 2 * (lo.std[a]![0]! ** 2 - lowNoise);
      // Large enough against the 1e-10 tolerance below that leaving the term out would fail.
      expect(lowPart).toBeGreaterThan(1e-8);
      const expected = lowPart + de.std[a]![0]! ** 2;
      expect(q.std[a]![0]! ** 2).toBeCloseTo(expected, 10);
      expect(q.mean[a]![0]!).toBeCloseTo(mf.rho * lo.mean[a]![0]! + de.mean[a]![0]!, 10);
    }
  });

  it.each(['rbf', 'matern52'] as const)('on the classic 11 low / 4 high nested design (%s): ρ within 0.05 of 2, 20× lower RMSE, calibrated intervals', (kernel) => {
    // Measured (seed 1): rbf ρ 1.995, RMSE 0.065 vs 5.62, coverage 0.95; matern52 ρ 1.998, 0.178 vs 5.45, 0.975.
    const xl = Array.from({ length: 11 }, (_, i) => i / 10);
    const xh = [0, 0.4, 0.6, 1];
    const o = { ...opts, kernel };
    const m = fitAr1(xl.map((x) => [x]), xl.map(low), xh.map((x) => [x]), xh.map(high), { inputs: ['x'], output: 'high', lowOutput: 'low' }, o);
    const q = m.predict(grid.map((x) => [x]));
    const mean = q.mean.map((r) => r[0]!);
    const sf = fitGpr(xh.map((x) => [x]), xh.map((x) => [high(x)]), ['x'], ['high'], o).predictMean(grid.map((x) => [x])).map((r) => r[0]!);
    expect(Math.abs(m.rho - 2)).toBeLessThan(0.05);
    expect(rmse(mean, truth)).toBeLessThan(0.05 * rmse(sf, truth));
    const covered = grid.filter((_, i) => Math.abs(mean[i]! - truth[i]!) <= 1.96 * q.std[i]![0]!).length / grid.length;
    expect(covered).toBeGreaterThanOrEqual(0.85);
  });

  it('falls back to ρ ≈ 0 when the low fidelity is unrelated noise', () => {
    let s = 7;
    const noise = (): number => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 10;
    const m = fitAr1(xLow.map((x) => [x]), xLow.map(noise), xHigh.map((x) => [x]), xHigh.map(high), { inputs: ['x'], output: 'high', lowOutput: 'low' }, opts);
    expect(m.rho).toBe(0);
    // …and is then exactly the single-fidelity GP on the high points.
    const sf = fitGpr(xHigh.map((x) => [x]), xHigh.map((x) => [high(x)]), ['x'], ['high'], opts);
    const g = grid.map((x) => [x]);
    const a = m.predictMean(g);
    const b = sf.predictMean(g);
    for (let i = 0; i < g.length; i += 20) expect(a[i]![0]!).toBeCloseTo(b[i]![0]!, 8);
  });

  it('keeps ρ = 0 with two distinct high points, replicated (a line through two points fits any ρ)', () => {
    // The Forrester pair strongly supports ρ = 2 with six points; with only x = 0.2 and 0.75, each
    // run twice with a small scatter, the likelihood ratio would still pick a ρ, on nothing.
    const xs = [0.2, 0.2, 0.75, 0.75];
    const ys = xs.map((x, i) => high(x) + (i % 2 ? 0.05 : -0.05));
    const m = fitAr1(xLow.map((x) => [x]), xLow.map(low), xs.map((x) => [x]), ys, { inputs: ['x'], output: 'high', lowOutput: 'low' }, opts);
    expect(m.rho).toBe(0);
    const sf = fitGpr(xs.map((x) => [x]), ys.map((y) => [y]), ['x'], ['high'], opts);
    expect(m.predictMean([[0.5]])[0]![0]!).toBeCloseTo(sf.predictMean([[0.5]])[0]![0]!, 8);
  });
});
