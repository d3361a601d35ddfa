import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { ConfigError } from '../../errors.ts';
import { formatNumber, formatTable, printJson } from '../output.ts';
import { assertFileReplaceable, writeFileWhole } from '../../output-files.ts';
import { round4, unitSuffix } from '../../../surrogates/format.ts';
import { fidelityOption, fixedInputsOption, integerOption, intervalTargetsOption, listOption, looTargetOption, numberOption, optional, positiveNumber, secondsSourceOption } from '../option-values.ts';

interface GlobalOpts {
  backend?: string;
  json?: boolean;
  tfBackend?: string;
}

/** An optional integer flag ≥ min (commander's defaults fill most of them). */
const int = (text: string | undefined, field: string, min: number): number | undefined => optional(text, (t) => integerOption(t, field, min));
const positive = (text: string | undefined, field: string): number | undefined => optional(text, (t) => positiveNumber(t, field));
const list = (text: string | undefined): string[] | undefined => optional(text, listOption);

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function tfBackend(opts: GlobalOpts, needed: boolean): Promise<void> {
  // A DNN model selects the first backend that loads when it is read; --tf-backend chooses one first.
  if (!needed) return;
  const { selectTfBackend } = await import('../../../surrogates/tf/backend.ts');
  const name = await selectTfBackend(opts.tfBackend);
  log(`tfjs backend: ${name}`);
}

interface TrainCliOpts extends GlobalOpts {
  model: string;
  inputs?: string;
  outputs?: string;
  cv: string;
  seed: string;
  output: string;
  force?: boolean;
  kernel: string;
  restarts: string;
  layers?: string;
  activation?: string;
  dropout?: string;
  epochs?: string;
  ensemble?: string;
  lr?: string;
  quadratic?: boolean;
  simSeconds?: string;
  simSecondsColumn?: string;
  learningCurve: boolean;
  explain: boolean;
  dropNonFinite?: boolean;
  lowFidelity?: string;
  multiFidelity?: boolean;
  fidelity?: string;
  fidelitySeconds?: string;
}

async function trainCommand(data: string, o: TrainCliOpts): Promise<void> {
  const { trainSurrogates, comparisonMarkdown } = await import('../../../surrogates/train-surrogates.ts');
  const { loadDataset, columnsWithRole } = await import('../../../surrogates/data/table.ts');
  const { KERNELS } = await import('../../../surrogates/gpr/covariance.ts');
  const { DNN_ACTIVATIONS } = await import('../../../surrogates/dnn/model.ts');
  const models = list(o.model) ?? [];
  for (const m of models) if (m !== 'gpr' && m !== 'dnn' && m !== 'linear') throw new ConfigError('--model', m, 'gpr, dnn or linear (comma-separated)');
  if (!(KERNELS as readonly string[]).includes(o.kernel)) throw new ConfigError('--kernel', o.kernel, `one of ${KERNELS.join(', ')}`);
  if (o.activation !== undefined && !(DNN_ACTIVATIONS as readonly string[]).includes(o.activation)) throw new ConfigError('--activation', o.activation, `one of ${DNN_ACTIVATIONS.join(', ')}`);
  if (o.lowFidelity !== undefined || o.multiFidelity || o.fidelity !== undefined) return trainMultiFidelityCommand(data, o, models);
  let inputs = list(o.inputs);
  let outputs = list(o.outputs);
  if (!inputs || !outputs) {
    const ds = await loadDataset(data);
    inputs ??= columnsWithRole(ds, 'input');
    outputs ??= columnsWithRole(ds, 'output');
    if (inputs.length === 0) throw new ConfigError('--inputs', o.inputs, `input columns (comma-separated) from: ${ds.columns.join(', ')}`);
    if (outputs.length === 0) throw new ConfigError('--outputs', o.outputs, `output columns (comma-separated) from: ${ds.columns.join(', ')}`);
  }
  await tfBackend(o, models.includes('dnn'));
  const dropout = optional(o.dropout, (t) => numberOption(t, '--dropout', 'a rate in [0, 1)'));
  if (dropout !== undefined && !(dropout >= 0 && dropout < 1)) throw new ConfigError('--dropout', o.dropout, 'a rate in [0, 1)');
  const layers = list(o.layers)?.map((s) => int(s, '--layers', 1)!);
  const dnn = {
    ...(layers ? { layers } : {}),
    ...(o.activation ? { activation: o.activation as (typeof DNN_ACTIVATIONS)[number] } : {}),
    ...(dropout !== undefined ? { dropout } : {}),
    ...(o.epochs ? { maxEpochs: int(o.epochs, '--epochs', 1)! } : {}),
    ...(o.ensemble ? { ensemble: int(o.ensemble, '--ensemble', 1)! } : {}),
    ...(o.lr ? { learningRate: positive(o.lr, '--lr')! } : {}),
  };
  const simSeconds = positive(o.simSeconds, '--sim-seconds');
  const summary = await trainSurrogates({
    data,
    inputs,
    outputs,
    models: models as ('gpr' | 'dnn' | 'linear')[],
    cv: int(o.cv, '--cv', 2)!,
    seed: int(o.seed, '--seed', 0)!,
    outDir: o.output,
    log,
    trainer: { gpr: { kernel: o.kernel as (typeof KERNELS)[number], restarts: int(o.restarts, '--restarts', 0)! }, dnn, linear: { quadratic: o.quadratic ?? false } },
    ...(simSeconds !== undefined ? { simSeconds } : {}),
    ...(o.simSecondsColumn ? { simSecondsColumn: o.simSecondsColumn } : {}),
    learningCurve: o.learningCurve,
    explain: o.explain,
    ...(o.dropNonFinite ? { dropNonFinite: true } : {}),
    ...(o.force ? { force: true } : {}),
  });
  if (o.json) printJson(summary);
  else process.stdout.write(`${comparisonMarkdown(summary)}\nreport cards: ${summary.models.map((m) => `${m.dir}/report.md`).join(', ')}\n`);
}

