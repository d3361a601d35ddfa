import os from 'node:os';
import { ConfigError } from './errors.ts';

/** Cores this process may use (Node's availableParallelism: respects affinity and cgroup quotas). */
export function availableCores(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/** How a sweep spends its cores: pool workers, and threads inside each run. */
export interface ThreadPlan {
  /** Pool workers (runs at a time). */
  workers: number;
  /** Threads each run may use, its own included (passed to the run as `SimContext.threads`). */
  threadsPerRun: number;
  /** The budget the plan was cut from (cores). */
  cores: number;
  /** More workers were asked for than the budget has cores. */
  oversubscribed: boolean;
}

/**
 * One thread budget for a sweep, shared by the pool and the threads inside a run, so that
 * workers × threadsPerRun ≤ cores and the cores are never oversubscribed. Whole runs in parallel
 * scale better than threads inside one run (no barriers, no shared memory traffic), so the pool
 * takes the cores first: one worker per core, never more workers than runs; cores the pool
 * cannot use (fewer runs than cores) go to the runs' own threads.
 *
 * @param cores  the budget in cores (default: availableCores())
 * @param runs   runs left to do (≥ 0)
 * @param workers  pool workers asked for (default: as many as the budget allows); more than
 *   `cores` is honoured (a user may want it for runs that mostly wait) with one thread per run,
 *   and the plan says `oversubscribed` so the caller can say so
 * @returns the plan; e.g. planThreads({ cores: 8, runs: 2 }) → 2 workers × 4 threads
 */
export function planThreads(args: { cores?: number; runs: number; workers?: number }): ThreadPlan {
  const cores = args.cores ?? availableCores();
  if (!Number.isInteger(cores) || cores < 1) throw new ConfigError('cores', cores, 'a whole number of cores ≥ 1');
  if (args.workers !== undefined) {
    if (!Number.isInteger(args.workers) || args.workers < 1) throw new ConfigError('workers', args.workers, 'a whole number of workers ≥ 1');
  }
  if (!Number.isInteger(args.runs) || args.runs < 0) throw new ConfigError('runs', args.runs, 'a whole number of runs ≥ 0');
  const workers = Math.max(1, Math.min(args.workers ?? cores, Math.max(1, args.runs)));
  return { workers, threadsPerRun: Math.max(1, Math.floor(cores / workers)), cores, oversubscribed: workers > cores };
}
