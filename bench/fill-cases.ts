import { createCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import { LABEL } from '../src/volume/volume.ts';
import type { Volume } from '../src/volume/volume.ts';
import { generateElectrode } from '../sims/mesostructure/generate.ts';
import type { fillLbm } from '../sims/filling/lbm/fill.ts';
import { quarterShares } from '../sims/filling/common/depth-profile.ts';

/**
 * The generated electrodes and the front figure shared by bench/fill-wetting.ts (CPU) and
 * bench/gpu.ts (the WGSL engine on a GPU machine): issue 13's electrodes (d50 4 µm, 0.5 µm voxels,
 * porosity 0.45, 12 % bridge CBD) and the outlet quarter's share while the saturation is below ½.
 */

/** A generated electrode of `shape` voxels (before calendering), calendered by `calendering` %. */
export async function electrode(shape: [number, number, number], calendering: number, seed: number): Promise<Volume> {
  const compute = await createCompute({ backend: 'cpu' });
  try {
    const r = await generateElectrode(
      { shape, voxelSizeUm: 0.5, d50Um: 4, span: 1.1, porosity: 0.45, cbdFraction: 0.12, cbdMorphology: 'bridge', calenderingPercent: calendering, seed },
      { rng: new Rng(seed), compute },
    );
    return r.volume;
  } finally {
    compute.destroy();
  }
}

/**
 * The largest share of the outlet quarter's pore volume holding electrolyte over the snapshots
 * taken while the saturation was below 0.5: weighted by electrolyte fraction and as filled voxels
 * (φ ≥ ½, the arrival criterion), with the saturation where the weighted share peaked.
 */
export function outletQuarterBelowHalf(volume: Volume, r: Awaited<ReturnType<typeof fillLbm>>): { weighted: number; filled: number; atSaturation: number } {
  const [nx, ny, nz] = volume.shape;
  const from = Math.floor((3 * nz) / 4) * nx * ny;
  let weighted = 0;
  let filled = 0;
  let atSaturation = Number.NaN;
  r.snapshots.forEach((snap, k) => {
    const s = r.curve.find((p) => p.step === r.snapshotSteps[k])?.saturation ?? 1;
    if (s >= 0.5) return;
    let w = 0;
    let f = 0;
    let n = 0;
    for (let i = from; i < nx * ny * nz; i++) {
      if (volume.labels[i] !== LABEL.pore) continue;
      n++;
      w += snap[i]! / 255;
      if (snap[i]! >= 128) f++;
    }
    if (n && w / n > weighted) {
      weighted = w / n;
      atSaturation = s;
    }
    if (n) filled = Math.max(filled, f / n);
  });
  return { weighted, filled, atSaturation };
}

/**
 * The filled share (electrolyte-weighted) of each quarter's pore volume, inlet quarter first, at
 * the last snapshot taken while the saturation was below ½: the front contract's second half (the
 * share does not rise with depth). Null without such a snapshot.
 */
export function filledShareByQuarterBelowHalf(volume: Volume, r: Awaited<ReturnType<typeof fillLbm>>): { saturation: number; quarters: number[] } | null {
  let last = -1;
  let saturation = Number.NaN;
  r.snapshots.forEach((_, k) => {
    const s = r.curve.find((p) => p.step === r.snapshotSteps[k])?.saturation ?? 1;
    if (s < 0.5) {
      last = k;
      saturation = s;
    }
  });
  if (last < 0) return null;
  return { saturation, quarters: quarterShares(volume, r.snapshots[last]!) };
}

/** A time in ms, or 'not reached'. */
export function fmt(t: number | null): string {
  return t === null ? 'not reached' : `${(t * 1e3).toFixed(3)} ms`;
}
