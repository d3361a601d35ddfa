import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParityRow } from '../judge/cv.ts';
import { UNREPRESENTATIVE_SPREAD } from '../../src/study/noise.ts';
import type { ModelCard } from '../store.ts';
import { hyperparameterSection } from './hyperparameters.ts';
import { num, table } from './markdown.ts';
import { barChart, lineChart, parityPlot } from './svg.ts';
import { dischargeCurvesPlot, rateCapability, rateCapabilityPlot, rateCapabilitySection } from './rate-capability.ts';
import type { StudyDischargeCurves } from '../../src/study/cell-columns.ts';

/** What the report can show beyond the model card: a training row's discharge curves (cell stage). */
export interface ReportExtras {
  /** The discharge curves of a training row, or null when it has none. */
  dischargeCurves?: (row: number) => StudyDischargeCurves | null;
}

/** A 95 % interval coverage outside this range means the predictive std is not to be trusted. */
export const COVERAGE_RANGE: readonly [number, number] = [0.85, 1];

export function coverageOk(c: number): boolean {
  return c >= COVERAGE_RANGE[0] && c <= COVERAGE_RANGE[1];
}

function coverageCell(c: number): string {
  return coverageOk(c) ? num(c) : `**${num(c)} ⚠ outside ${COVERAGE_RANGE[0]}–${COVERAGE_RANGE[1]}**`;
}

const withUnit = (name: string, unit: string | undefined): string => (unit && unit !== '1' ? `${name} (${unit})` : name);

interface Plot {
  name: string;
  title: string;
  svg: string;
}

function plotsFor(card: ModelCard, parity: readonly ParityRow[], extras: ReportExtras): Plot[] {
  const plots: Plot[] = [];
  for (const o of card.outputs) {
    const rows = parity.filter((p) => p.output === o);
    const u = card.units[o];
    if (rows.length > 0) {
      plots.push({
        name: `parity-${o}`,
        title: `Parity: ${o}`,
        svg: parityPlot(`${o}: cross-validated parity`, withUnit(`simulated ${o}`, u), withUnit('predicted, held-out fold', u), rows.map((r) => r.actual), rows.map((r) => r.predicted), rows.map((r) => r.std)),
      });
    }
  }
  const rc = rateCapability(card.outputs, parity);
  if (rc) plots.push({ name: 'rate-capability', title: 'Rate capability', svg: rateCapabilityPlot(rc, card.units[rc.outputs[0]!]) });
  const curves = rc ? extras.dischargeCurves?.(rc.representative.row) : null;
  if (rc && curves) plots.push({ name: 'discharge-curves', title: 'Discharge curves', svg: dischargeCurvesPlot(rc.representative.row, curves) });
  if (card.learningCurve.length > 0) {
    plots.push({
      name: 'learning-curve',
      title: 'Learning curve',
      // Relative to each output's range, so outputs in different units share one axis (the table has the absolute RMSE).
      svg: lineChart('CV RMSE vs training rows', 'training rows per fold', 'CV RMSE / output range', card.outputs.map((o) => {
        const [lo, hi] = card.data.outputRanges[o]!;
        return { name: o, x: card.learningCurve.map((p) => p.trainSize), y: card.learningCurve.map((p) => p.rmse[o]! / (hi > lo ? hi - lo : 1)) };
      }), { markers: true }),
    });
  }
  const ex = card.explanation;
  if (ex) {
    ex.outputs.forEach((o, j) => {
      plots.push({ name: `shap-${o}`, title: `Mean |Shapley value|: ${o}`, svg: barChart(`${o}: mean |Shapley value|`, `mean |φ| (${card.units[o] ?? 'output units'})`, ex.inputs, ex.inputs.map((_, k) => ex.shapley.meanAbs[k]![j]!)) });
      // One panel per input, each on its own physical axis: inputs in different units share no x axis.
      for (const c of ex.ale) {
        if (c.grid.length < 2) continue;
        plots.push({
          name: `ale-${o}-${c.input}`,
          title: `ALE: ${o} vs ${c.input}`,
          svg: lineChart(`ALE of ${o} along ${c.input}`, withUnit(c.input, card.units[c.input]), withUnit(`ALE of ${o}`, card.units[o]), [{ name: c.input, x: c.grid, y: c.ale[j]! }], { zeroLine: true }),
        });
      }
    });
  }
  return plots;
}

