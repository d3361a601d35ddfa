/// <reference types="@webgpu/types" />
import { hasWebGpuDriver, vulkanSkipNote } from '../../../test/helpers/vulkan.ts';
import { describe, expect, it } from 'vitest';
import { requestNodeWebGpuDevice } from '../../../src/gpu/webgpu-device.ts';
import { createVolume, LABEL } from '../../../src/volume/volume.ts';
import { runLiveLbm } from './lbm-live.ts';
import type { LbmFrame } from './lbm-live.ts';

const hasVulkan = hasWebGpuDriver();

/** 8×8×10 active material with one straight 4×4 pore along z (as lbm-live.test.ts). */
function channel() {
  const v = createVolume([8, 8, 10], 2e-6);
  v.labels.fill(LABEL.am);
  for (let z = 0; z < 10; z++) for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) v.labels[x + 8 * (y + 8 * z)] = LABEL.pore;
  return v;
}

describe.skipIf(!hasVulkan)(`live LBM on the WGSL engine (SwiftShader without a GPU)${vulkanSkipNote()}`, () => {
  it('gives the saturation curve of the typed-array engine', async () => {
    const d = await requestNodeWebGpuDevice();
    expect(d.device, 'why' in d ? d.why : '').toBeTruthy();
    const device = d.device!;
    try {
      const opts = { contactAngle: { am: 30 }, inletPressure: 0, maxSteps: 200, stepsPerFrame: 50, reservoirLayers: 4 };
      const wgsl: LbmFrame[] = [];
      const cpu: LbmFrame[] = [];
      const a = await runLiveLbm(channel(), undefined, { ...opts, engine: 'webgpu', device }, (f) => void wgsl.push(f));
      await runLiveLbm(channel(), undefined, { ...opts, engine: 'typed-array' }, (f) => void cpu.push(f));
      expect(a.backend).toMatch(/^webgpu wgsl/);
      expect(wgsl.map((f) => f.step)).toEqual([0, 50, 100, 150, 200]);
      // FP32 against FP64 arithmetic: saturation to ~1e-5.
      wgsl.forEach((f, k) => expect(Math.abs(f.saturation - cpu[k]!.saturation)).toBeLessThan(1e-4));
      expect(wgsl[4]!.saturation).toBeGreaterThan(wgsl[0]!.saturation + 0.05);
    } finally {
      device.destroy();
    }
  });
});
