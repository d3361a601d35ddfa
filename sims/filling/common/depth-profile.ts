import { LABEL, type Volume } from '../../../src/volume/volume.ts';

/**
 * Mean electrolyte fraction of the pore voxels in each quarter of the thickness (z, inlet side
 * first) from an 8-bit snapshot (fraction × 255, the LBM's snapshots): the profile behind issue
 * 13's front contract (the outlet quarter stays nearly dry, the share does not rise with depth).
 *
 * @param volume the labelled electrode (pore = LABEL.pore), shape [nx, ny, nz] with z the flow axis
 * @param snapshot one byte per voxel, x fastest, electrolyte fraction × 255
 * @returns four shares in [0, 1]; a quarter without pore voxels reads 0
 * @example quarterShares(volume, result.snapshots.at(-1)!); // [0.93, 0.85, 0.21, 0.019]
 */
export function quarterShares(volume: Volume, snapshot: Uint8Array): number[] {
  const [nx, ny, nz] = volume.shape;
  const sum = [0, 0, 0, 0];
  const count = [0, 0, 0, 0];
  for (let z = 0; z < nz; z++) {
    const k = Math.min(3, Math.floor((4 * z) / nz));
    for (let i = z * nx * ny; i < (z + 1) * nx * ny; i++) {
      if (volume.labels[i] !== LABEL.pore) continue;
      sum[k]! += snapshot[i]! / 255;
      count[k]!++;
    }
  }
  return sum.map((s, k) => s / Math.max(1, count[k]!));
}
