import { isAbsolute, join, relative } from 'node:path';
import type { Study } from '../../study/schema.ts';
import { readStudyTable } from '../../store/table.ts';
import { noiseReport, replicateNoise, type ReplicateNoise } from '../../study/noise.ts';
import { trainSurrogates, type TrainOptions, type TrainSummary } from '../../../surrogates/train-surrogates.ts';
import { nextSteps, type NextStepsInput } from './next-steps.ts';

/** Outputs worth a surrogate, in order of preference, when the study does not list its own. */
export const KEY_OUTPUTS = ['tortuosity_pore_z', 'tortuosity_electrolyte_z', 'qs_saturation', 'lbm_t90', 'porosity', 'f', 'g'];

/**
 * After a study (`mesolab study`): trains surrogates (GPR and linear; DNN too from 40 runs) on the
 * study's outputs, else its key outputs, that have finite values, and prints the CV table, where
 * the models are and the replicate noise; for a study that declares `fidelity`, also the
 * multi-fidelity surrogate of each declared pair (held-out RMSE against an LBM-only GP and the
 * CPU-seconds each was trained on); then what to look at next (nextSteps). Composition root: it
 * joins the dataset (src/store) and the surrogates (surrogates/train-surrogates.ts, surrogates/multifidelity).
 *
 * @param study the parsed study
 * @param dir the study folder (study.duckdb inside; models go to <dir>/surrogates)
 * @param log receives the report, one line per call
 * @returns when the models are written; skips training (and says why) with fewer than 8 runs
 * @example
 *   await trainStudySurrogates(study, 'studies/default', console.log);
 */
