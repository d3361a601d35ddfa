import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../src/errors.ts';
import { runHash, stageFolder } from '../src/output-files.ts';
import { loadDataset, trainingData, type TrainingData } from './data/table.ts';
import { explainModel } from './explain/summary.ts';
import { crossValidate, learningCurve, type ParityRow } from './judge/cv.ts';
import { kFolds } from './judge/folds.ts';
import type { OutputMetrics } from './judge/metrics.ts';
import { varianceInflation } from './judge/vif.ts';
import { MODEL_KINDS, type ModelKind, type Surrogate } from './model.ts';
import { COVERAGE_RANGE, coverageOk, writeReport, type ReportExtras } from './report/card.ts';
import { DISCHARGE_CURVES_COLUMN, parseDischargeCurves } from '../src/study/cell-columns.ts';
import { chooseOutputTransforms, transformingTrainer, type OutputTransform } from './output-transforms.ts';
import { replicateNoise, type ReplicateNoise } from '../src/study/noise.ts';
import { SUMMARY_FILE, saveModel, writeParity, writeTrainingData, type ModelCard } from './store.ts';
import { makeTrainer, type TrainerOptions } from './trainers.ts';

export type { ModelKind } from './model.ts';
export type { OutputMetrics } from './judge/metrics.ts';

/**
 * Training entry point shared by `mesolab train` and `mesolab study`: loads a table, judges each
 * requested model by seeded k-fold cross-validation, fits it on all rows and writes one model
 * directory per model kind with its report card.
 */
export interface TrainOptions {
  /** Study directory, .csv or .parquet file. */
  data: string;
  inputs: string[];
  outputs: string[];
  models: ModelKind[];
  cv: number;
  seed: number;
  /** One model: the model directory itself. Several: one sub-directory per kind plus summary.json. */
  outDir: string;
  log?: (line: string) => void;
  /** Options per model kind (GPR kernel and restarts, DNN layers, quadratic linear features). */
  trainer?: Omit<TrainerOptions, 'log'>;
  /** Mean seconds one simulation took, when the data has no run_seconds column. */
  simSeconds?: number;
  /** Column holding each row's simulation seconds (default run_seconds when present). */
  simSecondsColumn?: string;
  /** Learning curve (default true). */
  learningCurve?: boolean;
  /** Explanation summary in the report card (default true). */
  explain?: boolean;
  /**
   * Leave out rows whose chosen columns are not finite numbers instead of failing. Default: true
   * for study directories (a non-percolating structure's tortuosity is a legitimate Infinity),
   * false for CSV/Parquet, where such a cell is more likely a data error.
   */
  dropNonFinite?: boolean;
  /**
   * Replace a model folder trained on other data or with other options (default false: such a
   * folder is refused; one of this same training is replaced). The folder is always written
   * whole, under a temporary name renamed onto outDir at the end, so no stale file of an earlier
   * training survives and a killed training leaves the old folder as it was.
   */
  force?: boolean;
}

export interface TrainedModelSummary {
  kind: ModelKind;
  dir: string;
  cv: Record<string, OutputMetrics>;
  coverage95: Record<string, number>;
  predictSecondsPerPoint: number;
  simSecondsPerPoint: number | null;
  speedup: number | null;
  trainSeconds: number;
}

export interface TrainSummary {
  data: { source: string; rows: number; hash: string; study?: { name: string; hash: string } };
  inputs: string[];
  outputs: string[];
  folds: number;
  seed: number;
  /** The kind with the best mean CV R² over the outputs. */
  best: ModelKind;
  models: TrainedModelSummary[];
  vif: { input: string; vif: number; level: string }[];
}

