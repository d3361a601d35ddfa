import { NODE } from './lattice.ts';
import type { LatticeDomain } from './domain.ts';
import { wrap } from './domain.ts';

export interface TrappedGas {
  /** Gas nodes inside the volume that no gas path (6-connected) links to the outlet side. */
  trappedNodes: number;
  /** Number of such disconnected gas clusters. */
  clusters: number;
  /** Size of each trapped cluster in nodes, largest first. */
  sizes: number[];
}

/**
 * Gas is a non-solid node whose electrolyte fraction is below ½. Gas connected to the layers at or
 * beyond `escapeFromZ` (gas reservoir and outlet) can still leave; the rest is trapped. With a
 * closed outlet nothing can leave, so every gas cluster inside the volume counts.
 */
export function trappedGas(domain: LatticeDomain, phi: Float32Array, volumeZ: readonly [number, number], escapeFromZ: number | null): TrappedGas {
  const { nx, ny, nz, node } = domain;
  const plane = nx * ny;
  const n = plane * nz;
  const isGas = (i: number): boolean => node[i] !== NODE.solid && phi[i]! < 0.5;
  const mark = new Int32Array(n); // 0 unvisited, -1 escaped, k>0 cluster id
  const stack = new Int32Array(n);
  const flood = (seed: number, id: number): number => {
    let top = 0;
    stack[top++] = seed;
    mark[seed] = id;
    let count = 0;
    while (top > 0) {
      const i = stack[--top]!;
      const z = Math.floor(i / plane);
      const r = i - z * plane;
      const y = Math.floor(r / nx);
      const x = r - y * nx;
      if (z >= volumeZ[0] && z < volumeZ[1]) count++;
      const nbrs = [
        wrap(x - 1, nx) + nx * y + plane * z,
        wrap(x + 1, nx) + nx * y + plane * z,
        x + nx * wrap(y - 1, ny) + plane * z,
        x + nx * wrap(y + 1, ny) + plane * z,
        z > 0 ? i - plane : -1,
        z < nz - 1 ? i + plane : -1,
      ];
      for (const j of nbrs) {
        if (j < 0 || mark[j] !== 0 || !isGas(j)) continue;
        mark[j] = id;
        stack[top++] = j;
      }
    }
    return count;
  };
  if (escapeFromZ !== null) {
    for (let i = escapeFromZ * plane; i < n; i++) if (mark[i] === 0 && isGas(i)) flood(i, -1);
  }
  const sizes: number[] = [];
  for (let i = volumeZ[0] * plane; i < volumeZ[1] * plane; i++) {
    if (mark[i] !== 0 || !isGas(i)) continue;
    sizes.push(flood(i, sizes.length + 1));
  }
  sizes.sort((a, b) => b - a);
  return { trappedNodes: sizes.reduce((a, b) => a + b, 0), clusters: sizes.length, sizes };
}
