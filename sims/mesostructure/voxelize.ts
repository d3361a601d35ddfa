import type { GPU } from 'gpu.js';
import type { Compute } from '../../src/gpu/backend.ts';
import { kernelBackend } from '../../src/gpu/backend.ts';
import type { Shape } from '../../src/volume/volume.ts';

/**
 * Axis-aligned spheroids in voxel units (voxel i spans [i, i+1), its centre is at i + 0.5).
 * `a` is the in-plane semi-axis, `c` the one through the thickness (a = c for spheres).
 */
export interface Spheroids {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  a: Float64Array;
  c: Float64Array;
}

/** Stride of one particle record in the flat arrays handed to the kernel: x, y, z, 1/a², 1/c². */
export const RECORD = 5;

/** Particle records (RECORD floats each, ghosts included) over a grid of ncx×ncy×ncz cubic cells `cw` voxels wide. */
export interface ParticleCellGrid {
  records: Float32Array;
  /** index into the Spheroids of each record (ghosts repeat their owner) */
  owner: Int32Array;
  ncx: number;
  ncy: number;
  ncz: number;
  cw: number;
  /** the most records (binned particles or list entries) in one cell */
  maxCount: number;
}

/**
 * Particles binned into cubic cells (periodic images in x and y added as ghosts), in the flat
 * form a kernel can read. Cells are `cw` voxels wide, at least the largest semi-axis plus one
 * voxel, so every particle touching a voxel sits in the voxel's cell or one of its 26 neighbours.
 */
export interface BinnedParticles extends ParticleCellGrid {
  cellStart: Float32Array;
  cellCount: Float32Array;
}

/**
 * Relative band around the surface (f = 1) inside which float32 rounding could decide a voxel
 * differently on different backends. float32 evaluation of f errs by < 1e-5 for grids up to
 * 4096 voxels; voxels in the band are settled on the CPU in float64 from the same float32 inputs,
 * which is what makes every backend give the same labels.
 */
export const SURFACE_MARGIN = 1e-3;

/**
 * Bins spheroids into a uniform grid of cells so a voxel tests only the particles of its cell: the
 * CPU side of voxelization (cellLists builds the kernel's lists from it). Particles crossing the
 * periodic x/y faces are binned with their ghost images.
 *
 * @param p the particles (centres, semi-axes, orientations; voxel units)
 * @param shape [nx, ny, nz] of the volume (voxels)
 * @param widen also list a particle in cells whose voxels' centres lie within this distance of its surface (voxels)
 * @returns the cell grid with each cell's particle indices
 * @example const bins = binParticles(packing.particles, [64, 64, 64]);
 */
export function binParticles(p: Spheroids, shape: Shape, widen = 0): BinnedParticles {
  const [nx, ny, nz] = shape;
  const n = p.x.length;
  let maxA = 0;
  for (let i = 0; i < n; i++) maxA = Math.max(maxA, p.a[i]!, p.c[i]!);
  const cw = Math.max(2, Math.ceil(maxA + 1));
  const ncx = Math.ceil(nx / cw);
  const ncy = Math.ceil(ny / cw);
  const ncz = Math.ceil(nz / cw);
  // Ghost images for particles that cross the periodic x/y faces.
  const owners: number[] = [];
  const gx: number[] = [];
  const gy: number[] = [];
  for (let i = 0; i < n; i++) {
    const reach = p.a[i]! + 1 + widen;
    for (const ox of [0, -nx, nx]) {
      const x = p.x[i]! + ox;
      if (x + reach < 0 || x - reach > nx) continue;
      for (const oy of [0, -ny, ny]) {
        const y = p.y[i]! + oy;
        if (y + reach < 0 || y - reach > ny) continue;
        owners.push(i);
        gx.push(x);
        gy.push(y);
      }
    }
  }
  const m = owners.length;
  const cellOf = new Int32Array(m);
  const ncell = ncx * ncy * ncz;
  const count = new Int32Array(ncell);
  const clampCell = (v: number, nc: number): number => Math.min(nc - 1, Math.max(0, Math.floor(v / cw)));
  for (let k = 0; k < m; k++) {
    const i = owners[k]!;
    const c = clampCell(gx[k]!, ncx) + ncx * (clampCell(gy[k]!, ncy) + ncy * clampCell(p.z[i]!, ncz));
    cellOf[k] = c;
    count[c]!++;
  }
  const { start, maxCount } = bucketOffsets(count);
  const fill = start.slice();
  const records = new Float32Array(m * RECORD);
  const owner = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const slot = fill[cellOf[k]!]!++;
    const i = owners[k]!;
    owner[slot] = i;
    records[slot * RECORD] = gx[k]!;
    records[slot * RECORD + 1] = gy[k]!;
    records[slot * RECORD + 2] = p.z[i]!;
    records[slot * RECORD + 3] = 1 / (p.a[i]! * p.a[i]!);
    records[slot * RECORD + 4] = 1 / (p.c[i]! * p.c[i]!);
  }
  return {
    records,
    cellStart: Float32Array.from(start),
    cellCount: Float32Array.from(count),
    owner,
    ncx,
    ncy,
    ncz,
    cw,
    maxCount,
  };
}