export async function trainSurrogates(opts: TrainOptions): Promise<TrainSummary> {
  const log = opts.log ?? ((): void => undefined);
  if (opts.models.length === 0) throw new ConfigError('--model', '', `one or more of ${MODEL_KINDS.join(', ')}`);
  for (const m of opts.models) if (!MODEL_KINDS.includes(m)) throw new ConfigError('--model', m, `one of ${MODEL_KINDS.join(', ')}`);
  if (opts.simSeconds !== undefined && !(opts.simSeconds > 0)) throw new ConfigError('--sim-seconds', opts.simSeconds, 'a positive number of seconds');
  const ds = await loadDataset(opts.data);
  const td = trainingData(ds, opts.inputs, opts.outputs, opts.simSecondsColumn, opts.dropNonFinite ?? ds.source.kind === 'study');
  // A cell stage keeps each run's discharge curves as text; the report card draws a representative run's.
  const reportExtras: ReportExtras = ds.columns.includes(DISCHARGE_CURVES_COLUMN) ? { dischargeCurves: (row) => parseDischargeCurves(ds.rows[td.sourceRows[row]!]?.[DISCHARGE_CURVES_COLUMN]) } : {};
  if (td.droppedRows > 0) log(`left out ${td.droppedRows} row(s) with non-finite values in ${[...opts.inputs, ...opts.outputs].join(', ')}`);
  kFolds(td.x, opts.cv, opts.seed); // validates the fold count before any training
  // Refused here, before any training, if -o holds another output (or a file, or foreign files).
  const outDir = resolve(opts.outDir);
  const { log: _log, outDir: _out, force: _force, ...what } = opts;
  const staged = await stageFolder(outDir, { kind: 'model', run: runHash({ ...what, data: ds.hash }) }, { force: opts.force ?? false, field: '--output', recognise: ['surrogate.json', SUMMARY_FILE] });
  try {
    log(`data: ${ds.source.path} (${ds.source.kind}), ${td.x.length} rows, ${td.uniqueInputRows} unique input points, hash ${ds.hash}`);
    if (opts.models.includes('gpr') && td.x.length > 1500) log(`warning: GPR on ${td.x.length} rows: each likelihood evaluation is O(n³) (${((td.x.length / 250) ** 3).toFixed(0)}× the cost at 250 rows); expect a long fit`);
    const vif = varianceInflation(td.x, td.inputs);
    for (const v of vif) if (v.level !== 'ok') log(`warning: VIF of ${v.input} is ${v.vif.toPrecision(3)} (${v.level} multicollinearity, above ${v.level === 'high' ? 10 : 5})`);

    const simSecondsPerPoint = td.simSeconds ? td.simSeconds.reduce((s, v) => s + v, 0) / td.simSeconds.length : opts.simSeconds ?? null;
    const simSecondsSource = td.simSeconds ? `mean of column ${opts.simSecondsColumn ?? 'run_seconds'}` : opts.simSeconds !== undefined ? '--sim-seconds' : null;
    // Saturations and fractions learned as logits, times and τ as logs: predictions keep their bounds.
    const outputTransforms = chooseOutputTransforms(td.outputs, ds.units, td.y);
    for (const o of td.outputs) if (outputTransforms[o]!.kind !== 'identity') log(`${o}: learned as ${outputTransforms[o]!.kind}(${o}) (${outputTransforms[o]!.reason})`);
    const several = opts.models.length > 1;
    const models: TrainedModelSummary[] = [];
    // The ranges the study declares for its inputs: predictions are judged against these, not the
    // extremes a finite design happened to reach (a 0–25 % calendering study may sample 0.4–24.6 %).
    const declared = ds.source.study?.inputRanges ?? {};
    const declaredBox = Object.fromEntries(td.inputs.filter((c) => declared[c]).map((c) => [c, declared[c]!]));
    for (const kind of opts.models) {
      const dir = several ? join(outDir, kind) : outDir;
      const writeDir = several ? join(staged.path, kind) : staged.path;
      const trainer = transformingTrainer(makeTrainer(kind, { ...opts.trainer, log }), outputTransforms);
      const t0 = performance.now();
      if (kind === 'dnn') {
        const { selectTfBackend, tfBackendDevice } = await import('./tf/backend.ts');
        const tfBackend = await selectTfBackend();
        const device = tfBackendDevice(tfBackend);
        log(`dnn: training on the TensorFlow.js ${tfBackend} backend${device ? ` (${device})` : ''}`);
      }
      log(`${kind}: ${opts.cv}-fold cross-validation`);
      const cv = await crossValidate(trainer, td.x, td.y, td.inputs, td.outputs, opts.cv, opts.seed);
      const noise = noiseOf(td);
      for (const o of td.outputs) log(`${kind} ${o}: CV RMSE ${fmt(cv.metrics[o]!.rmse)}, MAE ${fmt(cv.metrics[o]!.mae)}, R² ${fmt(cv.metrics[o]!.r2)}, 95% coverage ${fmt(cv.coverage95[o]!)}${coverageOk(cv.coverage95[o]!) ? '' : ` (outside ${COVERAGE_RANGE[0]}–${COVERAGE_RANGE[1]}: the intervals are not honest)`}`);
      const lc = opts.learningCurve === false ? [] : await learningCurve(trainer, td.x, td.y, td.inputs, td.outputs, opts.cv, opts.seed, undefined, cv);
      const model = await trainer.fit(td.x, td.y, td.inputs, td.outputs, opts.seed);
      const trainSeconds = (performance.now() - t0) / 1000;
      const timing = predictionTiming(model, td);
      const speedup = simSecondsPerPoint === null ? null : simSecondsPerPoint / timing.single;
      const card: ModelCard = {
        format: 'mesolab-surrogate',
        version: 1,
        kind,
        created: new Date().toISOString(),
        inputs: td.inputs,
        outputs: td.outputs,
        units: Object.fromEntries([...td.inputs, ...td.outputs].filter((c) => ds.units[c]).map((c) => [c, ds.units[c]!])),
        inputBox: Object.fromEntries(td.inputs.map((c, k) => [c, range(td.x.map((r) => r[k]!))])),
        ...(Object.keys(declaredBox).length > 0 ? { declaredInputBox: declaredBox } : {}),
        data: {
          source: ds.source.path,
          sourceKind: ds.source.kind,
          hash: ds.hash,
          rows: td.x.length,
          uniqueInputRows: td.uniqueInputRows,
          replicateRows: td.replicateRows,
          droppedNonFiniteRows: td.droppedRows,
          ...(ds.source.study ? { study: { name: ds.source.study.name, hash: ds.source.study.hash, ...(ds.source.study.file ? { file: ds.source.study.file } : {}) } } : {}),
          outputRanges: Object.fromEntries(td.outputs.map((c, j) => [c, range(td.y.map((r) => r[j]!))])),
        },
        preprocessing: preprocessing(kind, outputTransforms),
        outputTransforms,
        hyperparameters: model.describe(),
        cv: { folds: cv.folds, seed: cv.seed, metrics: cv.metrics, coverage95: cv.coverage95 },
        ...(noise ? { noise } : {}),
        learningCurve: lc,
        vif,
        speedup: { simSecondsPerPoint, simSecondsSource, predictSecondsSinglePoint: timing.single, predictSecondsPerPointBatch: timing.batch, speedup },
        trainSeconds,
        seed: opts.seed,
      };
      if (opts.explain !== false) card.explanation = explainModel(model, td.x, td.y, { seed: opts.seed });
      await saveModel(writeDir, model, card);
      await writeParity(writeDir, cv.parity, true);
      await writeTrainingData(writeDir, td);
      await writeReport(writeDir, card, cv.parity, reportExtras);
      log(`${kind}: written to ${dir} (${fmt(trainSeconds)} s; one prediction ${fmt(timing.single * 1e6)} µs${speedup === null ? '' : `, ${fmt(speedup)}× faster than the simulation`})`);
      models.push({ kind, dir, cv: cv.metrics, coverage95: cv.coverage95, predictSecondsPerPoint: timing.single, simSecondsPerPoint, speedup, trainSeconds });
    }
    const meanR2 = (m: TrainedModelSummary): number => td.outputs.reduce((s, o) => s + m.cv[o]!.r2, 0) / td.outputs.length;
    const best = models.reduce((a, b) => (meanR2(b) > meanR2(a) ? b : a)).kind;
    const summary: TrainSummary = {
      data: { source: ds.source.path, rows: td.x.length, hash: ds.hash, ...(ds.source.study ? { study: { name: ds.source.study.name, hash: ds.source.study.hash } } : {}) },
      inputs: td.inputs,
      outputs: td.outputs,
      folds: opts.cv,
      seed: opts.seed,
      best,
      models,
      vif,
    };
    if (several) {
      await writeFile(join(staged.path, SUMMARY_FILE), JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1));
      await writeFile(join(staged.path, 'comparison.md'), comparisonMarkdown(summary));
    }
    await staged.commit();
    return summary;
  } catch (e) {
    await staged.discard();
    throw e;
  }
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

