import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { valueAt } from '../../doe/index.ts';
import { ConfigError, ImpossibleRequestError } from '../../errors.ts';
import { Rng } from '../../random/rng.ts';
import { loadStudy, runPoints, type RunRecord, type Study } from '../../../workers/run-points.ts';
import { WorkerPool } from '../../../workers/pool.ts';
import { getCompute } from '../../gpu/backend.ts';
import { planThreads } from '../../threads.ts';
import type { KernelName } from '../../../surrogates/gpr/covariance.ts';
import { lineChart } from '../../../surrogates/report/svg.ts';
import { writeModelFiles } from '../../../surrogates/store.ts';
import { activeLearn, type ActiveLearningResult, type CurvePoint } from '../../../surrogates/active/learn.ts';
import { compareWithSobol, verdictLines, type OutputVerdict } from '../../../surrogates/active/verdict.ts';
import { KEY_OUTPUTS } from './train-study.ts';

// `mesolab learn` on a study: the composition root joins the sweep (workers/run-points) and the
// pure active-learning loop (surrogates/active/learn.ts, which only sees a `simulate` callback).

export interface StudyActiveLearningOptions {
  budget: number;
  batch: number;
  init?: number;
  /** Random test points simulated outside the budget to score both strategies. */
  testPoints: number;
  seed: number;
  kernel?: KernelName;
  restarts?: number;
  targetLooRmse?: Record<string, number>;
  /** Outputs to learn (default: the study's `outputs` list, else the key outputs its chain gives, train-study.ts). */
  outputs?: string[];
  /** Study folder (default studies/<name>). */
  dir?: string;
  workers?: number;
  backend?: string;
  compareSobol?: boolean;
  log?: (line: string) => void;
}

export interface StudyActiveLearningSummary {
  study: { name: string; hash: string; dir: string };
  inputs: string[];
  outputs: string[];
  tagPrefix: string;
  testPoints: number;
  stoppedBy: ActiveLearningResult['stoppedBy'];
  failedSimulations: number;
  /** Every simulation this command ran, failed ones included; `active` is what the budget counts. */
  simulations: { budget: number; active: number; sobolComparison: number; test: number; total: number };
  active: CurvePoint[];
  sobol: CurvePoint[];
  /** Per output: did active learning beat Sobol at the final budget, and if not, why (empty without the comparison). */
  verdicts: OutputVerdict[];
}

function unitMapper(study: Study): { inputs: string[]; fromUnit: (u: readonly number[]) => number[] } {
  if (study.varied.length === 0) throw new ConfigError('varied', [], 'a study with varied parameters to learn over');
  for (const v of study.varied) {
    if (v.distribution !== 'uniform' && v.distribution !== 'loguniform') {
      throw new ConfigError(`varied.${v.name}.distribution`, v.distribution, 'uniform or loguniform (active learning searches a bounded box)');
    }
  }
  return { inputs: study.varied.map((v) => v.name), fromUnit: (u) => study.varied.map((v, k) => valueAt(v, u[k]!) as number) };
}

/** Runs `learn` on a study: test set and every chosen batch go through runPoints into the study's dataset. */
export async function runStudyActiveLearning(studyFile: string, opts: StudyActiveLearningOptions): Promise<{ summary: StudyActiveLearningSummary; table: string; reportDir: string }> {
  // The workers live as long as the command: started for the test set, reused by every batch.
  const held: { pool?: WorkerPool } = {};
  try {
    return await learnOnStudy(studyFile, opts, held);
  } finally {
    await held.pool?.close();
  }
}