/**
 * For the kernel: every cell of a `cw`-voxel grid lists the particles (ghosts included) whose
 * bounding box, widened by a voxel, reaches one of its voxel centres. A voxel then tests only its
 * own cell's list, a handful of particles.
 */
export interface CellLists extends ParticleCellGrid {
  listStart: Float32Array;
  listCount: Float32Array;
  /** record index of each list entry */
  entries: Float32Array;
}

/** Cell width of the kernel's lists: small enough that a cell meets few particles. */
export const LIST_CELL = 4;

/** `widen` (voxels) also lists particles whose surface is within that distance of a voxel centre. */
export function cellLists(p: Spheroids, shape: Shape, cw = LIST_CELL, widen = 0): CellLists {
  const [nx, ny, nz] = shape;
  const b = binParticles(p, shape, widen);
  const m = b.owner.length;
  const ncx = Math.ceil(nx / cw);
  const ncy = Math.ceil(ny / cw);
  const ncz = Math.ceil(nz / cw);
  const ncell = ncx * ncy * ncz;
  const range = (centre: number, reach: number, n: number, nc: number): [number, number] => {
    // Voxel indices whose centres (i + 0.5) lie within reach of the centre, as cells.
    const lo = Math.max(0, Math.ceil(centre - reach - 0.5));
    const hi = Math.min(n - 1, Math.floor(centre + reach - 0.5));
    return lo > hi ? [1, 0] : [Math.floor(lo / cw), Math.min(nc - 1, Math.floor(hi / cw))];
  };
  const boxes = new Int32Array(m * 6);
  const count = new Int32Array(ncell);
  for (let k = 0; k < m; k++) {
    const o = k * RECORD;
    const a = 1 / Math.sqrt(b.records[o + 3]!) + 1 + widen;
    const c = 1 / Math.sqrt(b.records[o + 4]!) + 1 + widen;
    const [x0, x1] = range(b.records[o]!, a, nx, ncx);
    const [y0, y1] = range(b.records[o + 1]!, a, ny, ncy);
    const [z0, z1] = range(b.records[o + 2]!, c, nz, ncz);
    boxes.set([x0, x1, y0, y1, z0, z1], k * 6);
    for (let z = z0; z <= z1; z++) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) count[x + ncx * (y + ncy * z)]!++;
  }
  const { start, total, maxCount } = bucketOffsets(count);
  const fill = start.slice();
  const entries = new Float32Array(Math.max(1, total));
  for (let k = 0; k < m; k++) {
    const [x0, x1, y0, y1, z0, z1] = boxes.subarray(k * 6, k * 6 + 6);
    for (let z = z0!; z <= z1!; z++) for (let y = y0!; y <= y1!; y++) for (let x = x0!; x <= x1!; x++) entries[fill[x + ncx * (y + ncy * z)]!++] = k;
  }
  return { records: b.records, listStart: Float32Array.from(start), listCount: Float32Array.from(count), entries, owner: b.owner, ncx, ncy, ncz, cw, maxCount };
}

/**
 * Per voxel: 1 if it lies clearly inside some particle, 2 if no particle clearly contains it but
 * its centre is within the rounding band of a surface, 0 otherwise.
 */
function classifyKernel(
  this: { thread: { x: number; y: number; z: number } },
  records: number[],
  listStart: number[],
  listCount: number[],
  entries: number[],
  grid: number[],
): number {
  const ncx = grid[0]!;
  const ncy = grid[1]!;
  const cw = grid[3]!;
  const maxCount = grid[4]!;
  const margin = grid[5]!;
  const vx = this.thread.x + 0.5;
  const vy = this.thread.y + 0.5;
  const vz = this.thread.z + 0.5;
  const cell = Math.floor(this.thread.x / cw) + ncx * (Math.floor(this.thread.y / cw) + ncy * Math.floor(this.thread.z / cw));
  const first = listStart[cell]!;
  const count = listCount[cell]!;
  let state = 0;
  for (let k = 0; k < maxCount; k++) {
    if (k >= count) break;
    const r = entries[first + k]! * 5;
    const ex = vx - records[r]!;
    const ey = vy - records[r + 1]!;
    const ez = vz - records[r + 2]!;
    const f = (ex * ex + ey * ey) * records[r + 3]! + ez * ez * records[r + 4]!;
    if (f < 1 - margin) {
      state = 1;
      break;
    } else if (f <= 1 + margin) {
      state = 2;
    }
  }
  return state;
}

