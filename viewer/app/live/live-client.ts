import { proxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { FillWorkerApi, LiveFrame, LiveRunRequest, LiveRunResult } from './fill-worker.ts';

let worker: Worker | null = null;
let remote: Remote<FillWorkerApi> | null = null;

/** Starts a live filling run (LBM or the automaton) in a Web Worker; frames stream to `onFrame` as they come. */
export async function runLive(req: LiveRunRequest, onFrame: (f: LiveFrame) => void): Promise<LiveRunResult> {
  if (!worker) {
    worker = new Worker(new URL('./fill-worker.ts', import.meta.url), { type: 'module' });
    remote = wrap<FillWorkerApi>(worker);
  }
  return remote!.run(req, proxy(onFrame));
}

export async function stopLive(): Promise<void> {
  await remote?.stop();
}
