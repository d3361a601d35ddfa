import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, ImpossibleRequestError } from '../../src/errors.ts';
import { runHash, stageFolder } from '../../src/output-files.ts';
import { loadDataset, type Cell, type Dataset } from '../data/table.ts';
import type { ParityRow } from '../judge/cv.ts';
import { kFolds } from '../judge/folds.ts';
import { writeReport } from '../report/card.ts';
import { regressionMetrics, type OutputMetrics } from '../judge/metrics.ts';
import { fitGpr } from '../gpr/model.ts';
import type { KernelName } from '../gpr/covariance.ts';
import { saveModel, writeParity, writeTrainingData, type ModelCard } from '../store.ts';
import { fitAr1 } from './ar1.ts';

/**
 * Where the CPU-seconds of one run at one fidelity come from: a column, one stage's entry of the
 * stage_seconds column, the sum of all its entries but one stage's (a fidelity's run includes the
 * structure generation upstream of it), or a fixed figure.
 */
export type SecondsSource = { column: string } | { stage: string } | { allStagesBut: string } | { fixed: number };

export interface MfTrainOptions {
  /** Study directory, .csv or .parquet file. */
  data: string;
  inputs: string[];
  /** The high-fidelity output column (e.g. an LBM output); rows where it is empty are low-only rows. */
  output: string;
  /**
   * The low-fidelity output column that approximates `output` (e.g. the quasi-static counterpart);
   * default: the pair the study file's `fidelity.pairs` declares for `output`.
   */
  lowOutput?: string;
  /**
   * Stacked tables: a column that says which fidelity each row is (e.g. model=qs for the cheap rows,
   * model=lbm for the expensive ones); `output` then holds both fidelities' values and `lowOutput`
   * is not given. Per-run seconds default to run_seconds when the table has it.
   */
  fidelityColumn?: { column: string; low: string; high: string };
  kernel: KernelName;
  restarts: number;
  seed: number;
  /** Folds over the high-fidelity rows for the held-out comparison. */
  folds: number;
  outDir: string;
  /**
   * Per-run seconds of each fidelity; enables the equal-budget comparison. Default for a study that
   * declares its fidelities: from stage_seconds, every stage of the run but the other fidelity's.
   */
  seconds?: { low: SecondsSource; high: SecondsSource };
  force?: boolean;
  log?: (line: string) => void;
}

/** Held-out RMSE of the high fidelity, pooled over folds, with the budgets each model was given. */
export interface MfComparison {
  folds: number;
  highRows: number;
  lowRows: number;
  multiFidelity: OutputMetrics & { coverage95: number };
  singleFidelity: OutputMetrics & { coverage95: number };
  /** Mean training budget per fold in CPU-seconds (null without per-run seconds). */
  budgetSeconds: { singleFidelity: number | null; multiFidelity: number | null };
  /**
   * The multi-fidelity model given no more CPU-seconds than the single-fidelity one in each fold:
   * all low rows plus as many training high rows (seeded order) as the rest of the budget buys.
   * null without per-run seconds, or where the low rows alone exceed the budget in some fold.
   */
  equalBudget: (OutputMetrics & { budgetSeconds: number; meanHighRowsUsed: number }) | null;
  rho: number;
  /** The low-fidelity column used (given or from the study's fidelity.pairs). */
  lowOutput: string;
}

interface Rows {
  xLow: number[][];
  yLow: number[];
  secLow: number[] | null;
  xHigh: number[][];
  yHigh: number[];
  secHigh: number[] | null;
  /** Rows with non-finite inputs or neither fidelity's value. */
  skipped: number;
}

const finite = (v: Cell | undefined): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);