async function trainMultiFidelityCommand(data: string, o: TrainCliOpts, models: string[]): Promise<void> {
  const { trainMultiFidelity, comparisonText } = await import('../../../surrogates/multifidelity/train-multifidelity.ts');
  const { loadDataset, columnsWithRole } = await import('../../../surrogates/data/table.ts');
  const { KERNELS } = await import('../../../surrogates/gpr/covariance.ts');
  if (models.length !== 1 || models[0] !== 'gpr') throw new ConfigError('--model', o.model, 'gpr (the multi-fidelity model is built from GPs; --low-fidelity trains only it)');
  const outputs = list(o.outputs);
  if (!outputs || outputs.length !== 1) throw new ConfigError('--outputs', o.outputs, 'exactly one high-fidelity output column with --low-fidelity');
  let inputs = list(o.inputs);
  if (!inputs) {
    const ds = await loadDataset(data);
    inputs = columnsWithRole(ds, 'input');
    if (inputs.length === 0) throw new ConfigError('--inputs', o.inputs, `input columns (comma-separated) from: ${ds.columns.join(', ')}`);
  }
  const sec = list(o.fidelitySeconds);
  if (sec && sec.length !== 2) throw new ConfigError('--fidelity-seconds', o.fidelitySeconds, '<low>,<high>: each a column, stage:<name> or seconds per run');
  const cmp = await trainMultiFidelity({
    data,
    inputs,
    output: outputs[0]!,
    ...(o.lowFidelity !== undefined ? { lowOutput: o.lowFidelity } : {}),
    ...(o.fidelity !== undefined ? { fidelityColumn: fidelityOption(o.fidelity) } : {}),
    kernel: o.kernel as (typeof KERNELS)[number],
    restarts: int(o.restarts, '--restarts', 0)!,
    seed: int(o.seed, '--seed', 0)!,
    folds: int(o.cv, '--cv', 2)!,
    outDir: o.output,
    ...(sec ? { seconds: { low: secondsSourceOption(sec[0]!), high: secondsSourceOption(sec[1]!) } } : {}),
    ...(o.force ? { force: true } : {}),
    log,
  });
  if (o.json) printJson(cmp);
  else process.stdout.write(`${comparisonText(cmp, { output: outputs[0]!, lowOutput: cmp.lowOutput })}\nmodel: ${o.output}\n`);
}

