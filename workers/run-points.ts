import { ConfigError } from '../src/errors.ts';
import { StudyStore } from '../src/store/db.ts';
import { extraRuns } from '../src/study/runs.ts';
import type { Study } from '../src/study/schema.ts';
import type { DesignPoint } from '../src/doe/index.ts';
import { runSweep, type RunRecord, type SweepCounts } from './sweep.ts';
import type { WorkerPool } from './pool.ts';

export { loadStudy } from './load-study.ts';
export type { RunRecord } from './sweep.ts';
export type { Study } from '../src/study/schema.ts';

export interface RunPointsOptions {
  /** Study folder: the points are stored in the same dataset as the design's runs. */
  dir: string;
  workers?: number;
  /** Names the batch (e.g. "al-round-3"); the run ids come from a hash of tag, point and replicate. */
  tag?: string;
  /** Runs per point (default: the study's replicates). */
  replicates?: number;
  backend?: string;
  signal?: AbortSignal;
  onProgress?: (counts: SweepCounts) => void;
  /** Workers kept across calls (see SweepOptions.pool); their backend replaces `backend`. */
  pool?: WorkerPool;
}

/**
 * Runs extra points (chosen by active learning or inverse design) through the study's chain and
 * stores them with the design's runs. Each point must give every varied parameter; the run ids
 * are deterministic, so a point already run with the same tag is not run again and its stored
 * record is returned instead. Records come back in the order of `points` (times replicates).
 */
export async function runPoints(study: Study, points: Record<string, number | string | boolean>[], options: RunPointsOptions): Promise<RunRecord[]> {
  points.forEach((p, i) => {
    for (const v of study.varied) {
      const value = p[v.name];
      if (value === undefined) throw new ConfigError(`points[${i}].${v.name}`, undefined, `a value for varied parameter "${v.name}"`);
      if (v.distribution === 'choice' ? !v.levels.includes(value) : typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ConfigError(`points[${i}].${v.name}`, value, v.distribution === 'choice' ? `one of ${JSON.stringify(v.levels)}` : 'a finite number');
      }
    }
    for (const k of Object.keys(p)) if (!study.varied.some((v) => v.name === k)) throw new ConfigError(`points[${i}].${k}`, p[k], `a varied parameter of study "${study.name}"`);
  });
  const tasks = extraRuns(points as DesignPoint[], options.tag ?? 'extra', options.replicates ?? study.replicates);
  const summary = await runSweep(study, {
    dir: options.dir,
    tasks,
    retryFailed: false,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.pool ? { pool: options.pool } : {}),
  });
  const fresh = new Map(summary.records.map((r) => [r.runId, r]));
  const missing = tasks.filter((t) => !fresh.has(t.runId));
  const stored = missing.length ? await storedRecords(options.dir, missing.map((t) => t.runId)) : new Map<string, RunRecord>();
  return tasks.map((t) => fresh.get(t.runId) ?? stored.get(t.runId)).filter((r): r is RunRecord => r !== undefined);
}

/** Records of runs already in the study folder, by run id. */
async function storedRecords(dir: string, runIds: string[]): Promise<Map<string, RunRecord>> {
  const store = await StudyStore.open(dir);
  try {
    const columns = await store.readColumns();
    const ids = runIds.map((id) => `'${id.replaceAll("'", "''")}'`).join(', ');
    const { rows } = await store.query(`SELECT * FROM runs WHERE run_id IN (${ids})`);
    const inputs = columns.filter((c) => c.role === 'input').map((c) => c.name);
    const outputs = columns.filter((c) => c.role === 'output').map((c) => c.name);
    return new Map(
      rows.map((row) => {
        const rec: RunRecord = {
          runId: String(row.run_id),
          status: row.status === 'ok' ? 'ok' : 'failed',
          designIndex: Number(row.design_index),
          replicate: Number(row.replicate),
          seed: Number(row.seed),
          point: Object.fromEntries(inputs.map((n) => [n, row[n] as number | string | boolean])),
          outputs: Object.fromEntries(outputs.map((n) => [n, row[n] ?? null])),
          runSeconds: Number(row.run_seconds),
        };
        if (row.tag !== null) rec.tag = String(row.tag);
        if (row.error !== null) rec.error = String(row.error);
        return [rec.runId, rec];
      }),
    );
  } finally {
    store.close();
  }
}
