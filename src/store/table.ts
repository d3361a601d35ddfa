import { StudyStore, type ColumnInfo } from './db.ts';
import type { Scalar } from '../study/stage-catalog.ts';
import { declaredRanges } from '../design/params.ts';

/** A study's finished runs as plain data: what surrogates train on. */
export interface StudyTable {
  /** inputRanges: the ranges the study file declares for its varied inputs (see declaredRanges). */
  study: { name: string; hash: string; file?: string; inputRanges?: Record<string, [number, number]> };
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
    const ranges = info ? declaredRanges(parseDefinition(info.definition).varied) : {};
    if (Object.keys(ranges).length > 0) study.inputRanges = ranges;
    return { study, columns, rows };
  } finally {
    store.close();
  }
}

function parseDefinition(json: string): { varied?: unknown } {
  try {
    const d = JSON.parse(json) as unknown;
    return d !== null && typeof d === 'object' ? (d as { varied?: unknown }) : {};
  } catch {
    // A definition that does not parse declares nothing; the observed ranges serve instead.
    return {};
  }
}