function secondsOf(ds: Dataset, row: Record<string, Cell>, src: SecondsSource, field: string, i: number): number {
  let s: number;
  if ('fixed' in src) s = src.fixed;
  else if ('column' in src) s = finite(row[src.column]);
  else {
    const raw = row['stage_seconds'];
    let parsed: Record<string, number> = {};
    if (typeof raw === 'string') {
      try {
        parsed = JSON.parse(raw) as Record<string, number>;
      } catch {
        parsed = {};
      }
    }
    s = 'stage' in src ? parsed[src.stage] ?? NaN : Object.entries(parsed).reduce((a, [k, v]) => (k === src.allStagesBut ? a : a + v), 0);
    if ('allStagesBut' in src && Object.keys(parsed).length === 0) s = NaN;
  }
  const what = 'fixed' in src ? String(src.fixed) : 'column' in src ? src.column : 'stage' in src ? `stage:${src.stage}` : `stage_seconds without ${src.allStagesBut}`;
  if (!(s >= 0) || !Number.isFinite(s)) throw new ConfigError(field, `${what} (row ${i + 1} of ${ds.source.path})`, 'finite non-negative CPU-seconds for every row of that fidelity');
  return s;
}

/** Splits a table into low- and high-fidelity rows, refusing columns the table lacks. */
export function fidelityRows(ds: Dataset, opts: Pick<Resolved, 'inputs' | 'output' | 'lowOutput' | 'seconds'>): Rows {
  if (opts.inputs.length === 0) throw new ConfigError('--inputs', '', 'at least one input column');
  for (const c of opts.inputs) if (!ds.columns.includes(c)) throw new ConfigError('--inputs', c, `a column of ${ds.source.path}: ${ds.columns.join(', ')}`);
  if (!ds.columns.includes(opts.output)) throw new ConfigError('--outputs', opts.output, `a column of ${ds.source.path}: ${ds.columns.join(', ')}`);
  if (!ds.columns.includes(opts.lowOutput)) throw new ConfigError('--low-fidelity', opts.lowOutput, `a column of ${ds.source.path}: ${ds.columns.join(', ')}`);
  if (opts.lowOutput === opts.output) throw new ConfigError('--low-fidelity', opts.lowOutput, 'a column other than the high-fidelity output');
  if (opts.inputs.includes(opts.lowOutput)) throw new ConfigError('--low-fidelity', opts.lowOutput, 'an output column, not one of --inputs');
  if (opts.seconds && 'column' in opts.seconds.low && !ds.columns.includes(opts.seconds.low.column)) throw new ConfigError('--fidelity-seconds', opts.seconds.low.column, `a column of ${ds.source.path}`);
  if (opts.seconds && 'column' in opts.seconds.high && !ds.columns.includes(opts.seconds.high.column)) throw new ConfigError('--fidelity-seconds', opts.seconds.high.column, `a column of ${ds.source.path}`);
  // Both levels must record every input: a column empty on all of one level's rows means the two
  // fidelities were run over different inputs, and ρ·f_low + δ cannot relate them.
  for (const c of opts.inputs) {
    for (const [level, col] of [['low', opts.lowOutput], ['high', opts.output]] as const) {
      const has = ds.rows.filter((row) => Number.isFinite(finite(row[col])));
      if (has.length > 0 && !has.some((row) => Number.isFinite(finite(row[c])))) {
        throw new ConfigError('--inputs', c, `an input both fidelities record: no ${level}-fidelity row (${col}) has a value for it`);
      }
    }
  }
  const r: Rows = { xLow: [], yLow: [], secLow: opts.seconds ? [] : null, xHigh: [], yHigh: [], secHigh: opts.seconds ? [] : null, skipped: 0 };
  ds.rows.forEach((row, i) => {
    const x = opts.inputs.map((c) => finite(row[c]));
    const lo = finite(row[opts.lowOutput]);
    const hi = finite(row[opts.output]);
    if (!x.every(Number.isFinite) || (!Number.isFinite(lo) && !Number.isFinite(hi))) {
      r.skipped++;
      return;
    }
    if (Number.isFinite(lo)) {
      r.xLow.push(x);
      r.yLow.push(lo);
      if (opts.seconds) r.secLow!.push(secondsOf(ds, row, opts.seconds.low, '--fidelity-seconds (low)', i));
    }
    if (Number.isFinite(hi)) {
      r.xHigh.push(x);
      r.yHigh.push(hi);
      if (opts.seconds) r.secHigh!.push(secondsOf(ds, row, opts.seconds.high, '--fidelity-seconds (high)', i));
    }
  });
  if (r.xLow.length < 2) throw new ImpossibleRequestError('--low-fidelity', opts.lowOutput, 'at least 2 rows with finite inputs and a finite low-fidelity value', `${r.xLow.length} in ${ds.source.path}`);
  if (r.xHigh.length < 3) throw new ImpossibleRequestError('--outputs', opts.output, 'at least 3 rows with finite inputs and a finite high-fidelity value', `${r.xHigh.length} in ${ds.source.path}`);
  return r;
}

