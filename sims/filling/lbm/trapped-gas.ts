import { NODE } from './lattice.ts';
import type { LatticeDomain } from './domain.ts';
import { labelComponents } from '../../../src/voxel/components.ts';

export interface TrappedGas {
  /** Gas nodes inside the volume that no gas path (6-connected) links to the outlet side. */
  trappedNodes: number;
  /** Number of such disconnected gas clusters. */
  clusters: number;
  /** Size of each trapped cluster in nodes, largest first. */
  sizes: number[];
  /** Gas nodes inside the volume that can still leave through the outlet (0 with a closed outlet's nothing-escapes rule: all gas counts as trapped). */
  connectedNodes: number;
}

/**
 * Gas is a non-solid node whose electrolyte fraction is below ½. Gas connected to the layers at or
 * beyond `escapeFromZ` (gas reservoir and outlet) can still leave; the rest is trapped. With a
 * closed outlet nothing can leave, so every gas cluster inside the volume counts.
 * Clusters are 6-connected, periodic in x and y like the lattice; only their nodes inside the
 * volume are counted.
 *
 * @param domain the run's lattice (node kinds and size).
 * @param phi electrolyte fraction per lattice node (dimensionless, 0–1; electrolyteFraction).
 * @param volumeZ first and one-past-last lattice z of the volume (nodes).
 * @param escapeFromZ first lattice z from which gas can leave (nodes), null for a closed outlet.
 * @returns trappedNodes, clusters and sizes (largest first) of the trapped gas, and connectedNodes
 *   still linked to the outlet, all in nodes inside the volume (one node per voxel).
 * @example
 * const t = trappedGas(domain, phi, [5, 5 + volume.shape[2]], 5 + volume.shape[2]);
 * t.trappedNodes / poreVoxels; // trapped gas fraction of the pore volume
 */
export function trappedGas(domain: LatticeDomain, phi: Float32Array, volumeZ: readonly [number, number], escapeFromZ: number | null): TrappedGas {
  const { nx, ny, nz, node } = domain;
  const plane = nx * ny;
  const n = plane * nz;
  const gas = new Uint8Array(n);
  for (let i = 0; i < n; i++) gas[i] = node[i] !== NODE.solid && phi[i]! < 0.5 ? 1 : 0;
  // x and y wrap on the lattice (domain.ts), so the gas clusters do too.
  const { label, count } = labelComponents(gas, [nx, ny, nz], { periodic: [true, true, false] });
  const escaped = new Uint8Array(count);
  if (escapeFromZ !== null) {
    for (let i = escapeFromZ * plane; i < n; i++) if (label[i]! >= 0) escaped[label[i]!] = 1;
  }
  // A cluster's size counts its nodes inside the volume only (not those in the reservoirs).
  const inVolume = new Float64Array(count);
  let connectedNodes = 0;
  for (let i = volumeZ[0] * plane; i < volumeZ[1] * plane; i++) {
    const c = label[i]!;
    if (c < 0) continue;
    if (escaped[c]) connectedNodes++;
    else inVolume[c]!++;
  }
  const sizes: number[] = [];
  for (let c = 0; c < count; c++) if (inVolume[c]! > 0) sizes.push(inVolume[c]!);
  sizes.sort((a, b) => b - a);
  return { trappedNodes: sizes.reduce((a, b) => a + b, 0), clusters: sizes.length, sizes, connectedNodes };
}
