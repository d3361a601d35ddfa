import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStudyActiveLearning } from '../src/cli/workflows/learn-study.ts';
import { designFor } from '../surrogates/inverse/inverse.ts';
import { verifyDesign } from '../src/cli/workflows/verify-design.ts';
import { loadModel } from '../surrogates/store.ts';
import { trainSurrogates } from '../surrogates/train-surrogates.ts';
import { readStudyTable } from '../src/store/table.ts';
import { loadStudy } from '../workers/run-points.ts';

/** Writes dir/study.json: the test-quadratic chain over x ∈ [−1, 2] and y ∈ [−1, 1] (uniform), 4 samples, seed 2; returns its path. */
async function writeQuadraticStudy(dir: string, name: string, fixed: Record<string, unknown>): Promise<string> {
  const study = {
    name,
    chain: ['test-quadratic'],
    fixed: { 'test-quadratic': fixed },
    varied: [
      { name: 'x', set: ['test-quadratic.x'], distribution: 'uniform', min: -1, max: 2 },
      { name: 'y', set: ['test-quadratic.y'], distribution: 'uniform', min: -1, max: 1 },
    ],
    samples: 4,
    seed: 2,
  };
  const file = join(dir, 'study.json');
  await writeFile(file, JSON.stringify(study));
  return file;
}

describe('learn, train and design-for --verify on a study folder (through runPoints)', () => {
  it('learns only the key outputs by default, counts every simulation it runs and says per output whether it beat Sobol', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolab-learn-'));
    try {
      // run_threads is a numeric output too, but not one anyone asked to learn.
      const file = await writeQuadraticStudy(dir, 'learn-count', { sleepMs: 0, reportThreads: true });
      const r = await runStudyActiveLearning(file, { budget: 10, batch: 4, init: 6, testPoints: 12, seed: 1, dir, workers: 1, restarts: 0 });
      expect(r.summary.outputs).toEqual(['f', 'g']);
      // 10 for the budget, 4 more Sobol points beyond the 6 shared, 12 test points.
      expect(r.summary.simulations).toEqual({ budget: 10, active: 10, sobolComparison: 4, test: 12, total: 26 });
      expect((await readStudyTable(dir)).rows.length).toBe(26);
      expect(r.summary.verdicts.map((v) => v.output)).toEqual(['f', 'g']);
      for (const v of r.summary.verdicts) {
        expect(v.beat).toBe(v.activeRmse < v.sobolRmse);
        expect(v.reasons.length > 0).toBe(!v.beat);
      }
      const report = await readFile(join(r.reportDir, 'report.md'), 'utf8');
      expect(report).toContain('Simulations run: 26 in all: 10 by active learning (the budget of 10, initial design included), 4 more for the Sobol comparison');
      expect(report).toMatch(/- f: active learning (beat|did \*\*not\*\* beat) Sobol \(held-out RMSE/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('simulates the test set, the initial design and the chosen batches into the study folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolab-learn-'));
    try {
      const file = await writeQuadraticStudy(dir, 'learn-quadratic', { sleepMs: 0 });
      expect(loadStudy(file).name).toBe('learn-quadratic');
      const r = await runStudyActiveLearning(file, { budget: 10, batch: 4, init: 6, testPoints: 20, seed: 1, outputs: ['f'], dir, workers: 1, compareSobol: false, restarts: 1 });
      expect(r.summary.active.map((p) => p.simulations)).toEqual([6, 10]);
      // f is a quadratic: 10 well-placed points give a GP good to a few percent of its range (~8).
      expect(r.summary.active[1]!.testRmse.f!).toBeLessThan(0.2);
      const table = await readStudyTable(dir);
      expect(table.rows.length).toBe(30);
      expect(await readFile(join(r.reportDir, 'report.md'), 'utf8')).toContain('| simulations | active RMSE f | LOO RMSE f |');

      // Train on the study folder, design for a target and verify it with the real chain.
      const out = join(dir, 'model');
      const s = await trainSurrogates({ data: dir, inputs: ['x', 'y'], outputs: ['f'], models: ['gpr'], cv: 3, seed: 1, outDir: out, explain: false, learningCurve: false });
      expect(s.data.study?.name).toBe('learn-quadratic');
      expect(s.models[0]!.simSecondsPerPoint).not.toBeNull();
      const { model, card } = await loadModel(out);
      expect(card.data.study?.file).toBe(file);
      const design = designFor(model, card.inputBox, [{ output: 'f', lo: 1, hi: 1.5 }], { y: 0 }, { seed: 1 });
      const v = await verifyDesign(card, design, { workers: 1 });
      expect(v.study.sameAsTraining).toBe(true);
      expect(v.failed).toBe(0);
      // The simulated f at the answer is (x−1)² + 0.5 exactly (noise 0, y fixed at 0).
      expect(v.perOutput.f!.simulated).toBeCloseTo((design.best.inputs.x! - 1) ** 2 + 0.5, 10);
      expect(v.perOutput.f!.inTarget).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
