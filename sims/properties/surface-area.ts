import { edgeTable, triTable } from 'three/examples/jsm/objects/MarchingCubes.js';
import type { Shape } from '../../src/volume/volume.ts';

/**
 * Interface area of a voxelised phase by marching cubes (Lorensen & Cline; tables of Bourke, as
 * shipped with three.js) on a smoothed indicator. Counting voxel faces overestimates a sphere's
 * area by ~50% whatever the resolution; marching cubes on the raw 0/1 indicator still
 * overestimates by ~9% because the surface follows the voxel staircase. A separable Gaussian blur
 * of the indicator before extracting the 0.5 iso-surface removes the staircase, while shrinking a
 * convex surface of curvature radius r by O(σ²/r). σ = 0.8 voxel balances the two: measured on
 * digitised spheres, −1.2% at r = 10, +0.1% at r = 15–20, +0.6% at r = 30–45 (σ = 1 gives −2.4% at
 * r = 10; σ = 0.7 +1.2% at large r). The tests hold spheres of radius 10–30 to 2%.
 *
 * The iso-surface lives between voxel centres, so the domain's outer faces are never counted.
 */
export interface SurfaceAreaOptions {
  /** Standard deviation of the Gaussian pre-smoothing in voxels (0 = none). Default 0.8. */
  sigma?: number;
}

export const DEFAULT_SIGMA = 0.8;

/**
 * Area of the boundary of the set {mask != 0}: marching cubes on the Gaussian-smoothed indicator
 * (within 2 % on digitised spheres, where counting voxel faces overestimates by about 50 %).
 *
 * @param mask one byte per voxel (x fastest), non-zero = inside.
 * @param shape [nx, ny, nz] in voxels.
 * @param options sigma: pre-smoothing standard deviation in voxels (default 0.8, 0 = none).
 * @returns the area in voxel² (multiply by voxelSize² for m², divide by the volume for 1/m).
 * @example
 * const a = phaseSurfaceArea(amMask, volume.shape) * volume.voxelSize ** 2; // m²
 * @see Lorensen & Cline, SIGGRAPH 1987 (marching cubes); PoreSpy's metrics.region_surface_areas.
 */
export function phaseSurfaceArea(mask: Uint8Array, shape: Shape, options: SurfaceAreaOptions = {}): number {
  const field = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) field[i] = mask[i] ? 1 : 0;
  const sigma = options.sigma ?? DEFAULT_SIGMA;
  if (sigma > 0) gaussianBlur(field, shape, sigma);
  return isoSurfaceArea(field, shape, 0.5);
}

/** In-place separable Gaussian blur, truncated at 3σ, edges replicated (no fake boundary surface). */
export function gaussianBlur(field: Float32Array, shape: Shape, sigma: number): void {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += w[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < w.length; k++) w[k]! /= sum;
  const [nx, ny, nz] = shape;
  const strides = [1, nx, nx * ny];
  const lens = [nx, ny, nz];
  const line = new Float64Array(Math.max(nx, ny, nz));
  for (let axis = 0; axis < 3; axis++) {
    const len = lens[axis]!;
    if (len === 1) continue;
    const stride = strides[axis]!;
    for (let base = 0; base < field.length; base++) {
      // Visit each line once, from its first voxel.
      const pos = Math.floor(base / stride) % len;
      if (pos !== 0) continue;
      for (let t = 0; t < len; t++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) {
          const s = Math.min(len - 1, Math.max(0, t + k));
          acc += w[k + radius]! * field[base + s * stride]!;
        }
        line[t] = acc;
      }
      for (let t = 0; t < len; t++) field[base + t * stride] = line[t]!;
    }
  }
}

// Bourke's corner numbering: offsets (dx, dy, dz) of the 8 cube corners and the 12 edges.
const CORNERS = [
  [0, 0, 0],
  [1, 0, 0],
  [1, 1, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 0, 1],
  [1, 1, 1],
  [0, 1, 1],
] as const;
const EDGES = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 0],
  [4, 5],
  [5, 6],
  [6, 7],
  [7, 4],
  [0, 4],
  [1, 5],
  [2, 6],
  [3, 7],
] as const;

/**
 * Area of the iso-surface {field = iso} by marching cubes over the cells between voxel centres.
 *
 * @param field one value per voxel (x fastest).
 * @param shape [nx, ny, nz] in voxels.
 * @param iso the level of the surface, in the field's units.
 * @returns the area in voxel².
 * @example
 * isoSurfaceArea(smoothedIndicator, shape, 0.5);
 */
export function isoSurfaceArea(field: Float32Array, shape: Shape, iso: number): number {
  let area = 0;
  marchCubes(field, shape, iso, (_q, a) => {
    area += a;
  });
  return area;
}

