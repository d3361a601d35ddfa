/**
 * The piece of a loaded electrode the in-browser LBM runs on. The lattice must stay small for
 * interactive rates on a software GPU, so the volume is coarsened by an integer factor, at most
 * MAX_COARSENING (3× turns particles into blobs and closes throats), until the thickness (z,
 * separator to current collector) fits in `maxEdge` voxels; where 2× is not enough the thickness
 * is cropped to the `maxEdge` layers next to the separator, and `gaveUp` says so. x and y are
 * cropped about the centre to at most `maxEdge`.
 */

/** The coarsest the live run goes: 2× keeps a 10 µm particle at 5 voxels across on a 1 µm grid. */
export const MAX_COARSENING = 2;
export interface LiveSubVolume {
  labels: Uint8Array;
  shape: [number, number, number];
  /** Metres (the source voxel size × factor). */
  voxelSize: number;
  /** Source voxels per sub-volume voxel along each axis. */
  factor: number;
  /** First source voxel (x, y, z) of the crop, in source voxels. */
  origin: [number, number, number];
  /** What the sub-volume leaves out of the loaded structure, in words (empty: nothing but resolution). */
  gaveUp: string[];
}

/**
 * Label of a factor³ block: the most frequent one; ties go to the lowest label, so pore (0) wins a
 * tie and narrow throats are not closed by coarsening.
 */
function blockLabel(labels: Uint8Array, shape: readonly [number, number, number], x0: number, y0: number, z0: number, f: number, counts: Uint32Array): number {
  const [nx, ny, nz] = shape;
  counts.fill(0);
  for (let z = z0; z < Math.min(z0 + f, nz); z++) {
    for (let y = y0; y < Math.min(y0 + f, ny); y++) {
      for (let x = x0; x < Math.min(x0 + f, nx); x++) counts[labels[x + nx * (y + ny * z)]!]!++;
    }
  }
  let best = 0;
  for (let l = 1; l < counts.length; l++) if (counts[l]! > counts[best]!) best = l;
  return best;
}

/**
 * @param labels  the loaded structure, x fastest
 * @param shape   its voxels along x, y, z
 * @param voxelSize  its voxel edge (m)
 * @param maxEdge  the most lattice nodes the live run may have along any axis (≥ 4)
 * @returns the sub-volume, its voxel size (m) and what it gave up; e.g. 48³ at 1 µm with maxEdge 16
 *   gives 16³ at 2 µm, the 32 µm next to the separator of the 48 µm thickness.
 */
export function liveSubVolume(labels: Uint8Array, shape: readonly [number, number, number], voxelSize: number, maxEdge: number): LiveSubVolume {
  if (!(Number.isInteger(maxEdge) && maxEdge >= 4)) throw new RangeError(`maxEdge: ${maxEdge}; expected an integer ≥ 4`);
  const [nx, ny, nz] = shape;
  if (labels.length !== nx * ny * nz) throw new RangeError(`labels: ${labels.length} values; expected ${nx * ny * nz} for shape ${shape.join('×')}`);
  const f = Math.min(MAX_COARSENING, Math.max(1, Math.ceil(nz / maxEdge)));
  const cx = Math.ceil(nx / f);
  const cy = Math.ceil(ny / f);
  const cz = Math.min(Math.ceil(nz / f), maxEdge);
  const sx = Math.min(cx, maxEdge);
  const sy = Math.min(cy, maxEdge);
  const ox = Math.floor((cx - sx) / 2);
  const oy = Math.floor((cy - sy) / 2);
  const out = new Uint8Array(sx * sy * cz);
  const counts = new Uint32Array(256);
  for (let z = 0; z < cz; z++) {
    for (let y = 0; y < sy; y++) {
      for (let x = 0; x < sx; x++) {
        out[x + sx * (y + sy * z)] = f === 1 ? labels[x + ox + nx * (y + oy + ny * z)]! : blockLabel(labels, shape, (x + ox) * f, (y + oy) * f, z * f, f, counts);
      }
    }
  }
  const um = (n: number): string => `${Number((n * voxelSize * 1e6).toPrecision(3))} µm`;
  const gaveUp: string[] = [];
  if (cz * f < nz) gaveUp.push(`the thickness: only the ${um(Math.min(nz, cz * f))} next to the separator of ${um(nz)} (more than ${MAX_COARSENING}× coarser would merge particles)`);
  if (sx < cx || sy < cy) gaveUp.push(`the sides: ${um(Math.min(nx, sx * f))} × ${um(Math.min(ny, sy * f))} about the centre of ${um(nx)} × ${um(ny)}`);
  return { labels: out, shape: [sx, sy, cz], voxelSize: voxelSize * f, factor: f, origin: [ox * f, oy * f, 0], gaveUp };
}
