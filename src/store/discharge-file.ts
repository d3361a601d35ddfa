/**
 * `discharge.json`: the discharge curves of a cell run as a file the viewer (and any script) reads,
 * in SI units throughout (s, V, coulomb, A, J, W, m², Ω), so nothing has to guess a unit. The
 * CSVs beside it keep the A h a cell designer types; this file is the machine form.
 */
import { FileFormatError } from '../errors.ts';

export const DISCHARGE_FILE = 'discharge.json';
export const DISCHARGE_FORMAT = 'mesolab-discharge';

/** Seconds per hour: 1 A h = 3600 C. */
export const SECONDS_PER_HOUR = 3600;

export interface DischargeFileCurve {
  /** Multiples of the nominal capacity per hour. */
  cRate: number;
  /** Cell current (A). */
  current: number;
  /** Time (s), voltage (V) and discharged charge (C) at each accepted step. */
  time: number[];
  voltage: number[];
  capacity: number[];
  /** Charge to the end of the discharge (C), energy (J), mean power (W). */
  dischargeCapacity: number;
  energy: number;
  meanPower: number;
  termination: string;
}

export interface DischargeFile {
  format: typeof DISCHARGE_FORMAT;
  version: 1;
  units: { time: 's'; voltage: 'V'; capacity: 'C'; current: 'A'; energy: 'J'; power: 'W'; area: 'm2'; resistance: 'ohm' };
  /** 'half': lithium foil | separator | electrode; 'full': negative | separator | positive. */
  cell: 'half' | 'full';
  /** Electrode area (m²): divide by it for areal figures. */
  area: number;
  /** Charge of the stoichiometric window to the cut-off (C) and the 1C charge (C). */
  windowCapacity: number;
  nominalCapacity: number;
  initialOcv: number;
  voltageMin: number;
  voltageMax: number;
  /** 10 s 1C pulse resistance (Ω). */
  dcResistance: number;
  curves: DischargeFileCurve[];
}

/** The first wrong field of a discharge file: its path, the value found and what it should be. */
function bad(field: string, value: unknown, expected: string): FileFormatError {
  return new FileFormatError(`${DISCHARGE_FILE}: ${field}`, Array.isArray(value) ? `an array of ${value.length}` : value, expected);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function numbers(v: unknown, field: string): number[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every(finite)) throw bad(field, v, 'a non-empty array of finite numbers');
  return v as number[];
}

function positive(v: unknown, field: string): number {
  if (!finite(v) || v <= 0) throw bad(field, v, 'a positive finite number');
  return v;
}

/**
 * Checks a parsed `discharge.json` field by field (a file from another version or edited by hand
 * must fail with the field named, not draw a wrong plot).
 *
 * @param raw the parsed JSON
 * @returns the same object, typed
 * @throws FileFormatError naming the first field that is wrong
 */
export function parseDischargeFile(raw: unknown): DischargeFile {
  if (raw === null || typeof raw !== 'object') throw bad('<root>', typeof raw, 'an object');
  const o = raw as Record<string, unknown>;
  if (o.format !== DISCHARGE_FORMAT) throw bad('format', o.format, `"${DISCHARGE_FORMAT}"`);
  if (o.version !== 1) throw bad('version', o.version, '1');
  if (o.cell !== 'half' && o.cell !== 'full') throw bad('cell', o.cell, '"half" or "full"');
  for (const k of ['area', 'windowCapacity', 'nominalCapacity', 'initialOcv', 'voltageMin', 'voltageMax']) positive(o[k], k);
  if (!finite(o.dcResistance)) throw bad('dcResistance', o.dcResistance, 'a finite number');
  if (!Array.isArray(o.curves) || o.curves.length === 0) throw bad('curves', o.curves, 'a non-empty array');
  o.curves.forEach((c: unknown, k: number) => {
    const at = `curves[${k}]`;
    if (c === null || typeof c !== 'object') throw bad(at, c, 'an object');
    const r = c as Record<string, unknown>;
    positive(r.cRate, `${at}.cRate`);
    const n = numbers(r.time, `${at}.time`).length;
    for (const k2 of ['voltage', 'capacity']) if (numbers(r[k2], `${at}.${k2}`).length !== n) throw bad(`${at}.${k2}`, r[k2], `${n} values, as many as time`);
    for (const k2 of ['current', 'dischargeCapacity', 'energy', 'meanPower']) if (!finite(r[k2])) throw bad(`${at}.${k2}`, r[k2], 'a finite number');
    if (typeof r.termination !== 'string') throw bad(`${at}.termination`, r.termination, 'a string');
  });
  return o as unknown as DischargeFile;
}
