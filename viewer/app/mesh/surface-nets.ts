/**
 * Naive surface nets on one phase of a label volume: a vertex in every cell (the cube between 8
 * voxel centres) whose corners are mixed, placed at the mean of the crossing edges' midpoints,
 * and a quad across every face between a voxel of the phase and one that is not. Outside the box
 * counts as "not the phase", so every surface is closed. Positions are in voxel units with voxel
 * (i, j, k) centred at (i + 0.5, j + 0.5, k + 0.5).
 */
export interface PhaseMesh {
  label: number;
  positions: Float32Array;
  normals: Float32Array;
  indices: Uint32Array;
}

const CORNERS: [number, number, number][] = [];
for (let k = 0; k < 8; k++) CORNERS.push([k & 1, (k >> 1) & 1, (k >> 2) & 1]);
/** The 12 cube edges as corner index pairs. */
const EDGES: [number, number][] = [];
for (let a = 0; a < 8; a++) for (let b = a + 1; b < 8; b++) if (((a ^ b) & ((a ^ b) - 1)) === 0) EDGES.push([a, b]);

export function surfaceNets(
  labels: Uint8Array,
  shape: readonly [number, number, number],
  label: number,
  onProgress?: (done: number, total: number) => void,
): PhaseMesh {
  const [nx, ny, nz] = shape;
  const inside = (x: number, y: number, z: number): boolean =>
    x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz && labels[x + nx * (y + ny * z)] === label;
  // Cells are indexed 0..n per axis; cell c has corner voxels c-1 and c.
  const cx = nx + 1;
  const cy = ny + 1;
  const cell = (x: number, y: number, z: number): number => x + cx * (y + cy * z);
  const vertexOf = new Int32Array(cx * cy * (nz + 1)).fill(-1);
  const pos: number[] = [];
  const corner = new Uint8Array(8);
  for (let z = 0; z <= nz; z++) {
    for (let y = 0; y <= ny; y++) {
      for (let x = 0; x <= nx; x++) {
        let mask = 0;
        for (let k = 0; k < 8; k++) {
          const c = CORNERS[k]!;
          corner[k] = inside(x - 1 + c[0], y - 1 + c[1], z - 1 + c[2]) ? 1 : 0;
          mask |= corner[k]! << k;
        }
        if (mask === 0 || mask === 255) continue;
        let sx = 0;
        let sy = 0;
        let sz = 0;
        let n = 0;
        for (const [a, b] of EDGES) {
          if (corner[a] === corner[b]) continue;
          const ca = CORNERS[a]!;
          const cb = CORNERS[b]!;
          sx += (ca[0] + cb[0]) / 2;
          sy += (ca[1] + cb[1]) / 2;
          sz += (ca[2] + cb[2]) / 2;
          n++;
        }
        // Corner (0,0,0) of cell (x,y,z) is the centre of voxel (x-1,y-1,z-1), at x - 0.5.
        vertexOf[cell(x, y, z)] = pos.length / 3;
        pos.push(x - 0.5 + sx / n, y - 0.5 + sy / n, z - 0.5 + sz / n);
      }
    }
    onProgress?.(z + 1, 2 * (nz + 1));
  }
  const idx: number[] = [];
  // A face between voxel p and p + e_axis (one of them in the phase) is crossed by the dual edge
  // joining the 4 cells around it; their vertices make the quad.
  for (let z = -1; z < nz; z++) {
    for (let y = -1; y < ny; y++) {
      for (let x = -1; x < nx; x++) {
        const here = inside(x, y, z);
        for (let axis = 0; axis < 3; axis++) {
          const qx = x + (axis === 0 ? 1 : 0);
          const qy = y + (axis === 1 ? 1 : 0);
          const qz = z + (axis === 2 ? 1 : 0);
          const there = inside(qx, qy, qz);
          if (here === there) continue;
          // The other two coordinates must be inside the volume for all 4 cells to exist.
          const p = [x, y, z];
          const u = (axis + 1) % 3;
          const v = (axis + 2) % 3;
          if (p[u]! < 0 || p[v]! < 0) continue;
          const base = [x, y, z];
          base[axis] = p[axis]! + 1;
          const quad: number[] = [];
          for (const [du, dv] of [[0, 0], [1, 0], [1, 1], [0, 1]] as const) {
            const c = [...base];
            c[u] = p[u]! + du;
            c[v] = p[v]! + dv;
            quad.push(vertexOf[cell(c[0]!, c[1]!, c[2]!)]!);
          }
          // Counter-clockwise seen from outside the phase.
          if (here) idx.push(quad[0]!, quad[1]!, quad[2]!, quad[0]!, quad[2]!, quad[3]!);
          else idx.push(quad[0]!, quad[2]!, quad[1]!, quad[0]!, quad[3]!, quad[2]!);
        }
      }
    }
    onProgress?.(nz + 2 + z, 2 * (nz + 1));
  }
  const positions = new Float32Array(pos);
  const indices = new Uint32Array(idx);
  return { label, positions, normals: vertexNormals(positions, indices), indices };
}

/** Area-weighted vertex normals. */
export function vertexNormals(positions: Float32Array, indices: Uint32Array): Float32Array {
  const normals = new Float32Array(positions.length);
  for (let t = 0; t < indices.length; t += 3) {
    const a = 3 * indices[t]!;
    const b = 3 * indices[t + 1]!;
    const c = 3 * indices[t + 2]!;
    const ux = positions[b]! - positions[a]!, uy = positions[b + 1]! - positions[a + 1]!, uz = positions[b + 2]! - positions[a + 2]!;
    const vx = positions[c]! - positions[a]!, vy = positions[c + 1]! - positions[a + 1]!, vz = positions[c + 2]! - positions[a + 2]!;
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    for (const i of [a, b, c]) {
      normals[i]! += nx;
      normals[i + 1]! += ny;
      normals[i + 2]! += nz;
    }
  }
  for (let i = 0; i < normals.length; i += 3) {
    const l = Math.hypot(normals[i]!, normals[i + 1]!, normals[i + 2]!) || 1;
    normals[i]! /= l;
    normals[i + 1]! /= l;
    normals[i + 2]! /= l;
  }
  return normals;
}
