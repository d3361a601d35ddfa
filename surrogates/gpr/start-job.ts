import type { StartOutcome, StartProblem } from './start.ts';

/**
 * A batch of optimizer starts shared between threads. `control` (Int32) holds the next unclaimed
 * start at [0] and a state per start at [1 + k]; `results` (Float64) holds per start
 * [lml, evaluations, θ...] (width + 2 values).
 */
export interface StartJob {
  problem: StartProblem;
  count: number;
  /** Parameters per start (D + 2). */
  width: number;
  starts: Float64Array;
  control: SharedArrayBuffer;
  results: SharedArrayBuffer;
}

export const SLOT_PENDING = 0;
export const SLOT_DONE = 1;
export const SLOT_FAILED = 2;

/** Next start index for this thread, or −1 when all are taken. */
export function claimStart(control: Int32Array, count: number): number {
  const k = Atomics.add(control, 0, 1);
  return k < count ? k : -1;
}

export function writeOutcome(job: StartJob, k: number, outcome: StartOutcome): void {
  const stride = job.width + 2;
  const r = new Float64Array(job.results, k * stride * 8, stride);
  r[0] = outcome.lml;
  r[1] = outcome.evaluations;
  r.set(outcome.theta, 2);
}

export function readOutcome(job: StartJob, k: number): StartOutcome {
  const stride = job.width + 2;
  const r = new Float64Array(job.results, k * stride * 8, stride);
  return { lml: r[0]!, evaluations: r[1]!, theta: Float64Array.from(r.subarray(2)) };
}
