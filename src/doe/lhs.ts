import { Rng } from '../random/rng.ts';

/**
 * One Latin hypercube in [0,1)^d: every dimension's n strata [k/n, (k+1)/n) hold exactly one
 * point, placed uniformly inside its stratum.
 */
export function latinHypercube(n: number, d: number, rng: Rng): number[][] {
  const points: number[][] = Array.from({ length: n }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    const strata = rng.shuffle(Array.from({ length: n }, (_, k) => k));
    for (let i = 0; i < n; i++) points[i]![j] = (strata[i]! + rng.uniform()) / n;
  }
  return points;
}

/** Smallest Euclidean distance between two points of the set (Infinity for fewer than two). */
export function minPairwiseDistance(points: readonly (readonly number[])[]): number {
  let best = Infinity;
  for (let a = 0; a < points.length; a++) {
    for (let b = a + 1; b < points.length; b++) {
      let s = 0;
      const pa = points[a]!;
      const pb = points[b]!;
      for (let j = 0; j < pa.length; j++) s += (pa[j]! - pb[j]!) ** 2;
      if (s < best) best = s;
    }
  }
  return Math.sqrt(best);
}

/**
 * Maximin Latin hypercube: the best of `candidates` random Latin hypercubes by the smallest
 * pairwise distance (larger is better: no two samples crowd each other). Seeded, so the same seed
 * gives the same design.
 */
export function maximinLatinHypercube(n: number, d: number, seed: number, candidates = 20): { points: number[][]; minDistance: number } {
  const rng = new Rng(seed >>> 0);
  let best: number[][] = [];
  let bestDistance = -1;
  for (let c = 0; c < Math.max(1, candidates); c++) {
    const pts = latinHypercube(n, d, rng);
    const dist = minPairwiseDistance(pts);
    if (dist > bestDistance) {
      best = pts;
      bestDistance = dist;
    }
  }
  return { points: best, minDistance: bestDistance };
}