export function reportMarkdown(card: ModelCard, plotLinks = true, parity: readonly ParityRow[] = [], extras: ReportExtras = {}): string {
  const d = card.data;
  const lines: string[] = [];
  lines.push(`# Surrogate report card: ${card.kind.toUpperCase()} for ${card.outputs.join(', ')}`, '');
  lines.push(`Created ${card.created}, seed ${card.seed}, training took ${num(card.trainSeconds)} s (cross-validation, learning curve and final fit).`, '');
  lines.push('## Data', '');
  lines.push(`- source: \`${d.source}\` (${d.sourceKind})${d.study ? `, study "${d.study.name}" hash \`${d.study.hash}\`${d.study.file ? ` from \`${d.study.file}\`` : ''}` : ''}`);
  lines.push(`- training data hash: \`${d.hash}\``);
  lines.push(`- rows: ${d.rows}; unique input points: ${d.uniqueInputRows}; replicate rows: ${d.replicateRows}${d.droppedNonFiniteRows > 0 ? `; left out ${d.droppedNonFiniteRows} row(s) with non-finite values` : ''}`, '');
  const declared = card.declaredInputBox;
  lines.push(
    declared
      ? table(['input', 'unit', 'min', 'max', 'declared by the study (predictions flagged outside)'], card.inputs.map((i) => [i, card.units[i] ?? '', card.inputBox[i]![0], card.inputBox[i]![1], declared[i] ? `${declared[i][0]}–${declared[i][1]}` : 'none (training min–max)']))
      : table(['input', 'unit', 'min', 'max'], card.inputs.map((i) => [i, card.units[i] ?? '', card.inputBox[i]![0], card.inputBox[i]![1]])),
    '',
  );
  lines.push(table(['output', 'unit', 'min', 'max'], card.outputs.map((o) => [o, card.units[o] ?? '', d.outputRanges[o]![0], d.outputRanges[o]![1]])), '');
  lines.push('## Preprocessing', '', ...card.preprocessing.map((p) => `- ${p}`), '');
  lines.push('## Output transforms', '');
  const transforms = card.outputTransforms;
  if (transforms) {
    lines.push(table(['output', 'learned as', 'why'], card.outputs.map((o) => [o, transforms[o]?.kind === 'logit' ? `logit(${o}), clipped to [${transforms[o]!.eps}, ${1 - transforms[o]!.eps!}]` : transforms[o]?.kind === 'log' ? `log(${o})` : `${o} (identity)`, transforms[o]?.reason ?? ''])), '');
    lines.push('Predictions are mapped back to physical units (logistic function, exp); the mean reported is the back-transformed mean of the transformed prediction (the median), the std the half-width of the back-transformed 95 % interval divided by 1.96.', '');
  } else lines.push('None: every output learned as given (model trained before output transforms existed).', '');
  lines.push('## Model and hyperparameters', '', ...hyperparameterSection(card));
  lines.push(`## Cross-validation (${card.cv.folds}-fold, seed ${card.cv.seed}, replicates kept in one fold)`, '');
  lines.push(table(['output', 'RMSE', 'MAE', 'R²', '95% interval coverage'], card.outputs.map((o) => [o, card.cv.metrics[o]!.rmse, card.cv.metrics[o]!.mae, card.cv.metrics[o]!.r2, coverageCell(card.cv.coverage95[o]!)])), '');
  const badCoverage = card.outputs.filter((o) => !coverageOk(card.cv.coverage95[o]!));
  if (badCoverage.length > 0) lines.push(`Warning: the 95 % predictive intervals of ${badCoverage.join(', ')} held ${badCoverage.map((o) => num(card.cv.coverage95[o]!)).join(', ')} of the held-out points (expected ${COVERAGE_RANGE[0]}–${COVERAGE_RANGE[1]}): the reported uncertainty of ${badCoverage.length > 1 ? 'these outputs' : 'this output'} is too narrow to trust.`, '');
  const noise = card.noise;
  if (noise && Object.keys(noise).length > 0) {
    lines.push('Noise floor from replicates (rows with equal inputs): no model can beat the best R² reachable on single runs.', '');
    lines.push(table(['output', 'CV R²', 'replicate sd', 'sd / range over the data', 'best R² reachable'], card.outputs.filter((o) => noise[o]).map((o) => [o, card.cv.metrics[o]!.r2, noise[o]!.sd, noise[o]!.spreadOverRange, noise[o]!.bestR2])), '');
    for (const o of card.outputs) {
      const n = noise[o];
      if (n && n.spreadOverRange > UNREPRESENTATIVE_SPREAD) lines.push(`- warning: ${o}'s replicates differ by ${(100 * n.spreadOverRange).toFixed(0)} % of its range over the data${o.startsWith('tortuosity') ? ': the volumes are too small to be representative' : ''}; best R² reachable ${n.bestR2.toFixed(2)}.`);
    }
    lines.push('');
  }
  if (plotLinks) lines.push(...card.outputs.map((o) => `![parity ${o}](plots/parity-${o}.svg)`), '');
  const rc = rateCapability(card.outputs, parity);
  if (rc) lines.push(...rateCapabilitySection(rc, card.units[rc.outputs[0]!], plotLinks, extras.dischargeCurves?.(rc.representative.row) ?? null));
  lines.push('## Learning curve', '');
  if (card.learningCurve.length > 0) {
    // Training sizes across, outputs down: the table stays as wide as the (few) sizes, whatever the outputs.
    const lc = card.learningCurve;
    lines.push(table(['output', 'metric', ...lc.map((p) => `${p.trainSize} rows`)], card.outputs.flatMap((o) => [[o, withUnit('RMSE', card.units[o]), ...lc.map((p) => p.rmse[o]!)], [o, 'R²', ...lc.map((p) => p.r2[o]!)]])), '');
    if (plotLinks) lines.push('![learning curve](plots/learning-curve.svg)', '');
  } else lines.push('Not computed.', '');
  lines.push('## Multicollinearity (VIF)', '');
  lines.push(table(['input', 'VIF', 'verdict'], card.vif.map((v) => [v.input, v.vif, v.level === 'high' ? '**high (> 10)**' : v.level === 'moderate' ? '**moderate (> 5)**' : 'ok'])), '');
  const flagged = card.vif.filter((v) => v.level !== 'ok');
  if (flagged.length > 0) lines.push(`Warning: ${flagged.map((v) => v.input).join(', ')} are collinear with other inputs; their separate importances are unreliable.`, '');
  lines.push('## Explanation', '');
  const ex = card.explanation;
  if (ex) {
    lines.push(`Shapley values: ${ex.shapley.method === 'exact' ? 'exact (all coalitions)' : `sampled permutations (${ex.shapley.permutations} per point)`}, interventional, over ${ex.shapley.backgroundSize} background rows, at ${ex.shapley.points.length} points. Permutation importance: rise of the RMSE on the training data.`, '');
    for (const o of ex.outputs) {
      lines.push(`### ${o}`, '');
      lines.push(table(['input', 'mean abs. Shapley', 'permutation ΔRMSE'], ex.ranking[o]!.map((r) => [r.input, r.meanAbsShap, r.permutationRmseIncrease])), '');
      if (plotLinks) lines.push(`![shap ${o}](plots/shap-${o}.svg)`, ...ex.ale.filter((c) => c.grid.length > 1).map((c) => `![ale ${o} ${c.input}](plots/ale-${o}-${c.input}.svg)`), '');
    }
  } else lines.push('Not computed (run `mesolab explain <model>`).', '');
  lines.push('## Speed-up', '');
  const s = card.speedup;
  lines.push(`- simulation: ${s.simSecondsPerPoint === null ? 'unknown (give --sim-seconds or a run_seconds column)' : `${num(s.simSecondsPerPoint)} s per point (${s.simSecondsSource})`}`);
  lines.push(`- surrogate: ${num(s.predictSecondsSinglePoint * 1e6)} µs for one point, ${num(s.predictSecondsPerPointBatch * 1e6)} µs per point in batches of 1000`);
  lines.push(`- speed-up (one point): ${s.speedup === null ? 'n/a' : `${num(s.speedup)}×`}`, '');
  lines.push('## Intended use and limits', '');
  lines.push(`- Interpolates ${card.outputs.join(', ')} inside the training box above; \`mesolab predict\` flags every point outside it. Extrapolation is not validated.`);
  lines.push('- The error to expect inside the box is the cross-validated error above, on data like the training data; replicates show the simulation noise the model cannot remove.');
  lines.push(`- Uncertainty: ${card.kind === 'gpr' ? 'GP predictive std including the fitted noise' : card.kind === 'dnn' ? 'deep-ensemble spread plus the validation residual variance' : 'OLS prediction interval std'}; see the 95% coverage column for how honest it was in CV.`);
  lines.push('- Inputs not listed were held at whatever the source data held them at.', '');
  return lines.join('\n');
}