const sum = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0);

/**
 * k-fold comparison on the high-fidelity rows: in each fold the multi-fidelity model sees all
 * low rows and the training high rows, the single-fidelity GP only the training high rows; both
 * predict the held-out high rows. Low rows at held-out inputs stay in (cheap runs are everywhere
 * in a real study; only the expensive value is held out).
 */
export function compareFidelities(rows: Rows, o: Pick<Resolved, 'inputs' | 'output' | 'lowOutput' | 'kernel' | 'restarts' | 'seed' | 'folds'>): MfComparison & { parity: ParityRow[] } {
  const nH = rows.xHigh.length;
  if (!(o.folds >= 2 && o.folds <= nH)) throw new ConfigError('--cv', o.folds, `2 to ${nH} folds (the number of high-fidelity rows)`);
  const folds = kFolds(rows.xHigh, o.folds, o.seed);
  const gp = { kernel: o.kernel, restarts: o.restarts, seed: o.seed, threads: 1 };
  const names = { inputs: o.inputs, output: o.output, lowOutput: o.lowOutput };
  const truth: number[] = [];
  const parity: ParityRow[] = [];
  const mf: number[] = [];
  const sf: number[] = [];
  const eb: number[] = [];
  let mfIn = 0;
  let sfIn = 0;
  const budgets = { sf: 0, mf: 0, eb: 0, ebRows: 0 };
  let equalOk = rows.secLow !== null;
  const lowCost = rows.secLow ? sum(rows.secLow) : 0;
  for (const [fold, test] of folds.entries()) {
    const held = new Set(test);
    const train = rows.xHigh.map((_, i) => i).filter((i) => !held.has(i));
    const xt = train.map((i) => rows.xHigh[i]!);
    const yt = train.map((i) => rows.yHigh[i]!);
    const xq = test.map((i) => rows.xHigh[i]!);
    const m = fitAr1(rows.xLow, rows.yLow, xt, yt, names, gp).predict(xq);
    const s = fitGpr(xt, yt.map((v) => [v]), o.inputs, [o.output], gp).predict(xq);
    test.forEach((i, a) => {
      const y = rows.yHigh[i]!;
      truth.push(y);
      parity.push({ row: i, fold, output: o.output, actual: y, predicted: m.mean[a]![0]!, std: m.std[a]![0]! });
      mf.push(m.mean[a]![0]!);
      sf.push(s.mean[a]![0]!);
      if (Math.abs(m.mean[a]![0]! - y) <= 1.96 * m.std[a]![0]!) mfIn++;
      if (Math.abs(s.mean[a]![0]! - y) <= 1.96 * s.std[a]![0]!) sfIn++;
    });
    if (rows.secHigh) {
      const sfBudget = sum(train.map((i) => rows.secHigh![i]!));
      budgets.sf += sfBudget;
      budgets.mf += sfBudget + lowCost;
      if (equalOk) {
        // Training high rows in fold order (kFolds already shuffled them by seed) until the budget is spent.
        const keep: number[] = [];
        let spent = lowCost;
        for (const i of train) {
          if (spent + rows.secHigh[i]! > sfBudget) break;
          spent += rows.secHigh[i]!;
          keep.push(i);
        }
        if (keep.length < 2) equalOk = false;
        else {
          const e = fitAr1(rows.xLow, rows.yLow, keep.map((i) => rows.xHigh[i]!), keep.map((i) => rows.yHigh[i]!), names, gp).predictMean(xq);
          e.forEach((r) => eb.push(r[0]!));
          budgets.eb += spent;
          budgets.ebRows += keep.length;
        }
      }
    }
  }
  const k = folds.length;
  const full = fitAr1(rows.xLow, rows.yLow, rows.xHigh, rows.yHigh, names, gp);
  return {
    folds: k,
    highRows: nH,
    lowRows: rows.xLow.length,
    multiFidelity: { ...regressionMetrics(truth, mf), coverage95: mfIn / truth.length },
    singleFidelity: { ...regressionMetrics(truth, sf), coverage95: sfIn / truth.length },
    budgetSeconds: { singleFidelity: rows.secHigh ? budgets.sf / k : null, multiFidelity: rows.secHigh ? budgets.mf / k : null },
    equalBudget: rows.secHigh && equalOk ? { ...regressionMetrics(truth, eb), budgetSeconds: budgets.eb / k, meanHighRowsUsed: budgets.ebRows / k } : null,
    rho: full.rho,
    lowOutput: o.lowOutput,
    parity,
  };
}

