import { StudyStore, type ColumnInfo } from './db.ts';
import type { Scalar } from '../study/stage-catalog.ts';

/** A study's finished runs as plain data: what surrogates train on. */
export interface StudyTable {
  study: { name: string; hash: string; file?: string };
  columns: { name: string; role: 'input' | 'output' | 'meta'; unit?: string; type: 'number' | 'string' | 'boolean' }[];
  rows: Record<string, Scalar>[];
}

/**
 * Reads the finished (status "ok") runs of a study folder, in design order then run id, with the
 * column descriptions (role, unit, type). Non-percolating results stay Infinity.
 */
export async function readStudyTable(dir: string): Promise<StudyTable> {
  // Read-only: training never changes the study, and may run while another reader has it open.
  const store = await StudyStore.open(dir, { readOnly: true });
  try {
    const info = await store.readStudyInfo();
    const columns = (await store.readColumns()).map(({ name, role, unit, type }: ColumnInfo) => (unit === undefined ? { name, role, type } : { name, role, unit, type }));
    const { rows } = await store.query("SELECT * FROM runs WHERE status = 'ok' ORDER BY design_index, replicate, run_id");
    const study: StudyTable['study'] = { name: info?.name ?? '', hash: info?.hash ?? '' };
    if (info?.file) study.file = info.file;
    return { study, columns, rows };
  } finally {
    store.close();
  }
}