async function readPoints(path: string, inputs: readonly string[]): Promise<number[][]> {
  const { readFile } = await import('node:fs/promises');
  if (extname(path).toLowerCase() === '.json') {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new ConfigError('inputs', path, 'a readable JSON file: an object or an array of objects keyed by input name', (e as Error).message);
    }
    const items = Array.isArray(raw) ? raw : [raw];
    return items.map((item, i) =>
      inputs.map((name) => {
        const v = (item as Record<string, unknown>)?.[name];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`inputs[${i}].${name}`, v, 'a finite number');
        return v;
      }),
    );
  }
  const { loadDataset } = await import('../../../surrogates/data/table.ts');
  const ds = await loadDataset(path);
  for (const c of inputs) if (!ds.columns.includes(c)) throw new ConfigError('inputs', c, `a column of ${path} (the model's inputs are ${inputs.join(', ')})`);
  return ds.rows.map((r, i) => inputs.map((c) => {
    const v = r[c];
    const n = typeof v === 'number' ? v : Number(v);
    if (v === null || !Number.isFinite(n)) throw new ConfigError(`inputs.${c}[row ${i + 1}]`, v, 'a finite number');
    return n;
  }));
}

interface PredictCliOpts extends GlobalOpts {
  kind?: string;
  output?: string;
  force?: boolean;
}

async function predictCommand(modelDir: string, inputsPath: string, o: PredictCliOpts): Promise<void> {
  const { loadModel, outsideBox } = await import('../../../surrogates/store.ts');
  if (o.output) await assertFileReplaceable(o.output, { force: o.force ?? false, field: '--output' });
  await tfBackend(o, o.tfBackend !== undefined);
  const { model, card, dir } = await loadModel(modelDir, o.kind as 'gpr' | 'dnn' | 'linear' | undefined);
  const x = await readPoints(inputsPath, card.inputs);
  const p = model.predict(x);
  const flags = outsideBox(card, x);
  const rows = x.map((r, i) => {
    const rec: Record<string, number | string> = {};
    card.inputs.forEach((n, k) => (rec[n] = r[k]!));
    card.outputs.forEach((n, j) => {
      rec[n] = p.mean[i]![j]!;
      rec[`${n}_std`] = p.std[i]![j]!;
    });
    rec.outside_training_box = flags[i]!.join('; ');
    return rec;
  });
  const nOutside = flags.filter((f) => f.length > 0).length;
  if (nOutside > 0) {
    const against = card.declaredInputBox ? "the study's declared input ranges" : "the training data's input ranges (the data source declares none)";
    log(`warning: ${nOutside} of ${x.length} point(s) lie outside ${against}; their predictions are extrapolations`);
  }
  if (o.output) {
    const cols = Object.keys(rows[0] ?? {});
    await writeFileWhole(resolve(o.output), `${cols.join(',')}\n${rows.map((r) => cols.map((c) => (typeof r[c] === 'string' ? JSON.stringify(r[c]) : String(r[c]))).join(',')).join('\n')}\n`);
    log(`${rows.length} prediction(s) written to ${o.output}`);
  }
  if (o.json) printJson({ model: dir, kind: card.kind, predictions: rows });
  else if (!o.output) process.stdout.write(`${predictionTable(card, rows)}\n`);
}

/**
 * Predictions for people: inputs and outputs rounded to 4 significant digits with their units in
 * the header, each output as "mean ± std" (the std to 2 significant digits), the flags last.
 */
function predictionTable(card: { inputs: string[]; outputs: string[]; units: Record<string, string> }, rows: readonly Record<string, number | string>[]): string {
  const label = (n: string): string => (unitSuffix(card.units[n]) ? `${n} (${card.units[n]})` : n);
  const head = [...card.inputs.map(label), ...card.outputs.map(label), 'outside the valid range'];
  const body = rows.map((r) => [
    ...card.inputs.map((n) => round4(r[n] as number)),
    ...card.outputs.map((n) => `${round4(r[n] as number)} ± ${round2(r[`${n}_std`] as number)}`),
    (r.outside_training_box as string) || '',
  ]);
  return formatTable(body, head);
}

function round2(v: number): string {
  return Number.isFinite(v) && v !== 0 ? String(Number(v.toPrecision(2))) : String(v);
}

interface ExplainCliOpts extends GlobalOpts {
  kind?: string;
  points: string;
  background: string;
  repeats: string;
  bins: string;
  permutations: string;
  seed: string;
}

