/**
 * A fill result's scalars as rows a modeler reads (label with unit, value in words), not the raw
 * keys of result.json: `stopReason: step-limit` becomes "stopped at · the step limit".
 */
import { formatNumber } from './plots.ts';

type Scalar = number | string | boolean;

const LABELS: Record<string, { label: string; format?: (v: Scalar) => string }> = {
  model: { label: 'model' },
  mode: { label: 'mode' },
  saturation: { label: 'final saturation (–)', format: (v) => (typeof v === 'number' ? v.toFixed(3) : String(v)) },
  trappedFraction: { label: 'trapped gas (% of pore volume)', format: percent },
  unreachedFraction: { label: 'gas not reached (% of pore volume)', format: percent },
  trappedClusters: { label: 'trapped gas clusters' },
  t50: { label: 't50: half filled (s)', format: time },
  t90: { label: 't90: 90 % filled (s)', format: time },
  t95: { label: 't95: 95 % filled (s)', format: time },
  steps: { label: 'lattice steps' },
  stopReason: { label: 'stopped at', format: (v) => STOP_REASONS[String(v)] ?? String(v) },
  mlups: { label: 'speed (million node updates/s)' },
  engine: { label: 'engine' },
  backend: { label: 'backend' },
  wallSeconds: { label: 'wall time (s)' },
  breakthroughPc: { label: 'breakthrough pressure (Pa)' },
  coverRanOn: { label: 'sphere cover ran on' },
};

const STOP_REASONS: Record<string, string> = {
  'step-limit': 'the step limit (not yet full)',
  plateau: 'a saturation plateau',
  'time-limit': 'the time limit (not yet full)',
};

function percent(v: Scalar): string {
  return typeof v === 'number' ? `${formatNumber(100 * v)} %` : String(v);
}

function time(v: Scalar): string {
  return typeof v === 'number' ? formatNumber(v) : 'not reached';
}

/** "wallSeconds" → "wall seconds" for keys without a label of their own. */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_.]/g, ' ').toLowerCase();
}

/** [label, value] rows, known keys first in a fixed order, then the rest. */
export function summaryRows(summary: Readonly<Record<string, Scalar>>): [string, string][] {
  const known = Object.keys(LABELS).filter((k) => k in summary);
  const rest = Object.keys(summary).filter((k) => !(k in LABELS));
  return [...known, ...rest].map((k) => {
    const v = summary[k]!;
    const spec = LABELS[k];
    const value = spec?.format ? spec.format(v) : typeof v === 'number' ? formatNumber(v) : String(v);
    return [spec?.label ?? words(k), value];
  });
}
