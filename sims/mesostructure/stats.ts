/**
 * One-sample Kolmogorov–Smirnov test, used to check that placed particle sizes follow the
 * requested distribution.
 */

/**
 * Kolmogorov–Smirnov statistic D = sup |F_n(x) − F(x)| of a sample against a continuous CDF.
 *
 * @param sample observed values (any order)
 * @param cdf the hypothesised CDF
 * @returns D in [0, 1]
 * @example ksStatistic(diameters, (d) => lognormalCdf(d, 4, 0.4));
 * @see Kolmogorov (1933); Smirnov (1948)
 */
export function ksStatistic(sample: readonly number[], cdf: (x: number) => number): number {
  const xs = [...sample].sort((a, b) => a - b);
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * Kolmogorov distribution survival function Q(λ) = 2 Σ (−1)^{k−1} e^{−2k²λ²}, the asymptotic
 * p-value of √n·D.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * p-value of the statistic D for sample size n, with Stephens' (1970) small-sample correction
 * λ = (√n + 0.12 + 0.11/√n)·D.
 *
 * @param d the KS statistic (ksStatistic)
 * @param n sample size
 * @returns P(D_n ≥ d) under the hypothesis
 * @example ksPValue(0.05, 400); // ≈ 0.26
 * @see Stephens, J. R. Stat. Soc. B 32 (1970) 115
 */
export function ksPValue(d: number, n: number): number {
  const sn = Math.sqrt(n);
  return kolmogorovSurvival((sn + 0.12 + 0.11 / sn) * d);
}

/**
 * Critical D at level alpha: the D with ksPValue(D, n) = alpha, by bisection.
 *
 * @param n sample size
 * @param alpha significance level, e.g. 0.05
 * @returns the statistic above which the hypothesis is rejected at that level
 * @example ksCriticalValue(400, 0.05); // ≈ 0.068
 */
export function ksCriticalValue(n: number, alpha: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (ksPValue(mid, n) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
