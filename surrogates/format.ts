/** How surrogate inputs and predictions are written for people (no heavy imports: the CLI loads it eagerly). */

/** A number rounded to 4 significant digits, without trailing zeros (0.36, 25, 1.235e-5). */
export function round4(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}

/** " %" or " µm" for a unit, nothing for a dimensionless one ("1" or none). */
export function unitSuffix(unit: string | undefined): string {
  return unit && unit !== '1' ? ` ${unit}` : '';
}
