import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { mkdirSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FileFormatError, type MesolabError } from '../errors.ts';
import type { ColumnType, Scalar } from '../study/stage-catalog.ts';

export const DB_FILE = 'study.duckdb';

export type ColumnRole = 'input' | 'output' | 'meta';

export interface ColumnInfo {
  name: string;
  role: ColumnRole;
  unit?: string;
  type: ColumnType;
  description?: string;
}

export interface StudyInfo {
  name: string;
  hash: string;
  file?: string;
  /** The validated study definition as JSON (what its hash covers, plus name). */
  definition: string;
  version: string;
}

/** Columns every runs table has, before the study's inputs and outputs. */
export const META_COLUMNS: readonly ColumnInfo[] = [
  { name: 'run_id', role: 'meta', type: 'string', description: 'deterministic id: design index, replicate, run seed' },
  { name: 'status', role: 'meta', type: 'string', description: '"ok" or "failed"' },
  { name: 'design_index', role: 'meta', type: 'number', description: 'index of the design point (-1 for points added later)' },
  { name: 'replicate', role: 'meta', type: 'number', description: 'replicate index of this design point (0-based)' },
  { name: 'replicated', role: 'meta', type: 'boolean', description: 'true when the study runs each point more than once (the run is one of several replicates), false for a unique run' },
  { name: 'seed', role: 'meta', type: 'number', description: 'seed of the run' },
  { name: 'tag', role: 'meta', type: 'string', description: 'tag of points added after the design (active learning, inverse design)' },
  { name: 'error', role: 'meta', type: 'string', description: 'error message of a failed run' },
  { name: 'error_type', role: 'meta', type: 'string', description: 'error class of a failed run' },
  { name: 'finished_at', role: 'meta', type: 'string', description: 'ISO time the run ended' },
  { name: 'run_seconds', role: 'meta', type: 'number', unit: 's', description: 'wall-clock time of the run' },
  { name: 'stage_seconds', role: 'meta', type: 'string', unit: 's', description: 'JSON of seconds per stage' },
  { name: 'backend', role: 'meta', type: 'string', description: 'compute backend that ran the kernels' },
  { name: 'mesolab_version', role: 'meta', type: 'string', description: 'mesolab version that produced the run' },
  { name: 'field_files', role: 'meta', type: 'string', description: 'JSON map of kept fields to files relative to the study folder' },
  { name: 'stage_errors', role: 'meta', type: 'string', description: 'JSON map of optional stages that failed to their error messages (the run is still ok)' },
];

const SQL_TYPE: Record<ColumnType, string> = { number: 'DOUBLE', string: 'VARCHAR', boolean: 'BOOLEAN' };

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** One row to write: column name → value, with the column descriptions it needs. */
export interface RunRow {
  values: Record<string, Scalar>;
  columns: readonly ColumnInfo[];
}

/**
 * The study database. Only one process (and in it only the main thread) writes it; every run is
 * written in one transaction, so a crash leaves either the whole row or none, and DuckDB replays
 * its write-ahead log when the file is next opened.
 */
export class StudyStore {
  private constructor(
    readonly dir: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private knownColumns: Map<string, ColumnInfo>,
  ) {}

