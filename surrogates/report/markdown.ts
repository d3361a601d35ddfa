/** Number and table formatting shared by the report card's sections. */

/** Four significant digits; exponent form outside 1e-3..1e5, so 100000.00000000001 reads 1.000e+5. */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** A Markdown table; numbers through num(). */
export function table(header: string[], rows: (string | number)[][]): string {
  const cell = (c: string | number): string => (typeof c === 'number' ? num(c) : c);
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}
