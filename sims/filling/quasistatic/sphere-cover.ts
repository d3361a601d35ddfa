import type { Shape } from '../../../src/volume/volume.ts';
import type { Compute } from '../../../src/gpu/backend.ts';
import { kernelBackend } from '../../../src/gpu/backend.ts';
import type { KernelFunction } from 'gpu.js';

/**
 * Variable-radius sphere cover, the one morphological operation both invasion modes need:
 *
 *   cover[v] = min { pressure[c] : |v − c|² < radiusSq[c] }   (+Infinity when no ball reaches v)
 *
 * Every voxel c with radiusSq[c] > 0 is the centre of a ball, and a voxel takes the lowest pressure
 * of the balls that hold it. Squared radii are integers (a ball of real radius R holds the voxels
 * with |v − c|² < ceil(R²)), so the test is exact in float32 and every backend agrees bit for bit.
 * With pressure = k / EDT and radius = EDT this is the local thickness expressed as a capillary
 * pressure; with the connected entry pressure of drainage it is the dilation of the connected
 * eroded set (Hilpert & Miller 2001) at every pressure at once.
 */
export type CoverPath = 'kernel' | 'typed-array';

/** Pressures are finite Float32 values; the kernel uses this in place of +Infinity (WGSL has none). */
const NO_COVER = 3.0e38;

export interface CoverResult {
  cover: Float32Array;
  /** What ran: the gpu.js mode of the kernel, or "typed-array". */
  ranOn: string;
}

/**
 * Largest window the automatic choice sends to the kernel: every voxel scans (2·reach+1)³ cells,
 * so for wide pores the painting path (about Σ r² row visits over the ridge balls) should win even
 * against a GPU. Not measured on a real GPU (none was available while this was written): 33³ is
 * an estimate to revisit.
 */
export const KERNEL_MAX_WINDOW = 33 ** 3;

/**
 * Picks the path: the gpu.js kernel on a GPU when the window is small enough; on the CPU modes
 * the kernel scans the whole window for every voxel while painting the ridge balls costs about
 * N + Σ r² row visits, so the plain TypedArray path is used there (kept equal by tests).
 */
export function defaultCoverPath(compute: Compute, maxRadiusSq: number): CoverPath {
  const side = 2 * reachOf(maxRadiusSq) + 1;
  return (compute.backend === 'webgpu' || compute.backend === 'webgl2') && side ** 3 <= KERNEL_MAX_WINDOW ? 'kernel' : 'typed-array';
}

export async function sphereCover(
  radiusSq: Float32Array,
  pressure: Float32Array,
  shape: Shape,
  compute: Compute,
  path?: CoverPath,
): Promise<CoverResult> {
  let maxR2 = 0;
  for (let i = 0; i < radiusSq.length; i++) if (radiusSq[i]! > maxR2) maxR2 = radiusSq[i]!;
  const chosen = path ?? defaultCoverPath(compute, maxR2);
  return chosen === 'kernel' ? coverKernel(radiusSq, pressure, shape, compute) : { cover: coverTypedArray(radiusSq, pressure, shape), ranOn: 'typed-array' };
}

interface KernelThis {
  thread: { x: number; y: number; z: number };
  constants: { nx: number; ny: number; nz: number; reach: number; side: number };
}

/*
 * Written for gpu.js's transpiler: loop counters start at 0 so WGSL makes them integers, and the
 * voxel position comes from a 3D thread id (no float division, whose rounding WGSL leaves loose).
 * Flat indices are sums of products of integers below 2^24, exact in float32.
 */
function coverKernelSource(this: KernelThis, radiusSq: number[], pressure: number[]): number {
  const nx = this.constants.nx;
  const ny = this.constants.ny;
  const nz = this.constants.nz;
  const reach = this.constants.reach;
  const x = this.thread.x;
  const y = this.thread.y;
  const z = this.thread.z;
  let best = 3.0e38;
  for (let a = 0; a < this.constants.side; a++) {
    const dz = a - reach;
    const zz = z + dz;
    if (zz >= 0 && zz < nz) {
      for (let b = 0; b < this.constants.side; b++) {
        const dy = b - reach;
        const yy = y + dy;
        if (yy >= 0 && yy < ny) {
          for (let e = 0; e < this.constants.side; e++) {
            const dx = e - reach;
            const xx = x + dx;
            if (xx >= 0 && xx < nx) {
              const c = xx + nx * (yy + ny * zz);
              const r2 = radiusSq[c]!;
              if (r2 > 0 && dx * dx + dy * dy + dz * dz < r2) {
                const p = pressure[c]!;
                if (p < best) best = p;
              }
            }
          }
        }
      }
    }
  }
  return best;
}

