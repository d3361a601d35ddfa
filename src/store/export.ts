import { open as openFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { StatementType } from '@duckdb/node-api';
import { ConfigError } from '../errors.ts';
import { assertFileReplaceable, writeWhole } from '../output-files.ts';
import { DB_FILE, StudyStore, damagedStudyError, isDamagedDatabaseMessage, studyDatabaseError } from './db.ts';
import type { Scalar } from '../study/stage-catalog.ts';

export type ExportFormat = 'parquet' | 'csv';

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Writes the runs table (all runs, or finished ones) to a Parquet or CSV file with DuckDB's COPY.
 * Parquet files carry the column descriptions (role, unit, type) and the study name and hash as
 * key–value metadata `mesolab_columns` and `mesolab_study` (JSON).
 */
export async function exportStudy(dir: string, format: ExportFormat, file?: string, options: { okOnly?: boolean; force?: boolean } = {}): Promise<{ file: string; rows: number }> {
  const out = file ?? join(dir, `runs.${format}`);
  await assertExportTarget(dir, out, format, options.force ?? false);
  const store = await StudyStore.open(dir, { readOnly: true });
  try {
    const where = options.okOnly ? " WHERE status = 'ok'" : '';
    const select = `SELECT * FROM runs${where} ORDER BY design_index, replicate, run_id`;
    let opts = '(FORMAT csv, HEADER true)';
    if (format === 'parquet') {
      // Units, roles and the study's identity travel inside the Parquet file as key–value metadata.
      const columns = await store.readColumns();
      const info = await store.readStudyInfo();
      const study = info ? { name: info.name, hash: info.hash, version: info.version } : {};
      opts = `(FORMAT parquet, KV_METADATA {mesolab_columns: ${sqlString(JSON.stringify(columns))}, mesolab_study: ${sqlString(JSON.stringify(study))}})`;
    }
    try {
      // COPY writes a temporary file renamed onto `out` when complete.
      await writeWhole(out, (tmp) => store.connection.run(`COPY (${select}) TO ${sqlString(tmp)} ${opts}`).then(() => undefined));
    } catch (e) {
      throw studyDatabaseError(dir, e);
    }
    const { rows } = await store.query(`SELECT count(*) AS n FROM runs${where}`);
    return { file: out, rows: Number(rows[0]?.n ?? 0) };
  } finally {
    store.close();
  }
}

/**
 * The export target must not be the study's own database (or its write-ahead log), whatever
 * --force says; an existing file is replaced only when it is an earlier export of the same format
 * (a CSV whose header starts with run_id, or a Parquet file), or with --force.
 */
async function assertExportTarget(dir: string, out: string, format: ExportFormat, force: boolean): Promise<void> {
  const realDir = await realpath(dir).catch(() => resolve(dir));
  const realOut = join(await realpath(dirname(resolve(out))).catch(() => resolve(dirname(out))), basename(out));
  for (const own of [DB_FILE, `${DB_FILE}.wal`]) {
    if (realOut === join(realDir, own)) throw new ConfigError('--output', out, `a file other than the study's own database (${own})`, 'writing there would destroy the study');
  }
  await assertFileReplaceable(out, { force, field: '--output', sameKind: (f) => isEarlierExport(f, format) });
}

async function isEarlierExport(file: string, format: ExportFormat): Promise<boolean> {
  const fh = await openFile(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0);
    const text = head.subarray(0, bytesRead).toString('latin1');
    return format === 'parquet' ? text.startsWith('PAR1') : /^"?run_id"?,/.test(text);
  } finally {
    await fh.close();
  }
}

/** What `mesolab query` runs: statements that only read (a SELECT, EXPLAIN, CALL of a table function or PRAGMA). */
const READING_STATEMENTS = new Set<number>([StatementType.SELECT, StatementType.EXPLAIN, StatementType.CALL, StatementType.PRAGMA]);

/**
 * Runs SQL on a study folder (tables runs, columns, study) with the database opened read-only:
 * statements that would change it (DELETE, DROP, UPDATE…) are refused by DuckDB, and any
 * statement that is not a query (COPY … TO, EXPORT DATABASE, ATTACH, SET, INSTALL…) is refused
 * before it runs, so `query` never writes a file. Reading other files (read_parquet) stays allowed.
 */
export async function queryStudy(dir: string, sql: string): Promise<{ columns: string[]; rows: Record<string, Scalar>[] }> {
  const store = await StudyStore.open(dir, { readOnly: true });
  try {
    const statements = await store.connection.extractStatements(sql);
    for (let i = 0; i < statements.count; i++) {
      const type = (await statements.prepare(i)).statementType;
      if (!READING_STATEMENTS.has(type)) {
        const name = Object.entries(StatementType).find(([, v]) => v === type)?.[0] ?? String(type);
        throw new ConfigError('sql', sql, 'a query that only reads the study (SELECT …); query opens it read-only', `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name.replace(/_/g, ' ')} statement is not run`);
      }
    }
    return await store.query(sql);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const first = (e as Error).message.split('\n')[0]!;
    if (isDamagedDatabaseMessage(first)) throw damagedStudyError(dir, first);
    if (/read-only mode/i.test(first)) {
      throw new ConfigError('sql', sql, 'a query that only reads the study (SELECT …); query opens it read-only', first.replace(/ on database "[^"]*"/, '').replace(/^[A-Za-z ]+Error: /, ''));
    }
    throw new ConfigError('sql', sql, 'a valid query on tables runs, columns, study', first);
  } finally {
    store.close();
  }
}
