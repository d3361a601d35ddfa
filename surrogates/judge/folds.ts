import { ConfigError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';

/**
 * Seeded k-fold split that keeps rows with identical inputs (replicates) in the same fold, so a
 * model is never scored on a replicate of a point it trained on. Returns the test rows per fold.
 */
export function kFolds(x: readonly (readonly number[])[], k: number, seed: number): number[][] {
  if (!Number.isInteger(k) || k < 2) throw new ConfigError('--cv', k, 'an integer number of folds >= 2');
  const groups = new Map<string, number[]>();
  x.forEach((row, i) => {
    const key = row.join(',');
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const keys = [...groups.keys()];
  if (keys.length < k) {
    throw new ConfigError('--cv', k, `at most the number of distinct input rows (${keys.length}${keys.length < x.length ? `, from ${x.length} rows with replicates` : ''})`);
  }
  new Rng(seed).shuffle(keys);
  const folds: number[][] = Array.from({ length: k }, () => []);
  keys.forEach((key, i) => folds[i % k]!.push(...groups.get(key)!));
  for (const f of folds) f.sort((a, b) => a - b);
  return folds;
}
