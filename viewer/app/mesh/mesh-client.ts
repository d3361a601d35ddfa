import { proxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { MeshResult, MeshWorkerApi } from './mesh-worker.ts';

let remote: Remote<MeshWorkerApi> | null = null;

/** Meshes phases in a Web Worker (surface nets); the page only receives the finished buffers. */
export function meshPhases(
  labels: Uint8Array,
  shape: [number, number, number],
  phases: number[],
  onProgress: (phase: number, fraction: number) => void,
): Promise<MeshResult> {
  remote ??= wrap<MeshWorkerApi>(new Worker(new URL('./mesh-worker.ts', import.meta.url), { type: 'module' }));
  // A copy goes over, so the page keeps its labels.
  return remote.mesh(labels.slice(), shape, phases, proxy(onProgress));
}
