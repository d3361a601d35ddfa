import { StudyStore, type ColumnInfo } from './db.ts';
import type { Scalar } from '../study/stage-catalog.ts';
import { declaredRanges } from '../doe/params.ts';

/** The study file's `fidelity` declaration (validated when the study was parsed). */
export interface StudyFidelity {
  low: string;
  high: string;
  /** High-fidelity output → its low-fidelity counterpart. */
  pairs: Record<string, string>;
}

/** A study's finished runs as plain data: what surrogates train on. */
export interface StudyTable {
  /** inputRanges: the ranges the study file declares for its varied inputs (see declaredRanges). */
  study: { name: string; hash: string; file?: string; inputRanges?: Record<string, [number, number]>; fidelity?: StudyFidelity };
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
    const definition = info ? parseDefinition(info.definition) : {};
    const ranges = info ? declaredRanges(definition.varied) : {};
    if (Object.keys(ranges).length > 0) study.inputRanges = ranges;
    const fidelity = fidelityOf(definition.fidelity);
    if (fidelity) study.fidelity = fidelity;
    return { study, columns, rows };
  } finally {
    store.close();
  }
}

function fidelityOf(v: unknown): StudyFidelity | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const f = v as { low?: unknown; high?: unknown; pairs?: unknown };
  if (typeof f.low !== 'string' || typeof f.high !== 'string') return undefined;
  const pairs = f.pairs !== null && typeof f.pairs === 'object' ? Object.fromEntries(Object.entries(f.pairs as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
  return { low: f.low, high: f.high, pairs };
}

function parseDefinition(json: string): { varied?: unknown; fidelity?: unknown } {
  try {
    const d = JSON.parse(json) as unknown;
    return d !== null && typeof d === 'object' ? (d as { varied?: unknown; fidelity?: unknown }) : {};
  } catch {
    // A definition that does not parse declares nothing; the observed ranges serve instead.
    return {};
  }
}
