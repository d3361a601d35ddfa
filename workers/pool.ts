import { Worker } from 'node:worker_threads';
import os from 'node:os';
import { wrap, releaseProxy, type Remote } from 'comlink';
import { AbortedError } from '../src/errors.ts';
import { nodeEndpoint } from './node-endpoint.ts';
import type { RunWorkerApi } from './run-worker.ts';
import type { ChainJob, ChainResult } from './chain.ts';
import { workerEntry, type WorkerLoad } from './worker-entry-url.ts';

/** A run stopped because it exceeded the per-run time limit (its worker was terminated). */
export class TimeLimitError extends Error {
  override readonly name = 'TimeLimitError';
}

/** A worker died while running (out of memory, native crash, process.exit). */
export class WorkerCrashedError extends Error {
  override readonly name = 'WorkerCrashedError';
}

export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

interface Slot {
  worker: Worker;
  api: Remote<RunWorkerApi>;
  ready: Promise<void>;
  /** Rejects the running job when the worker dies or is stopped. */
  fail?: (e: Error) => void;
}

interface Pending {
  job: ChainJob;
  onStart?: () => void;
  resolve: (r: ChainResult) => void;
  reject: (e: Error) => void;
}

export interface PoolOptions {
  size?: number;
  /** Compute backend each worker creates (as --backend). */
  backend?: string;
  /** Per-run wall-clock limit in milliseconds; the worker is terminated and replaced. */
  timeLimitMs?: number;
  /** 'tsx': workers load the TypeScript sources instead of the bundle (default: the bundle where it can be built). */
  load?: WorkerLoad;
}

/**
 * A fixed number of worker threads, each running one sample at a time through comlink. A run
 * over its time limit, or a crashed worker, fails that run only: the worker is replaced and the
 * queue goes on.
 */
export class WorkerPool {
  readonly size: number;
  /** The compute backend every worker creates (undefined: each worker picks as --backend auto). */
  readonly backend: string | undefined;
  /** Workers started so far, replacements of timed-out or crashed ones included. */
  spawned = 0;
  /** How the workers load their code (worker-entry-url.ts). */
  readonly load: WorkerLoad;
  private readonly entry: URL;
  private readonly idle: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly all = new Set<Slot>();
  private closed = false;

  constructor(private readonly options: PoolOptions = {}) {
    this.size = Math.max(1, options.size ?? defaultWorkerCount());
    this.backend = options.backend;
    ({ url: this.entry, load: this.load } = workerEntry(options.load));
    for (let i = 0; i < this.size; i++) this.idle.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry, { stdout: false, stderr: false });
    this.spawned++;
    const slot: Slot = {
      worker,
      api: wrap<RunWorkerApi>(nodeEndpoint(worker)),
      ready: new Promise<void>((resolve, reject) => {
        const onMessage = (m: unknown): void => {
          if (m && typeof m === 'object' && 'mesolabWorkerReady' in m) {
            worker.off('message', onMessage);
            resolve();
          }
        };
        worker.on('message', onMessage);
        worker.once('error', (e: Error) => reject(new WorkerCrashedError(`worker failed to start: ${e.message}`)));
        worker.once('exit', (code) => reject(new WorkerCrashedError(`worker exited with code ${code} before it was ready`)));
      }),
    };
    slot.ready.catch(() => undefined);
    worker.on('error', (e: Error) => slot.fail?.(new WorkerCrashedError(`worker crashed: ${e.message}`)));
    worker.on('exit', (code) => slot.fail?.(new WorkerCrashedError(`worker exited with code ${code}`)));
    this.all.add(slot);
    return slot;
  }

  /** Runs one job on the next free worker; `onStart` is called when a worker takes it. */
  run(job: ChainJob, onStart?: () => void): Promise<ChainResult> {
    if (this.closed) return Promise.reject(new AbortedError('worker pool closed'));
    return new Promise<ChainResult>((resolve, reject) => {
      this.queue.push({ job, resolve, reject, ...(onStart ? { onStart } : {}) });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (!this.closed && this.idle.length > 0 && this.queue.length > 0) {
      const slot = this.idle.pop()!;
      const pending = this.queue.shift()!;
      void this.execute(slot, pending);
    }
  }

  private async execute(slot: Slot, pending: Pending): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let replaced = false;
    const replace = (): void => {
      if (replaced) return;
      replaced = true;
      this.all.delete(slot);
      slot.api[releaseProxy]();
      void slot.worker.terminate();
      if (!this.closed) this.idle.push(this.spawn());
    };
    try {
      const result = await new Promise<ChainResult>((resolve, reject) => {
        slot.fail = reject;
        // The limit covers the run, not the worker's start-up (loading TypeScript and the sims).
        slot.ready
          .then(() => {
            pending.onStart?.();
            if (this.options.timeLimitMs !== undefined) {
              timer = setTimeout(() => reject(new TimeLimitError(`run exceeded the time limit of ${this.options.timeLimitMs! / 1000} s`)), this.options.timeLimitMs);
            }
            return slot.api.run(pending.job, this.options.backend);
          })
          .then(resolve, reject);
      });
      pending.resolve(result);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      // A worker that timed out or crashed cannot be trusted with the next run.
      if (err instanceof TimeLimitError || err instanceof WorkerCrashedError || err instanceof AbortedError) replace();
      pending.reject(err);
    } finally {
      if (timer) clearTimeout(timer);
      slot.fail = undefined;
      if (!replaced && !this.closed) this.idle.push(slot);
      this.dispatch();
    }
  }

  /** Stops every worker now; running and queued jobs are rejected with AbortedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new AbortedError('sweep stopped'));
    const slots = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    for (const s of slots) s.fail?.(new AbortedError('sweep stopped'));
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => 0)));
  }
}
