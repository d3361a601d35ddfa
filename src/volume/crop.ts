import type { Volume } from './volume.ts';

/**
 * The centred box of a volume: along each axis the middle `shape[k]` voxels, or the whole axis
 * where the volume is not larger. Labels are copied; the voxel size is kept.
 *
 * @param v labelled volume.
 * @param shape wanted [nx, ny, nz] (voxels).
 * @returns a new volume of shape min(v.shape, shape) per axis (the same object where nothing is cut).
 * @example centredCrop(tomogram, [96, 96, 96]) // the middle 96³ of a 256³ tomogram
 */
export function centredCrop(v: Volume, shape: readonly [number, number, number]): Volume {
  const [nx, ny, nz] = v.shape;
  const m = [Math.min(shape[0], nx), Math.min(shape[1], ny), Math.min(shape[2], nz)] as const;
  if (m[0] === nx && m[1] === ny && m[2] === nz) return v;
  return boxCrop(v, [(nx - m[0]) >> 1, (ny - m[1]) >> 1, (nz - m[2]) >> 1], m);
}

/**
 * The box of `shape` voxels starting at voxel `origin` of a volume. Labels are copied; the voxel
 * size is kept. The box must lie inside the volume.
 *
 * @param v labelled volume.
 * @param origin first voxel [x, y, z] of the box.
 * @param shape box [nx, ny, nz] (voxels).
 * @returns a new volume of that shape.
 * @example boxCrop(electrode, [0, 0, 0], [32, 48, 48]) // a corner at the side walls and the inlet
 */
export function boxCrop(v: Volume, origin: readonly [number, number, number], shape: readonly [number, number, number]): Volume {
  const [nx, ny] = v.shape;
  const o = origin;
  const m = shape;
  const labels = new Uint8Array(m[0] * m[1] * m[2]);
  for (let z = 0; z < m[2]; z++) {
    for (let y = 0; y < m[1]; y++) {
      const from = o[0] + nx * (y + o[1] + ny * (z + o[2]));
      labels.set(v.labels.subarray(from, from + m[0]), m[0] * (y + m[1] * z));
    }
  }
  return { shape: [m[0], m[1], m[2]], voxelSize: v.voxelSize, labels };
}

/**
 * Boxes of `shape` voxels that cover a volume: along each axis as many as it takes to cover it,
 * ceil(n / m) for a box side m (overlapping where m does not divide n), spread evenly from face to
 * face; one centred box where the volume is not larger than m. Why: a statistic measured in a box
 * depends on the box's size (faces cut particles, a finite sample's τ), so a tomogram compared with
 * smaller synthetic twins is measured in boxes of their size, all of it rather than one crop that
 * reads its own neighbourhood.
 *
 * @param v labelled volume.
 * @param shape box [nx, ny, nz] (voxels); along an axis where it is larger than the volume, the volume's side.
 * @returns the boxes (new volumes), x fastest; the volume itself when one box is the whole.
 * @example coveringBoxes(tomogram, [128, 128, 128]).length // 8 for a 256³ tomogram
 */
export function coveringBoxes(v: Volume, shape: readonly [number, number, number]): Volume[] {
  const m = [0, 1, 2].map((k) => Math.min(shape[k]!, v.shape[k]!)) as [number, number, number];
  if (m.every((s, k) => s === v.shape[k])) return [v];
  const origins = [0, 1, 2].map((k) => {
    const n = v.shape[k]!;
    const count = Math.ceil(n / m[k]!);
    if (count === 1) return [(n - m[k]!) >> 1];
    return Array.from({ length: count }, (_, j) => Math.round((j * (n - m[k]!)) / (count - 1)));
  });
  const out: Volume[] = [];
  for (const oz of origins[2]!) for (const oy of origins[1]!) for (const ox of origins[0]!) out.push(boxCrop(v, [ox, oy, oz], m));
  return out;
}
