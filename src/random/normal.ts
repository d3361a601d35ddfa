/**
 * The standard normal distribution, in one place for the generator's particle sizes, the designs'
 * normal parameters and inverse design's interval probabilities: Φ, log Φ (finite far into the
 * lower tail) and Φ⁻¹.
 */

/**
 * Complementary error function, the Numerical Recipes Chebyshev fit (relative error < 1.2e-7
 * everywhere): computing Φ from erfc keeps its relative accuracy in the lower tail, where
 * 1 + erf(x) would cancel.
 *
 * @param x argument
 * @returns erfc(x) in [0, 2]
 * @example erfc(0); // 1
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/**
 * Error function, 1 − erfc(x).
 *
 * @param x argument
 * @returns erf(x) in [−1, 1]
 * @example erf(1); // 0.8427
 */
export function erf(x: number): number {
  return 1 - erfc(x);
}

/**
 * Standard normal CDF Φ(x).
 *
 * @param x standard score
 * @returns P(Z ≤ x)
 * @example normalCdf(1.96); // 0.975
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * log Φ(x), accurate in both tails: the asymptotic series below x = −8, where Φ underflows.
 *
 * @param x standard score
 * @returns log P(Z ≤ x)
 * @example logNormalCdf(-40); // ≈ −804.6
 */
export function logNormalCdf(x: number): number {
  if (x < -8) {
    const x2 = x * x;
    return -0.5 * x2 - Math.log(-x) - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 1 / x2 + 3 / (x2 * x2));
  }
  return Math.log(normalCdf(x));
}

/**
 * Inverse standard normal CDF Φ⁻¹(p), Acklam's rational approximation (relative error < 1.15e-9).
 *
 * @param p probability, 0 < p < 1
 * @returns the standard score z with Φ(z) = p
 * @throws RangeError outside (0, 1)
 * @example normalQuantile(0.975); // 1.95996
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: got ${p}, expected a probability in (0, 1)`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const tail = (q: number): number => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