type ClassifyRun = (records: Float32Array, listStart: Float32Array, listCount: Float32Array, entries: Float32Array, grid: Float32Array) => unknown;

const kernelCache = new WeakMap<GPU, Map<string, ClassifyRun>>();

function classifier(gpu: GPU, shape: Shape): ClassifyRun {
  let byShape = kernelCache.get(gpu);
  if (!byShape) kernelCache.set(gpu, (byShape = new Map()));
  const key = shape.join('x');
  let k = byShape.get(key);
  if (!k) {
    // loopMaxIterations bounds the per-cell loop; gpu.js reads it though its typings omit it.
    const settings = { output: [shape[0], shape[1], shape[2]], loopMaxIterations: 1 << 16, tactic: 'precision' as const, dynamicArguments: true };
    k = gpu.createKernel(classifyKernel as never, settings) as unknown as ClassifyRun;
    byShape.set(key, k);
  }
  return k;
}

/** The same test as the kernel, in float64 on the kernel's float32 inputs: settles band voxels. */
function insideExact(l: CellLists, x: number, y: number, z: number): boolean {
  const cell = Math.floor(x / l.cw) + l.ncx * (Math.floor(y / l.cw) + l.ncy * Math.floor(z / l.cw));
  const vx = x + 0.5;
  const vy = y + 0.5;
  const vz = z + 0.5;
  const r = l.records;
  const first = l.listStart[cell]!;
  const end = first + l.listCount[cell]!;
  for (let k = first; k < end; k++) {
    const o = l.entries[k]! * RECORD;
    const ex = vx - r[o]!;
    const ey = vy - r[o + 1]!;
    const ez = vz - r[o + 2]!;
    if ((ex * ex + ey * ey) * r[o + 3]! + ez * ez * r[o + 4]! <= 1) return true;
  }
  return false;
}

export interface VoxelizeResult {
  /** 1 where a voxel centre lies inside a particle, else 0 */
  solid: Uint8Array;
  /** voxels settled on the CPU because they sat within the rounding band of a surface */
  banded: number;
  /** what gpu.js really ran the kernel on */
  ranOn: string;
}

/**
 * Marks every voxel whose centre lies inside a particle (union of spheroids), with a gpu.js
 * kernel; identical on every backend by construction (see SURFACE_MARGIN).
 *
 * @param p the particles (centres, semi-axes, orientations; voxel units)
 * @param shape [nx, ny, nz] of the volume (voxels)
 * @param compute the gpu.js backend to run the kernel on
 * @returns the 0/1 solid mask (x fastest), how many voxels were settled on the CPU, and the backend gpu.js really used
 * @example const { solid } = await voxelize(packing.particles, [64, 64, 64], compute);
 */
export async function voxelize(p: Spheroids, shape: Shape, compute: Compute): Promise<VoxelizeResult> {
  const [nx, ny, nz] = shape;
  const l = cellLists(p, shape);
  const grid = Float32Array.from([l.ncx, l.ncy, l.ncz, l.cw, l.maxCount, SURFACE_MARGIN]);
  const kernel = classifier(compute.gpu, shape);
  // gpu.js needs non-empty arrays; an empty packing still gets one far-away dummy record.
  const records = l.records.length ? l.records : Float32Array.from([-1e6, -1e6, -1e6, 1, 1]);
  const out = (await kernel(records, l.listStart, l.listCount, l.entries, grid)) as ArrayLike<ArrayLike<ArrayLike<number>>>;
  const solid = new Uint8Array(nx * ny * nz);
  let banded = 0;
  for (let z = 0; z < nz; z++) {
    const plane = out[z]!;
    for (let y = 0; y < ny; y++) {
      const row = plane[y]!;
      const base = nx * (y + ny * z);
      for (let x = 0; x < nx; x++) {
        const s = row[x]!;
        if (s === 1) solid[base + x] = 1;
        else if (s === 2) {
          banded++;
          if (insideExact(l, x, y, z)) solid[base + x] = 1;
        }
      }
    }
  }
  return { solid, banded, ranOn: kernelBackend(kernel) };
}

/**
 * Counting-sort offsets of the cell lists: where each cell's list starts in the flat array (the
 * exclusive prefix sum of the counts), the total length and the longest list.
 */
function bucketOffsets(count: Int32Array): { start: Int32Array; total: number; maxCount: number } {
  const start = new Int32Array(count.length);
  let total = 0;
  let maxCount = 0;
  for (let c = 0; c < count.length; c++) {
    start[c] = total;
    total += count[c]!;
    maxCount = Math.max(maxCount, count[c]!);
  }
  return { start, total, maxCount };
}
