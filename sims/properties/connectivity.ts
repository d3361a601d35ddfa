import { facesTouched, type Axis, type Components } from '../../src/voxel/components.ts';

// Connectivity of a phase as the properties report it, read off the 6-connected components that
// src/voxel/components.ts labels.

export interface ConnectivityFractions {
  /** Fraction of the phase volume in components touching both faces of the axis. */
  connected: number;
  /** Fraction touching neither face. */
  isolated: number;
  /** Fraction touching exactly one face. */
  deadEnd: number;
}

/**
 * Connected, dead-end and isolated shares of a phase along one axis (TauFactor's and PoreSpy's
 * percolation split), from its 6-connected components.
 *
 * @param components the phase's components (labelComponents of its mask).
 * @param axis 'x', 'y' or 'z': the pair of faces a component must join to count as connected.
 * @returns volume fractions of the phase (sum 1; all 0 for an absent phase): connected (touches
 *   both faces), deadEnd (one face), isolated (neither).
 * @example
 * const f = connectivityFractions(labelComponents(poreMask, volume.shape), 'z');
 * f.connected; // e.g. 0.98
 */
export function connectivityFractions(components: Components, axis: Axis): ConnectivityFractions {
  let total = 0;
  const by = [0, 0, 0];
  for (let c = 0; c < components.count; c++) {
    const s = components.size[c]!;
    total += s;
    by[facesTouched(components, c, axis)]! += s;
  }
  if (total === 0) return { connected: 0, isolated: 0, deadEnd: 0 };
  return { connected: by[2]! / total, isolated: by[0]! / total, deadEnd: by[1]! / total };
}

/**
 * Mask of the voxels in components that touch both faces of `axis` (the percolating cluster).
 *
 * @param components 6-connected components (labelComponents).
 * @param axis 'x', 'y' or 'z'.
 * @param out where to set 1 on percolating voxels (others left as they are); default a new zeroed mask.
 * @returns `out`, one byte per voxel.
 * @example
 * const through = percolatingMask(labelComponents(poreMask, volume.shape), 'z');
 */
export function percolatingMask(components: Components, axis: Axis, out: Uint8Array = new Uint8Array(components.label.length)): Uint8Array {
  const keep = new Uint8Array(components.count);
  for (let c = 0; c < components.count; c++) keep[c] = facesTouched(components, c, axis) === 2 ? 1 : 0;
  const label = components.label;
  for (let i = 0; i < out.length; i++) {
    const c = label[i]!;
    if (c >= 0 && keep[c]) out[i] = 1;
  }
  return out;
}
