import type { GprModel } from '../gpr/model.ts';
import type { CurvePoint } from './learn.ts';

/** How active learning fared against Sobol sampling for one output, at the final budget. */
export interface OutputVerdict {
  output: string;
  simulations: number;
  activeRmse: number;
  sobolRmse: number;
  /** Active learning's held-out RMSE is below Sobol's. */
  beat: boolean;
  /** Plain-language causes, measured on this run, when it did not beat Sobol (empty otherwise). */
  reasons: string[];
}

/** Share of points within `margin` of a face of the unit cube. */
export function faceShare(points: readonly (readonly number[])[], margin = 0.05): number {
  if (points.length === 0) return 0;
  return points.filter((u) => u.some((v) => v < margin || v > 1 - margin)).length / points.length;
}

/**
 * Compares the last points of the active and Sobol curves output by output and, where active
 * learning did not win, says why from what this run measured: the GP's noise share (noisy outputs
 * gain nothing from placing points where the model is unsure), how many of the chosen points sit
 * on the faces of the box (max-std sampling drifts there, while test points fill the interior),
 * several outputs sharing one batch, and a margin too small for the test set to tell apart.
 *
 * @param pickedUnit  the points active learning chose after its initial design, in unit-cube coordinates
 * @param testPoints  held-out points the RMSEs were measured on
 * @returns one verdict per output; e.g. { output: 'f', beat: false, reasons: ['…'] }
 */
export function compareWithSobol(active: readonly CurvePoint[], sobol: readonly CurvePoint[], model: GprModel, pickedUnit: readonly (readonly number[])[], testPoints: number): OutputVerdict[] {
  const a = active[active.length - 1];
  const s = sobol[sobol.length - 1];
  if (!a || !s) return [];
  const d = model.state.inputs.length;
  const faces = faceShare(pickedUnit);
  const uniformFaces = 1 - 0.9 ** d;
  const outputs = model.state.outputs;
  return outputs.map((o, j) => {
    const activeRmse = a.testRmse[o]!;
    const sobolRmse = s.testRmse[o]!;
    const beat = activeRmse < sobolRmse;
    const reasons: string[] = [];
    if (!beat) {
      const p = model.state.perOutput[j]!.params;
      const noiseShare = p.noise / (p.noise + p.constant);
      if (noiseShare > 0.1) {
        reasons.push(
          `the GP puts ${(100 * noiseShare).toFixed(0)} % of ${o}'s variance in noise (runs at nearby points differ, e.g. by their random packing): points placed where the model is least sure reduce noise no better than evenly spread ones`,
        );
      }
      if (pickedUnit.length > 0 && faces > Math.max(0.5, 1.5 * uniformFaces)) {
        reasons.push(
          `max-std sampling put ${(100 * faces).toFixed(0)} % of its ${pickedUnit.length} chosen points within 5 % of a face of the box (${(100 * uniformFaces).toFixed(0)} % for evenly spread points), while the test points fill the interior`,
        );
      }
      if (outputs.length > 1) reasons.push(`points were chosen for the summed uncertainty of ${outputs.length} outputs, so ${o} got points picked for the others (learn it alone with --outputs ${o})`);
      const margin = Math.abs(activeRmse - sobolRmse) / Math.max(sobolRmse, 1e-300);
      if (margin < 0.1) reasons.push(`the two are within ${(100 * margin).toFixed(0)} % of each other, a difference ${testPoints} test points cannot resolve`);
      if (reasons.length === 0) reasons.push('none of the usual causes (noise, points on the faces, shared batches, a small margin) was measured; the initial design may already cover what matters');
    }
    return { output: o, simulations: a.simulations, activeRmse, sobolRmse, beat, reasons };
  });
}

/** Markdown lines of the verdicts: one per output, then the reasons where Sobol was not beaten. */
export function verdictLines(verdicts: readonly OutputVerdict[]): string[] {
  const lines: string[] = [];
  for (const v of verdicts) {
    const figures = `held-out RMSE ${v.activeRmse.toPrecision(3)} against ${v.sobolRmse.toPrecision(3)} for Sobol at ${v.simulations} simulations`;
    if (v.beat) lines.push(`- ${v.output}: active learning beat Sobol (${figures}).`);
    else {
      lines.push(`- ${v.output}: active learning did **not** beat Sobol (${figures}). Why:`);
      for (const r of v.reasons) lines.push(`  - ${r}`);
    }
  }
  return lines;
}
