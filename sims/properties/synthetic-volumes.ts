import { createVolume, LABEL, type Volume } from '../../src/volume/volume.ts';
import { Rng } from '../../src/random/rng.ts';

/**
 * Random overlapping solid spheres (label 1) in pore (label 0), added until the solid fraction
 * reaches 1 − porosity; radii uniform in [n/16, n/8] of the largest side. The ANCHORS.md case
 * TauFactor 2 was timed on, built here so tests and benchmarks do not depend on the generator.
 */
export function overlappingSpheres(shape: [number, number, number], porosity: number, seed: number, voxelSize = 1e-6): Volume {
  const [nx, ny, nz] = shape;
  const v = createVolume(shape, voxelSize);
  const n = Math.max(nx, ny, nz);
  const rng = new Rng(seed);
  const target = (1 - porosity) * nx * ny * nz;
  let solid = 0;
  while (solid < target) {
    const cx = rng.range(0, nx);
    const cy = rng.range(0, ny);
    const cz = rng.range(0, nz);
    const r = rng.range(n / 16, n / 8);
    const r2 = r * r;
    for (let z = Math.max(0, Math.floor(cz - r)); z <= Math.min(nz - 1, Math.ceil(cz + r)); z++) {
      for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(ny - 1, Math.ceil(cy + r)); y++) {
        const row = nx * (y + ny * z);
        for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(nx - 1, Math.ceil(cx + r)); x++) {
          const i = row + x;
          if (v.labels[i] === 0 && (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2 <= r2) {
            v.labels[i] = 1;
            solid++;
          }
        }
      }
    }
  }
  return v;
}

/**
 * A 45° inclined channel (label 0) in solid (label 1): the voxels with 0 <= x − z < width, running
 * the whole length nz along z and the whole depth ny. The box is nz + width wide in x so that the
 * side walls never cut the channel (it enters and leaves through width-voxel openings).
 */
export function inclinedChannel(length: number, depth: number, width: number): Volume {
  const nx = length + width;
  const v = createVolume([nx, depth, length], 1e-6);
  v.labels.fill(1);
  for (let z = 0; z < length; z++) {
    for (let y = 0; y < depth; y++) {
      for (let x = z; x < z + width; x++) v.labels[x + nx * (y + depth * z)] = 0;
    }
  }
  return v;
}

/** Overlapping AM spheres (ε ≈ 0.45) with a CBD coat on a third of the pore voxels touching them: three phases. */
export function threePhaseSpheres(n: number, seed = 11): Volume {
  const v = overlappingSpheres([n, n, n], 0.45, seed);
  const { labels } = v;
  const plane = n * n;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== LABEL.pore || i % 3 !== 0) continue;
    const touches = labels[i - 1] === LABEL.am || labels[i + 1] === LABEL.am || labels[i - n] === LABEL.am || labels[i + n] === LABEL.am || labels[i - plane] === LABEL.am || labels[i + plane] === LABEL.am;
    if (touches) labels[i] = LABEL.cbd;
  }
  return v;
}

