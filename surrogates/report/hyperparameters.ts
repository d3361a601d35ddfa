/**
 * The "Model and hyperparameters" section of a report card as tables a modeler reads at a glance:
 * for a GP, each input's length scale in its own unit, with the inputs whose length scale the
 * optimizer pushed to a bound marked (at the upper bound the output does not vary with that input);
 * for a linear model its coefficients; for a DNN its settings. Never raw JSON.
 */
import type { ModelCard } from '../store.ts';
import { num, table } from './markdown.ts';

/** A length scale within this factor of a bound counts as "at the bound". */
const AT_BOUND_FACTOR = 1.01;

export interface LengthScaleRow {
  input: string;
  unit: string;
  /** Length scale in unit-cube coordinates (1 = the training range of the input). */
  unitCube: number;
  /** The same in the input's own unit (unit-cube value × training range). */
  physical: number;
  atBound: 'upper' | 'lower' | null;
}

interface GprOutputDescription {
  output: string;
  constant: number;
  lengthScales: Record<string, number>;
  noise: number;
  logMarginalLikelihood: number;
  jitter: number;
  optimizer?: { starts: number; failedStarts: number; evaluations: number };
}

interface GprDescription {
  kernel: string;
  perOutput: GprOutputDescription[];
  bounds?: { lengthScale: [number, number] };
}

const DEFAULT_LENGTH_SCALE_BOUND: [number, number] = [1e-5, 1e5];

function isGprDescription(h: Record<string, unknown>): h is Record<string, unknown> & GprDescription {
  return typeof h.kernel === 'string' && Array.isArray(h.perOutput) && h.perOutput.every((p) => p !== null && typeof p === 'object' && 'lengthScales' in p);
}

/** Length scales of one GP output, in unit-cube and physical units, with the ones at a bound marked. */
export function lengthScaleRows(card: ModelCard, output: string): LengthScaleRow[] {
  const h = card.hyperparameters;
  if (!isGprDescription(h)) return [];
  const o = h.perOutput.find((p) => p.output === output);
  if (!o) return [];
  const [lo, hi] = h.bounds?.lengthScale ?? DEFAULT_LENGTH_SCALE_BOUND;
  return card.inputs.map((input) => {
    const l = o.lengthScales[input]!;
    const [a, b] = card.inputBox[input]!;
    return {
      input,
      unit: card.units[input] ?? '',
      unitCube: l,
      physical: l * (b - a),
      atBound: l >= hi / AT_BOUND_FACTOR ? 'upper' : l <= lo * AT_BOUND_FACTOR ? 'lower' : null,
    };
  });
}

function gprSection(card: ModelCard, h: GprDescription): string[] {
  const lines: string[] = [];
  const [lo, hi] = h.bounds?.lengthScale ?? DEFAULT_LENGTH_SCALE_BOUND;
  lines.push(`Kernel: ${h.kernel}, one independent GP per output. Length scales are fitted on inputs scaled to their training range; the table gives them in the inputs' own units as well (optimizer bounds ${num(lo)}–${num(hi)} in scaled units).`, '');
  for (const o of h.perOutput) {
    const rows = lengthScaleRows(card, o.output);
    // Only a bound says "irrelevant": a long length scale with a large signal variance is a near-linear trend, not a weak one.
    lines.push(`### ${o.output}`, '');
    lines.push(
      table(
        ['input', 'unit', 'length scale (× training range)', 'length scale (input unit)', 'note'],
        rows.map((r) => [
          r.input,
          r.unit || '–',
          r.unitCube,
          r.physical,
          r.atBound === 'upper' ? '**at upper bound: output does not depend on this input (irrelevant)**' : r.atBound === 'lower' ? '**at lower bound: fits noise; check the data**' : '',
        ]),
      ),
      '',
    );
    const irrelevant = rows.filter((r) => r.atBound === 'upper').map((r) => r.input);
    if (irrelevant.length > 0) lines.push(`Irrelevant to ${o.output} (length scale at the upper bound): ${irrelevant.join(', ')}.`, '');
    lines.push(
      table(
        ['signal variance', 'noise variance', 'log marginal likelihood', 'jitter', 'optimizer starts (failed)'],
        [[o.constant, o.noise, o.logMarginalLikelihood, o.jitter, o.optimizer ? `${o.optimizer.starts} (${o.optimizer.failedStarts})` : 'n/a']],
      ),
      '',
      'Signal and noise variance are in units of the (transformed, standardized) output variance.',
      '',
    );
  }
  return lines;
}

interface LinearDescription {
  features: string;
  perOutput: { output: string; coefficients: Record<string, number>; residualStd: number }[];
}

function isLinearDescription(h: Record<string, unknown>): h is Record<string, unknown> & LinearDescription {
  return typeof h.features === 'string' && Array.isArray(h.perOutput);
}

function linearSection(card: ModelCard, h: LinearDescription): string[] {
  const names = Object.keys(h.perOutput[0]?.coefficients ?? {});
  return [
    `Ordinary least squares on ${h.features} features of the inputs scaled to their training range.`,
    '',
    table(['term', ...h.perOutput.map((o) => `${o.output}${card.units[o.output] ? ` (${card.units[o.output]})` : ''}`)], [
      ...names.map((n) => [n, ...h.perOutput.map((o) => o.coefficients[n]!)]),
      ['residual std', ...h.perOutput.map((o) => o.residualStd)],
    ]),
    '',
  ];
}

function plainValue(v: unknown): string | number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((e) => typeof e === 'number' || typeof e === 'string')) return v.map((e) => (typeof e === 'number' ? num(e) : e)).join(', ');
  return JSON.stringify(v);
}

/** Markdown lines of the hyperparameter section for any model kind. */
export function hyperparameterSection(card: ModelCard): string[] {
  const h = card.hyperparameters;
  if (card.kind === 'gpr' && isGprDescription(h)) return gprSection(card, h);
  if (card.kind === 'linear' && isLinearDescription(h)) return linearSection(card, h);
  return [table(['setting', 'value'], Object.entries(h).filter(([k]) => k !== 'outputTransforms').map(([k, v]) => [k, plainValue(v)])), ''];
}