/** Flat indices must stay exact in float32 inside the kernel. */
export const KERNEL_MAX_VOXELS = 2 ** 24;

async function coverKernel(radiusSq: Float32Array, pressure: Float32Array, shape: Shape, compute: Compute): Promise<CoverResult> {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  if (n > KERNEL_MAX_VOXELS) return { cover: coverTypedArray(radiusSq, pressure, shape), ranOn: 'typed-array' };
  let maxR2 = 0;
  for (let i = 0; i < n; i++) if (radiusSq[i]! > maxR2) maxR2 = radiusSq[i]!;
  const reach = reachOf(maxR2);
  const side = 2 * reach + 1;
  const kernel = compute.gpu
    .createKernel(coverKernelSource as unknown as KernelFunction, {
      output: [nx, ny, nz],
      constants: { nx, ny, nz, reach, side },
      tactic: 'precision',
    })
    .setLoopMaxIterations(side + 1);
  try {
    const out = (await (kernel(radiusSq as unknown as number[], pressure as unknown as number[]) as unknown)) as ArrayLike<ArrayLike<ArrayLike<number>>>;
    const cover = new Float32Array(n);
    let i = 0;
    for (let z = 0; z < nz; z++) {
      const plane = out[z]!;
      for (let y = 0; y < ny; y++) {
        const row = plane[y]!;
        for (let x = 0; x < nx; x++, i++) {
          const v = row[x]!;
          cover[i] = v >= NO_COVER ? Infinity : v;
        }
      }
    }
    return { cover, ranOn: kernelBackend(kernel) };
  } finally {
    (kernel as unknown as { destroy?: () => void }).destroy?.();
  }
}

/**
 * Paints balls in order of increasing pressure, a voxel keeping the first value that reaches it.
 * Two savings keep this near O(N + Σ r²) instead of Σ r³:
 *  - ridge reduction: ball(c) is dropped when a 26-neighbour n (offset o) holds it and offers a
 *    pressure at least as low. Lattice points of ball(c) satisfy |p − c|² ≤ r2[c] − 1, so
 *    (√(r2[c] − 1) + |o|)² < r2[n] proves ball(c) ⊂ ball(n);
 *  - each row keeps "next unpainted voxel" links (union-find with path halving), so a ball's row
 *    segment costs only its unpainted voxels plus a near-constant jump: the big balls, painted
 *    first, are not walked again by the many overlapping ones that follow.
 */
