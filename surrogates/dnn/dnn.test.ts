import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smoothDataset } from '../data/synthetic.ts';
import { probeTfBackends, selectTfBackend } from '../tf/backend.ts';
import { hasWebGpuDriver, vulkanSkipNote } from '../../test/helpers/vulkan.ts';
import { getWebGpuDevice } from '../../src/gpu/webgpu-device.ts';
import { fitDnn, loadDnn } from './model.ts';
import { writeModelFiles } from '../store.ts';
import { regressionMetrics } from '../judge/metrics.ts';

/** R² of predictions `p` against `y`, by the library's metric. */
const r2 = (y: number[], p: number[]): number => regressionMetrics(y, p).r2;

describe('DNN surrogate', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`reaches R² > 0.95 on a smooth synthetic problem (${backend} backend), saves and reloads`, async () => {
      expect(await selectTfBackend(backend)).toBe(backend);
      const train = smoothDataset(200, 3, 0.01, 31);
      const test = smoothDataset(200, 3, 0.01, 32);
      const model = await fitDnn(train.x, train.y, ['a', 'b', 'c'], ['y'], { seed: 3, ensemble: 2, layers: [32, 32], maxEpochs: 80, patience: 20, batchSize: 64, learningRate: 0.02 });
      expect(model.meta.backend).toBe(backend);
      const pred = model.predict(test.x);
      const score = r2(test.y.map((r) => r[0]!), pred.mean.map((r) => r[0]!));
      expect(score).toBeGreaterThan(0.95);
      expect(pred.std.every((r) => r[0]! > 0)).toBe(true);
      const dir = await mkdtemp(join(tmpdir(), 'mesolab-dnn-'));
      try {
        await writeModelFiles(dir, model);
        const again = await loadDnn(dir);
        const p2 = again.predict(test.x.slice(0, 10));
        for (let i = 0; i < 10; i++) expect(p2.mean[i]![0]!).toBeCloseTo(pred.mean[i]![0]!, 5);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it.skipIf(!hasWebGpuDriver())(`trains on the webgpu backend when asked (SwiftShader here), records it and the adapter, predicts after a reload${vulkanSkipNote()}`, async () => {
    expect(await selectTfBackend('webgpu')).toBe('webgpu');
    const train = smoothDataset(120, 2, 0.01, 41);
    const model = await fitDnn(train.x, train.y, ['a', 'b'], ['y'], { seed: 5, ensemble: 1, layers: [16, 16], maxEpochs: 5, patience: 5 });
    expect(model.meta.backend).toBe('webgpu');
    expect(model.meta.backendDevice).toMatch(/\S/);
    expect(model.describe()['backend']).toBe('webgpu');
    // predict() is synchronous: the members were moved to a backend that reads synchronously.
    const pred = model.predict(train.x.slice(0, 4));
    expect(pred.mean.every((r) => Number.isFinite(r[0]))).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'mesolab-dnn-'));
    try {
      await writeModelFiles(dir, model);
      const again = await loadDnn(dir);
      expect(again.meta.backend).toBe('webgpu');
      const p2 = again.predict(train.x.slice(0, 4));
      for (let i = 0; i < 4; i++) expect(p2.mean[i]![0]!).toBeCloseTo(pred.mean[i]![0]!, 5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasWebGpuDriver())(`auto selection skips a software WebGPU adapter with the reason, takes a hardware one${vulkanSkipNote()}`, async () => {
    const { report } = await getWebGpuDevice();
    const probes = await probeTfBackends();
    const webgpu = probes.find((p) => p.backend === 'webgpu')!;
    expect(webgpu.available).toBe(!report.software);
    if (report.software) expect(webgpu.error).toMatch(/software adapter/);
    expect(probes.find((p) => p.backend === 'wasm')!.available).toBe(true);
  });

  it('trains the same network twice under the same seed', async () => {
    await selectTfBackend('cpu');
    const train = smoothDataset(60, 2, 0.01, 5);
    const opts = { seed: 11, ensemble: 1, layers: [16], maxEpochs: 20, patience: 20, dropout: 0.1 };
    const a = await fitDnn(train.x, train.y, ['a', 'b'], ['y'], opts);
    const b = await fitDnn(train.x, train.y, ['a', 'b'], ['y'], opts);
    expect(a.predict(train.x.slice(0, 5)).mean).toEqual(b.predict(train.x.slice(0, 5)).mean);
  });
});
