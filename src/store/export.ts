import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { StudyStore } from './db.ts';
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
export async function exportStudy(dir: string, format: ExportFormat, file?: string, options: { okOnly?: boolean } = {}): Promise<{ file: string; rows: number }> {
  const store = await StudyStore.open(dir);
  try {
    const out = file ?? join(dir, `runs.${format}`);
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
    await store.connection.run(`COPY (${select}) TO ${sqlString(out)} ${opts}`);
    const { rows } = await store.query(`SELECT count(*) AS n FROM runs${where}`);
    return { file: out, rows: Number(rows[0]?.n ?? 0) };
  } finally {
    store.close();
  }
}

/** Runs one SQL statement on a study folder (tables runs, columns, study). */
export async function queryStudy(dir: string, sql: string): Promise<{ columns: string[]; rows: Record<string, Scalar>[] }> {
  const store = await StudyStore.open(dir);
  try {
    return await store.query(sql);
  } catch (e) {
    throw new ConfigError('sql', sql, 'a valid query on tables runs, columns, study', (e as Error).message.split('\n')[0]);
  } finally {
    store.close();
  }
}