  /**
   * Opens `<dir>/study.duckdb`. `create` makes the folder and database when missing (sweeps);
   * `readOnly` opens it for reading only, so SQL that would change it is refused (export, query,
   * train).
   */
  static async open(dir: string, options: { create?: boolean; readOnly?: boolean } = {}): Promise<StudyStore> {
    const path = join(dir, DB_FILE);
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new ConfigError('study folder', dir, 'a folder', 'a file of that name exists');
    if (!existsSync(path)) {
      if (!options.create) throw new ConfigError('study folder', dir, `a folder holding ${DB_FILE} (made by mesolab sweep)`);
      mkdirSync(dir, { recursive: true });
    }
    const config: Record<string, string> = {};
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (e) {
      throw studyDatabaseError(dir, e);
    }
    const connection = await instance.connect();
    if (options.readOnly) {
      const store = new StudyStore(dir, instance, connection, new Map());
      try {
        store.knownColumns = new Map((await store.readColumns()).map((c) => [c.name, c]));
      } catch (e) {
        store.close();
        throw studyDatabaseError(dir, e);
      }
      return store;
    }
    await connection.run('CREATE TABLE IF NOT EXISTS study (key VARCHAR PRIMARY KEY, value VARCHAR)');
    await connection.run('CREATE TABLE IF NOT EXISTS columns (name VARCHAR PRIMARY KEY, role VARCHAR, unit VARCHAR, type VARCHAR, description VARCHAR)');
    const metaDefs = META_COLUMNS.map((c) => `${quoteIdent(c.name)} ${c.name === 'design_index' || c.name === 'replicate' ? 'INTEGER' : c.name === 'seed' ? 'BIGINT' : SQL_TYPE[c.type]}`);
    await connection.run(`CREATE TABLE IF NOT EXISTS runs (${metaDefs.join(', ')})`);
    const store = new StudyStore(dir, instance, connection, new Map());
    store.knownColumns = new Map((await store.readColumns()).map((c) => [c.name, c]));
    if (store.knownColumns.size === 0) await store.ensureColumns(META_COLUMNS);
    return store;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  async readColumns(): Promise<ColumnInfo[]> {
    const r = await this.connection.runAndReadAll('SELECT name, role, unit, type, description FROM columns');
    const byName = new Map(
      r.getRowObjectsJS().map((o) => {
        const c: ColumnInfo = { name: String(o.name), role: o.role as ColumnRole, type: o.type as ColumnType };
        if (o.unit !== null && o.unit !== undefined) c.unit = String(o.unit);
        if (o.description !== null && o.description !== undefined) c.description = String(o.description);
        return [c.name, c] as const;
      }),
    );
    // Table order (meta first, then columns as they were added), not the metadata table's order.
    const order = await this.connection.runAndReadAll('SELECT * FROM runs LIMIT 0');
    return order.columnNames().map((n) => byName.get(n)).filter((c): c is ColumnInfo => c !== undefined);
  }

  async readStudyInfo(): Promise<StudyInfo | undefined> {
    const r = await this.connection.runAndReadAll('SELECT key, value FROM study');
    const kv = Object.fromEntries(r.getRowObjectsJS().map((o) => [String(o.key), String(o.value)]));
    if (!kv.hash) return undefined;
    const info: StudyInfo = { name: kv.name ?? '', hash: kv.hash, definition: kv.definition ?? '{}', version: kv.version ?? '' };
    if (kv.file) info.file = kv.file;
    return info;
  }

  /** Records which study this folder holds; refuses a folder that holds another study. */
  async claimStudy(info: StudyInfo): Promise<void> {
    const existing = await this.readStudyInfo();
    if (existing) {
      if (existing.hash !== info.hash) {
        throw new ConfigError('output folder', this.dir, `a folder of study "${info.name}" (hash ${info.hash}), or a new folder`, `it holds study "${existing.name}" with hash ${existing.hash}`);
      }
      return;
    }
    await this.connection.run('BEGIN TRANSACTION');
    for (const [k, v] of Object.entries(info)) {
      if (v !== undefined) await this.connection.run('INSERT INTO study VALUES ($1, $2)', [k, v]);
    }
    await this.connection.run('COMMIT');
  }

  /** Status of every run in the table, by run id. */
  async runStatuses(): Promise<Map<string, string>> {
    const r = await this.connection.runAndReadAll('SELECT run_id, status FROM runs');
    return new Map(r.getRowObjectsJS().map((o) => [String(o.run_id), String(o.status)]));
  }

  /** Adds the columns a row needs that the table lacks (call inside the row's transaction). */
  private async ensureColumns(columns: readonly ColumnInfo[]): Promise<void> {
    for (const c of columns) {
      const known = this.knownColumns.get(c.name);
      if (known) continue;
      if (!META_COLUMNS.some((m) => m.name === c.name)) {
        await this.connection.run(`ALTER TABLE runs ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${SQL_TYPE[c.type]}`);
      }
      await this.connection.run('INSERT INTO columns VALUES ($1, $2, $3, $4, $5)', [c.name, c.role, c.unit ?? null, c.type, c.description ?? null]);
      this.knownColumns.set(c.name, c);
    }
  }

  /**
   * Writes one run whole, in one transaction, replacing an earlier row with the same run id (a
   * retried failure). A value whose type differs from its column's is refused, not coerced.
   */
  async writeRun(row: RunRow): Promise<void> {
    const names = Object.keys(row.values);
    const described = new Map(row.columns.map((c) => [c.name, c]));
    for (const n of names) {
      const c = this.knownColumns.get(n) ?? described.get(n);
      if (!c) throw new Error(`column ${n} has no description`);
      const v = row.values[n];
      if (v !== null && v !== undefined && c.type !== typeof v) {
        throw new ConfigError(`output ${n}`, v, `a ${c.type} (the column's type)`);
      }
    }
    const before = new Map(this.knownColumns);
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await this.ensureColumns(names.map((n) => this.knownColumns.get(n) ?? described.get(n)!));
      await this.connection.run('DELETE FROM runs WHERE run_id = $1', [row.values.run_id as string]);
      const cols = names.map(quoteIdent).join(', ');
      const params = names.map((_, i) => `$${i + 1}`).join(', ');
      await this.connection.run(`INSERT INTO runs (${cols}) VALUES (${params})`, names.map((n) => (row.values[n] ?? null) as DuckDBValue));
      await this.connection.run('COMMIT');
    } catch (e) {
      this.knownColumns = before;
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /** Runs a query and returns plain rows (BIGINTs as numbers) with the column names in order. */
  async query(sql: string): Promise<{ columns: string[]; rows: Record<string, Scalar>[] }> {
    const r = await this.connection.runAndReadAll(sql);
    return { columns: r.columnNames(), rows: r.getRowObjectsJS().map(toPlainRow) };
  }
}

export function toPlainRow(o: Record<string, unknown>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(o)) out[k] = toScalar(v);
  return out;
}

function toScalar(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

/** DuckDB's words for a file that is not (or no longer) a whole database. */
const DAMAGED = /not a valid DuckDB database|Could not read enough bytes|Corrupt database file|checksum|INTERNAL Error|Catalog Error: Table with name (runs|columns|study) does not exist|database file .* is truncated/i;
const LOCKED = /Could not set lock|Conflicting lock/i;

/**
 * Turns a DuckDB failure on a study folder into a one-line user error: held by another process,
 * damaged (truncated, overwritten, random bytes; saying what is left to recover), or another
 * I/O problem. Anything else is returned unchanged for the caller to report.
 */
export function studyDatabaseError(dir: string, e: unknown): MesolabError | Error {
  const message = e instanceof Error ? e.message : String(e);
  const first = message.split('\n')[0]!.replace(/ See also https:\S+/, '');
  if (LOCKED.test(message)) {
    const pid = /\(PID (\d+)\)/.exec(message)?.[1];
    return new ConfigError('study folder', dir, 'a study database no other process is writing', `${pid ? `process ${pid}` : 'another process'} (a sweep, merge or viewer) holds ${DB_FILE}; wait for it to end`);
  }
  if (DAMAGED.test(message)) return damagedStudyError(dir, first);
  if (/^IO Error|^Permission Error/.test(first)) return new ConfigError('study folder', dir, `a readable and writable ${DB_FILE}`, first);
  return e instanceof Error ? e : new Error(message);
}

/** True when a DuckDB error message says the database file itself is damaged. */
export function isDamagedDatabaseMessage(message: string): boolean {
  return DAMAGED.test(message);
}

/** A damaged study database, with what survives it: the run fields on disk and the sweep that recomputes the rows. */
export function damagedStudyError(dir: string, reason: string): FileFormatError {
  const fieldsDir = join(dir, 'fields');
  let runs = 0;
  try {
    runs = readdirSync(fieldsDir).filter((n) => !n.startsWith('.')).length;
  } catch {
    runs = 0;
  }
  const kept = runs > 0 ? `the fields of ${runs} run(s) under fields/ are intact` : 'no run fields were kept beside it';
  return new FileFormatError(
    DB_FILE,
    join(dir, DB_FILE),
    'an intact study database',
    `it is damaged (${reason.replace(/"[^"]*\/([^"/]+)"/g, '"$1"')}); ${kept}; move ${DB_FILE} aside and rerun the same \`mesolab sweep\` into this folder to recompute the runs, or merge an intact copy or shard with \`mesolab merge\``,
  );
}
