import { MesolabError } from '../../src/errors.ts';
import { fitLinear } from '../linear/model.ts';
import { regressionMetrics } from './metrics.ts';

export interface VifEntry {
  input: string;
  vif: number;
  level: 'ok' | 'moderate' | 'high';
}

/**
 * Variance inflation factor of each input: 1/(1 − R²) of that input regressed on all others.
 * Above 5 is flagged moderate, above 10 high multicollinearity.
 */
export function varianceInflation(x: readonly (readonly number[])[], inputs: readonly string[]): VifEntry[] {
  if (inputs.length < 2) return inputs.map((input) => ({ input, vif: 1, level: 'ok' as const }));
  return inputs.map((input, j) => {
    const others = inputs.filter((_, k) => k !== j);
    const xo = x.map((r) => r.filter((_, k) => k !== j));
    const yj = x.map((r) => [r[j]!]);
    let vif: number;
    try {
      const m = fitLinear(xo, yj, others, [input]);
      const r2 = regressionMetrics(yj.map((r) => r[0]!), m.predict(xo).mean.map((r) => r[0]!)).r2;
      vif = r2 >= 1 - 1e-12 ? Infinity : 1 / (1 - r2);
    } catch (e) {
      // A singular design among the other inputs (or no more rows than inputs) means exact collinearity.
      if (!(e instanceof MesolabError)) throw e;
      vif = Infinity;
    }
    return { input, vif, level: vif > 10 ? 'high' : vif > 5 ? 'moderate' : 'ok' };
  });
}
