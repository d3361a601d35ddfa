import { z } from 'zod';
import { normalQuantile as inverseNormalCdf } from '../random/normal.ts';

export type LevelValue = number | string | boolean;

const base = {
  /** Column name of this input in the dataset; also the key of a design point. */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier (letters, digits, _)').describe('column name of this input'),
  /** Stage parameters this value is written to, as "stage.param" or "stage.group.param". */
  set: z.array(z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_]+)+$/, '"stage.param"')).min(1).optional().describe('stage parameters this value sets ("stage.param"); default: the name itself if it contains a dot'),
  unit: z.string().optional().describe('unit of the values, recorded in the dataset'),
  description: z.string().optional(),
};

export const VariedParamSchema = z.discriminatedUnion('distribution', [
  z.object({ ...base, distribution: z.literal('uniform'), min: z.number(), max: z.number(), integer: z.boolean().optional(), gridLevels: z.number().int().min(1).optional() }).strict(),
  z.object({ ...base, distribution: z.literal('loguniform'), min: z.number().positive(), max: z.number().positive(), gridLevels: z.number().int().min(1).optional() }).strict(),
  z.object({ ...base, distribution: z.literal('normal'), mean: z.number(), sd: z.number().positive(), gridLevels: z.number().int().min(1).optional() }).strict(),
  z.object({ ...base, distribution: z.literal('choice'), levels: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1) }).strict(),
]);
export type VariedParam = z.output<typeof VariedParamSchema>;

/** Tiny margin that keeps a normal parameter finite at design coordinates 0 and 1 (Sobol's first point is 0). */
const EDGE = 2 ** -33;

/** Maps a design coordinate u in [0,1) to the parameter's value. */
export function valueAt(param: VariedParam, u: number): LevelValue {
  switch (param.distribution) {
    case 'uniform': {
      const v = param.min + u * (param.max - param.min);
      return param.integer ? Math.min(Math.floor(param.min + u * (param.max - param.min + 1)), param.max) : v;
    }
    case 'loguniform':
      return Math.exp(Math.log(param.min) + u * (Math.log(param.max) - Math.log(param.min)));
    case 'normal':
      return param.mean + param.sd * inverseNormalCdf(Math.min(Math.max(u, EDGE), 1 - EDGE));
    case 'choice':
      return param.levels[Math.min(Math.floor(u * param.levels.length), param.levels.length - 1)]!;
  }
}

/**
 * The values a full-factorial grid takes for this parameter: choice levels as given; ranges at
 * evenly spaced points including both ends; normal parameters at the mid-quantiles (k+0.5)/n.
 */
export function gridValues(param: VariedParam, defaultLevels: number): LevelValue[] {
  if (param.distribution === 'choice') return [...param.levels];
  const n = param.gridLevels ?? defaultLevels;
  const us = param.distribution === 'normal'
    ? Array.from({ length: n }, (_, k) => (k + 0.5) / n)
    : n === 1 ? [0.5] : Array.from({ length: n }, (_, k) => k / (n - 1));
  if (param.distribution === 'uniform' && param.integer) {
    const vals = us.map((u) => Math.round(param.min + u * (param.max - param.min)));
    return [...new Set(vals)];
  }
  return us.map((u) => (param.distribution === 'loguniform' || param.distribution === 'uniform' ? valueAtRange(param, u) : valueAt(param, u)));
}

function valueAtRange(param: Extract<VariedParam, { distribution: 'uniform' | 'loguniform' }>, u: number): number {
  if (param.distribution === 'loguniform') return Math.exp(Math.log(param.min) + u * (Math.log(param.max) - Math.log(param.min)));
  return param.min + u * (param.max - param.min);
}

/**
 * The range a study declares for a numeric parameter, in the parameter's own unit: [min, max] of a
 * uniform or log-uniform range, the smallest and largest numeric level of a choice. A normal
 * parameter declares no bounds (undefined), nor does a choice with non-numeric levels.
 *
 * @param param a varied parameter of a study file.
 * @returns [lo, hi], or undefined where the study bounds nothing.
 * @example declaredRange({ name: 'calendering', distribution: 'uniform', min: 0, max: 25 }) // [0, 25]
 */
export function declaredRange(param: VariedParam): [number, number] | undefined {
  if (param.distribution === 'uniform' || param.distribution === 'loguniform') return [param.min, param.max];
  if (param.distribution === 'choice' && param.levels.every((l) => typeof l === 'number')) {
    const levels = param.levels as number[];
    return [Math.min(...levels), Math.max(...levels)];
  }
  return undefined;
}

/**
 * The declared ranges of a study definition's varied parameters, by column name; parameters that
 * declare none, and entries that are not valid parameters, are left out.
 *
 * @param varied the `varied` list of a study definition (parsed JSON or YAML, not yet validated).
 * @returns input column name → [lo, hi] in the parameter's unit.
 */
export function declaredRanges(varied: unknown): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  if (!Array.isArray(varied)) return out;
  for (const v of varied) {
    const parsed = VariedParamSchema.safeParse(v);
    if (!parsed.success) continue;
    const range = declaredRange(parsed.data);
    if (range) out[parsed.data.name] = range;
  }
  return out;
}

/** The kind of column a parameter's values fill. */
export function paramType(param: VariedParam): 'number' | 'string' | 'boolean' {
  if (param.distribution !== 'choice') return 'number';
  const kinds = new Set(param.levels.map((l) => typeof l));
  if (kinds.size === 1) return [...kinds][0] as 'number' | 'string' | 'boolean';
  return 'string';
}
