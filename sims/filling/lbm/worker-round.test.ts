import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { stepWorkers } from './worker-round.ts';
import type { WorkerReply } from './worker-round.ts';

/** A stand-in slab worker: records what it was posted and answers with `reply` on the next tick. */
class FakeWorker extends EventEmitter {
  posted: unknown[] = [];
  constructor(private readonly reply: WorkerReply | Error) {
    super();
  }
  postMessage(m: unknown): void {
    this.posted.push(m);
    setImmediate(() => (this.reply instanceof Error ? this.emit('error', this.reply) : this.emit('message', this.reply)));
  }
}

const asWorkers = (fakes: FakeWorker[]): Worker[] => fakes as unknown as Worker[];

describe('stepWorkers (one round of the threaded engines)', () => {
  it('posts { steps, parity } to every worker, resolves once all answered, and leaves no listener behind', async () => {
    const fakes = [new FakeWorker({ ok: true }), new FakeWorker({ ok: true }), new FakeWorker({ ok: true })];
    await expect(stepWorkers(asWorkers(fakes), 7, 1, 'lbm worker')).resolves.toBeUndefined();
    for (const f of fakes) {
      expect(f.posted).toEqual([{ steps: 7, parity: 1 }]);
      expect(f.listenerCount('message') + f.listenerCount('error')).toBe(0);
    }
  });

  it("rejects with the worker's message, prefixed by who failed, on a reply with ok = false", async () => {
    const fakes = [new FakeWorker({ ok: true }), new FakeWorker({ ok: false, message: 'negative density -0.07' })];
    await expect(stepWorkers(asWorkers(fakes), 2, 0, 'lbm wasm worker')).rejects.toThrow('lbm wasm worker failed: negative density -0.07');
    for (const f of fakes) expect(f.listenerCount('message') + f.listenerCount('error')).toBe(0);
  });

  it("rejects with a worker's error event as it is", async () => {
    const boom = new Error('worker exited');
    await expect(stepWorkers(asWorkers([new FakeWorker(boom)]), 1, 0, 'lbm worker')).rejects.toBe(boom);
  });
});