/**
 * Trains the linear auto-regressive multi-fidelity GP of `output` on `lowOutput` and writes a
 * model folder that `mesolab predict` reads (kind "mfgpr"), with the held-out comparison
 * against a single-fidelity GP in comparison.json and the card.
 *
 * @param opts data source, columns, GP options, folds and output folder.
 * @returns the comparison (RMSE in the output's unit, budgets in CPU-seconds).
 * @example
 *   await trainMultiFidelity({ data: 'studies/wet', inputs: ['porosity'], output: 'lbm_saturation', lowOutput: 'qs_saturation',
 *     kernel: 'matern52', restarts: 3, seed: 1, folds: 5, outDir: 'models/wet-mf' });
 */
export async function trainMultiFidelity(opts: MfTrainOptions): Promise<MfComparison> {
  const log = opts.log ?? ((): void => undefined);
  let ds = await loadDataset(opts.data);
  let resolved: Resolved;
  if (opts.fidelityColumn) {
    if (opts.lowOutput !== undefined) throw new ConfigError('--low-fidelity', opts.lowOutput, 'nothing with --fidelity (the output column holds both fidelities)');
    if (!ds.columns.includes(opts.output)) throw new ConfigError('--outputs', opts.output, `a column of ${ds.source.path}: ${ds.columns.join(', ')}`);
    const u = unstack(ds, opts.fidelityColumn, opts.output);
    ds = u.ds;
    const seconds = opts.seconds ?? (ds.columns.includes('run_seconds') ? { low: { column: 'run_seconds' }, high: { column: 'run_seconds' } } : undefined);
    resolved = { ...opts, lowOutput: u.lowOutput, ...(seconds ? { seconds } : {}) };
  } else resolved = withStudyFidelity(ds, opts);
  const rows = fidelityRows(ds, resolved);
  const outDir = resolve(opts.outDir);
  const { log: _l, outDir: _o, force: _f, ...what } = opts;
  const staged = await stageFolder(outDir, { kind: 'model', run: runHash({ ...what, data: ds.hash, multiFidelity: true }) }, { force: opts.force ?? false, field: '--output', recognise: ['surrogate.json'] });
  try {
    log(`multi-fidelity: ${rows.xLow.length} low rows (${resolved.lowOutput}), ${rows.xHigh.length} high rows (${opts.output}) from ${ds.source.path}`);
    const t0 = performance.now();
    const { parity, ...cmp } = compareFidelities(rows, resolved);
    const model = fitAr1(rows.xLow, rows.yLow, rows.xHigh, rows.yHigh, { inputs: opts.inputs, output: opts.output, lowOutput: resolved.lowOutput }, { kernel: opts.kernel, restarts: opts.restarts, seed: opts.seed, threads: 1 });
    const trainSeconds = (performance.now() - t0) / 1000;
    const allX = [...rows.xLow, ...rows.xHigh];
    const range = (v: number[]): [number, number] => [Math.min(...v), Math.max(...v)];
    const declared = ds.source.study?.inputRanges ?? {};
    const declaredBox = Object.fromEntries(opts.inputs.filter((c) => declared[c]).map((c) => [c, declared[c]!]));
    const t1 = performance.now();
    model.predict([allX[0]!]);
    const single = (performance.now() - t1) / 1000;
    const card: ModelCard = {
      format: 'mesolab-surrogate',
      version: 1,
      kind: 'mfgpr',
      created: new Date().toISOString(),
      inputs: [...opts.inputs],
      outputs: [opts.output],
      units: Object.fromEntries([...opts.inputs, opts.output].filter((c) => ds.units[c]).map((c) => [c, ds.units[c]!])),
      inputBox: Object.fromEntries(opts.inputs.map((c, k) => [c, range(allX.map((r) => r[k]!))])),
      ...(Object.keys(declaredBox).length > 0 ? { declaredInputBox: declaredBox } : {}),
      data: {
        source: ds.source.path,
        sourceKind: ds.source.kind,
        hash: ds.hash,
        rows: rows.xHigh.length,
        uniqueInputRows: new Set(rows.xHigh.map((r) => r.join(','))).size,
        replicateRows: rows.xHigh.length - new Set(rows.xHigh.map((r) => r.join(','))).size,
        droppedNonFiniteRows: rows.skipped,
        ...(ds.source.study ? { study: { name: ds.source.study.name, hash: ds.source.study.hash, ...(ds.source.study.file ? { file: ds.source.study.file } : {}) } } : {}),
        outputRanges: { [opts.output]: range(rows.yHigh), [resolved.lowOutput]: range(rows.yLow) },
      },
      preprocessing: ['inputs scaled to the unit cube and outputs standardized, separately for the low GP and the discrepancy GP', `low fidelity: ${resolved.lowOutput} (${rows.xLow.length} rows)`],
      // ρ·f_low + δ is linear in the two fidelities' own units; a log or logit of one would break that.
      outputTransforms: { [opts.output]: { kind: 'identity', reason: 'multi-fidelity model: ρ·f_low + δ is learned in the outputs\' own units' } },
      hyperparameters: model.describe(),
      cv: { folds: cmp.folds, seed: opts.seed, metrics: { [opts.output]: { rmse: cmp.multiFidelity.rmse, mae: cmp.multiFidelity.mae, r2: cmp.multiFidelity.r2 } }, coverage95: { [opts.output]: cmp.multiFidelity.coverage95 } },
      learningCurve: [],
      vif: [],
      speedup: { simSecondsPerPoint: null, simSecondsSource: null, predictSecondsSinglePoint: single, predictSecondsPerPointBatch: single, speedup: null },
      trainSeconds,
      seed: opts.seed,
    };
    await saveModel(staged.path, model, card);
    // The high-fidelity rows, so that `mesolab explain` can judge the model on what it predicts.
    await writeTrainingData(staged.path, { inputs: [...opts.inputs], outputs: [opts.output], x: rows.xHigh, y: rows.yHigh.map((v) => [v]) });
    await writeFile(join(staged.path, 'comparison.json'), JSON.stringify(cmp, null, 1));
    await writeParity(staged.path, parity);
    await writeReport(staged.path, card, parity);
    await writeFile(join(staged.path, 'comparison.md'), comparisonText(cmp, resolved));
    await staged.commit();
    return cmp;
  } catch (e) {
    await staged.discard();
    throw e;
  }
}

