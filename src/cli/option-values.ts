import { ConfigError } from '../errors.ts';
import type { Target } from '../../surrogates/inverse/inverse.ts';

/**
 * The one parser of command-line option values. commander declares the flags and hands each value
 * over as text (or `true` for a flag given without its value); every command reads numbers,
 * integers, lists, `key=value` maps and its own small grammars (`--shape`, `--c-rates`, `--target`,
 * `--fidelity`, …) through this module, so a value is accepted or refused the same way everywhere,
 * with one ConfigError line naming the flag, the value and what was expected (exit status 2).
 */

/** The number a value spells: NaN for a bare flag (true), blank text, or what Number() cannot read. */
function numeric(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return NaN;
  return Number(value);
}

/** Any finite number, e.g. `--porosity 0.4`. */
export function numberOption(value: unknown, field: string, expected = 'a number'): number {
  const v = numeric(value);
  if (!Number.isFinite(v)) throw new ConfigError(field, value, expected);
  return v;
}

/** A finite number > 0, e.g. `--viscosity 3` (mPa·s). */
export function positiveNumber(value: unknown, field: string, expected = 'a positive number'): number {
  const v = numeric(value);
  if (!Number.isFinite(v) || v <= 0) throw new ConfigError(field, value, expected);
  return v;
}

/** An integer in [min, max] (max default unbounded), e.g. `--cv 5` with min 2. */
export function integerOption(value: unknown, field: string, min: number, expected = `an integer >= ${min}`, max = Infinity): number {
  const v = numeric(value);
  if (!Number.isInteger(v) || v < min || v > max) throw new ConfigError(field, value, expected);
  return v;
}

/** An integer ≥ 0, e.g. `--snapshot-every 0`. */
export function nonNegativeInteger(value: unknown, field: string, expected: string): number {
  return integerOption(value, field, 0, expected);
}

/** `parse(value)` for an option that was given, undefined for one that was not. */
export function optional<T>(value: string | undefined, parse: (text: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

/** "a, b,,c" → ['a', 'b', 'c']: comma-separated names, trimmed, empty items dropped. */
export function listOption(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * `key=value` items, from one comma-separated text or from a repeated flag's list, as [key, value
 * text] pairs in order. An item that is not `key=value`, or whose key does not match `key`, is
 * refused naming that item.
 */
export function keyValueItems(items: string | readonly string[], field: string, expected: string, key: RegExp = /^[^=\s]+$/): [string, string][] {
  const list = typeof items === 'string' ? items.split(',') : items;
  return list.map((item) => {
    const m = /^\s*([^=]+?)\s*=\s*(.+?)\s*$/.exec(item);
    if (!m || !key.test(m[1]!)) throw new ConfigError(field, item.trim(), expected);
    return [m[1]!, m[2]!];
  });
}

/** `--shape 64,64,48` (or 64x64x48): three voxel counts. */
export function shapeOption(value: string, field = '--shape'): [number, number, number] {
  const parts = value.split(/[,x×]/).map((s) => s.trim());
  if (parts.length !== 3) throw new ConfigError(field, value, 'three voxel counts nx,ny,nz (e.g. 64,64,64)');
  const [nx, ny, nz] = parts.map((p) => numberOption(p, field));
  return [nx!, ny!, nz!];
}

/** `--voxel-size` is typed in µm; the library takes metres. */
export function voxelSizeUmOption(text: string | undefined): number | undefined {
  return optional(text, (t) => positiveNumber(t, '--voxel-size', 'a positive voxel size in µm') * 1e-6);
}

/** `--contact-angle am=30,cbd=60,label4=80` → { am: 30, cbd: 60, label4: 80 }, each within 0–180°. */
export function contactAngleOption(text: string): Record<string, number> {
  const expected = 'comma-separated label=degrees with labels am, cbd, other or labelN (e.g. am=30,cbd=60)';
  const out: Record<string, number> = {};
  for (const [label, raw] of keyValueItems(text, '--contact-angle', expected, /^(am|cbd|other|label\d+)$/)) {
    const deg = numberOption(raw, `--contact-angle.${label}`, 'a number of degrees');
    if (deg < 0) throw new ConfigError(`--contact-angle.${label}`, deg, 'a number >= 0');
    if (deg > 180) throw new ConfigError(`--contact-angle.${label}`, deg, 'a number <= 180');
    out[label] = deg;
  }
  return out;
}

/** `--c-rates 0.1,1,2`: each a C-rate in (0, 100]. */
export function cRatesOption(text: string): number[] {
  const expected = 'comma-separated C-rates in (0, 100], e.g. 0.1,1,2';
  return text.split(',').map((p) => {
    const v = numberOption(p, '--c-rates', expected);
    if (v <= 0 || v > 100) throw new ConfigError('--c-rates', text, expected);
    return v;
  });
}

/** `--port 8080`: 0–65535, 0 picks a free one. */
export function portOption(value: string): number {
  return integerOption(value, '--port', 0, 'an integer port 0–65535 (0 picks a free one)', 65535);
}

/** `--target f=0.05,g=0.1` of `mesolab learn`: output → LOO RMSE to stop at (> 0). */
export function looTargetOption(text: string): Record<string, number> {
  const expected = '"<output>=<LOO RMSE>" items, comma-separated, with a positive RMSE';
  return Object.fromEntries(
    keyValueItems(listOption(text), '--target', expected).map(([output, raw]) => {
      const v = numeric(raw);
      if (!(v > 0)) throw new ConfigError('--target', `${output}=${raw}`, expected);
      return [output, v];
    }),
  );
}

/** `--target "f in [0.1, 0.3], g in [-inf, 2]"` of `mesolab design-for`, against the model's outputs. */
export function intervalTargetsOption(text: string, outputs: readonly string[]): Target[] {
  const re = /\s*([A-Za-z_][A-Za-z0-9_.]*)\s+in\s+\[\s*([^,\]]+?)\s*,\s*([^\]]+?)\s*\]\s*(,|$)/y;
  const targets: Target[] = [];
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new ConfigError('--target', text.slice(pos), '"<output> in [a, b]" items separated by commas');
    const bound = (s: string): number => (/^-?inf(inity)?$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s));
    const [output, lo, hi] = [m[1]!, bound(m[2]!), bound(m[3]!)];
    if (!outputs.includes(output)) throw new ConfigError('--target', output, `an output of the model: ${outputs.join(', ')}`);
    if (Number.isNaN(lo) || Number.isNaN(hi) || !(lo < hi)) throw new ConfigError(`--target.${output}`, `[${m[2]}, ${m[3]}]`, 'an interval [a, b] of numbers with a < b');
    targets.push({ output, lo, hi });
    pos = re.lastIndex;
  }
  if (targets.length === 0) throw new ConfigError('--target', text, 'at least one "<output> in [a, b]"');
  return targets;
}

