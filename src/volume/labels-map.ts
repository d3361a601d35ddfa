import { ConfigError, FileFormatError } from '../errors.ts';
import { LABEL, PHASE_NAMES, type PhaseName } from './volume.ts';
import { isIntegerType, sampleTypeOf, type SampleArray } from './grid.ts';

/** Grey value in a segmented image → mesolab label. */
export type LabelMap = ReadonlyMap<number, number>;

const MAP_EXPECTED = `grey:phase pairs such as "0:pore,128:cbd,255:am" (phases: ${PHASE_NAMES.join(', ')}, or a label number 0-255)`;

/** Parses "0:pore,128:cbd,255:am" (phases by name, or by label number for labels beyond the named ones). */
export function parseLabelMap(text: string, field = '--labels'): LabelMap {
  const map = new Map<number, number>();
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new ConfigError(field, text, MAP_EXPECTED);
  for (const part of parts) {
    const m = /^(-?\d+)\s*:\s*([A-Za-z]+|\d+)$/.exec(part);
    if (!m) throw new ConfigError(field, text, MAP_EXPECTED, `cannot read ${JSON.stringify(part)}`);
    const grey = Number(m[1]);
    const phase = m[2]!;
    let label: number;
    if (/^\d+$/.test(phase)) {
      label = Number(phase);
      if (label > 255) throw new ConfigError(field, text, MAP_EXPECTED, `label ${label} is above 255`);
    } else {
      const key = phase.toLowerCase() as PhaseName;
      if (!(PHASE_NAMES as readonly string[]).includes(key)) {
        throw new ConfigError(field, text, MAP_EXPECTED, `unknown phase ${JSON.stringify(phase)}`);
      }
      label = LABEL[key];
    }
    if (map.has(grey)) throw new ConfigError(field, text, MAP_EXPECTED, `grey value ${grey} is mapped twice`);
    map.set(grey, label);
  }
  return map;
}

export function formatLabelMap(map: LabelMap): string {
  return [...map].map(([g, l]) => `${g}:${PHASE_NAMES.find((p) => LABEL[p] === l) ?? l}`).join(',');
}

/** Distinct values of an integer array, smallest first (at most `limit`, to keep messages short). */
function distinctValues(data: SampleArray, limit: number): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < data.length && seen.size <= limit; i++) seen.add(data[i]!);
  return [...seen].sort((a, b) => a - b).slice(0, limit);
}

/**
 * Turns the samples of a segmented image into mesolab labels. With a map every grey value present
 * must be mapped; without one the image must already hold mesolab labels (0 pore, 1 am, 2 cbd).
 */
export function samplesToLabels(data: SampleArray, map: LabelMap | undefined, file: string, declaredLabels = false): Uint8Array {
  const type = sampleTypeOf(data);
  if (!isIntegerType(type)) {
    throw new FileFormatError('file', file, 'integer samples for a label volume', `it holds ${type} values (a field?); segment it first`);
  }
  if (!map) {
    if (declaredLabels && data instanceof Uint8Array) return data;
    if (data instanceof Uint8Array) {
      let bad = -1;
      for (let i = 0; i < data.length; i++) if (data[i]! > 2) { bad = i; break; }
      if (bad < 0) return data;
    } else {
      let ok = true;
      for (let i = 0; i < data.length; i++) { const v = data[i]!; if (v < 0 || v > 2) { ok = false; break; } }
      if (ok) return Uint8Array.from(data);
    }
    const values = distinctValues(data, 8);
    throw new FileFormatError(
      'labels',
      file,
      `mesolab labels (0 pore, 1 am, 2 cbd) or a grey-value mapping`,
      `the image holds values ${values.join(', ')}${values.length === 8 ? ', ...' : ''}; pass e.g. --labels ${values.slice(0, 3).map((v, i) => `${v}:${PHASE_NAMES[i] ?? 'cbd'}`).join(',')}`,
    );
  }

  const out = new Uint8Array(data.length);
  const report = (grey: number): never => {
    throw new FileFormatError('labels', file, `a mapping for every grey value present`, `grey value ${grey} has none in ${formatLabelMap(map)}`);
  };
  if (data instanceof Uint8Array || data instanceof Uint16Array || data instanceof Int8Array || data instanceof Int16Array) {
    // A lookup table over the type's whole range keeps this one pass with no hashing per voxel.
    const signed = data instanceof Int8Array || data instanceof Int16Array;
    const span = data instanceof Uint8Array || data instanceof Int8Array ? 256 : 65536;
    const base = signed ? span / 2 : 0;
    const lut = new Int16Array(span).fill(-1);
    for (const [g, l] of map) if (g + base >= 0 && g + base < span) lut[g + base] = l;
    for (let i = 0; i < data.length; i++) {
      const l = lut[data[i]! + base]!;
      if (l < 0) report(data[i]!);
      out[i] = l;
    }
    return out;
  }
  for (let i = 0; i < data.length; i++) {
    const l = map.get(data[i]!);
    if (l === undefined) report(data[i]!);
    out[i] = l!;
  }
  return out;
}
