import type { Scalar } from './stage-catalog.ts';

/**
 * The irreducible spread of one output, from replicates (runs at the same parameters with
 * different seeds: for generated electrodes, different random packings).
 */
export interface ReplicateNoise {
  output: string;
  /** Parameter points with at least two finite replicates. */
  points: number;
  /** Runs at those points. */
  runs: number;
  /** Pooled standard deviation between replicates (the output's unit). */
  sd: number;
  /** Standard deviation of the output over every run with a finite value. */
  totalSd: number;
  /** max − min of the per-point means over the design (every point with a finite value). */
  range: number;
  /**
   * Best R² any model can reach on single runs: 1 − sd² / totalSd² (a model that knew the mean
   * at every point exactly still misses the replicate noise).
   */
  bestR2: number;
  /** sd / range: how large the replicate spread is against the output's range over the design. */
  spreadOverRange: number;
}

/**
 * Spread of replicates above this share of an output's range over the design: the volume is too
 * small to be representative (best R² then below about 0.9 for outputs spread evenly over their range).
 */
export const UNREPRESENTATIVE_SPREAD = 0.1;

/**
 * Pools the within-point variance of `output` over parameter points (rows with equal values of
 * every input column) that have two or more finite values:
 * s² = Σ_points Σ_runs (y − ȳ_point)² / Σ_points (n_point − 1).
 *
 * @param rows     finished runs (readStudyTable rows)
 * @param inputs   names of the input columns that define a parameter point
 * @param output   the output column
 * @returns the spread, or undefined when no point has two finite replicates
 */
export function replicateNoise(rows: readonly Record<string, Scalar>[], inputs: readonly string[], output: string): ReplicateNoise | undefined {
  const groups = new Map<string, number[]>();
  const all: number[] = [];
  for (const r of rows) {
    const v = r[output];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const key = JSON.stringify(inputs.map((n) => r[n] ?? null));
    const g = groups.get(key);
    if (g) g.push(v);
    else groups.set(key, [v]);
    all.push(v);
  }
  let ss = 0;
  let dof = 0;
  let points = 0;
  let runs = 0;
  const means: number[] = [];
  for (const g of groups.values()) {
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    means.push(mean);
    if (g.length < 2) continue;
    for (const v of g) ss += (v - mean) ** 2;
    dof += g.length - 1;
    points++;
    runs += g.length;
  }
  if (dof === 0) return undefined;
  const sd = Math.sqrt(ss / dof);
  const grand = all.reduce((a, b) => a + b, 0) / all.length;
  const totalSd = Math.sqrt(all.reduce((a, v) => a + (v - grand) ** 2, 0) / Math.max(1, all.length - 1));
  const range = Math.max(...means) - Math.min(...means);
  const bestR2 = totalSd > 0 ? 1 - (sd * sd) / (totalSd * totalSd) : 0;
  return { output, points, runs, sd, totalSd, range, bestR2, spreadOverRange: range > 0 ? sd / range : Infinity };
}

/**
 * The report's lines for the replicate spreads: one table row per output with the CV R² of the
 * best model beside the best R² reachable, then a warning for each tortuosity (or other) output
 * whose replicate spread is large against its range over the design.
 *
 * @param cvR2  cross-validated R² of the best model per output (absent: not trained)
 * @param voxels  the electrodes' shape, named in the warning (e.g. "48³ voxels")
 */
export function noiseReport(noise: readonly ReplicateNoise[], cvR2: Record<string, number | undefined>, voxels?: string): string[] {
  if (noise.length === 0) return [];
  const head = ['output', 'replicate sd', 'sd / range', 'best R² reachable', 'CV R² (best model)'];
  const rows = noise.map((n) => [n.output, n.sd.toPrecision(3), n.spreadOverRange.toFixed(3), n.bestR2.toFixed(3), cvR2[n.output] === undefined ? '' : cvR2[n.output]!.toFixed(3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `irreducible spread from replicates (${noise[0]!.points} points × ~${Math.round(noise[0]!.runs / Math.max(1, noise[0]!.points))} runs, different seeds at the same parameters); no model can beat "best R² reachable" on single runs:`,
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ];
  for (const n of noise) {
    if (n.spreadOverRange <= UNREPRESENTATIVE_SPREAD) continue;
    const what = n.output.startsWith('tortuosity') ? `the electrodes${voxels ? ` (${voxels})` : ''} are too small to be representative for ${n.output}` : `${n.output} is dominated by run-to-run noise`;
    out.push(
      `warning: ${what}: replicates differ by sd ${n.sd.toPrecision(3)}, ${(100 * n.spreadOverRange).toFixed(0)} % of its range ${n.range.toPrecision(3)} over the design (limit ${100 * UNREPRESENTATIVE_SPREAD} %), so the best R² any model can reach is ${n.bestR2.toFixed(2)}${n.output.startsWith('tortuosity') ? '; use larger volumes (more particles across) until replicates agree' : ''}`,
    );
  }
  return out;
}