function range(v: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of v) {
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  return [lo, hi];
}

function preprocessing(kind: ModelKind, transforms: Readonly<Record<string, OutputTransform>>): string[] {
  const common = ['inputs scaled to the unit cube with the training min and max (undone on prediction)'];
  for (const [o, t] of Object.entries(transforms)) {
    if (t.kind === 'logit') common.push(`${o} learned as logit(${o}) (values clipped to [${t.eps}, ${1 - t.eps!}] first), predictions mapped back with the logistic function: they stay in (0, 1)`);
    if (t.kind === 'log') common.push(`${o} learned as log(${o}), predictions mapped back with exp: they stay positive`);
  }
  if (kind === 'linear') return [...common, 'outputs otherwise used as given'];
  return [...common, 'each (transformed) output standardized to zero mean and unit variance (undone on prediction)'];
}

/** One point at a time (the latency a design loop sees) and batches of 1000. */
function predictionTiming(model: Surrogate, td: TrainingData): { single: number; batch: number } {
  const pts = Array.from({ length: 1000 }, (_, i) => td.x[i % td.x.length]!);
  model.predict(pts.slice(0, 10));
  let reps = 0;
  let t0 = performance.now();
  while (reps < 20 || (performance.now() - t0 < 200 && reps < 2000)) {
    model.predict([pts[reps % pts.length]!]);
    reps++;
  }
  const single = (performance.now() - t0) / 1000 / reps;
  t0 = performance.now();
  model.predict(pts);
  const batch = (performance.now() - t0) / 1000 / pts.length;
  return { single, batch };
}

