import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smoothDataset } from './data/synthetic.ts';
import { transformingTrainer } from './output-transforms.ts';
import { loadModel, saveModel, type ModelCard } from './store.ts';
import { makeTrainer } from './trainers.ts';

const SURROGATES = new URL('.', import.meta.url);

/** The smallest card loadModel accepts: what it reads is format and kind. */
function cardFor(kind: ModelCard['kind'], inputs: string[], outputs: string[]): ModelCard {
  return { format: 'mesolab-surrogate', version: 1, kind, inputs, outputs } as unknown as ModelCard;
}

describe('model files are written by surrogates/store.ts, not by the models', () => {
  it('no model module writes files (the store writes what files() returns)', async () => {
    const modelModules = ['gpr/model.ts', 'linear/model.ts', 'dnn/model.ts', 'multifidelity/ar1.ts', 'output-transforms.ts'];
    for (const m of modelModules) {
      const source = await readFile(new URL(m, SURROGATES), 'utf8');
      expect({ module: m, writes: /\b(writeFile|mkdir|appendFile|createWriteStream|writeFileSync)\b/.test(source) }).toEqual({ module: m, writes: false });
    }
  });

  it('a GP with a log-transformed output round-trips through saveModel/loadModel: the same files and the same predictions', async () => {
    const data = smoothDataset(40, 2, 0.01, 5);
    // smoothFunction is positive on the unit square, so a log transform is valid for it.
    const y = data.y.map((r) => [Math.exp(r[0]!)]);
    const trainer = transformingTrainer(makeTrainer('gpr', { gpr: { restarts: 1 } }), { tau: { kind: 'log', reason: 'test' } });
    const model = await trainer.fit(data.x, y, ['a', 'b'], ['tau'], 1);
    const dir = await mkdtemp(join(tmpdir(), 'mesolab-store-'));
    try {
      await saveModel(dir, model, cardFor('gpr', ['a', 'b'], ['tau']));
      expect((await readdir(dir)).sort()).toEqual(['gpr.json', 'output-transforms.json', 'surrogate.json']);
      const { model: again } = await loadModel(dir);
      const q = data.x.slice(0, 8);
      const before = model.predict(q);
      const after = again.predict(q);
      for (let i = 0; i < q.length; i++) {
        expect(after.mean[i]![0]!).toBeCloseTo(before.mean[i]![0]!, 10);
        expect(after.std[i]![0]!).toBeCloseTo(before.std[i]![0]!, 10);
        // In physical units: exp of the learned log stays positive.
        expect(after.mean[i]![0]!).toBeGreaterThan(0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a linear model without transforms writes only linear.json beside its card', async () => {
    const data = smoothDataset(30, 3, 0.01, 9);
    const model = await makeTrainer('linear').fit(data.x, data.y, ['a', 'b', 'c'], ['y'], 0);
    const files = await model.files();
    expect(files.map((f) => f.path)).toEqual(['linear.json']);
    const dir = await mkdtemp(join(tmpdir(), 'mesolab-store-'));
    try {
      await saveModel(dir, model, cardFor('linear', ['a', 'b', 'c'], ['y']));
      const { model: again } = await loadModel(dir);
      expect(again.predict(data.x.slice(0, 5)).mean).toEqual(model.predict(data.x.slice(0, 5)).mean);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
