import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchRun, type Figure, machine, runStandalone, summarize, time } from './lib.ts';
import { applyUnitCube } from '../surrogates/data/scalers.ts';
import { smoothDataset, toCsv } from '../surrogates/data/synthetic.ts';
import { fitDnn } from '../surrogates/dnn/model.ts';
import { toTheta } from '../surrogates/gpr/covariance.ts';
import { LmlWorkspace } from '../surrogates/gpr/likelihood.ts';
import { fitGpr } from '../surrogates/gpr/model.ts';
import { warmStartHelpers } from '../surrogates/gpr/parallel-starts.ts';
import { regressionMetrics } from '../surrogates/judge/metrics.ts';
import { selectTfBackend, tf } from '../surrogates/tf/backend.ts';

/**
 * GPR against scikit-learn on the anchor problem (Matérn 5/2 ARD + white noise, 3 restarts,
 * 250 points × 8 inputs, the same data through a CSV): fit time on all cores and on one, one
 * likelihood + gradient evaluation at the same θ in both, prediction throughput; then DNN epoch
 * time on the tfjs backend that loads.
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

/** scikit-learn's log_marginal_likelihood(θ, eval_gradient=True) on the same scaled data, timed in Python. */
const SKLEARN_LML_PY = `
import json, sys, time
import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
tr = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
x, y = tr[:, :-1], tr[:, -1]
lo, hi = x.min(axis=0), x.max(axis=0)
xs = (x - lo) / np.where(hi > lo, hi - lo, 1.0)
theta = np.array(json.loads(sys.argv[2]))
reps = int(sys.argv[3])
d = x.shape[1]
k = ConstantKernel(1.0, (1e-5, 1e5)) * Matern(np.ones(d), (1e-5, 1e5), nu=2.5) + WhiteKernel(1.0, (1e-5, 1e5))
gp = GaussianProcessRegressor(kernel=k, optimizer=None, normalize_y=True).fit(xs, y)
v, g = gp.log_marginal_likelihood(theta, eval_gradient=True)
ts = []
for _ in range(reps):
    t0 = time.perf_counter()
    gp.log_marginal_likelihood(theta, eval_gradient=True)
    ts.append(time.perf_counter() - t0)
print(json.dumps({"lml": float(v), "seconds": sorted(ts)[len(ts) // 2]}))
`;

function sklearnEvaluation(train: string, theta: ArrayLike<number>, repeats: number): { lml: number; seconds: number } | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', SKLEARN_LML_PY, train, JSON.stringify(Array.from(theta)), String(repeats)], { encoding: 'utf8' });
  if (r.status !== 0) return (r.stderr || r.stdout || 'failed').trim().split('\n').pop()!;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { lml: number; seconds: number };
}

