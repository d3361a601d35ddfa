import { LABEL, createVolume, type Volume } from '../../../src/volume/volume.ts';
import type { Rng } from '../../../src/random/rng.ts';

/**
 * Structures with known answers for the filling tests and the benchmark. Built here rather than
 * taken from the generator so the filling results do not move when the generator changes.
 */

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

/** Electrode-like volume: random overlapping solid spheres (AM), a thin CBD coat where requested. */
export function overlappingSpheres(
  n: number,
  voxelSize: number,
  rng: Rng,
  options: { solidFraction?: number; rMin?: number; rMax?: number; cbdShell?: number } = {},
): Volume {
  const solidFraction = options.solidFraction ?? 0.55;
  const rMin = options.rMin ?? n / 16;
  const rMax = options.rMax ?? n / 8;
  const v = createVolume([n, n, n], voxelSize);
  const labels = v.labels;
  const total = n * n * n;
  let solid = 0;
  const plane = n * n;
  while (solid < solidFraction * total) {
    const cx = rng.range(0, n);
    const cy = rng.range(0, n);
    const cz = rng.range(0, n);
    const r = rng.range(rMin, rMax);
    const shell = options.cbdShell ?? 0;
    const R = r + shell;
    for (let z = Math.max(0, Math.floor(cz - R)); z <= Math.min(n - 1, Math.ceil(cz + R)); z++) {
      for (let y = Math.max(0, Math.floor(cy - R)); y <= Math.min(n - 1, Math.ceil(cy + R)); y++) {
        for (let x = Math.max(0, Math.floor(cx - R)); x <= Math.min(n - 1, Math.ceil(cx + R)); x++) {
          const d2 = (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2;
          const i = x + n * y + plane * z;
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
