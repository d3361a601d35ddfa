import type { Rng } from '../../src/random/rng.ts';

/** z-score of the 90th percentile of a standard normal. */
const Z90 = 1.2815515655446004;

/** Log-space σ of a lognormal with span (D90−D10)/D50: span = 2·sinh(z90·σ). */
export function sigmaFromSpan(span: number): number {
  return Math.asinh(span / 2) / Z90;
}

/** Log-space σ of the lognormal through D10 and D90. */
export function sigmaFromD10D90(d10: number, d90: number): number {
  return Math.log(d90 / d10) / (2 * Z90);
}

/** Error function from the Numerical Recipes Chebyshev fit of erfc (|error| < 1.2e-7 everywhere). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: got ${p}, expected 0 < p < 1`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

export function lognormalCdf(x: number, median: number, sigmaLog: number): number {
  return x <= 0 ? 0 : normalCdf(Math.log(x / median) / sigmaLog);
}

export function lognormalQuantile(p: number, median: number, sigmaLog: number): number {
  return median * Math.exp(sigmaLog * normalQuantile(p));
}

/** Draws a lognormal diameter, redrawing outside [minD, maxD] (the truncation quantiles). */
export function drawDiameter(rng: Rng, median: number, sigmaLog: number, minD: number, maxD: number): number {
  for (;;) {
    const d = rng.lognormal(median, sigmaLog);
    if (d >= minD && d <= maxD) return d;
  }
}
