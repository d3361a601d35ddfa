import { StudyStore, type ColumnInfo } from '../src/store/db.ts';
import { getCompute } from '../src/gpu/backend.ts';
import { writeRunFields, removeStaleFieldTemps } from '../src/store/fields.ts';
import { paramType, type DesignPoint } from '../src/doe/index.ts';
import { expandRuns, inShard, type RunTask, type Shard } from '../src/study/runs.ts';
import type { Scalar } from '../src/study/stage-catalog.ts';
import type { Study } from '../src/study/schema.ts';
import { canonicalJson } from '../src/study/hash.ts';
import { VERSION } from '../src/version.ts';
import { AbortedError } from '../src/errors.ts';
import { WorkerPool } from './pool.ts';
import { planThreads, type ThreadPlan } from '../src/threads.ts';
import { STAGES } from './stages.ts';
import type { ChainJob, ChainResult } from './chain.ts';

export interface SweepCounts {
  done: number;
  failed: number;
  total: number;
}

export interface SweepOptions {
  /** Study folder (holds study.duckdb and fields/). */
  dir: string;
  /** Pool workers (default: from the thread budget, one per core but never more than runs). */
  workers?: number;
  /**
   * Thread budget in cores, shared by the pool and the threads inside each run (default: the
   * cores Node says this process may use): workers × in-run threads ≤ cores (src/threads.ts).
   */
  cores?: number;
  /** Told the plan once it is made (before any run starts). */
  onPlan?: (plan: ThreadPlan) => void;
  shard?: Shard;
  /** Rerun runs recorded as failed. */
  retryFailed?: boolean;
  /** Per-run limit in seconds (overrides the study's timeLimitSeconds). */
  timeLimitSeconds?: number;
  backend?: string;
  signal?: AbortSignal;
  onProgress?: (counts: SweepCounts) => void;
  /** Runs to attempt instead of the study's design (extra points). */
  tasks?: RunTask[];
  /**
   * Workers to run on, left open afterwards (the caller closes them). A command that sweeps again
   * and again (learn's batches) starts its workers once: each new worker costs about a second of
   * start-up and two CPU-seconds of JIT compilation before its runs reach full speed. The pool's
   * size caps the workers, its backend and time limit apply (`backend` and `timeLimitSeconds`
   * here are not used).
   */
  pool?: WorkerPool;
}

/** One run as stored. */
export interface RunRecord {
  runId: string;
  status: 'ok' | 'failed';
  designIndex: number;
  replicate: number;
  seed: number;
  tag?: string;
  point: DesignPoint;
  /** Output columns by name; a failed run has those of the stages that finished before the failure. */
  outputs: Record<string, Scalar>;
  error?: string;
  /** Wall-clock seconds in the worker (queueing not counted). */
  runSeconds: number;
}

export interface SweepSummary {
  /** Runs of the design (this shard) in total. */
  planned: number;
  /** Already finished before this invocation, and skipped. */
  skipped: number;
  /** Finished in this invocation. */
  done: number;
  failed: number;
  /** Left unfinished because the sweep was stopped. */
  abandoned: number;
  aborted: boolean;
  seconds: number;
  records: RunRecord[];
}

/** Input columns of a study: one per varied parameter, with its unit. */
export function inputColumns(study: Study): ColumnInfo[] {
  return study.varied.map((p) => {
    const c: ColumnInfo = { name: p.name, role: 'input', type: paramType(p) };
    if (p.unit !== undefined) c.unit = p.unit;
    if (p.description !== undefined) c.description = p.description;
    return c;
  });
}

/** Output columns the chain declares, restricted to the study's `outputs` list if it has one. */
export function outputColumns(study: Study): ColumnInfo[] {
  const cols = study.chain.flatMap((s) => STAGES.get(s)!.outputs.map((o): ColumnInfo => ({ ...o, role: 'output' })));
  return study.outputs ? cols.filter((c) => study.outputs!.includes(c.name)) : cols;
}

function errorText(e: unknown): { message: string; type: string } {
  if (e instanceof Error) return { message: e.message, type: e.name };
  if (e && typeof e === 'object' && 'message' in e) return { message: String((e as { message: unknown }).message), type: String((e as { name?: unknown }).name ?? 'Error') };
  return { message: String(e), type: 'Error' };
}

/**
 * Runs a study (or the given extra runs) and stores every run as it ends. Finished runs already
 * in the folder are skipped, so rerunning the same command after a crash or Ctrl-C resumes;
 * failed runs are skipped too unless `retryFailed`. Only this (main) thread writes the database,
 * one transaction per run, after the run's field files are in place. The pool and the threads
 * inside each run share one thread budget (`cores`, src/threads.ts): never more workers than runs
 * left, and the cores the pool cannot use go to each run (`SimContext.threads`).
 */