type Resolved = MfTrainOptions & { lowOutput: string };

/**
 * A stacked table (one row per run, a column naming its fidelity) as the paired form: the output's
 * values move to `<output>@<low>` on low rows and stay in `output` on high rows.
 */
export function unstack(ds: Dataset, spec: { column: string; low: string; high: string }, output: string): { ds: Dataset; lowOutput: string } {
  if (!ds.columns.includes(spec.column)) throw new ConfigError('--fidelity', spec.column, `a column of ${ds.source.path}: ${ds.columns.join(', ')}`);
  if (spec.low === spec.high) throw new ConfigError('--fidelity', `low:${spec.low},high:${spec.high}`, 'two different values for the low and the high fidelity');
  const lowOutput = `${output}@${spec.low}`;
  let nLow = 0;
  let nHigh = 0;
  const rows = ds.rows.map((row) => {
    const level = row[spec.column] === null || row[spec.column] === undefined ? '' : String(row[spec.column]);
    const v = row[output] ?? null;
    if (level === spec.low) nLow++;
    if (level === spec.high) nHigh++;
    return { ...row, [lowOutput]: level === spec.low ? v : null, [output]: level === spec.high ? v : null };
  });
  if (nLow === 0) throw new ConfigError('--fidelity', `${spec.column}=low:${spec.low}`, `a value that some rows of ${spec.column} hold`);
  if (nHigh === 0) throw new ConfigError('--fidelity', `${spec.column}=high:${spec.high}`, `a value that some rows of ${spec.column} hold`);
  return { ds: { ...ds, columns: [...ds.columns, lowOutput], rows }, lowOutput };
}

