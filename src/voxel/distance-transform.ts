import type { Shape } from '../volume/volume.ts';
import { ConfigError } from '../errors.ts';

/**
 * Exact Euclidean distance transform (Felzenszwalb–Huttenlocher 2012, "Distance transforms of
 * sampled functions"): the squared distance is separable, so three 1D lower-envelope-of-parabolas
 * passes (x, then y, then z) give exact integer squared distances in O(N).
 */
export interface DistanceTransformOptions {
  /** Treat each axis as periodic (the volume wraps around). Default: not periodic. */
  periodic?: readonly [boolean, boolean, boolean];
}

/** Squared distance used for "no background voxel anywhere" (larger than any real squared distance). */
export const NO_BACKGROUND = Number.POSITIVE_INFINITY;

/**
 * Exact squared Euclidean distance (in voxel units squared, integer-valued) from every voxel with
 * mask != 0 to the nearest voxel with mask == 0; 0 on background voxels. If the mask has no
 * background voxel at all, foreground voxels get Infinity.
 *
 * @param mask one byte per voxel (x fastest), non-zero = foreground.
 * @param shape [nx, ny, nz] in voxels.
 * @param options periodic: per axis, whether the volume wraps around (default none).
 * @returns squared distances in voxels² (Float64Array, one per voxel).
 * @example
 * const d2 = squaredDistanceTransform(mask, [64, 64, 64]); // multiply by voxelSize² for m²
 * @see Felzenszwalb & Huttenlocher, Theory of Computing 8 (2012) 415 (the separable exact EDT).
 */
export function squaredDistanceTransform(mask: Uint8Array, shape: Shape, options: DistanceTransformOptions & { out?: Float64Array } = {}): Float64Array {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  if (mask.length !== n) throw new ConfigError('mask', mask.length, `${n} values for shape ${shape.join('×')}`);
  const periodic = options.periodic ?? [false, false, false];
  // options.out: n values lent by the caller (computeProperties lends its solver's buffers).
  const d = options.out?.subarray(0, n) ?? new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = mask[i] ? NO_BACKGROUND : 0;
  const maxLen = Math.max(nx, ny, nz);
  // Periodic lines are processed as three copies side by side; the middle copy is exact because
  // the nearest image of any voxel lies within half a period.
  const scratch = makeScratch(3 * maxLen);
  const strides = [1, nx, nx * ny] as const;
  const lens = [nx, ny, nz] as const;
  for (let axis = 0; axis < 3; axis++) {
    const len = lens[axis]!;
    const stride = strides[axis]!;
    const other1 = axis === 0 ? ny : nx;
    const other2 = axis === 2 ? ny : nz;
    const s1 = axis === 0 ? nx : 1;
    const s2 = axis === 2 ? nx : nx * ny;
    for (let b = 0; b < other2; b++) {
      for (let a = 0; a < other1; a++) {
        const base = a * s1 + b * s2;
        transformLine(d, base, stride, len, periodic[axis]!, scratch);
      }
    }
  }
  return d;
}

/**
 * Exact Euclidean distance (in voxels) from each voxel with mask != 0 to the nearest voxel with
 * mask == 0; 0 on background. Infinity where the mask has no background at all.
 *
 * @param mask one byte per voxel (x fastest), non-zero = foreground.
 * @param shape [nx, ny, nz] in voxels.
 * @param options periodic: per axis, whether the volume wraps around (default none).
 * @returns distances in voxels (Float32Array); multiply by the voxel size for metres.
 * @example
 * const pore = volume.labels.map((l) => (l === LABEL.pore ? 1 : 0));
 * const r = distanceTransform(pore, volume.shape); // as PoreSpy's / scipy's distance_transform_edt
 */
export function distanceTransform(mask: Uint8Array, shape: Shape, options: DistanceTransformOptions = {}): Float32Array {
  const sq = squaredDistanceTransform(mask, shape, options);
  const out = new Float32Array(sq.length);
  for (let i = 0; i < sq.length; i++) out[i] = Math.sqrt(sq[i]!);
  return out;
}

interface Scratch {
  f: Float64Array;
  out: Float64Array;
  v: Int32Array;
  z: Float64Array;
}

function makeScratch(len: number): Scratch {
  return { f: new Float64Array(len), out: new Float64Array(len), v: new Int32Array(len), z: new Float64Array(len + 1) };
}

function transformLine(d: Float64Array, base: number, stride: number, len: number, periodic: boolean, s: Scratch): void {
  const copies = periodic ? 3 : 1;
  const m = len * copies;
  const { f, out } = s;
  for (let c = 0; c < copies; c++) {
    for (let i = 0; i < len; i++) f[c * len + i] = d[base + i * stride]!;
  }
  lowerEnvelope(f, m, out, s);
  const offset = periodic ? len : 0;
  for (let i = 0; i < len; i++) d[base + i * stride] = out[offset + i]!;
}

/**
 * out[q] = min_p (q-p)² + f[p]. Points with f = Infinity never enter the envelope (adding them
 * would poison the intersection arithmetic); a line with no finite point stays Infinity.
 */
function lowerEnvelope(f: Float64Array, m: number, out: Float64Array, s: Scratch): void {
  const { v, z } = s;
  let k = -1;
  for (let q = 0; q < m; q++) {
    const fq = f[q]!;
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    let sq = 0;
    for (;;) {
      const p = v[k]!;
      sq = (fq + q * q - (f[p]! + p * p)) / (2 * (q - p));
      if (sq <= z[k]! && k > 0) k--;
      else break;
    }
    if (sq <= z[k]!) {
      // k === 0 and the new parabola dominates everywhere the old one did.
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = sq;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    for (let q = 0; q < m; q++) out[q] = Infinity;
    return;
  }
  let j = 0;
  for (let q = 0; q < m; q++) {
    while (z[j + 1]! < q) j++;
    const p = v[j]!;
    out[q] = (q - p) * (q - p) + f[p]!;
  }
}

