import { proxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { MeshResult, MeshWorkerApi } from './mesh-worker.ts';

let worker: Worker | null = null;
let remote: Remote<MeshWorkerApi> | null = null;

/**
 * Meshes phases in a Web Worker (surface nets); the page only receives the finished buffers.
 *
 * Progress reaches the page through a comlink proxy, which is a MessagePort of its own: the browser
 * orders messages per port, not across ports, so a late "95 %" can arrive after the result. Calls
 * after the result are dropped, or they would overwrite the finished status. A worker that fails to
 * load or throws rejects the promise instead of leaving it pending forever.
 */
export function meshPhases(
  labels: Uint8Array,
  shape: [number, number, number],
  phases: number[],
  onProgress: (phase: number, fraction: number) => void,
): Promise<MeshResult> {
  if (!worker || !remote) {
    worker = new Worker(new URL('./mesh-worker.ts', import.meta.url), { type: 'module' });
    remote = wrap<MeshWorkerApi>(worker);
  }
  const w = worker;
  let settled = false;
  let onError: (e: ErrorEvent) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    onError = (e: ErrorEvent): void => {
      // The worker is unusable after a load error: end it and start a fresh one next time.
      w.terminate();
      worker = null;
      remote = null;
      reject(new Error(`surface meshing worker failed: ${e.message || 'could not load'}`));
    };
    w.addEventListener('error', onError);
  });
  // A copy goes over, so the page keeps its labels.
  const meshed = remote.mesh(
    labels.slice(),
    shape,
    phases,
    proxy((phase: number, fraction: number) => {
      if (!settled) onProgress(phase, fraction);
    }),
  );
  return Promise.race([meshed, failed]).finally(() => {
    settled = true;
    w.removeEventListener('error', onError);
  });
}