/** Fills the low-fidelity column and per-run seconds from the study's `fidelity` declaration where not given. */
function withStudyFidelity(ds: Dataset, opts: MfTrainOptions): Resolved {
  const fid = ds.source.study?.fidelity;
  let lowOutput = opts.lowOutput;
  if (lowOutput === undefined) {
    if (!fid) throw new ConfigError('--low-fidelity', undefined, `a low-fidelity output column (${ds.source.path} declares no fidelity pairs)`);
    lowOutput = fid.pairs[opts.output];
    if (lowOutput === undefined) throw new ConfigError('--low-fidelity', undefined, `the low-fidelity counterpart of ${opts.output}: the study's fidelity.pairs declare ${Object.keys(fid.pairs).join(', ') || 'none'}`);
  }
  const seconds = opts.seconds ?? (fid && ds.columns.includes('stage_seconds') ? { low: { allStagesBut: fid.high }, high: { allStagesBut: fid.low } } : undefined);
  return { ...opts, lowOutput, ...(seconds ? { seconds } : {}) };
}

const f4 = (v: number): string => String(Number(v.toPrecision(4)));

/** The held-out comparison as a short Markdown report. */
export function comparisonText(c: MfComparison, o: Pick<Resolved, 'output' | 'lowOutput'>): string {
  const lines = [
    `# Multi-fidelity surrogate of ${o.output}`,
    '',
    `f_high = ρ·f_low + δ with ρ = ${f4(c.rho)} (low fidelity ${o.lowOutput}); ${c.lowRows} low rows, ${c.highRows} high rows, ${c.folds}-fold held-out comparison on the high rows.`,
    '',
    '| model | RMSE | R² | 95% coverage | training budget (CPU-s per fold) |',
    '| --- | --- | --- | --- | --- |',
    `| multi-fidelity | ${f4(c.multiFidelity.rmse)} | ${f4(c.multiFidelity.r2)} | ${f4(c.multiFidelity.coverage95)} | ${c.budgetSeconds.multiFidelity === null ? 'not recorded' : f4(c.budgetSeconds.multiFidelity)} |`,
    `| single-fidelity GP | ${f4(c.singleFidelity.rmse)} | ${f4(c.singleFidelity.r2)} | ${f4(c.singleFidelity.coverage95)} | ${c.budgetSeconds.singleFidelity === null ? 'not recorded' : f4(c.budgetSeconds.singleFidelity)} |`,
  ];
  if (c.equalBudget) lines.push(`| multi-fidelity at the single-fidelity budget (${f4(c.equalBudget.meanHighRowsUsed)} high rows) | ${f4(c.equalBudget.rmse)} | ${f4(c.equalBudget.r2)} | – | ${f4(c.equalBudget.budgetSeconds)} |`);
  else if (c.budgetSeconds.singleFidelity !== null) lines.push('', 'No equal-budget comparison: in some fold the low-fidelity runs alone cost more than the single-fidelity training set, or left fewer than 2 high rows.');
  else lines.push('', 'No equal-budget comparison: no per-run seconds given (--fidelity-seconds).');
  return `${lines.join('\n')}\n`;
}
