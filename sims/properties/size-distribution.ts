import type { Shape } from '../../src/volume/volume.ts';
import { localThickness, type LocalThicknessScratch } from '../../src/voxel/local-thickness.ts';

/** Volume-weighted diameters of a phase, from local thickness: each voxel counts once. */
export interface SizeStats {
  /** Diameters (m) below which 10%, 50%, 90% of the phase volume lies; NaN for an absent phase. */
  d10: number;
  d50: number;
  d90: number;
  /** Volume-weighted mean diameter (m). */
  mean: number;
}

/**
 * Local thickness diameters 2R (R = exact EDT of the ball centre, see localThickness) in metres.
 * Non-periodic: the volume's outer faces are not treated as walls, the phase simply ends there, so
 * the distance to "background" only counts voxels of other phases inside the volume.
 *
 * @param mask one byte per voxel (x fastest), non-zero = the phase measured.
 * @param shape [nx, ny, nz] in voxels.
 * @param voxelSize voxel edge (m).
 * @param scratch voxel-sized working arrays lent by the caller (see LocalThicknessScratch; none:
 *   allocated). The diameters are written into scratch.radius, free by then.
 * @returns volume-weighted D10, D50, D90 and mean diameter (m); NaN for an absent phase.
 * @example
 * sizeDistribution(poreMask, volume.shape, volume.voxelSize).d50; // pore D50 in m
 * @see Hildebrand & Rüegsegger (1997); PoreSpy's filters.local_thickness and metrics.pore_size_distribution.
 */
export function sizeDistribution(mask: Uint8Array, shape: Shape, voxelSize: number, scratch?: LocalThicknessScratch): SizeStats {
  const radii = localThickness(mask, shape, scratch ? { scratch } : {});
  // Counted first, then one typed array: a growing JS array of every voxel's radius took ~16
  // bytes per voxel (more while it doubled), the largest array of the whole properties run.
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) count++;
  if (count === 0) return { d10: NaN, d50: NaN, d90: NaN, mean: NaN };
  const diam = scratch?.radius?.subarray(0, count) ?? new Float64Array(count);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) diam[k++] = 2 * radii[i]! * voxelSize;
  diam.sort();
  let sum = 0;
  for (const d of diam) sum += d;
  return { d10: quantile(diam, 0.1), d50: quantile(diam, 0.5), d90: quantile(diam, 0.9), mean: sum / diam.length };
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted: Float64Array, p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}