export function coverTypedArray(radiusSq: Float32Array, pressure: Float32Array, shape: Shape): Float32Array {
  const [nx, ny, nz] = shape;
  const plane = nx * ny;
  const n = nx * ny * nz;
  const out = new Float32Array(n).fill(Infinity);
  const offsets: { d: number; dx: number; dy: number; dz: number; len: number }[] = [];
  for (let dz = -1; dz <= 1; dz++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (dx || dy || dz) offsets.push({ d: dx + nx * dy + plane * dz, dx, dy, dz, len: Math.sqrt(dx * dx + dy * dy + dz * dz) });
      }
    }
  }
  const centres: number[] = [];
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const r2 = radiusSq[i]!;
        if (!(r2 > 0)) continue;
        const p = pressure[i]!;
        const inner = Math.sqrt(r2 - 1);
        let contained = false;
        for (let k = 0; k < offsets.length && !contained; k++) {
          const o = offsets[k]!;
          const xx = x + o.dx;
          const yy = y + o.dy;
          const zz = z + o.dz;
          if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
          const j = i + o.d;
          // The margin keeps rounding from ever claiming a containment that is not there.
          contained = pressure[j]! <= p && radiusSq[j]! > 0 && (inner + o.len) ** 2 < radiusSq[j]! - 1e-6;
        }
        if (!contained) centres.push(i);
      }
    }
  }
  const order = sortByPressure(Uint32Array.from(centres), pressure);
  let maxR2 = 0;
  for (let k = 0; k < order.length; k++) maxR2 = Math.max(maxR2, radiusSq[order[k]!]!);
  // halfWidth[m] = largest d with d² < m: one lookup per row instead of a square root.
  // A ball wider than the box diagonal covers the box; clamp so the table stays small.
  const halfWidth = new Int32Array(Math.min(maxR2, nx * nx + ny * ny + nz * nz + 1) + 1);
  for (let m = 1, d = 0; m < halfWidth.length; m++) {
    while ((d + 1) * (d + 1) < m) d++;
    halfWidth[m] = d;
  }
  const next = new Int32Array(n + 1);
  for (let k = 0; k <= n; k++) next[k] = k;
  for (let k = 0; k < order.length; k++) {
    const c = order[k]!;
    const r2 = Math.min(radiusSq[c]!, halfWidth.length - 1);
    const p = pressure[c]!;
    const cz = Math.floor(c / plane);
    const cy = Math.floor((c - cz * plane) / nx);
    const cx = c - cz * plane - cy * nx;
    const reach = halfWidth[r2]!;
    const z0 = Math.max(0, cz - reach);
    const z1 = Math.min(nz - 1, cz + reach);
    for (let z = z0; z <= z1; z++) {
      const dz = z - cz;
      const rz = r2 - dz * dz;
      const hy = halfWidth[rz]!;
      const y0 = Math.max(0, cy - hy);
      const y1 = Math.min(ny - 1, cy + hy);
      for (let y = y0; y <= y1; y++) {
        const dy = y - cy;
        const hx = halfWidth[rz - dy * dy]!;
        const row = nx * (y + ny * z);
        const last = row + Math.min(nx - 1, cx + hx);
        // Walk the "next unpainted" links with path halving.
        let v = row + Math.max(0, cx - hx);
        while (v <= last) {
          while (next[v] !== v) {
            const g = next[next[v]!]!;
            next[v] = g;
            v = g;
          }
          if (v > last) break;
          out[v] = p;
          next[v] = v + 1;
          v++;
        }
      }
    }
  }
  return out;
}

/** Indices sorted by increasing pressure, ties by index: rank the distinct values, then counting sort. */
function sortByPressure(idx: Uint32Array, pressure: Float32Array): Uint32Array {
  const values = new Float32Array(idx.length);
  for (let k = 0; k < idx.length; k++) values[k] = pressure[idx[k]!]!;
  values.sort();
  let u = 0;
  for (let k = 0; k < values.length; k++) if (k === 0 || values[k] !== values[u - 1]) values[u++] = values[k]!;
  const distinct = values.subarray(0, u);
  const rank = new Int32Array(idx.length);
  const count = new Int32Array(u + 1);
  for (let k = 0; k < idx.length; k++) {
    const v = pressure[idx[k]!]!;
    let lo = 0;
    let hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    rank[k] = lo;
    count[lo + 1]!++;
  }
  for (let r = 0; r < u; r++) count[r + 1]! += count[r]!;
  const out = new Uint32Array(idx.length);
  // idx is in increasing index order, so the counting sort keeps ties by index.
  for (let k = 0; k < idx.length; k++) out[count[rank[k]!]!++] = idx[k]!;
  return out;
}

/** Largest integer offset d along one axis with d² < r2 (r2 a positive integer). */
function reachOf(r2: number): number {
  if (!(r2 > 0)) return 0;
  let d = Math.floor(Math.sqrt(r2));
  while (d * d >= r2) d--;
  while ((d + 1) * (d + 1) < r2) d++;
  return d;
}

/**
 * Integer squared radius of the voxel ball of real radius R: the voxels with |v − c|² < R². Radii
 * here come back from float32 pressures (R = k / P with P rounded), so R² lands within ~1e-7 of
 * the integer it stands for, on either side; the 1e-5 relative margin reads those as the integer.
 */
export function ballRadiusSq(radius: number): number {
  if (!(radius > 0)) return 0;
  if (!Number.isFinite(radius)) return Infinity;
  const r2 = radius * radius;
  return Math.ceil(r2 - 1e-5 * r2);
}
