// Browser-safe (no Node imports): the viewer's plots and the report card's SVG charts both use it.
/**
 * "Nice" tick values (1, 2 or 5 × 10^k apart) covering [lo, hi], about `count` of them; a value
 * within 1e-12 steps of 0 is written 0 exactly, so no tick reads −1e-17.
 *
 * @param lo lower end of the axis (any unit).
 * @param hi upper end of the axis (same unit); when not above lo, the one tick [lo].
 * @param count the number of intervals wanted (default 5).
 * @returns ticks inside [lo, hi], ascending.
 * @example
 * niceTicks(0, 1); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return out;
}
