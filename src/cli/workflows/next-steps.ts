import { UNREPRESENTATIVE_SPREAD, type ReplicateNoise } from '../../study/noise.ts';

/** What the study report knows when it suggests the next commands. */
export interface NextStepsInput {
  /** The study folder, as the user would type it (e.g. "studies/default"). */
  dir: string;
  /** The study file to give `mesolab learn` (for the embedded default: its LBM-free twin, examples/study-default-structure.json). */
  studyFile: string;
  /** Said beside the learn command, e.g. that each new point runs the study's expensive stages too. */
  learnNote?: string;
  /** Cross-validated R² of the best single-fidelity model per output. */
  cvR2: Record<string, number>;
  /** Replicate spreads (empty without replicates). */
  noise: readonly ReplicateNoise[];
  /** Multi-fidelity models trained: their folder and held-out RMSEs. */
  multiFidelity: readonly { output: string; folder: string; rmse: number; singleRmse: number; highRows: number }[];
}

/**
 * The report's closing "what to look at next" lines: the viewer, then the output a model learns
 * worst (more points with `mesolab learn` when the replicates say a model could do better, larger
 * volumes when noise already caps it), the noisiest output, and the multi-fidelity models (more
 * LBM points, or larger electrodes where the LBM output's replicates scatter over its range).
 *
 * @param i what the study produced (see NextStepsInput)
 * @returns one line per call of the report's log, the heading first
 * @example
 *   nextSteps({ dir: 'studies/default', studyFile: 'examples/study-default.json', cvR2: { tortuosity_pore_z: 0.7 }, noise: [], multiFidelity: [] });
 */
export function nextSteps(i: NextStepsInput): string[] {
  const out = ['what to look at next:', `  mesolab view ${i.dir}    # every run in 3D with where the electrolyte went`];
  const ranked = Object.entries(i.cvR2).filter(([, r2]) => Number.isFinite(r2)).sort((a, b) => a[1] - b[1]);
  const worst = ranked[0];
  if (worst) {
    const [output, r2] = worst;
    const n = i.noise.find((x) => x.output === output);
    // A model within 0.05 of the best R² the replicates allow has little left to learn from more points.
    const capped = n !== undefined && r2 >= n.bestR2 - 0.05;
    out.push(
      capped
        ? `  ${output} has the largest CV error (R² ${r2.toFixed(2)}), but replicate noise already caps it at ${n.bestR2.toFixed(2)}: more points will not help, larger volumes will (raise generate.shape)`
        : `  mesolab learn ${i.studyFile} --outputs ${output} --budget 40    # ${output} has the largest CV error (R² ${r2.toFixed(2)}${n ? `, replicates allow ${n.bestR2.toFixed(2)}` : ''}): add points where the GP is least sure${i.learnNote ? ` (${i.learnNote})` : ''}`,
    );
    out.push(`  mesolab explain ${i.dir}/surrogates/gpr    # which inputs drive ${ranked.map(([o]) => o).join(', ')}`);
  }
  const noisiest = [...i.noise].sort((a, b) => b.spreadOverRange - a.spreadOverRange)[0];
  if (noisiest) out.push(`  noisiest output: ${noisiest.output} (replicate sd ${(100 * noisiest.spreadOverRange).toFixed(0)} % of its range over the design): mesolab query ${i.dir} "SELECT design_index, replicate, ${noisiest.output} FROM runs ORDER BY design_index"`);
  for (const m of i.multiFidelity) {
    const verdict = m.rmse < m.singleRmse ? 'below' : 'not below';
    const n = i.noise.find((x) => x.output === m.output);
    // More LBM points cannot help an output whose single runs scatter over much of its range.
    const advice =
      n !== undefined && n.spreadOverRange > UNREPRESENTATIVE_SPREAD
        ? `its replicates scatter by ${(100 * n.spreadOverRange).toFixed(0)} % of its range, so larger electrodes (generate.shape) before more LBM points`
        : 'raise stageLimits.fill-lbm for more';
    out.push(`  ${m.folder}/comparison.md    # multi-fidelity ${m.output}: held-out RMSE ${m.rmse.toPrecision(3)}, ${verdict} the LBM-only GP's ${m.singleRmse.toPrecision(3)} on ${m.highRows} LBM runs; ${advice}`);
  }
  return out;
}
