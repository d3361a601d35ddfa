import type { Shape } from '../../src/volume/volume.ts';
import { LABEL } from '../../src/volume/volume.ts';
import { throwIfAborted } from '../../src/errors.ts';
import { cellLists, RECORD } from './voxelize.ts';
import type { CellLists, Spheroids } from './voxelize.ts';

/** Score-based morphologies of this file; 'web' (cbd-web.ts) adds a random field to the bridge score. */
export type CbdMorphology = 'bridge' | 'film';

/**
 * Score of each pore voxel for receiving CBD, lowest first (Infinity for non-pore voxels).
 * `film`: distance to the nearest AM surface, a uniform coating. `bridge`: the sum of the
 * distances to the two nearest distinct particles, small only in the necks between particles that
 * (nearly) touch, where binder collects as the slurry dries. Distances are capped at `cap` voxels
 * (only particles that close are searched), so a score is exact wherever it is below `cap`.
 * The distance to a spheroid is taken along the ray from its centre: exact for spheres.
 * `neckWeight` (bridge only, default 1) scores d1 + neckWeight·d2: between a coating (0) and
 * pure necks (1), for the web model. `lowerBound`, where given, is set to 1 at the voxels whose
 * score is only a lower bound (a distance it uses reached the cap) and 0 elsewhere: with a small
 * neck weight a score far below the cap can still hold a capped d2, which "below the cap" misses.
 */
export function cbdScores(labels: Uint8Array, p: Spheroids, shape: Shape, morphology: CbdMorphology, cap: number, signal?: AbortSignal, neckWeight = 1, lowerBound?: Uint8Array): Float64Array {
  const score = new Float64Array(labels.length).fill(Infinity);
  forNearestTwo(labels, cellLists(p, shape, undefined, cap), shape, cap, signal, (idx, n) => {
    score[idx] = morphology === 'film' ? n.d1 : n.d1 + neckWeight * n.d2;
    if (lowerBound) lowerBound[idx] = (morphology === 'film' || neckWeight === 0 ? n.d1 : n.d2) >= cap ? 1 : 0;
  });
  return score;
}

/** The two nearest distinct particles of a voxel: surface distances (voxels, capped) and particle records (−1: none within the cap). */
export interface NearestTwo {
  d1: number;
  r1: number;
  d2: number;
  r2: number;
}

/**
 * Calls `visit` for each pore voxel with its two nearest distinct particles (ghost images of one
 * particle count as one) within `cap` voxels of their surfaces. The distance to a spheroid is taken
 * along the ray from its centre: exact for spheres. `n` is reused between calls.
 *
 * @param l the particles' cell lists, widened by `cap` (cellLists(p, shape, undefined, cap)); n.r1 and n.r2 index its records.
 */
export function forNearestTwo(labels: Uint8Array, l: CellLists, shape: Shape, cap: number, signal: AbortSignal | undefined, visit: (idx: number, n: NearestTwo) => void): void {
  const [nx, ny, nz] = shape;
  const rec = l.records;
  const n: NearestTwo = { d1: cap, r1: -1, d2: cap, r2: -1 };
  for (let z = 0; z < nz; z++) {
    if (z % 8 === 0) throwIfAborted(signal);
    const vz = z + 0.5;
    const cz = Math.floor(z / l.cw);
    for (let y = 0; y < ny; y++) {
      const vy = y + 0.5;
      const cy = Math.floor(y / l.cw);
      for (let x = 0; x < nx; x++) {
        const idx = x + nx * (y + ny * z);
        if (labels[idx] !== LABEL.pore) continue;
        const vx = x + 0.5;
        const cell = Math.floor(x / l.cw) + l.ncx * (cy + l.ncy * cz);
        let d1 = cap;
        let r1 = -1;
        let o1 = -1;
        let d2 = cap;
        let r2 = -1;
        const first = l.listStart[cell]!;
        const end = first + l.listCount[cell]!;
        for (let k = first; k < end; k++) {
          const rk = l.entries[k]!;
          const o = rk * RECORD;
          const ex = vx - rec[o]!;
          const ey = vy - rec[o + 1]!;
          const ez = vz - rec[o + 2]!;
          const f = (ex * ex + ey * ey) * rec[o + 3]! + ez * ez * rec[o + 4]!;
          const e = Math.sqrt(ex * ex + ey * ey + ez * ez);
          const d = f > 0 ? e * (1 - 1 / Math.sqrt(f)) : 0;
          const owner = l.owner[rk]!;
          if (d < d1) {
            if (owner !== o1) {
              d2 = d1;
              r2 = r1;
            }
            d1 = d;
            r1 = rk;
            o1 = owner;
          } else if (d < d2 && owner !== o1) {
            d2 = d;
            r2 = rk;
          }
        }
        n.d1 = d1;
        n.r1 = r1;
        n.d2 = d2;
        n.r2 = r2;
        visit(idx, n);
      }
    }
  }
}

/**
 * Places exactly `target` CBD voxels in the pore space (labels 0 → 2), lowest score first. The
 * search distance starts near a particle radius and doubles until the chosen voxels all have exact
 * scores (selection threshold below the cap), so the cap never decides the result.
 */
export function placeCbd(labels: Uint8Array, p: Spheroids, shape: Shape, morphology: CbdMorphology, target: number, signal?: AbortSignal): number {
  if (target <= 0) return 0;
  const radii = Array.from(p.c).sort((a, b) => a - b);
  const longest = Math.max(shape[0], shape[1], shape[2]);
  let cap = Math.max(3, radii[radii.length >> 1] ?? 3);
  for (;;) {
    const scores = cbdScores(labels, p, shape, morphology, cap, signal);
    const threshold = kthScore(scores, target);
    if (threshold < cap || cap >= longest) return fillLowest(labels, scores, target, threshold);
    cap *= 2;
  }
}

function kthScore(score: Float64Array, target: number): number {
  let pores = 0;
  for (let i = 0; i < score.length; i++) if (score[i]! < Infinity) pores++;
  if (target > pores) throw new RangeError(`placeCbd: ${target} CBD voxels asked for, only ${pores} pore voxels`);
  const values = new Float64Array(pores);
  let k = 0;
  for (let i = 0; i < score.length; i++) if (score[i]! < Infinity) values[k++] = score[i]!;
  return selectKth(values, target - 1);
}

/**
 * Labels exactly `target` voxels as CBD, those of lowest score; equal scores are taken in voxel
 * index order, so the result is deterministic.
 */
export function fillLowest(labels: Uint8Array, score: Float64Array, target: number, threshold = kthScore(score, target)): number {
  let placed = 0;
  for (let i = 0; i < score.length; i++) {
    if (score[i]! < threshold) {
      labels[i] = LABEL.cbd;
      placed++;
    }
  }
  for (let i = 0; i < score.length && placed < target; i++) {
    if (score[i] === threshold) {
      labels[i] = LABEL.cbd;
      placed++;
    }
  }
  return placed;
}

/** k-th smallest value (0-based) by iterative quickselect; reorders `a`. */
export function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
