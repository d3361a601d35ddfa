import { parentPort, workerData } from 'node:worker_threads';
import { type StartProblem, optimizeStart, workspaceFor } from './start.ts';
import { type StartJob, SLOT_DONE, SLOT_FAILED, claimStart, writeOutcome } from './start-job.ts';
import type { LmlWorkspace } from './workspace.ts';

/**
 * Helper thread for parallel GPR restarts: claims starts from a shared counter until none are
 * left, so a thread that arrives late (still booting) simply finds nothing to do.
 */
parentPort!.on('message', (job: StartJob) => {
  const problem: StartProblem = job.problem;
  let workspace: LmlWorkspace | undefined;
  const control = new Int32Array(job.control);
  for (let k = claimStart(control, job.count); k >= 0; k = claimStart(control, job.count)) {
    try {
      workspace ??= workspaceFor(problem);
      const theta0 = job.starts.subarray(k * job.width, (k + 1) * job.width);
      writeOutcome(job, k, optimizeStart(workspace, problem, Float64Array.from(theta0)));
      Atomics.store(control, 1 + k, SLOT_DONE);
    } catch {
      // The main thread redoes a failed slot itself, so the error surfaces there if it is real.
      Atomics.store(control, 1 + k, SLOT_FAILED);
    }
    Atomics.notify(control, 1 + k);
  }
});

// Tells the caller, without needing its event loop, that this helper can take starts now.
const ready = new Int32Array((workerData as { ready: SharedArrayBuffer }).ready);
Atomics.store(ready, 0, 1);
