import type { Rng } from '../../src/random/rng.ts';
import { normalCdf, normalQuantile } from '../../src/random/normal.ts';

/** z-score of the 90th percentile of a standard normal. */
const Z90 = 1.2815515655446004;

/**
 * Log-space σ of a lognormal particle-size distribution with the given span (D90 − D10)/D50, the
 * figure on a powder's datasheet: span = 2·sinh(z₉₀·σ) for a lognormal.
 *
 * @param span (D90 − D10)/D50 (dimensionless)
 * @returns σ of ln D (dimensionless)
 * @example sigmaFromSpan(1.1); // 0.410
 */
export function sigmaFromSpan(span: number): number {
  return Math.asinh(span / 2) / Z90;
}

/**
 * Log-space σ of the lognormal through a datasheet's D10 and D90.
 *
 * @param d10 10th volume percentile of the diameter (any length unit)
 * @param d90 90th percentile, same unit
 * @returns σ of ln D (dimensionless)
 * @example sigmaFromD10D90(2, 8); // 0.541
 */
export function sigmaFromD10D90(d10: number, d90: number): number {
  return Math.log(d90 / d10) / (2 * Z90);
}

/**
 * CDF of a lognormal diameter distribution.
 *
 * @param x diameter (same unit as the median)
 * @param median D50
 * @param sigmaLog σ of ln D
 * @returns P(D ≤ x); 0 for x ≤ 0
 * @example lognormalCdf(4, 4, 0.4); // 0.5
 */
export function lognormalCdf(x: number, median: number, sigmaLog: number): number {
  return x <= 0 ? 0 : normalCdf(Math.log(x / median) / sigmaLog);
}

/**
 * Quantile of a lognormal diameter distribution: D_p = D50 · exp(σ Φ⁻¹(p)).
 *
 * @param p probability, 0 < p < 1
 * @param median D50
 * @param sigmaLog σ of ln D
 * @returns the diameter below which a share p lies (unit of the median)
 * @example lognormalQuantile(0.9, 4, sigmaFromSpan(1.1)); // D90 ≈ 6.7
 */
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
