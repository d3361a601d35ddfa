import type { Shape } from '../../src/volume/volume.ts';
import type { Axis } from '../../src/voxel/components.ts';

/**
 * Two-point correlation functions S2(r) of each phase along the axes: the probability that two
 * points a distance r apart along x, y or z both lie in the phase. S2(0) is the phase fraction φ;
 * for a structure without long-range order S2 falls to φ² over the phase's correlation length.
 *
 * Computed directly (not by FFT) along each axis, for integer lags r = 0…maxLag voxels: a pass per
 * lag compares every voxel with its neighbour r further on, for all phases at once (equal labels),
 * O(n · maxLag) per axis and exact integer counts. Non-periodic by default: only pairs with both
 * ends inside the volume count, as a tomogram's faces are cuts, not repeats; `periodic` wraps
 * (what an FFT estimate gives).
 */
export interface TwoPointOptions {
  /** largest lag (voxels); default half the shortest axis length, at most 64 */
  maxLag?: number;
  /** wrap pairs around the volume (default false: pairs inside only) */
  periodic?: boolean;
  axes?: readonly Axis[];
}

export interface TwoPointCorrelation {
  /** lag step (m): the voxel size */
  dr: number;
  /** s2[label][axis][r] for r = 0…maxLag (probabilities) */
  s2: Record<number, Partial<Record<Axis, Float64Array>>>;
  /** phase fraction per label (= S2(0)) */
  fraction: Record<number, number>;
}

/**
 * S2 of every label present, along the requested axes.
 *
 * @param labels label volume (x fastest), shape [nx, ny, nz].
 * @param shape [nx, ny, nz] (voxels).
 * @param voxelSize voxel edge (m), returned as the lag step.
 * @param opts axes (default x, y, z), maxLag (voxels; default min(64, half the shortest side)), periodic (wrap pairs around the faces as an FFT estimate would; default false: only pairs with both ends inside).
 * @returns S2 per label and axis at lags 0…maxLag voxels.
 * @example twoPointCorrelation(volume.labels, volume.shape, volume.voxelSize).s2[0].z // pore S2 through the thickness
 */
export function twoPointCorrelation(labels: Uint8Array, shape: Shape, voxelSize: number, opts: TwoPointOptions = {}): TwoPointCorrelation {
  const [nx, ny, nz] = shape;
  const axes = opts.axes ?? (['x', 'y', 'z'] as const);
  const periodic = opts.periodic ?? false;
  const maxLag = Math.max(0, Math.floor(opts.maxLag ?? Math.min(64, Math.floor(Math.min(nx, ny, nz) / 2))));
  const counts = new Float64Array(256);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  const present: number[] = [];
  for (let l = 0; l < 256; l++) if (counts[l]! > 0) present.push(l);
  const s2: TwoPointCorrelation['s2'] = {};
  const fraction: Record<number, number> = {};
  for (const l of present) {
    s2[l] = {};
    fraction[l] = counts[l]! / labels.length;
  }
  const same = new Float64Array(256);
  for (const axis of axes) {
    const len = axis === 'x' ? nx : axis === 'y' ? ny : nz;
    const stride = axis === 'x' ? 1 : axis === 'y' ? nx : nx * ny;
    const lags = Math.min(maxLag, periodic ? maxLag : len - 1);
    const curves = present.map(() => new Float64Array(maxLag + 1).fill(NaN));
    for (let r = 0; r <= lags; r++) {
      same.fill(0);
      const shift = (r % len) * stride;
      const wrapShift = shift - len * stride;
      const rr = r % len;
      for (let z = 0, i = 0; z < nz; z++) {
        for (let y = 0; y < ny; y++) {
          for (let x = 0; x < nx; x++, i++) {
            const c = axis === 'x' ? x : axis === 'y' ? y : z;
            let j: number;
            if (c + rr < len) j = i + shift;
            else if (periodic) j = i + wrapShift;
            else continue;
            const a = labels[i]!;
            if (a === labels[j]!) same[a]!++;
          }
        }
      }
      const pairs = periodic ? labels.length : (labels.length / len) * (len - r);
      present.forEach((l, k) => (curves[k]![r] = same[l]! / pairs));
    }
    present.forEach((l, k) => (s2[l]![axis] = curves[k]!));
  }
  return { dr: voxelSize, s2, fraction };
}

/**
 * Correlation length (in lag units, voxels) of one S2 curve: the lag at which the normalised
 * curve (S2(r) − φ²)/(φ − φ²) first falls to 1/e, linearly interpolated; the last lag when it
 * never does. A scalar summary of the curve for comparing structures.
 *
 * @param curve S2(r) at lags 0, 1, 2… (probabilities), from twoPointCorrelation
 * @param phi the phase fraction (= S2(0))
 * @returns the 1/e lag in voxels (multiply by the voxel size for a length); 0 for an absent or space-filling phase
 * @example correlationLength(r.s2[0].z!, r.fraction[0]) * r.dr; // pore correlation length through the thickness (m)
 * @see Torquato, Random Heterogeneous Materials (2002), ch. 2
 */
export function correlationLength(curve: Float64Array, phi: number): number {
  const denom = phi - phi * phi;
  if (!(denom > 0)) return 0;
  const target = Math.exp(-1);
  let prev = 1;
  for (let r = 1; r < curve.length; r++) {
    const v = curve[r]!;
    if (!Number.isFinite(v)) return r - 1;
    const g = (v - phi * phi) / denom;
    if (g <= target) return r - 1 + (prev - target) / (prev - g);
    prev = g;
  }
  return curve.length - 1;
}
