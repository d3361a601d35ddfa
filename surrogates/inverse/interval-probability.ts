import { logNormalCdf, normalCdf } from '../../src/random/normal.ts';

/** log P(lo ≤ Y ≤ hi) for Y ~ N(mu, sd²), finite even far outside the interval. */
export function logIntervalProbability(mu: number, sd: number, lo: number, hi: number): number {
  const a = (lo - mu) / sd;
  const b = (hi - mu) / sd;
  if (b <= 0) {
    // Both bounds in the lower tail: Φ(b) − Φ(a) = Φ(b)(1 − Φ(a)/Φ(b)).
    const lb = logNormalCdf(b);
    return lb + Math.log1p(-Math.exp(Math.min(0, logNormalCdf(a) - lb)) + 1e-300);
  }
  if (a >= 0) {
    const la = logNormalCdf(-a);
    return la + Math.log1p(-Math.exp(Math.min(0, logNormalCdf(-b) - la)) + 1e-300);
  }
  return Math.log(Math.max(1e-300, 1 - normalCdf(a) - normalCdf(-b)));
}