export async function trainStudySurrogates(study: Study, dir: string, log: (line: string) => void): Promise<void> {
  log(`dataset: ${join(dir, 'study.duckdb')}`);
  const table = await readStudyTable(dir);
  const inputs = table.columns.filter((c) => c.role === 'input' && c.type === 'number').map((c) => c.name);
  const usable = (name: string): boolean => {
    const finite = table.rows.filter((r) => typeof r[name] === 'number' && Number.isFinite(r[name])).length;
    return finite >= Math.max(8, table.rows.length * 0.8);
  };
  const numericOutputs = table.columns.filter((c) => c.role === 'output' && c.type === 'number').map((c) => c.name);
  const outputs = (study.outputs ? study.outputs : KEY_OUTPUTS).filter((o) => numericOutputs.includes(o) && usable(o)).slice(0, 4);
  if (inputs.length === 0 || outputs.length === 0 || table.rows.length < 8) {
    log(`surrogate training skipped: needs numeric inputs, key outputs with finite values and at least 8 finished runs (have ${table.rows.length})`);
    return;
  }
  const models: TrainOptions['models'] = table.rows.length >= 40 ? ['gpr', 'linear', 'dnn'] : ['gpr', 'linear'];
  // The study owns this folder: retraining on more runs replaces the models trained before.
  const outDir = join(dir, 'surrogates');
  log(`training ${models.join(', ')} surrogates of ${outputs.join(', ')} on ${inputs.join(', ')} (${table.rows.length} runs, 5-fold CV)`);
  const quiet = (line: string): void => {
    // Per-fold chatter stays out of the study report; warnings and dropped rows are kept.
    if (/warning|left out/i.test(line)) log(`  ${line}`);
  };
  const t0 = performance.now();
  const summary = await trainSurrogates({ data: dir, inputs, outputs, models, cv: Math.min(5, table.rows.length), seed: study.seed, outDir, log: quiet, force: true });
  log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s; models in ${outDir}/<model>/ (report card: report.md and report.html in each; comparison.md beside them)`);
  log('');
  log(formatSummary(summary));
  log('');
  const best = summary.models.find((m) => m.kind === summary.best);
  const mf = await trainStudyMultiFidelity(study, dir, table.rows, inputs, log);
  // The replicate spread of the multi-fidelity outputs too: how noisy a single LBM run is.
  const noise = [...outputs, ...mf.map((m) => m.output)].map((o) => replicateNoise(table.rows, inputs, o)).filter((n): n is ReplicateNoise => n !== undefined);
  if (noise.length === 0) {
    log(`no replicates: how far single runs scatter at the same parameters (and so the best R² any model can reach) is unknown; set "replicates": 2 or more in the study to measure it`);
  } else {
    for (const line of noiseReport(noise, Object.fromEntries(outputs.map((o) => [o, best?.cv[o]?.r2])), voxelShape(study))) log(line);
  }
  log('');
  const cvR2 = Object.fromEntries(outputs.flatMap((o) => (best?.cv[o] ? [[o, best.cv[o].r2] as const] : [])));
  // Points a learner adds run every stage (stageLimits counts design points only): the embedded
  // default has an LBM-free twin for that; elsewhere the report says what each point will cost.
  const limited = Object.keys(study.stageLimits);
  const embeddedDefault = study.file === undefined && study.name === 'default';
  const studyFile = embeddedDefault ? 'examples/study-default-structure.json' : study.file ?? `<the ${study.name} study file>`;
  const learnNote = !embeddedDefault && limited.length > 0 ? `each new point runs every stage, ${limited.join(', ')} included` : undefined;
  // Printed as the user would type it: relative to the working directory when inside it.
  const shown = relative(process.cwd(), dir);
  const shownDir = shown !== '' && !shown.startsWith('..') && !isAbsolute(shown) ? shown : dir;
  const shownMf = mf.map((m) => ({ ...m, folder: join(shownDir, relative(dir, m.folder)) }));
  for (const line of nextSteps({ dir: shownDir, studyFile, ...(learnNote ? { learnNote } : {}), cvR2, noise, multiFidelity: shownMf })) log(line);
}

/**
 * The multi-fidelity surrogates the study's `fidelity` declares: for each pair whose high-fidelity
 * output has at least 3 finite runs, the AR1 model (surrogates/multifidelity) in
 * <dir>/surrogates/mfgpr-<output>, with its held-out comparison against an LBM-only GP logged.
 */
async function trainStudyMultiFidelity(study: Study, dir: string, rows: readonly Record<string, unknown>[], inputs: string[], log: (line: string) => void): Promise<NextStepsInput['multiFidelity'][number][]> {
  const pairs = Object.entries(study.fidelity?.pairs ?? {});
  if (pairs.length === 0) return [];
  const { trainMultiFidelity, comparisonText } = await import('../../../surrogates/multifidelity/train-multifidelity.ts');
  const done: NextStepsInput['multiFidelity'][number][] = [];
  for (const [high, low] of pairs) {
    const withHigh = rows.filter((r) => typeof r[high] === 'number' && Number.isFinite(r[high]));
    const highRows = withHigh.length;
    // Folds keep a point's replicates together, so there are at most as many as distinct LBM points.
    const highPoints = new Set(withHigh.map((r) => JSON.stringify(inputs.map((c) => r[c] ?? null)))).size;
    if (highRows < 3 || highPoints < 2) {
      log(`multi-fidelity ${high}: skipped, ${highRows} finished ${study.fidelity!.high} run(s) with a value at ${highPoints} point(s) (needs 3 runs at 2 points or more; raise stageLimits.${study.fidelity!.high})`);
      continue;
    }
    const folder = join(dir, 'surrogates', `mfgpr-${high}`);
    const t0 = performance.now();
    let cmp;
    try {
      cmp = await trainMultiFidelity({ data: dir, inputs, output: high, lowOutput: low, kernel: 'matern52', restarts: 2, seed: study.seed, folds: Math.min(5, highPoints), outDir: folder, force: true });
    } catch (e) {
      // The dataset and the single-fidelity models are written by now; one model that cannot be fitted must not hide them.
      log(`multi-fidelity ${high}: not trained: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    log(`multi-fidelity ${high} from ${low} (${study.fidelity!.low} every point, ${study.fidelity!.high} on ${highRows} runs at ${highPoints} points, ${Math.min(5, highPoints)}-fold) in ${((performance.now() - t0) / 1000).toFixed(1)} s; model in ${folder}/`);
    for (const line of comparisonText(cmp, { output: high, lowOutput: low }).trim().split('\n').slice(2)) log(line);
    log('');
    done.push({ output: high, folder, rmse: cmp.multiFidelity.rmse, singleRmse: cmp.singleFidelity.rmse, highRows });
  }
  return done;
}

/** "48³ voxels" (or "64×64×48 voxels") from the generate stage's fixed shape, if the study fixes one. */
function voxelShape(study: Study): string | undefined {
  const shape = study.fixed.generate?.shape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((v) => typeof v === 'number')) return undefined;
  return shape.every((v) => v === shape[0]) ? `${String(shape[0])}³ voxels` : `${shape.join('×')} voxels`;
}

/** A short table: CV R² per model and output, prediction time and speed-up over the simulation. */
export function formatSummary(s: TrainSummary): string {
  const head = ['model', ...s.outputs.map((o) => `R² ${o}`), 'µs/prediction', 'speed-up vs simulation'];
  const rows = s.models.map((m) => [
    m.kind === s.best ? `${m.kind} (best)` : m.kind,
    ...s.outputs.map((o) => (m.cv[o] ? m.cv[o].r2.toFixed(3) : '')),
    (m.predictSecondsPerPoint * 1e6).toPrecision(3),
    m.speedup === null ? 'n/a' : `${m.speedup.toPrecision(3)}×`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