const pct = (a: number, b: number): string => `${((100 * Math.abs(a - b)) / Math.abs(b)).toExponential(1)}%`;

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

    // All cores explicitly: the library default drops to one thread on a saturated machine.
    const threads = machine().cpus;
    const load = loadavg()[0]!;
    const t0 = performance.now();
    await warmStartHelpers(threads);
    const helperStartMs = performance.now() - t0;
    const opts = { kernel: 'matern52', restarts: 3, seed: 0, threads } as const;
    let model = fitGpr(train.x, train.y, names, ['y'], opts);
    const repeats = quick ? 1 : 5;
    const fit = await time(() => {
      model = fitGpr(train.x, train.y, names, ['y'], opts);
    }, repeats);
    const serial = await time(() => fitGpr(train.x, train.y, names, ['y'], { ...opts, threads: 1 }), quick ? 1 : 3);
    const state = model.state.perOutput[0]!;
    const r2 = regressionMetrics(test.y.map((r) => r[0]!), model.predictMean(test.x).map((r) => r[0]!)).r2;
    const skRuns: SklearnResult[] = [];
    let skError: string | undefined;
    for (let i = 0; i < (quick ? 1 : 3) && !skError; i++) {
      const sk = runSklearn(trainCsv, testCsv);
      if (typeof sk === 'string') skError = sk;
      else skRuns.push(sk);
    }
    const sk = skRuns[0];
    const skFitMs = skRuns.length ? summarize(skRuns.map((s) => s.fit_seconds * 1000)).median : NaN;
    const fitNote = `LML ${state.lml.toFixed(6)}, test R² ${r2.toFixed(6)}, ${state.optimizer.evaluations} LML evaluations over ${state.optimizer.starts} starts`;
    const fitFigure: Figure = { name: `GPR fit, Matérn 5/2 ARD + white, 3 restarts, 250×8, ${threads} thread(s)`, unit: 'ms', ...fit, note: `${fitNote}; helper thread start-up ${helperStartMs.toFixed(0)} ms once per process (not in the timing); 1-min load average ${load.toFixed(1)} at start (helpers only help with a free core)` };
    const serialFigure: Figure = { name: 'GPR fit, same problem, 1 thread', unit: 'ms', ...serial };
    if (!sk) fitFigure.note += `; scikit-learn not run: ${skError}`;
    else {
      const to = `scikit-learn ${sk.sklearn} fit, same data/kernel/restarts (median of ${skRuns.length}: ${skFitMs.toFixed(0)} ms)`;
      fitFigure.ratio = { to, value: fit.median / skFitMs };
      serialFigure.ratio = { to, value: serial.median / skFitMs };
      fitFigure.note += `; scikit-learn LML ${sk.lml.toFixed(6)} (diff ${pct(state.lml, sk.lml)}), R² ${sk.r2.toFixed(6)} (diff ${Math.abs(r2 - sk.r2).toExponential(1)})`;
    }
    figures.push(fitFigure, serialFigure);

    // One likelihood + gradient at the fitted θ, on exactly the data the optimizer sees.
    const xs = applyUnitCube(model.state.xScaler, train.x);
    const ysc = model.state.yScalers[0]!;
    const ys = Float64Array.from(train.y, (r) => (r[0]! - ysc.mean) / ysc.std);
    const theta = toTheta(state.params);
    const workspace = new LmlWorkspace('matern52', xs, ys, 8);
    const perEval = 20;
    const evalTiming = await time(() => {
      for (let i = 0; i < perEval; i++) workspace.evaluate(theta);
    }, quick ? 3 : 9, 1);
    const ours = workspace.evaluate(theta).value;
    const evalFigure: Figure = { name: 'GPR LML + gradient, one evaluation, n=250, d=8', unit: 'ms', median: evalTiming.median / perEval, min: evalTiming.min / perEval, max: evalTiming.max / perEval, repeats: evalTiming.repeats, note: `LML at θ ${ours.toFixed(6)}` };
    const skEval = sklearnEvaluation(trainCsv, theta, quick ? 20 : 100);
    if (typeof skEval === 'string') evalFigure.note += `; scikit-learn not run: ${skEval}`;
    else {
      evalFigure.ratio = { to: `scikit-learn log_marginal_likelihood(θ, eval_gradient=True) (${(skEval.seconds * 1000).toFixed(2)} ms)`, value: evalFigure.median / (skEval.seconds * 1000) };
      evalFigure.note += `, scikit-learn ${skEval.lml.toFixed(6)} (diff ${pct(ours, skEval.lml)})`;
    }
    figures.push(evalFigure);

    const batch = Array.from({ length: 1000 }, (_, i) => test.x[i % test.x.length]!);
    const predBatch = await time(() => model.predict(batch), quick ? 3 : 7, 1);
    const single = await time(() => {
      for (let i = 0; i < 200; i++) model.predict([test.x[i % test.x.length]!]);
    }, quick ? 3 : 7, 1);
    const batchFig: Figure = { name: 'GPR predict mean+std, batch of 1000 (n=250)', unit: 'µs/point', median: predBatch.median, min: predBatch.min, max: predBatch.max, repeats: predBatch.repeats };
    const singleFig: Figure = { name: 'GPR predict mean+std, one point (n=250)', unit: 'µs/point', median: single.median * 5, min: single.min * 5, max: single.max * 5, repeats: single.repeats };
    if (sk) {
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
