import { Rng } from '../src/random/rng.ts';
import { createVolume, LABEL } from '../src/volume/volume.ts';
import type { Volume } from '../src/volume/volume.ts';
import { saturatedStart } from '../sims/filling/lbm/saturated-start.ts';
import type { EngineCase } from '../sims/filling/lbm/saturated-start.ts';

/**
 * The lattice-Boltzmann benchmark case shared by bench/fill-lbm.ts and bench/gpu.ts: a random
 * overlapping-sphere electrode in a filling lattice (walls, inlet/outlet, 4 reservoir layers).
 * Kept apart from fill-lbm.ts so bench/gpu.ts bundles without the worker-thread engine.
 */
/** Random overlapping active-material spheres, radii n/16–n/8, until porosity ≈ 0.45. */
export function sphereElectrode(n: number, seed: number): Volume {
  const v = createVolume([n, n, n], 1e-6);
  const rng = new Rng(seed);
  let solid = 0;
  const total = n * n * n;
  while (solid / total < 0.55) {
    const r = rng.range(n / 16, n / 8);
    const cx = rng.range(0, n);
    const cy = rng.range(0, n);
    const cz = rng.range(0, n);
    for (let z = Math.max(0, Math.floor(cz - r)); z <= Math.min(n - 1, Math.ceil(cz + r)); z++) {
      for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(n - 1, Math.ceil(cy + r)); y++) {
        for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(n - 1, Math.ceil(cx + r)); x++) {
          const i = x + n * (y + n * z);
          if (v.labels[i] === LABEL.pore && (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2 <= r * r) {
            v.labels[i] = LABEL.am;
            solid++;
          }
        }
      }
    }
  }
  return v;
}

export type Case = EngineCase;

export function electrodeLattice(volume: Volume): Case {
  return saturatedStart(volume, { reservoir: 4 });
}