/**
 * Writes report.md, report.html and plots/*.svg of a trained surrogate.
 *
 * @param dir the model's folder
 * @param card its model card
 * @param parity its cross-validation rows
 * @param extras what the training data holds beyond numbers (a cell stage's discharge curves)
 * @returns when the files are written
 * @example await writeReport('models/gpr', card, cv.parity, { dischargeCurves: (row) => curvesOf(row) });
 */
export async function writeReport(dir: string, card: ModelCard, parity: readonly ParityRow[], extras: ReportExtras = {}): Promise<void> {
  const plots = plotsFor(card, parity, extras);
  await mkdir(join(dir, 'plots'), { recursive: true });
  for (const p of plots) await writeFile(join(dir, 'plots', `${p.name}.svg`), p.svg);
  await writeFile(join(dir, 'report.md'), reportMarkdown(card, true, parity, extras));
  await writeFile(join(dir, 'report.html'), reportHtml(card, plots, parity, extras));
}

function reportHtml(card: ModelCard, plots: readonly Plot[], parity: readonly ParityRow[], extras: ReportExtras): string {
  const md = reportMarkdown(card, false, parity, extras);
  const body = markdownToHtml(md);
  // The SVG carries the plot's one title; no caption repeats it.
  const figures = plots.map((p) => `<figure>${p.svg}</figure>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>mesolab surrogate: ${card.kind}</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:0.5em 0;max-width:100%}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:0.5em}pre{background:#f5f5f5;padding:0.5em;overflow:auto}</style></head><body>${body}<h2>Plots</h2>${figures}</body></html>\n`;
}

/** Just enough Markdown (headings, lists, tables, code blocks, paragraphs) for the report itself. */
function markdownToHtml(md: string): string {
  const esc = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const inline = (s: string): string => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('```')) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) code.push(lines[i]!);
      out.push(`<pre>${esc(code.join('\n'))}</pre>`);
    } else if (l.startsWith('#')) {
      const level = l.match(/^#+/)![0].length;
      out.push(`<h${level}>${inline(l.slice(level).trim())}</h${level}>`);
    } else if (l.startsWith('- ')) {
      const items: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('- '); i++) items.push(`<li>${inline(lines[i]!.slice(2))}</li>`);
      i--;
      out.push(`<ul>${items.join('')}</ul>`);
    } else if (l.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!.slice(1, -1).split('|').map((c) => c.trim()));
      i--;
      const [head, , ...rest] = rows;
      out.push(`<table><tr>${head!.map((c) => `<th>${inline(c)}</th>`).join('')}</tr>${rest.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</table>`);
    } else if (l.trim() !== '') out.push(`<p>${inline(l)}</p>`);
  }
  return out.join('\n');
}
