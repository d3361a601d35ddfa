import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchRun, type Figure, runStandalone, summarize, time } from './lib.ts';
import { smoothDataset, toCsv } from '../surrogates/data/synthetic.ts';
import { fitDnn } from '../surrogates/dnn/model.ts';
import { fitGpr } from '../surrogates/gpr/model.ts';
import { regressionMetrics } from '../surrogates/judge/metrics.ts';
import { selectTfBackend, tf } from '../surrogates/tf/backend.ts';

/**
 * GPR against scikit-learn on the anchor problem (Matérn 5/2 ARD + white noise, 3 restarts,
 * 250 points × 8 inputs, the same data through a CSV), DNN epoch time on the tfjs backend that
 * loads, and prediction throughput.
 */
const SKLEARN_PY = fileURLToPath(new URL('./gpr_sklearn.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

interface SklearnResult {
  sklearn: string;
  lml: number;
  r2: number;
  fit_seconds: number;
  predict_seconds_per_point_batch: number;
  predict_seconds_single_point: number;
}

function runSklearn(train: string, test: string): SklearnResult | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, [SKLEARN_PY, train, test, '--kernel', 'matern52', '--restarts', '3', '--seed', '0'], { encoding: 'utf8' });
  if (r.status !== 0) return (r.stderr || r.stdout || 'failed').trim().split('\n').pop()!;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as SklearnResult;
}

export const run: BenchRun = async ({ quick }) => {
  const figures: Figure[] = [];
  const train = smoothDataset(250, 8, 0.05, 11);
  const test = smoothDataset(200, 8, 0.05, 12);
  const names = Array.from({ length: 8 }, (_, k) => `x${k}`);
  const dir = await mkdtemp(join(tmpdir(), 'mesolab-bench-gpr-'));
  try {
    const trainCsv = join(dir, 'train.csv');
    const testCsv = join(dir, 'test.csv');
    await writeFile(trainCsv, toCsv([...names, 'y'], train.x.map((r, i) => [...r, train.y[i]![0]!])));
    await writeFile(testCsv, toCsv([...names, 'y'], test.x.map((r, i) => [...r, test.y[i]![0]!])));

    let model = fitGpr(train.x, train.y, names, ['y'], { kernel: 'matern52', restarts: 3, seed: 0 });
    const fit = await time(() => {
      model = fitGpr(train.x, train.y, names, ['y'], { kernel: 'matern52', restarts: 3, seed: 0 });
    }, quick ? 1 : 3);
    const lml = model.state.perOutput[0]!.lml;
    const r2 = regressionMetrics(test.y.map((r) => r[0]!), model.predictMean(test.x).map((r) => r[0]!)).r2;
    const sk = runSklearn(trainCsv, testCsv);
    const fitFigure: Figure = { name: 'GPR fit, Matérn 5/2 ARD + white, 3 restarts, 250×8', unit: 'ms', ...fit, note: `LML ${lml.toFixed(4)}, test R² ${r2.toFixed(4)}, ${model.state.perOutput[0]!.optimizer.evaluations} LML evaluations` };
    if (typeof sk === 'string') fitFigure.note += `; scikit-learn not run: ${sk}`;
    else {
      fitFigure.ratio = { to: `scikit-learn ${sk.sklearn} fit (${(sk.fit_seconds * 1000).toFixed(0)} ms)`, value: fit.median / (sk.fit_seconds * 1000) };
      fitFigure.note += `; scikit-learn LML ${sk.lml.toFixed(4)} (diff ${((100 * Math.abs(lml - sk.lml)) / Math.abs(sk.lml)).toFixed(3)}%), R² ${sk.r2.toFixed(4)}`;
    }
    figures.push(fitFigure);

    const batch = Array.from({ length: 1000 }, (_, i) => test.x[i % test.x.length]!);
    const predBatch = await time(() => model.predict(batch), quick ? 3 : 7, 1);
    const single = await time(() => {
      for (let i = 0; i < 200; i++) model.predict([test.x[i % test.x.length]!]);
    }, quick ? 3 : 7, 1);
    const batchFig: Figure = { name: 'GPR predict mean+std, batch of 1000 (n=250)', unit: 'µs/point', median: predBatch.median, min: predBatch.min, max: predBatch.max, repeats: predBatch.repeats };
    const singleFig: Figure = { name: 'GPR predict mean+std, one point (n=250)', unit: 'µs/point', median: single.median * 5, min: single.min * 5, max: single.max * 5, repeats: single.repeats };
    if (typeof sk !== 'string') {
      batchFig.ratio = { to: 'scikit-learn predict(return_std=True), same batch', value: batchFig.median / (sk.predict_seconds_per_point_batch * 1e6) };
      singleFig.ratio = { to: 'scikit-learn predict(return_std=True), one point', value: singleFig.median / (sk.predict_seconds_single_point * 1e6) };
    }
    figures.push(batchFig, singleFig);

    const backend = await selectTfBackend();
    // Reference for the machine's tfjs speed: a 512×512 matmul on the same backend.
    const a = tf.randomNormal([512, 512], 0, 1, 'float32', 1);
    const mm = await time(() => tf.tidy(() => tf.matMul(a, a).dataSync()), quick ? 3 : 7, 1);
    a.dispose();
    const epochs = quick ? 10 : 40;
    const dnn = await fitDnn(train.x, train.y, names, ['y'], { seed: 1, ensemble: 1, maxEpochs: epochs, patience: epochs });
    const perEpoch = summarize(dnn.meta.members.map((m) => m.secondsPerEpoch * 1000));
    figures.push({ name: `DNN epoch, 64-64 tanh MLP, 250×8, batch 32, tfjs ${backend}`, unit: 'ms', ...perEpoch, ratio: { to: `one 512×512 matmul on tfjs ${backend} (${mm.median.toFixed(2)} ms)`, value: perEpoch.median / mm.median }, note: `${epochs} epochs` });
    const dnnBatch = await time(() => dnn.predict(batch), quick ? 3 : 7, 1);
    figures.push({ name: `DNN predict, batch of 1000, tfjs ${backend}`, unit: 'µs/point', median: dnnBatch.median, min: dnnBatch.min, max: dnnBatch.max, repeats: dnnBatch.repeats, ratio: { to: 'GPR batch predict', value: dnnBatch.median / predBatch.median } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
