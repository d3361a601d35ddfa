import { describe, expect, it } from 'vitest';
import { createCompute } from '../../../src/gpu/backend.ts';
import { Rng } from '../../../src/random/rng.ts';
import { createVolume, LABEL } from '../../../src/volume/volume.ts';
import { fillLbm } from '../../../sims/filling/lbm/fill.ts';
import { NOT_REACHED, runLiveLbm } from './lbm-live.ts';
import type { LbmFrame } from './lbm-live.ts';

/** 8×8×10 active material with one straight 4×4 pore along z: it fills from z = 0 upwards. */
function channel() {
  const v = createVolume([8, 8, 10], 2e-6);
  v.labels.fill(LABEL.am);
  for (let z = 0; z < 10; z++) for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) v.labels[x + 8 * (y + 8 * z)] = LABEL.pore;
  return v;
}

describe('live LBM (the viewer worker loop) on gpu.js kernels, cpu mode', () => {
  it('gives the same saturation curve as fill --model lbm, and arrival times that rise along the channel', async () => {
    const volume = channel();
    const compute = await createCompute({ backend: 'cpu' });
    try {
      const frames: LbmFrame[] = [];
      const live = await runLiveLbm(volume, compute, { contactAngle: { am: 30 }, inletPressure: 0, maxSteps: 300, stepsPerFrame: 50, engine: 'kernels', reservoirLayers: 4 }, (f) => void frames.push(f));
      const ref = await fillLbm(volume, { contactAngle: { am: 30 }, steps: 300, engine: 'kernels', plateau: { window: 10_000, tolerance: 0 } }, { rng: new Rng(0), compute });
      expect(live.backend).toBe('cpu');
      expect(live.steps).toBe(300);
      expect(frames.map((f) => f.step)).toEqual([0, 50, 100, 150, 200, 250, 300]);
      expect(ref.curve.map((p) => p.step)).toEqual([0, 50, 100, 150, 200, 250, 300]);
      // Same lattice, same kernels, same order of operations: equal to float32 rounding.
      frames.forEach((f, k) => {
        expect(f.saturation).toBeCloseTo(ref.curve[k]!.saturation, 6);
        expect(f.t).toBeCloseTo(ref.curve[k]!.t, 15);
      });
      expect(frames[6]!.saturation).toBeGreaterThan(frames[0]!.saturation + 0.1);
      const last = frames[frames.length - 1]!.arrival;
      // Every voxel the reference saw arrive, this run saw arrive at the same time; solid stays 0.
      for (let v = 0; v < last.length; v++) {
        if (volume.labels[v] !== LABEL.pore) expect(last[v]).toBe(0);
        else if (Number.isFinite(ref.arrivalTime[v])) expect(last[v]).toBeCloseTo(ref.arrivalTime[v]!, 12);
        else expect(last[v]).toBe(NOT_REACHED);
      }
      // Along the channel axis, a layer nearer the separator is wetted no later than the next one.
      const layerArrival = (z: number): number => last[3 + 8 * (3 + 8 * z)]!;
      for (let z = 1; z < 10; z++) expect(layerArrival(z)).toBeGreaterThanOrEqual(layerArrival(z - 1));
      expect(layerArrival(0)).toBeLessThan(NOT_REACHED);
    } finally {
      compute.destroy();
    }
  });

  it('stops when asked, after the frame in progress', async () => {
    const compute = await createCompute({ backend: 'cpu' });
    try {
      let frames = 0;
      const r = await runLiveLbm(channel(), compute, { contactAngle: { am: 30 }, inletPressure: 0, maxSteps: 1000, stepsPerFrame: 20, engine: 'kernels' }, () => void frames++, () => frames >= 2);
      expect(frames).toBe(2);
      expect(r.steps).toBe(20);
    } finally {
      compute.destroy();
    }
  });
});
