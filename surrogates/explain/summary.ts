import { Rng } from '../../src/random/rng.ts';
import type { Surrogate } from '../model.ts';
import { aleCurves, type AleCurve } from './ale.ts';
import { permutationImportance, type PermutationImportance } from './permutation.ts';
import { shapleyValues, type ShapleyResult } from './shapley.ts';

export interface ExplainOptions {
  seed: number;
  /** Points whose Shapley values are computed (sampled from the data). */
  points?: number;
  /** Background rows for interventional Shapley values. */
  background?: number;
  permutationRepeats?: number;
  aleBins?: number;
  /** Permutations per point when d > 10. */
  shapleyPermutations?: number;
}

export interface Explanation {
  inputs: string[];
  outputs: string[];
  permutation: PermutationImportance[];
  shapley: Omit<ShapleyResult, 'values'> & { points: number[][]; values: number[][][] };
  ale: AleCurve[];
  /** Inputs ranked by mean |Shapley| per output, most important first. */
  ranking: Record<string, { input: string; meanAbsShap: number; permutationRmseIncrease: number }[]>;
}

function sampleRows(x: readonly (readonly number[])[], count: number, rng: Rng): number[][] {
  const idx = rng.shuffle([...x.keys()]).slice(0, Math.min(count, x.length));
  return idx.map((i) => [...x[i]!]);
}

/** Permutation importance, Shapley values and ALE curves of a model over its training data. */
export function explainModel(model: Surrogate, x: readonly (readonly number[])[], y: readonly (readonly number[])[], opts: ExplainOptions): Explanation {
  const rng = new Rng(opts.seed);
  const predict = (rows: readonly (readonly number[])[]): number[][] => {
    // Batches keep tfjs tensors and GP cross-kernels to a bounded size.
    const out: number[][] = [];
    for (let s = 0; s < rows.length; s += 4096) out.push(...model.predictMean(rows.slice(s, s + 4096)));
    return out;
  };
  const inputs = [...model.inputs];
  const outputs = [...model.outputs];
  const permutation = permutationImportance(predict, x, y, inputs, outputs, opts.permutationRepeats ?? 5, rng.nextUint32());
  const points = sampleRows(x, opts.points ?? 20, rng);
  const background = sampleRows(x, opts.background ?? 20, rng);
  const shap = shapleyValues(predict, points, background, rng.nextUint32(), opts.shapleyPermutations ?? 64);
  const ale = aleCurves(predict, x, inputs, opts.aleBins ?? 10);
  const ranking: Explanation['ranking'] = {};
  outputs.forEach((o, j) => {
    ranking[o] = inputs
      .map((input, k) => ({ input, meanAbsShap: shap.meanAbs[k]![j]!, permutationRmseIncrease: permutation[k]!.rmseIncrease[o]!.mean }))
      .sort((a, b) => b.meanAbsShap - a.meanAbsShap);
  });
  return { inputs, outputs, permutation, shapley: { ...shap, points }, ale, ranking };
}
