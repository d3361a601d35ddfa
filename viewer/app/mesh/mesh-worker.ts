import { expose, transfer } from 'comlink';
import { surfaceNets } from './surface-nets.ts';
import type { PhaseMesh } from './surface-nets.ts';

export interface MeshResult {
  meshes: PhaseMesh[];
  /** Wall-clock milliseconds for all phases, in the worker. */
  ms: number;
}

const api = {
  /**
   * Meshes each requested phase off the page's thread; progress is posted about every 5 % so the
   * page can show it without being flooded.
   */
  mesh(
    labels: Uint8Array,
    shape: [number, number, number],
    phases: number[],
    onProgress: (phase: number, fraction: number) => void,
  ): MeshResult {
    const t0 = performance.now();
    const meshes: PhaseMesh[] = [];
    for (const label of phases) {
      let last = -1;
      meshes.push(
        surfaceNets(labels, shape, label, (done, total) => {
          const f = Math.floor((20 * done) / total);
          if (f !== last) {
            last = f;
            void onProgress(label, done / total);
          }
        }),
      );
    }
    const ms = performance.now() - t0;
    return transfer({ meshes, ms }, meshes.flatMap((m) => [m.positions.buffer, m.normals.buffer, m.indices.buffer]));
  },
};

export type MeshWorkerApi = typeof api;
expose(api);