/**
 * Boundary area of the phase `label`, split by the phase on the other side: entry b of the result
 * is the area facing label b (voxel² units). Each marching cube's area goes to the other labels
 * among its 8 corner voxels, in proportion to their counts (or, where the blur moved the surface
 * into a cube of this phase only, among the 4×4×4 voxels around it). Interfaces with a
 * thin phase (films one or two voxels thick, which the blur erases from that phase's own surface)
 * are still seen from the thick side, which is why callers take the larger of the two views.
 *
 * @param labels one label per voxel (x fastest).
 * @param shape [nx, ny, nz] in voxels.
 * @param label the phase whose boundary is split.
 * @param options sigma: pre-smoothing standard deviation in voxels (default 0.8).
 * @returns entry b: the area (voxel²) of `label`'s boundary facing label b.
 * @example
 * const amFaces = interfaceAreasOf(volume.labels, volume.shape, LABEL.am);
 * amFaces[LABEL.pore] * volume.voxelSize ** 2; // AM–pore interface, m²
 */
export function interfaceAreasOf(labels: Uint8Array, shape: Shape, label: number, options: SurfaceAreaOptions & { field?: Float32Array } = {}): Float64Array {
  const [nx, ny, nz] = shape;
  // options.field: labels.length floats to work in, lent by the caller (computeProperties lends a
  // solver buffer, so the three calls leave no voxel-sized garbage behind).
  const field = options.field?.subarray(0, labels.length) ?? new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) field[i] = labels[i] === label ? 1 : 0;
  const sigma = options.sigma ?? DEFAULT_SIGMA;
  if (sigma > 0) gaussianBlur(field, shape, sigma);
  const out = new Float64Array(256);
  const counts = new Float64Array(256);
  const seen: number[] = [];
  marchCubes(field, shape, 0.5, (q, area) => {
    const z0 = Math.floor(q / (nx * ny));
    const y0 = Math.floor((q - z0 * nx * ny) / nx);
    const x0 = q - nx * (y0 + ny * z0);
    // The cube's own corners first; only where the blur has moved the surface into a cube of this
    // phase alone, the 4×4×4 block around it.
    let total = 0;
    for (let reach = 0; reach <= 1 && total === 0; reach++) {
      for (let z = Math.max(0, z0 - reach); z <= Math.min(nz - 1, z0 + 1 + reach); z++) {
        for (let y = Math.max(0, y0 - reach); y <= Math.min(ny - 1, y0 + 1 + reach); y++) {
          const row = nx * (y + ny * z);
          for (let x = Math.max(0, x0 - reach); x <= Math.min(nx - 1, x0 + 1 + reach); x++) {
            const l = labels[row + x]!;
            if (l === label) continue;
            if (counts[l] === 0) seen.push(l);
            counts[l]!++;
            total++;
          }
        }
      }
    }
    for (const l of seen) {
      out[l]! += (area * counts[l]!) / total;
      counts[l] = 0;
    }
    seen.length = 0;
  });
  return out;
}

/** Marching cubes over the cells between voxel centres; calls `emit(q, area)` per cell with surface, q its lowest corner. */
function marchCubes(field: Float32Array, shape: Shape, iso: number, emit: (q: number, area: number) => void): void {
  const [nx, ny, nz] = shape;
  const offsets = CORNERS.map(([dx, dy, dz]) => dx + nx * (dy + ny * dz));
  const values = new Float64Array(8);
  const verts = new Float64Array(36);
  for (let z = 0; z < nz - 1; z++) {
    for (let y = 0; y < ny - 1; y++) {
      for (let x = 0; x < nx - 1; x++) {
        const q = x + nx * (y + ny * z);
        let cube = 0;
        for (let c = 0; c < 8; c++) {
          const v = field[q + offsets[c]!]!;
          values[c] = v;
          if (v < iso) cube |= 1 << c;
        }
        const bits = edgeTable[cube]!;
        if (bits === 0) continue;
        for (let e = 0; e < 12; e++) {
          if (!(bits & (1 << e))) continue;
          const [c0, c1] = EDGES[e]!;
          const v0 = values[c0]!;
          const v1 = values[c1]!;
          const mu = v1 === v0 ? 0.5 : (iso - v0) / (v1 - v0);
          const p0 = CORNERS[c0]!;
          const p1 = CORNERS[c1]!;
          verts[3 * e] = p0[0] + mu * (p1[0] - p0[0]);
          verts[3 * e + 1] = p0[1] + mu * (p1[1] - p0[1]);
          verts[3 * e + 2] = p0[2] + mu * (p1[2] - p0[2]);
        }
        let area = 0;
        const t0 = cube * 16;
        for (let t = t0; triTable[t] !== -1 && t < t0 + 16; t += 3) {
          const a = 3 * triTable[t]!;
          const b = 3 * triTable[t + 1]!;
          const c = 3 * triTable[t + 2]!;
          const ux = verts[b]! - verts[a]!;
          const uy = verts[b + 1]! - verts[a + 1]!;
          const uz = verts[b + 2]! - verts[a + 2]!;
          const vx = verts[c]! - verts[a]!;
          const vy = verts[c + 1]! - verts[a + 1]!;
          const vz = verts[c + 2]! - verts[a + 2]!;
          const cx = uy * vz - uz * vy;
          const cy = uz * vx - ux * vz;
          const cz = ux * vy - uy * vx;
          area += 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
        }
        if (area > 0) emit(q, area);
      }
    }
  }
}
