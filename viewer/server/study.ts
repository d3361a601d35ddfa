import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileFormatError } from '../../src/errors.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Parity, StudyTable } from '../shared/protocol.ts';

const MAX_ROWS = 10_000;
const ID_COLUMNS = ['run_id', 'runId', 'id'];

type Cell = number | string | boolean | null;

function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}

type Role = 'input' | 'output' | 'meta';
const ROLE_ORDER: Record<Role, number> = { input: 0, output: 1, meta: 2 };

/**
 * The `runs` table of a study database as plain rows for the sortable table. Where the study has
 * its `columns` table (roles and units), the run id comes first, then the inputs, then the
 * outputs, then the bookkeeping columns. It reads a copy of the database (and its write-ahead
 * log), never the file itself: DuckDB locks a database even for readers, and a viewer left open
 * must not make a sweep writing the study fail with "Conflicting lock is held". A copy caught
 * mid-write is taken again (up to 3 tries).
 */
export async function readRuns(dbPath: string): Promise<StudyTable> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'mesolab-view-'));
    try {
      const copy = path.join(tmp, 'study.duckdb');
      await copyFile(dbPath, copy);
      await copyFile(`${dbPath}.wal`, `${copy}.wal`).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      return await readRunsFrom(copy);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  throw new FileFormatError('study.duckdb', path.basename(path.dirname(dbPath)), 'a readable study database', (last as Error)?.message?.split('\n')[0]);
}

async function readRunsFrom(file: string): Promise<StudyTable> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll(`SELECT * FROM runs LIMIT ${MAX_ROWS}`);
      const stored = reader.columnNames();
      const storedRows = reader.getRowsJS().map((r) => r.map(toCell));
      const idColumn = ID_COLUMNS.find((c) => stored.includes(c)) ?? null;
      const meta = await conn.runAndReadAll('SELECT name, role, unit FROM columns').then(
        (r) => r.getRowsJS(),
        () => null,
      );
      if (!meta) return { columns: stored, rows: storedRows, idColumn };
      const roles: Record<string, Role> = {};
      const units: Record<string, string> = {};
      for (const [name, role, unit] of meta) {
        if (typeof name !== 'string') continue;
        if (role === 'input' || role === 'output' || role === 'meta') roles[name] = role;
        if (typeof unit === 'string' && unit) units[name] = unit;
      }
      const rank = (c: string): number => (c === idColumn ? -1 : ROLE_ORDER[roles[c] ?? 'meta']);
      const order = stored.map((c, i) => i).sort((a, b) => rank(stored[a]!) - rank(stored[b]!) || a - b);
      const columns = order.map((i) => stored[i]!);
      const rows = storedRows.map((r) => order.map((i) => r[i]!));
      return { columns, rows, idColumn, roles, units };
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** One cross-validation row as the surrogate trainer writes it in `parity.json`. */
interface ParityRow {
  row: number;
  fold?: number;
  output: string;
  actual: number;
  predicted: number;
  /** Predictive standard deviation of the held-out prediction (output units). */
  std?: number;
}

interface ParityFile {
  output?: string;
  unit?: string;
  simulated?: number[];
  predicted?: number[];
  actual?: number[];
  runIds?: string[];
}

function isRowList(v: unknown): v is ParityRow[] {
  return Array.isArray(v) && v.length > 0 && v.every((r) => r !== null && typeof r === 'object' && 'actual' in r && 'predicted' in r && 'output' in r && !Array.isArray((r as ParityRow).actual));
}

/**
 * `parity.json`: the trainer's rows `[{row, fold, output, actual, predicted, std}]` (grouped by
 * output here), or `{output, unit, simulated|actual: [], predicted: []}`, or a list of those.
 */
export async function readParity(file: string): Promise<Parity[]> {
  const raw = JSON.parse(await readFile(file, 'utf8')) as unknown;
  if (isRowList(raw)) {
    const by = new Map<string, Parity>();
    for (const r of raw) {
      const p = by.get(r.output) ?? { output: r.output, unit: '', simulated: [], predicted: [], std: [] };
      p.simulated.push(Number(r.actual));
      p.predicted.push(Number(r.predicted));
      p.std!.push(typeof r.std === 'number' ? r.std : NaN);
      by.set(r.output, p);
    }
    // Error bars only where every row has a finite std.
    for (const p of by.values()) if (!p.std!.every(Number.isFinite)) delete p.std;
    return [...by.values()];
  }
  const list: ParityFile[] = Array.isArray(raw)
    ? (raw as ParityFile[])
    : raw !== null && typeof raw === 'object' && Array.isArray((raw as { outputs?: unknown }).outputs)
      ? (raw as { outputs: ParityFile[] }).outputs
      : [raw as ParityFile];
  const out: Parity[] = [];
  for (const p of list) {
    const simulated = p.simulated ?? p.actual;
    if (!Array.isArray(simulated) || !Array.isArray(p.predicted) || simulated.length !== p.predicted.length) continue;
    const entry: Parity = { output: p.output ?? 'output', unit: p.unit ?? '', simulated: simulated.map(Number), predicted: p.predicted.map(Number) };
    if (Array.isArray(p.runIds)) entry.runIds = p.runIds.map(String);
    out.push(entry);
  }
  return out;
}
