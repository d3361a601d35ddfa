import { describe, expect, it } from 'vitest';
import { createCompute } from '../../../src/gpu/backend.ts';
import { Rng } from '../../../src/random/rng.ts';
import type { Volume } from '../../../src/volume/volume.ts';
import { generateElectrode } from '../../mesostructure/generate.ts';
import { fillLbm } from './fill.ts';
import { quarterShares } from '../common/depth-profile.ts';

/**
 * The filling front on whole generated electrodes: electrolyte must arrive only behind its own
 * front. The contract (issue "Lattice-Boltzmann filling that is right"): while the saturation is
 * below 0.5, the quarter of the thickness next to the gas outlet holds under 2 % of its pore
 * volume, and the filled share never rises with depth. Before the fix the outlet quarter of a 64³
 * electrode held 9.7–17 % at saturation 0.23, more than the middle quarters, from electrolyte
 * condensing out of the gas near the outlet.
 */

const compute = await createCompute({ backend: 'cpu' });

async function electrode(seed: number, calendering: number): Promise<Volume> {
  const r = await generateElectrode(
    { shape: [32, 32, 40], voxelSizeUm: 0.5, d50Um: 4, span: 1.1, porosity: 0.45, cbdFraction: 0.12, cbdMorphology: 'bridge', calenderingPercent: calendering, seed },
    { rng: new Rng(seed), compute },
  );
  return r.volume;
}

const cases = [
  { seed: 1, calendering: 0, am: 10, cbd: 30, lateral: 'periodic' as const },
  { seed: 2, calendering: 20, am: 45, cbd: 60, lateral: 'wall' as const },
  { seed: 3, calendering: 0, am: 20, cbd: 80, lateral: 'wall' as const },
  { seed: 4, calendering: 20, am: 80, cbd: 80, lateral: 'periodic' as const },
];

describe('LBM filling front on generated electrodes (several seeds, angles 10–80°, both lateral boundaries)', () => {
  for (const c of cases) {
    it(`seed ${c.seed}, ${c.calendering} % calendered, θ am ${c.am}° cbd ${c.cbd}°, ${c.lateral} sides: nothing ahead of the front`, async () => {
      const volume = await electrode(c.seed, c.calendering);
      const r = await fillLbm(volume, { contactAngle: { am: c.am, cbd: c.cbd }, lateral: c.lateral, steps: 3200, snapshotEvery: 200 }, { rng: new Rng(1), compute });
      let checked = 0;
      r.snapshots.forEach((snap, k) => {
        const step = r.snapshotSteps[k]!;
        const saturation = r.curve.find((p) => p.step === step)?.saturation ?? 1;
        if (saturation >= 0.5) return;
        const q = quarterShares(volume, snap);
        const where = `step ${step}, saturation ${saturation.toFixed(3)}, quarters ${q.map((x) => x.toFixed(4)).join(' / ')}`;
        expect(q[3]!, where).toBeLessThan(0.02);
        // Non-increasing with depth, to within the 8-bit rounding of the snapshots.
        for (let j = 1; j < 4; j++) expect(q[j]!, where).toBeLessThanOrEqual(q[j - 1]! + 0.002);
        checked++;
      });
      expect(checked).toBeGreaterThan(3);
      // The wetting cases must actually fill: the front has left the first quarter.
      if (c.am <= 45) expect(r.saturation).toBeGreaterThan(0.1);
    }, 300_000);
  }
});
