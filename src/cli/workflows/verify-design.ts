import { ConfigError } from '../../errors.ts';
import { loadStudy, runPoints } from '../../../workers/run-points.ts';
import type { ModelCard } from '../../../surrogates/store.ts';
import type { DesignResult } from '../../../surrogates/inverse/inverse.ts';

// `mesolab design-for --verify`: the composition root runs the study's chain (workers/) at the
// point the inverse design (surrogates/inverse) chose and compares it with the surrogate.

export interface Verification {
  study: { name: string; hash: string; dir: string; sameAsTraining: boolean };
  runs: number;
  failed: number;
  perOutput: Record<string, { simulated: number | null; predicted: number; std: number; difference: number | null; zScore: number | null; inTarget: boolean | null }>;
}

/** Runs the study's chain at the designed point (the study's replicates) and compares with the surrogate. */
export async function verifyDesign(card: ModelCard, result: DesignResult, opts: { study?: string; dir?: string; workers?: number; backend?: string }): Promise<Verification> {
  const studyFile = opts.study ?? card.data.study?.file;
  if (!studyFile) throw new ConfigError('--study', undefined, 'a study file for --verify (the model\'s data does not record one; it was not trained on a study folder)');
  const dir = opts.dir ?? (card.data.sourceKind === 'study' ? card.data.source : undefined);
  if (!dir) throw new ConfigError('--dir', undefined, 'the study folder for --verify (the model was trained on a table, not a study folder)');
  const study = loadStudy(studyFile);
  const point = Object.fromEntries(study.varied.map((v) => {
    const value = result.best.inputs[v.name];
    if (value === undefined) throw new ConfigError(`varied.${v.name}`, undefined, `an input of the model (the model's inputs are ${card.inputs.join(', ')}; every varied parameter is needed to run the chain)`);
    return [v.name, value];
  }));
  const records = await runPoints(study, [point], { dir, tag: `design-${Date.now().toString(36)}`, ...(opts.workers !== undefined ? { workers: opts.workers } : {}), ...(opts.backend ? { backend: opts.backend } : {}) });
  const ok = records.filter((r) => r.status === 'ok');
  const perOutput: Verification['perOutput'] = {};
  for (const t of result.targets) {
    const vals = ok.map((r) => r.outputs[t.output]).filter((v): v is number => typeof v === 'number');
    const simulated = vals.length > 0 ? vals.reduce((s, v) => s + v, 0) / vals.length : null;
    const p = result.best.predicted[t.output]!;
    const difference = simulated === null ? null : simulated - p.mean;
    perOutput[t.output] = {
      simulated,
      predicted: p.mean,
      std: p.std,
      difference,
      zScore: difference === null ? null : difference / p.std,
      inTarget: simulated === null ? null : simulated >= t.lo && simulated <= t.hi,
    };
  }
  return { study: { name: study.name, hash: study.hash, dir, sameAsTraining: card.data.study?.hash === study.hash }, runs: records.length, failed: records.length - ok.length, perOutput };
}
