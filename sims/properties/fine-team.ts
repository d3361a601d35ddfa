import { Worker, isMainThread } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { OP, runOp, type KernelLevel, type OpCode } from './mg-kernels.mjs';

/**
 * Runs the passes of one multigrid level (mg-kernels.mjs) either on the calling thread alone or
 * split between it and one worker thread over shared memory: the level's cells are cut at one
 * plane along the flux, the main thread takes the part below and the worker the part above, and
 * each pass ends when both are done (fork–join through Atomics, no messages per pass). The
 * worker is kept between solves (unref'd, so it never keeps the process alive): starting one
 * costs tens of milliseconds, a noticeable share of a 64³ solve.
 */
export interface LevelRunner {
  /** Runs one pass over the whole level; returns its sum (rᵀz, dᵀAd) where the pass has one. */
  run(op: OpCode): number;
  /** Threads that run the passes: 1 or 2. */
  readonly threads: number;
  /**
   * Milliseconds the calling thread spent on its own part of the passes, and waiting for the
   * worker's afterwards (0 on one thread). Two threads beat one only while wait < own.
   */
  readonly ownMs: number;
  readonly waitMs: number;
  /** Hands the worker back (no-op for one thread). The runner must not be used afterwards. */
  release(): void;
}

export function sequentialRunner(level: KernelLevel, scalars: Float64Array): LevelRunner {
  const ne = level.even.length;
  const no = level.odd.length;
  return { threads: 1, ownMs: 0, waitMs: 0, run: (op) => runOp(op, level, scalars, 0, ne, 0, no), release() {} };
}

/**
 * Threads worth using for the finest level (the worker plus the caller): 2 on a machine with two
 * cores or more, but 1 inside a worker thread, where a pool (workers/) already runs one solve
 * per core and a second thread each would only oversubscribe the cores.
 */
export function availableThreads(): number {
  return isMainThread ? Math.max(1, Math.min(2, availableParallelism())) : 1;
}

const START_TIMEOUT_MS = 10_000;
/** A pass takes milliseconds; a worker silent this long has died. */
const PASS_TIMEOUT_MS = 60_000;

function spawnWorker(): Worker {
  const worker = new Worker(new URL('./mg-worker.mjs', import.meta.url));
  worker.unref();
  // An 'error' event without a listener would crash the process; a dead worker is noticed by the
  // timeouts below instead, and the solve goes on (or restarts) on one thread.
  worker.on('error', () => {});
  return worker;
}

/**
 * Two-thread runner, or null if no worker could be started. Every array of `level` and `scalars`
 * must live in SharedArrayBuffers (anything else would be copied to the worker, not shared).
 * `evenSplit`/`oddSplit`: the first even/odd list entry the worker takes; for the restriction pass
 * to be race-free the cut must fall on an even plane along the flux (then no coarse cell has
 * children on both sides).
 */
export function parallelRunner(level: KernelLevel, scalars: Float64Array, evenSplit: number, oddSplit: number): LevelRunner | null {
  let worker: Worker;
  try {
    worker = spawnWorker();
  } catch {
    return null;
  }
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  worker.postMessage({
    ctrl: ctrl.buffer,
    scalars: scalars.buffer,
    level,
    e0: evenSplit,
    e1: level.even.length,
    o0: oddSplit,
    o1: level.odd.length,
  });
  Atomics.wait(ctrl, 3, 0, START_TIMEOUT_MS);
  if (Atomics.load(ctrl, 3) !== 1) {
    void worker.terminate();
    return null;
  }
  let seq = 0;
  let released = false;
  let ownMs = 0;
  let waitMs = 0;
  const post = (op: OpCode): void => {
    seq++;
    Atomics.store(ctrl, 1, op);
    Atomics.store(ctrl, 0, seq);
    Atomics.notify(ctrl, 0);
  };
  const join = (): void => {
    while (Atomics.load(ctrl, 2) !== seq) {
      if (Atomics.wait(ctrl, 2, seq - 1, PASS_TIMEOUT_MS) === 'timed-out') {
        released = true;
        void worker.terminate();
        throw new Error('the multigrid worker thread stopped answering');
      }
    }
  };
  return {
    threads: 2,
    get ownMs() {
      return ownMs;
    },
    get waitMs() {
      return waitMs;
    },
    run(op) {
      const t0 = performance.now();
      post(op);
      const mine = runOp(op, level, scalars, 0, evenSplit, 0, oddSplit);
      const t1 = performance.now();
      join();
      ownMs += t1 - t0;
      waitMs += performance.now() - t1;
      const theirs = scalars[3]!;
      if (Number.isNaN(theirs)) throw new Error(`the multigrid worker thread failed in pass ${op}`);
      return mine + theirs;
    },
    release() {
      if (released) return;
      released = true;
      post(OP.release);
      join();
      // Ended, not kept idle: an idle worker's heap keeps its views of the solve's shared arrays
      // alive (nothing there allocates, so it never collects them), which held one solve's
      // memory per finished solve; a new worker starts in milliseconds, a solve takes seconds.
      void worker.terminate();
    },
  };
}
