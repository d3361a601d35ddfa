import { join } from 'node:path';
import type { Study } from '../../study/schema.ts';
import { readStudyTable } from '../../store/table.ts';
import { noiseReport, replicateNoise, type ReplicateNoise } from '../../study/noise.ts';
import { trainSurrogates, type TrainOptions, type TrainSummary } from '../../../surrogates/train-surrogates.ts';

/** Outputs worth a surrogate, in order of preference, when the study does not list its own. */
export const KEY_OUTPUTS = ['tortuosity_pore_z', 'tortuosity_electrolyte_z', 'qs_saturation', 'lbm_t90', 'porosity', 'f', 'g'];

/**
 * After a study (`mesolab study`): trains surrogates (GPR and linear; DNN too from 40 runs) on the
 * study's outputs, else its key outputs, that have finite values, and prints the CV table, where
 * the models are and the replicate noise. Composition root: it joins the dataset (src/store) and
 * the surrogates (surrogates/train-surrogates.ts).
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
  const noise = outputs.map((o) => replicateNoise(table.rows, inputs, o)).filter((n): n is ReplicateNoise => n !== undefined);
  if (noise.length === 0) {
    log(`no replicates: how far single runs scatter at the same parameters (and so the best R² any model can reach) is unknown; set "replicates": 2 or more in the study to measure it`);
  } else {
    for (const line of noiseReport(noise, Object.fromEntries(outputs.map((o) => [o, best?.cv[o]?.r2])), voxelShape(study))) log(line);
  }
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