export function comparisonMarkdown(s: TrainSummary): string {
  const head = ['model', ...s.outputs.flatMap((o) => [`RMSE ${o}`, `R² ${o}`]), 'µs / prediction', 'speed-up'];
  const rows = s.models.map((m) => [m.kind + (m.kind === s.best ? ' (best)' : ''), ...s.outputs.flatMap((o) => [fmt(m.cv[o]!.rmse), fmt(m.cv[o]!.r2)]), fmt(m.predictSecondsPerPoint * 1e6), m.speedup === null ? 'n/a' : `${fmt(m.speedup)}×`]);
  return [`# Model comparison (${s.folds}-fold CV, seed ${s.seed}, ${s.data.rows} rows)`, '', `| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`), ''].join('\n');
}

/** Replicate spread of each output over rows with equal inputs; undefined when no row is replicated. */
function noiseOf(td: TrainingData): Record<string, ReplicateNoise> | undefined {
  const rows = td.x.map((x, i) => Object.fromEntries([...td.inputs.map((n, k): [string, number] => [n, x[k]!]), ...td.outputs.map((o, j): [string, number] => [o, td.y[i]![j]!])]));
  const out: Record<string, ReplicateNoise> = {};
  for (const o of td.outputs) {
    const n = replicateNoise(rows, td.inputs, o);
    if (n) out[o] = n;
  }
  return Object.keys(out).length ? out : undefined;
}
