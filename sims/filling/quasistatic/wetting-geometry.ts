import type { Shape } from '../../../src/volume/volume.ts';
import { squaredDistanceTransform } from '../../../src/voxel/distance-transform.ts';

/**
 * Distance to the nearest solid and the contact angle that solid imposes, per pore voxel.
 *
 * Per-label wettability approximation: a ball centred at c is taken to feel the contact angle of
 * the solid nearest to c (the solid its surface touches first). Solid labels are grouped by angle
 * and one exact EDT is run per group; the nearest group wins, ties going to the more wetting
 * group. A real meniscus touching two materials has a mixed angle; this picks one.
 */
export interface WettingGeometry {
  /** Squared distance in voxels² from each pore voxel to the nearest solid voxel (0 on solid; Infinity if there is no solid). */
  dist2: Float64Array;
  /** cos θ of the nearest solid, on pore voxels. */
  cosTheta: Float64Array;
}

export function wettingGeometry(labels: Uint8Array, shape: Shape, angleOfLabel: ReadonlyMap<number, number>): WettingGeometry {
  const n = labels.length;
  const groups = new Map<number, number[]>();
  for (const [label, deg] of angleOfLabel) {
    const g = groups.get(deg);
    if (g) g.push(label);
    else groups.set(deg, [label]);
  }
  const dist2 = new Float64Array(n).fill(Infinity);
  const cosTheta = new Float64Array(n);
  const mask = new Uint8Array(n);
  const angles = [...groups.keys()].sort((a, b) => a - b);
  for (const deg of angles) {
    const inGroup = new Uint8Array(256);
    for (const l of groups.get(deg)!) inGroup[l] = 1;
    for (let i = 0; i < n; i++) mask[i] = inGroup[labels[i]!] ? 0 : 1;
    const d2 = squaredDistanceTransform(mask, shape);
    // cos of 90° is 6e-17 in floating point; a right angle must give exactly no capillary force.
    const c = deg === 90 ? 0 : Math.cos((deg * Math.PI) / 180);
    for (let i = 0; i < n; i++) {
      if (labels[i] !== 0) {
        dist2[i] = 0;
        continue;
      }
      if (d2[i]! < dist2[i]!) {
        dist2[i] = d2[i]!;
        cosTheta[i] = c;
      }
    }
  }
  if (angles.length === 0) {
    for (let i = 0; i < n; i++) if (labels[i] !== 0) dist2[i] = 0;
  }
  return { dist2, cosTheta };
}