async function learnOnStudy(studyFile: string, opts: StudyActiveLearningOptions, held: { pool?: WorkerPool }): Promise<{ summary: StudyActiveLearningSummary; table: string; reportDir: string }> {
  const log = opts.log ?? ((): void => undefined);
  const study = loadStudy(studyFile);
  const dir = opts.dir ?? resolve(`studies/${study.name}`);
  const { inputs, fromUnit } = unitMapper(study);
  const tagPrefix = `al-${opts.seed}-${Date.now().toString(36)}`;
  let batchNo = 0;
  const run = async (rows: number[][]): Promise<RunRecord[]> => {
    const points = rows.map((r) => Object.fromEntries(inputs.map((n, k) => [n, r[k]!])));
    const tag = `${tagPrefix}-${batchNo++}`;
    log(`running ${rows.length} point(s) (tag ${tag})`);
    // One pool for the test set and every batch: new workers would pay start-up and JIT warm-up
    // again each round, which at small batches costs more than the runs.
    if (!held.pool) {
      const backend = opts.backend ?? (await getCompute()).backend;
      const size = planThreads({ runs: Math.max(rows.length, opts.batch), ...(opts.workers !== undefined ? { workers: opts.workers } : {}) }).workers;
      held.pool = new WorkerPool({ size, backend, ...(study.timeLimitSeconds !== undefined ? { timeLimitMs: study.timeLimitSeconds * 1000 } : {}) });
    }
    return runPoints(study, points, { dir, tag, replicates: 1, pool: held.pool });
  };
  const key = (values: readonly unknown[]): string => JSON.stringify(values);
  let outputs = opts.outputs;
  const toRows = (rows: number[][], records: RunRecord[]): (number[] | null)[] => {
    const byPoint = new Map<string, RunRecord>();
    for (const r of records) byPoint.set(key(inputs.map((n) => r.point[n])), r);
    return rows.map((row) => {
      const rec = byPoint.get(key(row));
      if (!rec || rec.status !== 'ok') return null;
      const vals = outputs!.map((o) => rec.outputs[o]);
      return vals.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (vals as number[]) : null;
    });
  };

  // Test set first: it also tells which outputs exist when none were named.
  const rng = new Rng(opts.seed ^ 0x5eed);
  const testX = Array.from({ length: opts.testPoints }, () => fromUnit(Array.from({ length: inputs.length }, () => rng.uniform())));
  const testRecords = await run(testX);
  if (!outputs) {
    const first = testRecords.find((r) => r.status === 'ok');
    if (!first) throw new ImpossibleRequestError('learn.test', testRecords.length, 'at least one test simulation that finishes', testRecords[0]?.error);
    const numeric = Object.keys(first.outputs).filter((o) => typeof first.outputs[o] === 'number' && Number.isFinite(first.outputs[o]));
    // Only what was asked for: the study's own list, else the key outputs (never every column:
    // a GP over 47 outputs at once spreads each batch over all of them).
    const wanted = study.outputs ?? KEY_OUTPUTS;
    outputs = wanted.filter((o) => numeric.includes(o));
    if (outputs.length === 0) {
      throw new ConfigError('--outputs', undefined, `the outputs to learn (the study lists none${study.outputs ? ' with finite values' : ''} and gives none of the key outputs ${KEY_OUTPUTS.join(', ')}; it gives ${numeric.slice(0, 8).join(', ')}${numeric.length > 8 ? ', …' : ''})`, `the ${testRecords.length} test simulations are kept in ${dir}`);
    }
    log(`learning ${outputs.join(', ')} (${study.outputs ? 'the study\'s outputs' : 'its key outputs'}; name others with --outputs)`);
  }
  const testRows = toRows(testX, testRecords);
  const test = { x: testX.filter((_, i) => testRows[i] !== null), y: testRows.filter((r): r is number[] => r !== null) };
  if (test.x.length < 2) throw new ImpossibleRequestError('learn.test', test.x.length, `at least 2 finished test simulations with finite ${outputs.join(', ')}`);
  log(`test set: ${test.x.length} of ${testX.length} points finished; learning ${outputs.join(', ')} over ${inputs.join(', ')}`);

  const result = await activeLearn(
    { inputs, outputs, fromUnit, simulate: async (rows) => toRows(rows, await run(rows)), test },
    {
      budget: opts.budget,
      batch: opts.batch,
      seed: opts.seed,
      ...(opts.init !== undefined ? { init: opts.init } : {}),
      ...(opts.kernel ? { kernel: opts.kernel } : {}),
      ...(opts.restarts !== undefined ? { restarts: opts.restarts } : {}),
      ...(opts.targetLooRmse ? { targetLooRmse: opts.targetLooRmse } : {}),
      ...(opts.compareSobol !== undefined ? { compareSobol: opts.compareSobol } : {}),
      log,
    },
  );

  const simulations = { budget: opts.budget, ...result.simulations, test: testX.length, total: result.simulations.active + result.simulations.sobolComparison + testX.length };
  const summary: StudyActiveLearningSummary = {
    study: { name: study.name, hash: study.hash, dir },
    inputs,
    outputs,
    tagPrefix,
    testPoints: test.x.length,
    stoppedBy: result.stoppedBy,
    failedSimulations: result.failedSimulations,
    simulations,
    active: result.active,
    sobol: result.sobol,
    verdicts: compareWithSobol(result.active, result.sobol, result.model, result.pickedUnit, test.x.length),
  };
  const reportDir = join(dir, `active-learning-${tagPrefix}`);
  await mkdir(reportDir, { recursive: true });
  await writeFile(join(reportDir, 'result.json'), JSON.stringify(summary, null, 1));
  await writeModelFiles(reportDir, result.model);
  const table = [learningTable(summary), '', accountLine(summary), ...(summary.verdicts.length ? ['', ...verdictLines(summary.verdicts)] : [])].join('\n');
  const plots = outputs.map((o) =>
    lineChart(`${o}: test RMSE vs simulations`, 'simulations', 'test RMSE', [
      { name: 'active (max std)', x: result.active.map((p) => p.simulations), y: result.active.map((p) => p.testRmse[o]!) },
      ...(result.sobol.length > 0 ? [{ name: 'Sobol', x: result.sobol.map((p) => p.simulations), y: result.sobol.map((p) => p.testRmse[o]!) }] : []),
    ], { markers: true }),
  );
  for (let j = 0; j < outputs.length; j++) await writeFile(join(reportDir, `error-${outputs[j]}.svg`), plots[j]!);
  const md = [
    `# Active learning on study "${study.name}" (hash ${study.hash})`,
    '',
    `GPR (${opts.kernel ?? 'matern52'}) refitted after each batch of ${opts.batch}; next points by greedy maximum predictive std with fantasized observations; stopped by ${result.stoppedBy}. Errors on ${test.x.length} held-out random points of the same chain. Runs are in ${dir} with tags ${tagPrefix}-*. The final GP is in gpr.json.`,
    '',
    table,
    '',
    ...outputs.map((o) => `![${o}](error-${o}.svg)`),
    '',
  ].join('\n');
  await writeFile(join(reportDir, 'report.md'), md);
  return { summary, table, reportDir };
}

function learningTable(s: StudyActiveLearningSummary): string {
  const head = ['simulations', ...s.outputs.flatMap((o) => [`active RMSE ${o}`, ...(s.sobol.length > 0 ? [`Sobol RMSE ${o}`] : []), `LOO RMSE ${o}`])];
  const rows = s.active.map((p, i) => [String(p.simulations), ...s.outputs.flatMap((o) => [p.testRmse[o]!.toPrecision(4), ...(s.sobol.length > 0 ? [s.sobol[i]!.testRmse[o]!.toPrecision(4)] : []), p.looRmse[o]!.toPrecision(4)])]);
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Every simulation the command ran, in one sentence: the budget, the comparison and the test set. */
export function accountLine(s: StudyActiveLearningSummary): string {
  const n = s.simulations;
  const parts = [`${n.active} by active learning (the budget of ${n.budget}, initial design included)`];
  if (n.sobolComparison > 0) parts.push(`${n.sobolComparison} more for the Sobol comparison (it shares the initial design)`);
  parts.push(`${n.test} for the held-out test set`);
  return `Simulations run: ${n.total} in all: ${parts.join(', ')}${s.failedSimulations ? `; ${s.failedSimulations} of the active and Sobol ones failed` : ''}.`;
}
