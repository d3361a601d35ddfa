import { proxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { AutomatonFrame } from './wetting-automaton.ts';
import type { FillWorkerApi, LiveRunRequest, LiveRunResult } from './fill-worker.ts';

let worker: Worker | null = null;
let remote: Remote<FillWorkerApi> | null = null;

/** Starts the in-browser wetting automaton in a Web Worker; frames stream to `onFrame` as they come. */
export async function runLive(
  req: LiveRunRequest,
  onFrame: (f: AutomatonFrame, backend: string) => void,
): Promise<LiveRunResult> {
  if (!worker) {
    worker = new Worker(new URL('./fill-worker.ts', import.meta.url), { type: 'module' });
    remote = wrap<FillWorkerApi>(worker);
  }
  return remote!.run(req, proxy(onFrame));
}

export async function stopLive(): Promise<void> {
  await remote?.stop();
}
