import { z } from 'zod';
import { Rng } from '../random/rng.ts';
import { ConfigError } from '../errors.ts';
import { maximinLatinHypercube } from './lhs.ts';
import { sobolPoints } from './sobol.ts';
import { gridValues, paramType, valueAt, type LevelValue, type VariedParam } from './params.ts';

export const DesignSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('grid'), levels: z.number().int().min(1).optional().describe('points per range parameter (default 3); choice parameters use all their levels') }).strict(),
  z.object({ type: z.literal('lhs'), candidates: z.number().int().min(1).max(10000).optional().describe('random Latin hypercubes compared by the maximin criterion (default 20)') }).strict(),
  z.object({ type: z.literal('sobol'), scramble: z.boolean().optional().describe('linear matrix scramble + digital shift (default true)') }).strict(),
  z.object({ type: z.literal('random') }).strict(),
]);
export type DesignSpec = z.output<typeof DesignSchema>;

export type DesignPoint = Record<string, LevelValue>;

export interface Design {
  /** One entry per design index. */
  points: DesignPoint[];
  /** Coordinates in [0,1)^d behind each point (absent for grids). */
  unit?: number[][];
}

/** Points of the full-factorial grid, first parameter varying fastest. */
function gridDesign(params: readonly VariedParam[], defaultLevels: number): DesignPoint[] {
  const axes = params.map((p) => gridValues(p, defaultLevels));
  const total = axes.reduce((n, a) => n * a.length, 1);
  const points: DesignPoint[] = [];
  for (let i = 0; i < total; i++) {
    let rest = i;
    const point: DesignPoint = {};
    params.forEach((p, j) => {
      const axis = axes[j]!;
      point[p.name] = axis[rest % axis.length]!;
      rest = Math.floor(rest / axis.length);
    });
    points.push(point);
  }
  return points;
}

/** Number of points a grid design has. */
export function gridSize(params: readonly VariedParam[], design: Extract<DesignSpec, { type: 'grid' }>): number {
  return params.reduce((n, p) => n * gridValues(p, design.levels ?? 3).length, 1);
}

/**
 * Builds the design: `samples` points (or the full grid) over the varied parameters, seeded so the
 * same study always gives the same design.
 */
export function generateDesign(params: readonly VariedParam[], design: DesignSpec, samples: number, seed: number): Design {
  const d = params.length;
  if (d === 0) return { points: Array.from({ length: design.type === 'grid' ? 1 : samples }, () => ({})) };
  if (design.type === 'grid') return { points: gridDesign(params, design.levels ?? 3) };
  let unit: number[][];
  if (design.type === 'lhs') unit = maximinLatinHypercube(samples, d, seed, design.candidates ?? 20).points;
  else if (design.type === 'sobol') unit = sobolPoints(samples, d, { scramble: design.scramble ?? true, seed });
  else {
    const rng = new Rng(seed >>> 0);
    unit = Array.from({ length: samples }, () => Array.from({ length: d }, () => rng.uniform()));
  }
  const points = unit.map((u) => Object.fromEntries(params.map((p, j) => [p.name, valueAt(p, u[j]!)])));
  return { points, unit };
}

/** Checks ranges that zod cannot see (min < max, names unique, level types). */
export function validateVariedParams(params: readonly VariedParam[], prefix = 'varied'): void {
  const seen = new Set<string>();
  params.forEach((p, i) => {
    if (seen.has(p.name)) throw new ConfigError(`${prefix}[${i}].name`, p.name, 'a name not used by another varied parameter');
    seen.add(p.name);
    if ((p.distribution === 'uniform' || p.distribution === 'loguniform') && !(p.min < p.max)) {
      throw new ConfigError(`${prefix}[${i}].max`, p.max, `a value greater than min (${p.min})`);
    }
    if (p.distribution === 'uniform' && p.integer && (!Number.isInteger(p.min) || !Number.isInteger(p.max))) {
      throw new ConfigError(`${prefix}[${i}].min`, [p.min, p.max], 'integer bounds for an integer parameter');
    }
    if (p.distribution === 'choice') {
      void paramType(p);
      if (new Set(p.levels.map((l) => JSON.stringify(l))).size !== p.levels.length) {
        throw new ConfigError(`${prefix}[${i}].levels`, p.levels, 'distinct levels');
      }
    }
  });
}
