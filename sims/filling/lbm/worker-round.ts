import type { Worker } from 'node:worker_threads';

/** What a slab worker (lbm-worker.mjs, wasm-worker.mjs) answers after stepping its slab. */
export interface WorkerReply {
  ok: boolean;
  message?: string;
}

/**
 * One round of the threaded engines: posts `{ steps, parity }` to every slab worker and settles
 * when all have answered. Rejects on the first failure (a worker's error event, or a reply with
 * ok = false, prefixed by `who`); the listeners of this round are detached either way, so a late
 * reply of another worker cannot settle a later round.
 *
 * @param workers the slab workers, each stepping its own z-slab behind a shared barrier.
 * @param steps lattice steps to advance (time steps, ≥ 1).
 * @param parity which of the two distribution buffers holds the current state (0 or 1).
 * @param who the name of the worker in error messages, e.g. 'lbm worker'.
 * @returns a promise resolved once every worker has stepped.
 * @example
 * await stepWorkers(workers, 10, parity, 'lbm worker');
 */
export function stepWorkers(workers: readonly Worker[], steps: number, parity: number, who: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = workers.length;
    const cleanups: (() => void)[] = [];
    const finish = (err: Error | null): void => {
      cleanups.forEach((c) => c());
      if (err) reject(err);
      else resolve();
    };
    for (const w of workers) {
      const onMessage = (reply: WorkerReply): void => {
        if (!reply.ok) return finish(new Error(`${who} failed: ${reply.message}`));
        if (--pending === 0) finish(null);
      };
      const onError = (e: Error): void => finish(e);
      w.on('message', onMessage);
      w.on('error', onError);
      cleanups.push(() => {
        w.off('message', onMessage);
        w.off('error', onError);
      });
      w.postMessage({ steps, parity });
    }
  });
}