async function explainCommand(modelDir: string, o: ExplainCliOpts): Promise<void> {
  const { loadModel, readTrainingData, readParity, writeCard } = await import('../../../surrogates/store.ts');
  const { explainModel } = await import('../../../surrogates/explain/summary.ts');
  const { writeReport } = await import('../../../surrogates/report/card.ts');
  await tfBackend(o, o.tfBackend !== undefined);
  const { model, card, dir } = await loadModel(modelDir, o.kind as 'gpr' | 'dnn' | 'linear' | undefined);
  const data = await readTrainingData(dir);
  const t0 = performance.now();
  const ex = explainModel(model, data.x, data.y, {
    seed: int(o.seed, '--seed', 0)!,
    points: int(o.points, '--points', 1)!,
    background: int(o.background, '--background', 1)!,
    permutationRepeats: int(o.repeats, '--repeats', 1)!,
    aleBins: int(o.bins, '--bins', 2)!,
    shapleyPermutations: int(o.permutations, '--permutations', 2)!,
  });
  log(`explained in ${((performance.now() - t0) / 1000).toFixed(2)} s (Shapley: ${ex.shapley.method})`);
  card.explanation = ex;
  await writeCard(dir, card);
  await writeFile(resolve(dir, 'explain.json'), JSON.stringify(ex));
  await writeReport(dir, card, await readParity(dir));
  if (o.json) printJson(ex);
  else {
    for (const out of ex.outputs) {
      process.stdout.write(`${out}:\n${formatTable(ex.ranking[out]!.map((r) => [r.input, r.meanAbsShap, r.permutationRmseIncrease]), ['input', 'mean |Shapley|', 'permutation ΔRMSE'])}\n\n`);
    }
    process.stdout.write(`written: ${dir}/explain.json, ${dir}/report.md, ${dir}/report.html\n`);
  }
}

interface LearnCliOpts extends GlobalOpts {
  budget: string;
  batch: string;
  init?: string;
  test: string;
  outputs?: string;
  seed: string;
  kernel: string;
  restarts: string;
  target?: string;
  workers?: string;
  output?: string;
  sobol: boolean;
}

