import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ConfigError, FileFormatError, ImpossibleRequestError } from '../../src/errors.ts';
import { readStudyTable, type StudyTable } from '../../src/store/table.ts';

export type Cell = number | string | boolean | null;

/** A training table from a study directory, a CSV or a Parquet file. */
export interface Dataset {
  source: { kind: 'study' | 'csv' | 'parquet'; path: string; study?: StudyTable['study'] };
  columns: string[];
  /** Role per column when the source knows it (study directories). */
  roles: Record<string, 'input' | 'output' | 'meta'>;
  units: Record<string, string>;
  rows: Record<string, Cell>[];
  /** sha256 of the rows as loaded, so a model records exactly what it saw. */
  hash: string;
}

export async function loadDataset(path: string): Promise<Dataset> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    throw new ConfigError('data', path, 'an existing study directory, .csv or .parquet file', (e as NodeJS.ErrnoException).code);
  }
  if (isDir) {
    const t = await readStudyTable(path);
    const roles: Dataset['roles'] = {};
    const units: Dataset['units'] = {};
    for (const c of t.columns) {
      roles[c.name] = c.role;
      if (c.unit) units[c.name] = c.unit;
    }
    const columns = t.columns.map((c) => c.name);
    return { source: { kind: 'study', path: resolve(path), study: t.study }, columns, roles, units, rows: t.rows, hash: hashRows(columns, t.rows) };
  }
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.parquet') throw new ConfigError('data', path, 'a study directory, a .csv or a .parquet file');
  // A CSV's first line is always its header: DuckDB's guess takes it for data when every column
  // holds text, and then names the columns column0, column1… in every later message.
  const fn = ext === '.csv' ? 'read_csv' : 'read_parquet';
  const args = ext === '.csv' ? ', header = true' : '';
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    let reader;
    try {
      reader = await conn.runAndReadAll(`SELECT * FROM ${fn}('${path.replaceAll("'", "''")}'${args})`);
    } catch (e) {
      throw new FileFormatError('data', path, `a readable ${ext.slice(1)} table`, (e as Error).message.split('\n')[0]);
    }
    const columns = reader.columnNames();
    const rows = reader.getRowObjectsJS().map((o) => {
      const r: Record<string, Cell> = {};
      for (const c of columns) r[c] = toCell(o[c]);
      return r;
    });
    return { source: { kind: ext === '.csv' ? 'csv' : 'parquet', path: resolve(path) }, columns, roles: {}, units: {}, rows, hash: hashRows(columns, rows) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}

function hashRows(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(columns));
  for (const r of rows) h.update(JSON.stringify(columns.map((c) => (typeof r[c] === 'number' && !Number.isFinite(r[c]) ? String(r[c]) : r[c]))));
  return h.digest('hex').slice(0, 16);
}

/** Numeric design matrix and targets taken from a dataset, validated. */
export interface TrainingData {
  inputs: string[];
  outputs: string[];
  x: number[][];
  y: number[][];
  /** Seconds the simulation took for each row, when known. */
  simSeconds: number[] | null;
  /** Rows that share their input values with an earlier row (replicates). */
  replicateRows: number;
  uniqueInputRows: number;
  /** Rows left out because a chosen column was not a finite number (only with dropNonFinite). */
  droppedRows: number;
  /** The dataset row of each training row (they differ once rows were dropped). */
  sourceRows: number[];
}

function numericCell(v: Cell, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new FileFormatError(field, v, 'a finite number (rows with NaN, empty or infinite values must be removed or filtered first)');
  return n;
}

/**
 * Picks the input and output columns, rejecting missing columns, non-finite cells and constant
 * outputs with errors that name the column, row and value.
 */
export function trainingData(ds: Dataset, inputs: readonly string[], outputs: readonly string[], simSecondsColumn?: string, dropNonFinite = false): TrainingData {
  if (inputs.length === 0) throw new ConfigError('--inputs', '', 'at least one input column');
  if (outputs.length === 0) throw new ConfigError('--outputs', '', 'at least one output column');
  for (const [flag, names] of [['--inputs', inputs], ['--outputs', outputs]] as const) {
    for (const c of names) {
      if (!ds.columns.includes(c)) throw new ConfigError(flag, c, `a column of ${ds.source.path}: ${ds.columns.join(', ')}`);
    }
  }
  const overlap = inputs.filter((c) => outputs.includes(c));
  if (overlap.length > 0) throw new ConfigError('--outputs', overlap[0], 'a column that is not also an input');
  const finite = (v: Cell | undefined): boolean => typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v));
  const sourceRows = ds.rows.map((_, i) => i).filter((i) => !dropNonFinite || [...inputs, ...outputs].every((c) => finite(ds.rows[i]![c])));
  const rows = sourceRows.map((i) => ds.rows[i]!);
  const droppedRows = ds.rows.length - rows.length;
  if (rows.length === 0) throw new ImpossibleRequestError('data', ds.source.path, `at least one row${droppedRows > 0 ? ' with finite values in the chosen columns' : ''} (a study directory needs finished runs)`);
  const x = rows.map((r, i) => inputs.map((c) => numericCell(r[c] ?? null, `data.${c}[row ${i + 1}]`)));
  const y = rows.map((r, i) => outputs.map((c) => numericCell(r[c] ?? null, `data.${c}[row ${i + 1}]`)));
  outputs.forEach((c, j) => {
    const v0 = y[0]![j]!;
    if (y.every((r) => r[j] === v0)) throw new ImpossibleRequestError(`outputs.${c}`, v0, 'an output that varies across rows (a constant output has nothing to learn and no R²)');
  });
  const secCol = simSecondsColumn ?? (ds.columns.includes('run_seconds') ? 'run_seconds' : undefined);
  let simSeconds: number[] | null = null;
  if (secCol) {
    if (!ds.columns.includes(secCol)) throw new ConfigError('--sim-seconds-column', secCol, `a column of ${ds.source.path}`);
    simSeconds = rows.map((r, i) => numericCell(r[secCol] ?? null, `data.${secCol}[row ${i + 1}]`));
  }
  const seen = new Set<string>();
  let replicateRows = 0;
  for (const r of x) {
    const key = r.join(',');
    if (seen.has(key)) replicateRows++;
    else seen.add(key);
  }
  return { inputs: [...inputs], outputs: [...outputs], x, y, simSeconds, replicateRows, uniqueInputRows: seen.size, droppedRows, sourceRows };
}

/** Study columns by role, for defaults when --inputs/--outputs are not given. */
export function columnsWithRole(ds: Dataset, role: 'input' | 'output'): string[] {
  return ds.columns.filter((c) => ds.roles[c] === role && ds.rows.some((r) => typeof r[c] === 'number'));
}
