import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { StartAbandoned, type StartOutcome, type StartProblem, optimizeStart, workspaceFor } from './start.ts';
import { type StartJob, SLOT_DONE, SLOT_PENDING, claimStart, readOutcome } from './start-job.ts';

/**
 * Runs independent optimizer starts on the calling thread plus persistent helper threads, while
 * keeping `fitGpr` synchronous: helpers and the caller claim starts from a shared atomic counter,
 * and the caller blocks with Atomics.wait only for starts a helper has already taken. Every start's
 * outcome depends only on its θ0, so results are identical to the serial path. Helpers join from
 * the first fit after they have loaded (the first large fit in a process runs serially).
 */
const ENTRY = new URL('./start-worker.mjs', import.meta.url);

/** Below this many training rows a start takes milliseconds; a helper is not worth its memory. */
export const MIN_PARALLEL_ROWS = 100;
/** How long warmStartHelpers waits for helpers to load. */
const HELPER_GRACE_MS = 60_000;

interface Helper {
  worker: Worker;
  /** Int32 set to 1 by the helper once its modules are loaded. */
  ready: Int32Array;
}

const helpers: Helper[] = [];

/**
 * Threads for GPR restarts: MESOLAB_GPR_THREADS if set (1 = serial), else the machine's cores,
 * except one when the machine is already saturated (1-minute load average above cores + ½):
 * measured on a shared 2-core machine at load 5–10, helpers then made fits 0–15% slower.
 */
export function defaultThreads(): number {
  const env = Number(process.env.MESOLAB_GPR_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  return os.loadavg()[0]! > cores + 0.5 ? 1 : cores;
}

/**
 * Up to `count` helpers that have finished loading, starting any missing ones. A helper still
 * booting gets no work: on a loaded machine it would claim a start late and run it slowly while
 * the caller waits, making a cold fit slower than a serial one.
 */
function readyHelpers(count: number): Worker[] {
  while (helpers.length < count) {
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(ENTRY, { workerData: { ready: ready.buffer } });
    // Idle helpers must not keep the process alive; a dead one is dropped and replaced next time.
    worker.unref();
    const helper = { worker, ready };
    const drop = (): void => {
      const i = helpers.indexOf(helper);
      if (i >= 0) helpers.splice(i, 1);
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    helpers.push(helper);
  }
  return helpers.filter((h) => Atomics.load(h.ready, 0) === 1).slice(0, count).map((h) => h.worker);
}

/** Starts helper threads and waits until they can take work (otherwise the first large fit starts them). */
export async function warmStartHelpers(threads = defaultThreads()): Promise<void> {
  const count = Math.max(0, threads - 1);
  readyHelpers(count);
  const deadline = performance.now() + HELPER_GRACE_MS;
  while (helpers.slice(0, count).some((h) => Atomics.load(h.ready, 0) !== 1) && performance.now() < deadline) {
    await new Promise((ok) => setTimeout(ok, 5));
  }
}

export interface StartRun {
  outcomes: StartOutcome[];
  /** Which thread ran each start (the caller or a helper). */
  ranOn: ('caller' | 'helper')[];
}

function makeJob(problem: StartProblem, starts: Float64Array[]): StartJob {
  const width = problem.d + 2;
  const flat = new Float64Array(starts.length * width);
  starts.forEach((s, k) => flat.set(s, k * width));
  return {
    problem,
    count: starts.length,
    width,
    starts: flat,
    control: new SharedArrayBuffer(4 * (1 + starts.length)),
    results: new SharedArrayBuffer(8 * starts.length * (width + 2)),
  };
}

export function runStarts(problem: StartProblem, starts: Float64Array[], threads: number): StartRun {
  const count = starts.length;
  const workspace = workspaceFor(problem);
  const outcomes: (StartOutcome | undefined)[] = new Array(count);
  const ranOn: ('caller' | 'helper')[] = new Array(count).fill('caller');
  const helperCount = problem.y.length >= MIN_PARALLEL_ROWS ? Math.min(threads - 1, count - 1) : 0;
  if (helperCount <= 0) {
    return { outcomes: starts.map((s) => optimizeStart(workspace, problem, s)), ranOn };
  }
  const job = makeJob(problem, starts);
  for (const w of readyHelpers(helperCount)) w.postMessage(job);
  const control = new Int32Array(job.control);
  let slowest = 0;
  for (let k = claimStart(control, count); k >= 0; k = claimStart(control, count)) {
    const t0 = performance.now();
    outcomes[k] = optimizeStart(workspace, problem, starts[k]!);
    slowest = Math.max(slowest, performance.now() - t0);
  }
  for (let k = 0; k < count; k++) {
    if (outcomes[k]) continue;
    // Give the helper as long as the caller's slowest start; if it is still busy (a loaded
    // machine, a slow core), race it by running the same start here: whichever finishes first
    // wins and the outcome is the same either way.
    Atomics.wait(control, 1 + k, SLOT_PENDING, slowest);
    if (Atomics.load(control, 1 + k) === SLOT_PENDING) {
      try {
        outcomes[k] = optimizeStart(workspace, problem, starts[k]!, () => Atomics.load(control, 1 + k) === SLOT_DONE);
        continue;
      } catch (e) {
        if (!(e instanceof StartAbandoned)) throw e;
      }
    }
    if (Atomics.load(control, 1 + k) === SLOT_DONE) {
      outcomes[k] = readOutcome(job, k);
      ranOn[k] = 'helper';
    } else {
      // The helper failed on this start: redo it here, which also surfaces a real error.
      outcomes[k] = optimizeStart(workspace, problem, starts[k]!);
    }
  }
  return { outcomes: outcomes as StartOutcome[], ranOn };
}
