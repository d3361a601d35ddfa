import type { Shape } from '../../src/volume/volume.ts';
import { forNearestTwo } from './cbd.ts';
import { cellLists, RECORD } from './voxelize.ts';
import type { Spheroids } from './voxelize.ts';

/**
 * Score of each pore voxel for a binder strand spanning the gap between its two nearest particles
 * (lowest first; Infinity where no strand may pass).
 *
 * For a voxel whose nearest particle surfaces are d1 (particle A) and d2 (particle B) away, the
 * score is the detour d1 + d2 − g, with g = max(0, gap between A and B along the line joining
 * their centres). It is 0 on the shortest line across the gap and grows off it, whatever the gap's
 * width, so the lowest scores lay a rod of even thickness from one particle to the other: a binder
 * strand that joins two particles that do not touch (and, where they touch, a ring in the neck).
 * Why: the bridge score d1 + d2 fills narrow gaps first and wide ones never, and a web score
 * (cbd-web.ts) hugs one particle; neither joins particles across a pore, which is what carbon
 * black chained by the binder does, and what carries current between particles that do not touch.
 *
 * Only gaps up to `maxGap` voxels get strands (d1 + d2 ≤ maxGap, both distances exact, since
 * particles are searched within maxGap): a strand spans a few hundred nanometres to a particle
 * radius, not a whole pore. The distance to a spheroid and its extent towards the other are taken
 * along rays from its centre, exact for spheres.
 *
 * @param labels 0 pore / 1 AM (others are not scored).
 * @param p the particles in voxel units.
 * @param shape [nx, ny, nz] (voxels).
 * @param maxGap widest gap a strand spans (voxels).
 * @param signal aborts between planes.
 * @returns one score per voxel (voxels).
 * @example const s = strandScores(labels, spheroids, [64, 64, 64], 6);
 */
export function strandScores(labels: Uint8Array, p: Spheroids, shape: Shape, maxGap: number, signal?: AbortSignal): Float64Array {
  const score = new Float64Array(labels.length).fill(Infinity);
  const l = cellLists(p, shape, undefined, maxGap);
  forNearestTwo(labels, l, shape, maxGap, signal, (idx, n) => {
    if (n.r2 < 0 || n.d1 + n.d2 > maxGap) return;
    score[idx] = n.d1 + n.d2 - Math.max(0, gapBetween(l.records, n.r1 * RECORD, n.r2 * RECORD));
  });
  return score;
}

/** Surface-to-surface distance of two particle records along the line of their centres (negative where they overlap). */
function gapBetween(rec: Float32Array, a: number, b: number): number {
  const ux = rec[b]! - rec[a]!;
  const uy = rec[b + 1]! - rec[a + 1]!;
  const uz = rec[b + 2]! - rec[a + 2]!;
  const len2 = ux * ux + uy * uy + uz * uz;
  if (len2 === 0) return 0;
  const len = Math.sqrt(len2);
  // Extent of a spheroid along unit direction u: 1 / √((ux² + uy²)/a² + uz²/c²).
  const ra = 1 / Math.sqrt(((ux * ux + uy * uy) * rec[a + 3]! + uz * uz * rec[a + 4]!) / len2);
  const rb = 1 / Math.sqrt(((ux * ux + uy * uy) * rec[b + 3]! + uz * uz * rec[b + 4]!) / len2);
  return len - ra - rb;
}