/** `--fix name=value` items (repeatable) against the model's inputs and their training box. */
export function fixedInputsOption(items: readonly string[], box: Record<string, [number, number]>): Record<string, number> {
  const fixed: Record<string, number> = {};
  for (const [name, raw] of keyValueItems(items, '--fix', '"<input>=<value>"')) {
    if (!(name in box)) throw new ConfigError('--fix', name, `an input of the model: ${Object.keys(box).join(', ')}`);
    const value = numberOption(raw, `--fix.${name}`, 'a finite number');
    const [lo, hi] = box[name]!;
    if (value < lo || value > hi) throw new ConfigError(`--fix.${name}`, value, `a value inside the training box [${lo}, ${hi}] (the surrogate is not validated outside it)`);
    fixed[name] = value;
  }
  return fixed;
}

/** One fidelity's seconds per run (`--fidelity-seconds`): a column, `stage:<name>` (from stage_seconds), or a number ≥ 0. */
export function secondsSourceOption(text: string): { column: string } | { stage: string } | { fixed: number } {
  if (text.startsWith('stage:')) return { stage: text.slice('stage:'.length) };
  const n = numeric(text);
  if (Number.isFinite(n)) {
    if (n < 0) throw new ConfigError('--fidelity-seconds', text, 'non-negative seconds, a column name or stage:<name>');
    return { fixed: n };
  }
  return { column: text };
}

/** `--fidelity <column>=low:<value>,high:<value>`: which rows of a stacked table are which fidelity. */
export function fidelityOption(text: string): { column: string; low: string; high: string } {
  const m = /^([^=]+)=low:([^,]+),high:(.+)$/.exec(text.trim());
  if (!m) throw new ConfigError('--fidelity', text, '<column>=low:<value>,high:<value>, e.g. model=low:qs,high:lbm');
  return { column: m[1]!.trim(), low: m[2]!.trim(), high: m[3]!.trim() };
}
