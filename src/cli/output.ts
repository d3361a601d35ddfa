import type { OutputSpec } from '../simulation.ts';

/** Helpers for what commands print: JSON for machines, aligned tables for people. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

/** JSON has no Infinity or NaN; a non-percolating tortuosity is written as the string "Infinity". */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (ArrayBuffer.isView(value)) return `<${value.constructor.name} ${(value as unknown as ArrayLike<number>).length}>`;
  return value;
}

export function formatTable(rows: readonly (readonly (string | number)[])[], header?: readonly string[]): string {
  const all = header ? [header, ...rows] : rows;
  const cells = all.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const lines = cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  if (header) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3);
  if (Number.isInteger(v)) return String(v);
  return v.toPrecision(4);
}

/**
 * Table rows of a simulation's declared outputs (SimulationModel.outputs): "label (unit)" and the
 * value read by the output's own reader, so the CLI shows what a sweep stores, in the same units.
 *
 * @param outputs the model's output specs
 * @param result the run's result or summary
 * @returns rows for formatTable; a null value reads as the spec's `absent` text (else "n/a")
 * @example
 *   formatTable(outputRows(QUASI_STATIC_OUTPUTS, summary)) // "saturation  0.9312\n…"
 */
export function outputRows<R>(outputs: readonly OutputSpec<R>[], result: R): [string, string | number][] {
  const rows: [string, string | number][] = [];
  for (const o of outputs) {
    const v = o.value?.(result);
    if (v === undefined) continue;
    const unit = o.unit && o.unit !== '1' ? ` (${o.unit})` : '';
    rows.push([`${o.label ?? o.name}${unit}`, v === null ? (o.absent ?? 'n/a') : typeof v === 'boolean' ? String(v) : v]);
  }
  return rows;
}