export async function runSweep(study: Study, options: SweepOptions): Promise<SweepSummary> {
  const start = performance.now();
  // A bad budget or worker count is refused before the study folder is touched.
  planThreads({ runs: 0, ...(options.cores !== undefined ? { cores: options.cores } : {}), ...(options.workers !== undefined ? { workers: options.workers } : {}) });
  const store = await StudyStore.open(options.dir, { create: true });
  const records: RunRecord[] = [];
  let pool: WorkerPool | undefined;
  try {
    await store.claimStudy({ name: study.name, hash: study.hash, ...(study.file ? { file: study.file } : {}), definition: canonicalJson({ ...study, points: undefined, file: undefined }), version: VERSION });
    removeStaleFieldTemps(options.dir);
    const all = (options.tasks ?? expandRuns(study)).filter((t) => inShard(t, options.shard));
    const statuses = await store.runStatuses();
    const todo = all.filter((t) => {
      const s = statuses.get(t.runId);
      return s === undefined || (s === 'failed' && options.retryFailed);
    });
    const skipped = all.length - todo.length;
    const counts: SweepCounts = { done: 0, failed: 0, total: todo.length };
    options.onProgress?.({ ...counts });
    const summary: SweepSummary = { planned: all.length, skipped, done: 0, failed: 0, abandoned: 0, aborted: false, seconds: 0, records };
    if (todo.length === 0) return { ...summary, seconds: (performance.now() - start) / 1000 };

    const inputs = inputColumns(study);
    const declared = outputColumns(study);
    const keep = study.outputs ? new Set(study.outputs) : undefined;
    const timeLimit = options.timeLimitSeconds ?? study.timeLimitSeconds;
    // Resolve auto (or MESOLAB_BACKEND) once here, so every worker uses the backend proven on this
    // machine instead of probing them all again.
    const shared = options.pool;
    const plan = planThreads({ runs: todo.length, ...(options.cores !== undefined ? { cores: options.cores } : {}), ...(shared ? { workers: shared.size } : options.workers !== undefined ? { workers: options.workers } : {}) });
    options.onPlan?.(plan);
    if (!shared) {
      const backend = options.backend ?? (await getCompute()).backend;
      pool = new WorkerPool({
        size: plan.workers,
        backend,
        ...(timeLimit !== undefined ? { timeLimitMs: timeLimit * 1000 } : {}),
      });
    }
    const activePool = shared ?? pool!;
    const onAbort = (): void => void activePool.close();
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) onAbort();

    let writes: Promise<void> = Promise.resolve();
    const record = (task: RunTask, result: ChainResult | undefined, error: unknown, seconds: number): Promise<void> => {
      writes = writes.then(async () => {
        try {
          await write(task, result, error, seconds);
        } catch (e) {
          // A result the table cannot take (an output whose type changed) fails that run only.
          if (!result || result.failure) throw e;
          await write(task, undefined, e, seconds);
        }
      });
      return writes;
    };
    const write = async (task: RunTask, result: ChainResult | undefined, error: unknown, seconds: number): Promise<void> => {
      const outputs: Record<string, Scalar> = {};
      const columns: ColumnInfo[] = [...inputs];
      let fieldFiles: Record<string, string> = {};
      if (result) {
        for (const [k, v] of Object.entries(result.outputs)) {
          if (keep && !keep.has(k)) continue;
          outputs[k] = v;
          const known = declared.find((c) => c.name === k);
          columns.push(known ?? { name: k, role: 'output', type: v === null ? 'number' : (typeof v as 'number' | 'string' | 'boolean') });
        }
        fieldFiles = writeRunFields(store.dir, task.runId, result.fields);
      }
      const err = result?.failure ? { message: result.failure.message, type: result.failure.type } : result ? undefined : errorText(error);
      const ok = err === undefined;
      const values: Record<string, Scalar> = {
        run_id: task.runId,
        status: ok ? 'ok' : 'failed',
        design_index: task.designIndex,
        replicate: task.replicate,
        replicated: study.replicates > 1,
        seed: task.seed,
        tag: task.tag ?? null,
        error: err?.message ?? null,
        error_type: err?.type ?? null,
        finished_at: new Date().toISOString(),
        run_seconds: seconds,
        stage_seconds: result ? JSON.stringify(result.stageSeconds) : null,
        backend: result?.backend ?? null,
        mesolab_version: VERSION,
        field_files: Object.keys(fieldFiles).length ? JSON.stringify(fieldFiles) : null,
        stage_errors: result?.stageErrors ? JSON.stringify(result.stageErrors) : null,
      };
      for (const c of inputs) values[c.name] = task.point[c.name] ?? null;
      Object.assign(values, outputs);
      await store.writeRun({ values, columns });
      const rec: RunRecord = { runId: task.runId, status: ok ? 'ok' : 'failed', designIndex: task.designIndex, replicate: task.replicate, seed: task.seed, point: task.point, outputs, runSeconds: seconds };
      if (task.tag) rec.tag = task.tag;
      if (err) rec.error = err.message;
      records.push(rec);
      if (ok) counts.done++;
      else counts.failed++;
      options.onProgress?.({ ...counts });
    };

    await Promise.all(
      todo.map(async (task) => {
        const job: ChainJob = { chain: stagesFor(study, task), fixed: study.fixed, varied: study.varied, point: task.point, seed: task.seed, keepFields: study.fields, optionalStages: study.optionalStages, threads: plan.threadsPerRun };
        let t0 = performance.now();
        let result: ChainResult | undefined;
        let error: unknown;
        try {
          result = await activePool.run(job, () => (t0 = performance.now()));
        } catch (e) {
          error = e;
        }
        // A run cut short by Ctrl-C is abandoned, not recorded: it reruns next time.
        if (options.signal?.aborted || error instanceof AbortedError) return;
        await record(task, result, error, (performance.now() - t0) / 1000);
      }),
    );
    await writes;
    options.signal?.removeEventListener('abort', onAbort);
    const aborted = options.signal?.aborted ?? false;
    return { ...summary, done: counts.done, failed: counts.failed, abandoned: todo.length - counts.done - counts.failed, aborted, seconds: (performance.now() - start) / 1000 };
  } finally {
    await pool?.close();
    store.close();
  }
}

/**
 * Stages a run goes through: the whole chain, less stages the study limits to its first design
 * points (`stageLimits`, e.g. a few expensive lattice-Boltzmann runs); their outputs stay null
 * elsewhere. Extra points (design index -1) run the whole chain.
 */
export function stagesFor(study: Study, task: RunTask): string[] {
  return study.chain.filter((s) => {
    const limit = study.stageLimits[s];
    return limit === undefined || task.designIndex < 0 || task.designIndex < limit;
  });
}
