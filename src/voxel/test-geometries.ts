import { LABEL, createVolume, type Shape, type Volume } from '../volume/volume.ts';
import { Rng } from '../random/rng.ts';

/**
 * Structures with known answers for the tests and the benchmarks, built here rather than taken
 * from the generator so that results do not move when the generator changes.
 */

export interface OverlappingSpheresOptions {
  /** Solid fraction to reach (default 0.55); or give `porosity` instead (solid = 1 − porosity). */
  solidFraction?: number;
  porosity?: number;
  /** Sphere radii, uniform in [rMin, rMax] voxels; default n/16 to n/8 of the largest side n. */
  rMin?: number;
  rMax?: number;
  /** Thickness in voxels of a CBD coat (label 2) around each sphere; default 0 (none). */
  cbdShell?: number;
  /** Voxel edge in m; default 1 µm. */
  voxelSize?: number;
}

/**
 * Random overlapping solid spheres (AM, label 1) in pore (label 0), each with an optional CBD coat,
 * added until the solid (AM + CBD) fraction is reached. The ANCHORS.md case TauFactor 2 was timed
 * on, and the electrode-like volume of the filling tests.
 *
 * @param shape [nx, ny, nz] in voxels.
 * @param rng   a seeded generator, or the seed of a new one.
 * @returns a labelled volume.
 * @example overlappingSpheres([32, 32, 32], 5, { porosity: 0.45 });
 */
export function overlappingSpheres(shape: Shape, rng: Rng | number, options: OverlappingSpheresOptions = {}): Volume {
  const [nx, ny, nz] = shape;
  const random = typeof rng === 'number' ? new Rng(rng) : rng;
  const largest = Math.max(nx, ny, nz);
  const rMin = options.rMin ?? largest / 16;
  const rMax = options.rMax ?? largest / 8;
  const shell = options.cbdShell ?? 0;
  const total = nx * ny * nz;
  // Written as the two former helpers computed it, so that their volumes stay bit for bit.
  const target = options.solidFraction !== undefined ? options.solidFraction * total : options.porosity !== undefined ? (1 - options.porosity) * total : 0.55 * total;
  const v = createVolume(shape, options.voxelSize ?? 1e-6);
  const labels = v.labels;
  let solid = 0;
  while (solid < target) {
    const cx = random.range(0, nx);
    const cy = random.range(0, ny);
    const cz = random.range(0, nz);
    const r = random.range(rMin, rMax);
    const R = r + shell;
    for (let z = Math.max(0, Math.floor(cz - R)); z <= Math.min(nz - 1, Math.ceil(cz + R)); z++) {
      for (let y = Math.max(0, Math.floor(cy - R)); y <= Math.min(ny - 1, Math.ceil(cy + R)); y++) {
        const row = nx * (y + ny * z);
        for (let x = Math.max(0, Math.floor(cx - R)); x <= Math.min(nx - 1, Math.ceil(cx + R)); x++) {
          const d2 = (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2;
          const i = row + x;
          if (d2 <= r * r) {
            if (labels[i] !== LABEL.am) {
              if (labels[i] === LABEL.pore) solid++;
              labels[i] = LABEL.am;
            }
          } else if (d2 <= R * R && labels[i] === LABEL.pore) {
            labels[i] = LABEL.cbd;
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

/** A solid block (label `solid`) pierced along z by cylinders: pore where (x−cx)² + (y−cy)² ≤ R². */
export function cylinderBundle(
  shape: readonly [number, number, number],
  voxelSize: number,
  tubes: readonly { cx: number; cy: number; radius: number; solid?: number; z0?: number; z1?: number }[],
  solid: number = LABEL.am,
): Volume {
  const [nx, ny, nz] = shape;
  const v = createVolume(shape, voxelSize);
  v.labels.fill(solid);
  for (const t of tubes) {
    const z0 = t.z0 ?? 0;
    const z1 = t.z1 ?? nz - 1;
    const r2 = t.radius * t.radius;
    const wall = t.solid ?? solid;
    // Paint the tube's own solid around it first, so tubes can sit in blocks of different labels.
    const reach = Math.ceil(t.radius) + 1;
    for (let z = 0; z < nz; z++) {
      for (let y = Math.max(0, t.cy - reach); y <= Math.min(ny - 1, t.cy + reach); y++) {
        for (let x = Math.max(0, t.cx - reach); x <= Math.min(nx - 1, t.cx + reach); x++) {
          const i = x + nx * (y + ny * z);
          const d2 = (x - t.cx) ** 2 + (y - t.cy) ** 2;
          if (d2 <= r2 && z >= z0 && z <= z1) v.labels[i] = LABEL.pore;
          else if (v.labels[i] !== LABEL.pore) v.labels[i] = wall;
        }
      }
    }
  }
  return v;
}

/** Overlapping AM spheres (ε ≈ 0.45) with a CBD coat on a third of the pore voxels touching them: three phases. */
export function threePhaseSpheres(n: number, seed = 11): Volume {
  const v = overlappingSpheres([n, n, n], seed, { porosity: 0.45 });
  const { labels } = v;
  const plane = n * n;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== LABEL.pore || i % 3 !== 0) continue;
    const touches = labels[i - 1] === LABEL.am || labels[i + 1] === LABEL.am || labels[i - n] === LABEL.am || labels[i + n] === LABEL.am || labels[i - plane] === LABEL.am || labels[i + plane] === LABEL.am;
    if (touches) labels[i] = LABEL.cbd;
  }
  return v;
}

