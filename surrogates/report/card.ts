import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParityRow } from '../judge/cv.ts';
import type { ModelCard } from '../store.ts';
import { barChart, lineChart, parityPlot } from './svg.ts';

function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

function table(header: string[], rows: (string | number)[][]): string {
  const cell = (c: string | number): string => (typeof c === 'number' ? num(c) : c);
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

interface Plot {
  name: string;
  title: string;
  svg: string;
}

function plotsFor(card: ModelCard, parity: readonly ParityRow[]): Plot[] {
  const plots: Plot[] = [];
  for (const o of card.outputs) {
    const rows = parity.filter((p) => p.output === o);
    if (rows.length > 0) plots.push({ name: `parity-${o}`, title: `Parity: ${o}`, svg: parityPlot(`${o}: cross-validated parity`, rows.map((r) => r.actual), rows.map((r) => r.predicted)) });
  }
  if (card.learningCurve.length > 0) {
    plots.push({
      name: 'learning-curve',
      title: 'Learning curve',
      svg: lineChart('CV RMSE vs training rows', 'training rows per fold', 'CV RMSE', card.outputs.map((o) => ({ name: o, x: card.learningCurve.map((p) => p.trainSize), y: card.learningCurve.map((p) => p.rmse[o]!) })), { markers: true }),
    });
  }
  const ex = card.explanation;
  if (ex) {
    ex.outputs.forEach((o, j) => {
      plots.push({ name: `shap-${o}`, title: `Mean |Shapley value|: ${o}`, svg: barChart(`${o}: mean |Shapley value|`, `mean |φ| (${card.units[o] ?? 'output units'})`, ex.inputs, ex.inputs.map((_, k) => ex.shapley.meanAbs[k]![j]!)) });
      plots.push({
        name: `ale-${o}`,
        title: `ALE: ${o}`,
        svg: lineChart(`${o}: accumulated local effects`, 'input scaled to its training range', `ALE (${card.units[o] ?? 'output units'})`, ex.ale.filter((c) => c.grid.length > 1).map((c) => {
          const [lo, hi] = card.inputBox[c.input]!;
          return { name: c.input, x: c.grid.map((g) => (hi > lo ? (g - lo) / (hi - lo) : 0)), y: c.ale[j]! };
        }), { zeroLine: true }),
      });
    });
  }
  return plots;
}

export function reportMarkdown(card: ModelCard, plotLinks = true, parity: readonly ParityRow[] = []): string {
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
  lines.push('## Model and hyperparameters', '', '```json', JSON.stringify(card.hyperparameters, null, 1), '```', '');
  lines.push(`## Cross-validation (${card.cv.folds}-fold, seed ${card.cv.seed}, replicates kept in one fold)`, '');
  lines.push(table(['output', 'RMSE', 'MAE', 'R²', '95% interval coverage'], card.outputs.map((o) => [o, card.cv.metrics[o]!.rmse, card.cv.metrics[o]!.mae, card.cv.metrics[o]!.r2, card.cv.coverage95[o]!])), '');
  if (plotLinks) lines.push(...card.outputs.map((o) => `![parity ${o}](plots/parity-${o}.svg)`), '');
  lines.push('## Learning curve', '');
  if (card.learningCurve.length > 0) {
    lines.push(table(['training rows', ...card.outputs.map((o) => `RMSE ${o}`), ...card.outputs.map((o) => `R² ${o}`)], card.learningCurve.map((p) => [p.trainSize, ...card.outputs.map((o) => p.rmse[o]!), ...card.outputs.map((o) => p.r2[o]!)])), '');
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
      if (plotLinks) lines.push(`![shap ${o}](plots/shap-${o}.svg) ![ale ${o}](plots/ale-${o}.svg)`, '');
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

export async function writeReport(dir: string, card: ModelCard, parity: readonly ParityRow[]): Promise<void> {
  const plots = plotsFor(card, parity);
  await mkdir(join(dir, 'plots'), { recursive: true });
  for (const p of plots) await writeFile(join(dir, 'plots', `${p.name}.svg`), p.svg);
  await writeFile(join(dir, 'report.md'), reportMarkdown(card, true, parity));
  await writeFile(join(dir, 'report.html'), reportHtml(card, plots));
}

function reportHtml(card: ModelCard, plots: readonly Plot[]): string {
  const md = reportMarkdown(card, false);
  const body = markdownToHtml(md);
  const figures = plots.map((p) => `<figure><figcaption>${p.title}</figcaption>${p.svg}</figure>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>mesolab surrogate: ${card.kind}</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:0.5em}pre{background:#f5f5f5;padding:0.5em;overflow:auto}</style></head><body>${body}<h2>Plots</h2>${figures}</body></html>\n`;
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
