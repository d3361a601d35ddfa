import os from 'node:os';
import { ConfigError } from './errors.ts';

/** Cores this process may use (Node's availableParallelism: respects affinity and cgroup quotas). */
export function availableCores(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * V8 options that keep the runtime's own helper threads inside the thread budget. By default V8
 * runs parallel garbage collection and optimizing compilation (TurboFan) on a shared pool of
 * helper threads: with one pool worker per core they take cores the workers need, and a
 * one-worker sweep quietly uses a second core. With these, each worker collects its garbage and
 * compiles its hot code on its own thread. Measured on a 2-core machine, sweeps of 64 chains of
 * 48³ (bench/sweep.ts's study), with and without alternating, 3 rounds: 2-worker efficiency
 * 0.82–0.92 → 0.93–0.99 (steady state) and 0.74–0.78 → 0.85–0.91 (with start-up), wall time on 2
 * cores / on 1 0.65–0.67 → 0.55–0.59; the 1-worker rate did not change.
 * They are process options (not allowed in NODE_OPTIONS, fatal through v8.setFlagsFromString
 * once V8 runs, ignored by worker_threads' execArgv), so the launchers pass them: the shebang of
 * bin/mesolab.js and the `start` and `bench` scripts of package.json (a test keeps them equal).
 */
export const RUNTIME_FLAGS = ['--single-threaded-gc', '--no-concurrent-recompilation'] as const;

/** Whether this process was started with RUNTIME_FLAGS (sweeps work without; they scale worse). */
export function runtimeKeepsToBudget(execArgv: readonly string[] = process.execArgv): boolean {
  return RUNTIME_FLAGS.every((f) => execArgv.includes(f));
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