async function learnCommand(studyPath: string, o: LearnCliOpts): Promise<void> {
  const { runStudyActiveLearning } = await import('../workflows/learn-study.ts');
  const target = optional(o.target, looTargetOption);
  const workers = int(o.workers, '--workers', 1);
  const init = int(o.init, '--init', 2);
  const outputs = list(o.outputs);
  const result = await runStudyActiveLearning(resolve(studyPath), {
    budget: int(o.budget, '--budget', 2)!,
    batch: int(o.batch, '--batch', 1)!,
    ...(init !== undefined ? { init } : {}),
    testPoints: int(o.test, '--test', 2)!,
    seed: int(o.seed, '--seed', 0)!,
    kernel: o.kernel as 'matern52',
    restarts: int(o.restarts, '--restarts', 0)!,
    ...(target ? { targetLooRmse: target } : {}),
    ...(outputs ? { outputs } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(o.output ? { dir: resolve(o.output) } : {}),
    ...(o.backend ? { backend: o.backend } : {}),
    compareSobol: o.sobol,
    log,
  });
  if (o.json) printJson(result.summary);
  else process.stdout.write(`${result.table}\nreport: ${result.reportDir}/report.md\n`);
}

interface DesignCliOpts extends GlobalOpts {
  target: string;
  fix: string[];
  kind?: string;
  seed: string;
  starts: string;
  verify?: boolean;
  study?: string;
  dir?: string;
  workers?: string;
}

async function designCommand(modelDir: string, o: DesignCliOpts): Promise<void> {
  const { loadModel } = await import('../../../surrogates/store.ts');
  const { designFor } = await import('../../../surrogates/inverse/inverse.ts');
  await tfBackend(o, o.tfBackend !== undefined);
  const { model, card } = await loadModel(modelDir, o.kind as 'gpr' | 'dnn' | 'linear' | undefined);
  const targets = intervalTargetsOption(o.target, card.outputs);
  const fixed = fixedInputsOption(o.fix, card.inputBox);
  const result = designFor(model, card.inputBox, targets, fixed, { seed: int(o.seed, '--seed', 0)!, starts: int(o.starts, '--starts', 1)! });
  let verification: unknown;
  if (o.verify) {
    const { verifyDesign } = await import('../workflows/verify-design.ts');
    const workers = int(o.workers, '--workers', 1);
    verification = await verifyDesign(card, result, { ...(o.study ? { study: resolve(o.study) } : {}), ...(o.dir ? { dir: resolve(o.dir) } : {}), ...(workers !== undefined ? { workers } : {}), ...(o.backend ? { backend: o.backend } : {}) });
  }
  if (o.json) {
    printJson({ ...result, ...(verification ? { verification } : {}) });
    return;
  }
  const b = result.best;
  if (b.probability < 0.05) log(`warning: no point of the training box is likely to meet the targets on this surrogate (best log P = ${b.logProbability.toFixed(1)}); the answer below is the closest it found`);
  process.stdout.write(`answer (P(all targets met) = ${formatNumber(b.probability)} on the ${card.kind} surrogate, ${result.starts} starts):\n`);
  process.stdout.write(`${formatTable(card.inputs.map((n) => [n, b.inputs[n]!, n in fixed ? 'fixed' : `box [${formatNumber(card.inputBox[n]![0])}, ${formatNumber(card.inputBox[n]![1])}]`]), ['input', 'value', ''])}\n\n`);
  process.stdout.write(`${formatTable(targets.map((t) => [t.output, `[${t.lo}, ${t.hi}]`, b.predicted[t.output]!.mean, b.predicted[t.output]!.std, b.predicted[t.output]!.probabilityInTarget]), ['output', 'target', 'predicted', '± std', 'P(in target)'])}\n`);
  if (result.alternatives.length > 0) {
    process.stdout.write(`\nalternatives:\n${formatTable(result.alternatives.map((a) => [...card.inputs.map((n) => a.inputs[n]!), a.probability]), [...card.inputs, 'P'])}\n`);
  }
  if (verification) process.stdout.write(`\nverification:\n${JSON.stringify(verification, null, 2)}\n`);
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train and judge surrogates (GPR, DNN, linear) on a study folder, CSV or Parquet table; writes model folders with report cards')
    .argument('<data>', 'study folder, .csv or .parquet file')
    .option('--model <kinds>', 'gpr, dnn, linear, comma-separated', 'gpr')
    .option('--inputs <cols>', 'input columns, comma-separated (default for a study: its varied inputs)')
    .option('--outputs <cols>', 'output columns, comma-separated (default for a study: its outputs)')
    .option('--cv <k>', 'folds of the cross-validation', '5')
    .option('--seed <n>', 'seed of folds, restarts and initializers', '1')
    .requiredOption('-o, --output <dir>', 'model folder (one sub-folder per kind when several)')
    .option('--force', 'replace a model folder trained on other data or with other options')
    .option('--kernel <name>', 'GPR kernel: matern52, matern32, rbf', 'matern52')
    .option('--restarts <n>', 'GPR optimizer restarts after the first start', '3')
    .option('--layers <units>', 'DNN hidden layer sizes, comma-separated (default 64,64)')
    .option('--activation <name>', 'DNN activation: tanh, relu, elu, sigmoid (default tanh)')
    .option('--dropout <rate>', 'DNN dropout rate (default 0)')
    .option('--epochs <n>', 'DNN maximum epochs (default 400; early stopping on a 15% validation split)')
    .option('--ensemble <n>', 'DNN deep-ensemble members (default 3)')
    .option('--lr <rate>', 'DNN Adam learning rate (default 0.01)')
    .option('--quadratic', 'linear model with squares and pairwise products')
    .option('--sim-seconds <s>', 'seconds one simulation takes (for the speed-up) when the data has no run_seconds column')
    .option('--sim-seconds-column <col>', 'column with each row\'s simulation seconds')
    .option('--no-learning-curve', 'skip the learning curve')
    .option('--no-explain', 'skip the explanation summary in the report card')
    .option('--low-fidelity <col>', 'multi-fidelity GP: the cheap output column (e.g. a quasi-static saturation) that approximates the one --outputs column (e.g. the LBM one); rows where the --outputs column is empty are low-fidelity-only rows')
    .option('--fidelity <spec>', 'multi-fidelity GP on a stacked table: <column>=low:<value>,high:<value> says which rows are the cheap and which the expensive runs of the one --outputs column (seconds from run_seconds when present)')
    .option('--multi-fidelity', "multi-fidelity GP of the one --outputs column on its low-fidelity pair from the study file's fidelity.pairs (same as --low-fidelity <that pair>)")
    .option('--fidelity-seconds <low,high>', "CPU-seconds per run of each fidelity for the equal-budget comparison: a column, stage:<name> (from stage_seconds) or a number (default for a study declaring fidelity: its stage_seconds, every stage but the other fidelity's)")
    .option('--drop-non-finite', 'leave out rows with NaN/empty/infinite values in the chosen columns (default for study folders)')
    .option('--tf-backend <name>', 'TensorFlow.js backend: tensorflow-gpu, tensorflow, wasm, cpu (default: first that loads)')
    .option('--json', 'print the summary as JSON')
    .action(async (data: string, _o: TrainCliOpts, cmd: Command) => trainCommand(data, cmd.optsWithGlobals<TrainCliOpts>()));

  program
    .command('predict')
    .description('predict mean and standard deviation with a trained surrogate; points outside the training box are flagged')
    .argument('<model>', 'model folder written by train')
    .argument('<inputs>', '.csv/.parquet table or .json (object or array of objects) with the model inputs')
    .option('--kind <kind>', 'which model of a multi-model folder (default: best CV R²)')
    .option('-o, --output <file>', 'write the predictions as CSV')
    .option('--force', 'replace an existing output file')
    .option('--tf-backend <name>', 'TensorFlow.js backend for DNN models')
    .option('--json', 'print predictions as JSON')
    .action(async (m: string, i: string, _o: PredictCliOpts, cmd: Command) => predictCommand(m, i, cmd.optsWithGlobals<PredictCliOpts>()));

  program
    .command('explain')
    .description('permutation importance, Shapley values (exact up to 10 inputs) and ALE curves of a trained surrogate; updates its report')
    .argument('<model>', 'model folder written by train')
    .option('--kind <kind>', 'which model of a multi-model folder')
    .option('--points <n>', 'points whose Shapley values are computed', '20')
    .option('--background <n>', 'background rows for the Shapley values', '20')
    .option('--repeats <n>', 'shuffles per input for permutation importance', '5')
    .option('--bins <n>', 'ALE bins (quantiles)', '10')
    .option('--permutations <n>', 'sampled permutations per point beyond 10 inputs', '64')
    .option('--seed <n>', 'seed', '1')
    .option('--tf-backend <name>', 'TensorFlow.js backend for DNN models')
    .option('--json', 'print the explanation as JSON')
    .action(async (m: string, _o: ExplainCliOpts, cmd: Command) => explainCommand(m, cmd.optsWithGlobals<ExplainCliOpts>()));

  program
    .command('learn')
    .description('active learning on a study: GPR + greedy max-std batches, run through the sweep machinery, compared with Sobol sampling')
    .argument('<study>', 'study file (JSON or YAML); its varied parameters must be uniform or loguniform')
    .requiredOption('--budget <n>', 'simulations of the active learner in total (initial design included); the Sobol comparison and the test set are counted and reported separately')
    .option('--batch <q>', 'points per round', '4')
    .option('--init <n>', 'initial Sobol points (default max(2d+2, batch))')
    .option('--test <n>', 'held-out random test points (simulated outside the budget)', '50')
    .option('--outputs <cols>', 'outputs to learn (default: the study\'s outputs list, else its key outputs such as tortuosity_pore_z)')
    .option('--target <o=rmse,...>', 'stop when each output\'s leave-one-out RMSE is below this')
    .option('--kernel <name>', 'GPR kernel', 'matern52')
    .option('--restarts <n>', 'GPR optimizer restarts per fit', '2')
    .option('--seed <n>', 'seed', '1')
    .option('--no-sobol', 'skip the Sobol comparison')
    .option('-w, --workers <n>', 'worker threads')
    .option('-o, --output <dir>', 'study folder (default: studies/<name>)')
    .option('--json', 'print the summary as JSON')
    .action(async (s: string, _o: LearnCliOpts, cmd: Command) => learnCommand(s, cmd.optsWithGlobals<LearnCliOpts>()));

  program
    .command('design-for')
    .description('inverse design: inputs inside the training box that hit output targets on the surrogate, with uncertainty')
    .argument('<model>', 'model folder written by train')
    .requiredOption('--target <spec>', '"<output> in [a, b], ..." (use -inf/inf for one-sided)')
    .option('--fix <input=value>', 'hold an input at a value (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--kind <kind>', 'which model of a multi-model folder')
    .option('--starts <n>', 'optimizer starts', '16')
    .option('--seed <n>', 'seed', '1')
    .option('--verify', 'run the real simulation at the answer (model trained on a study folder) and report the difference')
    .option('--study <file>', 'study file for --verify (default: the one the model\'s data came from)')
    .option('--dir <dir>', 'study folder for --verify (default: the model\'s data folder)')
    .option('-w, --workers <n>', 'worker threads for --verify')
    .option('--tf-backend <name>', 'TensorFlow.js backend for DNN models')
    .option('--json', 'print the result as JSON')
    .action(async (m: string, _o: DesignCliOpts, cmd: Command) => designCommand(m, cmd.optsWithGlobals<DesignCliOpts>()));
}
