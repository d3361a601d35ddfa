/**
 * The piece of a loaded electrode the in-browser LBM runs on. The lattice must stay small for
 * interactive rates on a software GPU, so the volume is coarsened by an integer factor until the
 * whole thickness (z, separator to current collector) fits in `maxEdge` voxels, then cropped
 * about its centre in x and y to at most `maxEdge`. Keeping the full thickness keeps the filling
 * path the same as in the full run; only the lateral extent and the resolution shrink.
 */
export interface LiveSubVolume {
  labels: Uint8Array;
  shape: [number, number, number];
  /** Metres (the source voxel size × factor). */
  voxelSize: number;
  /** Source voxels per sub-volume voxel along each axis. */
  factor: number;
  /** First source voxel (x, y, z) of the crop, in source voxels. */
  origin: [number, number, number];
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

export function liveSubVolume(labels: Uint8Array, shape: readonly [number, number, number], voxelSize: number, maxEdge: number): LiveSubVolume {
  if (!(Number.isInteger(maxEdge) && maxEdge >= 4)) throw new RangeError(`maxEdge: ${maxEdge}; expected an integer ≥ 4`);
  const [nx, ny, nz] = shape;
  if (labels.length !== nx * ny * nz) throw new RangeError(`labels: ${labels.length} values; expected ${nx * ny * nz} for shape ${shape.join('×')}`);
  const f = Math.max(1, Math.ceil(nz / maxEdge));
  const cx = Math.ceil(nx / f);
  const cy = Math.ceil(ny / f);
  const cz = Math.ceil(nz / f);
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
  return { labels: out, shape: [sx, sy, cz], voxelSize: voxelSize * f, factor: f, origin: [ox * f, oy * f, 0] };
}
