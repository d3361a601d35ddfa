/**
 * log Φ(x) accurate in both tails: erfc by the Numerical Recipes Chebyshev fit (relative error
 * < 1.2e-7) in the bulk, the asymptotic series below x = −8 where Φ underflows in double.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

export function logNormalCdf(x: number): number {
  if (x < -8) {
    const x2 = x * x;
    return -0.5 * x2 - Math.log(-x) - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 1 / x2 + 3 / (x2 * x2));
  }
  return Math.log(normalCdf(x));
}

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
